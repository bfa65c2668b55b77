"""What the headless-Chromium tests share: the browser, its flags (FIELD-NOTES: no network of its
own, fake camera and microphone, loopback WebRTC) and a wait on what the page shows."""

from __future__ import annotations

import asyncio
import os
import shutil

CHROMIUM = os.environ.get("HUDDLE_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
    "--allow-loopback-in-peer-connection", "--disable-features=WebRtcHideLocalIpsWithMdns",
]


async def eventually(fn, predicate, timeout=20.0):  # noqa: ANN001, ANN201
    """``await fn()`` until ``predicate`` holds for its value or ``timeout`` seconds pass; the last value."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    value = await fn()
    while not predicate(value) and loop.time() < deadline:
        await asyncio.sleep(0.1)
        value = await fn()
    return value
