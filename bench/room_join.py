"""Bench: join click -> the first remote video playing, with 2 and with 4 headless Chromium participants.

The room runs as the app runs it (``RoomController``: a separate ``huddle room``
process on a temporary SQLite store).  For N participants, N-1 Chromium tabs
join and stay; then, ``--joins`` times, a fresh tab fills the form, and the time
from its Join click to the first other participant's video playing (a frame
painted: ``videoWidth > 0`` and ``currentTime > 0``) is measured inside the page,
and the tab closes (it leaves at once).  p50 / p95 per N.

Reference, measured in the same room: the pure-Python client (aiortc, no
browser) from opening its websocket to the first remote video frame decoded;
the browser's figure is printed as a ratio of it.  The goal is p95 <= 1 s with 2.

    /work/venv/bin/python bench/room_join.py [--joins 10] [--sizes 2,4]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import tempfile
import time

# The same Chromium flags as bench/room.py (this script runs beside it: bench/ is on sys.path).
from room import BROWSER_ARGS as ARGS  # noqa: E402

# Click Join, then look every 5 ms for another participant's video with a painted frame.
FIRST_PICTURE = """() => new Promise((resolve) => {
  const t0 = performance.now();
  const look = () => {
    const v = [...document.querySelectorAll('.tile:not(.me) video')].find((x) => x.videoWidth > 0 && x.currentTime > 0);
    if (v) resolve(performance.now() - t0);
    else if (performance.now() - t0 > 15000) resolve(-1);  // never: printed as a failed join
    else setTimeout(look, 5);
  };
  document.querySelector('#join-button').click();
  look();
})"""


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = max(0, min(len(ordered) - 1, round(q * (len(ordered) - 1))))
    return ordered[k]


async def python_join_ms(link: str, code: str, tries: int) -> list[float]:
    """The pure-Python client: websocket open -> first remote video frame (ms)."""
    from huddle.room.peer import PythonParticipant

    out = []
    for i in range(tries):
        p = PythonParticipant(link, name=f"Python {i}", audio=False)
        try:
            t0 = time.monotonic()
            await p.join(code)
            deadline = time.monotonic() + 15
            while not any(r.kind == "video" and r.frames for r in p.received.values()):
                if time.monotonic() > deadline:
                    raise TimeoutError("the Python client saw no video")
                await asyncio.sleep(0.002)
            out.append((time.monotonic() - t0) * 1000)
        finally:
            await p.close()
        await asyncio.sleep(0.3)
    return out


async def run(sizes: list[int], joins: int) -> None:
    from playwright.async_api import async_playwright

    from huddle.domain.clock import SystemClock, local_date
    from huddle.room.control import RoomController
    from huddle.room.server import include_loopback_candidates

    include_loopback_candidates()  # the Python reference client talks over 127.0.0.1 too
    chromium = os.environ.get("HUDDLE_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    with tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "bench.db")
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=chromium, args=ARGS, headless=True)
            try:
                for n in sizes:
                    room = RoomController(db, local_date(SystemClock().now()), port=0, max_participants=max(n, 2))
                    info = await room.start()
                    try:
                        residents = []
                        for i in range(n - 1):
                            tab = await browser.new_page()
                            await tab.goto(info.link)
                            await tab.fill("#name", f"Resident {i}")
                            await tab.fill("#code", info.code)
                            await tab.click("#join-button")
                            await tab.wait_for_selector(".tile.me")
                            residents.append(tab)
                        while len(await room.participants()) < n - 1:
                            await asyncio.sleep(0.05)
                        await asyncio.sleep(1.0)  # their cameras running
                        times = []
                        for i in range(joins):
                            tab = await browser.new_page()
                            await tab.goto(info.link)
                            await tab.fill("#name", f"Joiner {i}")
                            await tab.fill("#code", info.code)
                            ms = await tab.evaluate(FIRST_PICTURE)
                            if ms < 0:
                                print(f"  join {i} failed: {await tab.inner_text('body')!r}"[:300], flush=True)
                            else:
                                times.append(ms)
                            await tab.close()
                            for _ in range(200):
                                if len(await room.participants()) <= n - 1:
                                    break
                                await asyncio.sleep(0.05)
                            await asyncio.sleep(0.3)
                        reference = await python_join_ms(info.link, info.code, joins)
                        for tab in residents:
                            await tab.close()
                    finally:
                        await room.stop()
                    ref = statistics.median(reference)
                    print(f"N={n}: Chromium join click -> first remote video playing over {joins} joins: "
                          f"p50 {pct(times, 0.5):.0f} ms, p95 {pct(times, 0.95):.0f} ms "
                          f"(min {min(times):.0f}, max {max(times):.0f})", flush=True)
                    print(f"      reference, Python client websocket -> first remote frame: p50 {ref:.0f} ms, "
                          f"p95 {pct(reference, 0.95):.0f} ms; browser p50 = {pct(times, 0.5) / ref:.1f}x reference", flush=True)
            finally:
                await browser.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--joins", type=int, default=10)
    ap.add_argument("--sizes", default="2,4")
    args = ap.parse_args()
    asyncio.run(run([int(x) for x in args.sizes.split(",")], args.joins))


if __name__ == "__main__":
    main()
