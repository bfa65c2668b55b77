"""Sign-in at the identity provider: how long a person waits.

    python bench/oidc.py [--runs N]

Starts the tests' real OpenID provider (tests/oidc: the oidc-provider npm package; `npm ci` there
first) on 127.0.0.1, a store configured for it, and prints:

* browser: ``huddle serve`` in headless Chromium, from the click on the provider's sign-in button
  (then its consent page) to the app's first screen in the page (textual-serve's first byte);
* device: the terminal's device flow, from the code shown to signed in, with the code confirmed
  at once (the provider's own forms, over HTTP). The provider names no polling interval, so the
  client waits RFC 8628's default of 5 s between polls: that wait is most of this figure.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests import oidc_provider as idp  # noqa: E402 - the tests' provider, not a copy of it


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_port(port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise SystemExit(f"huddle serve did not listen on {port}")


async def browser_round_trips(provider: idp.OidcProvider, tmp: Path, runs: int) -> list[float]:
    from playwright.async_api import async_playwright

    chromium = os.environ.get("HUDDLE_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    db = tmp / "serve.db"
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    idp.configure(str(db), provider, provider.register([f"{base}/oidc/callback"]), tmp / "serve-secret")
    huddle = str(Path(sys.executable).with_name("huddle"))
    server = subprocess.Popen([huddle, "--db", str(db), "serve", "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    out: list[float] = []
    try:
        _wait_port(port)
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
            try:
                for _ in range(runs + 1):  # the first run warms the server and the provider up
                    context = await browser.new_context(viewport={"width": 1200, "height": 800})
                    page = await context.new_page()
                    await page.goto(f"{base}/")
                    await page.fill("input[name=login]", "anna")
                    await page.fill("input[name=password]", "any")
                    started = time.perf_counter()
                    await page.click("button[type=submit]")
                    await page.click("button[type=submit]")  # consent
                    await page.wait_for_selector("body.-first-byte", timeout=60000)
                    out.append(time.perf_counter() - started)
                    await context.close()
            finally:
                await browser.close()
    finally:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=10)
    return out[1:]


def device_round_trips(provider: idp.OidcProvider, tmp: Path, runs: int) -> list[float]:
    from huddle.services import oidc
    from huddle.store import Store

    db = tmp / "device.db"
    idp.configure(str(db), provider, provider.register(), tmp / "device-secret")
    store = Store.open(str(db))
    out: list[float] = []
    try:
        shown: list[float] = []

        def show(code) -> None:  # noqa: ANN001
            shown.append(time.perf_counter())
            threading.Thread(target=provider.confirm_device, args=(code.verification_uri, code.user_code, "anna"),
                             daemon=True).start()

        for _ in range(runs):
            oidc.device_sign_in(store, show=show)
            out.append(time.perf_counter() - shown[-1])
    finally:
        store.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    problem = idp.missing()
    if problem:
        raise SystemExit(problem)
    with tempfile.TemporaryDirectory() as tmp_s:
        tmp = Path(tmp_s)
        provider = idp.start(tmp)
        try:
            browser = asyncio.run(browser_round_trips(provider, tmp, args.runs))
            device = device_round_trips(provider, tmp, max(1, args.runs // 2))
        finally:
            idp.stop(provider)

    def line(label: str, xs: list[float]) -> str:
        return (f"{label:<44} n={len(xs)}  median {statistics.median(xs):.2f} s  "
                f"min {min(xs):.2f} s  max {max(xs):.2f} s")

    print(line("browser: sign-in click -> app's first screen", browser))
    print(line("device: code shown -> signed in", device))


if __name__ == "__main__":
    main()
