"""Bench of the terminal app.  Prints figures; not a test.

    python bench/tui.py            # all three, about a minute on 2 cores
    python bench/tui.py --runs 3   # fewer first-paint runs

1. First paint: ``huddle --db <store>`` beside a bare Textual app, each started in a
   real pseudo-terminal (120x40) and timed until its first screen's text arrives.
   Ratio huddle / bare (goal <= 1.3, bar <= 1.5).
2. Key press to rendered screen: arrow keys written to the pty of ``huddle`` on the
   agenda (20 patients) while a thread in the same process runs a heavy store query
   in a loop; time from the key to the first byte of the repaint.  p50 / p95, beside
   a bare Textual DataTable app with no background work (goal <= 16 ms / <= 50 ms).
3. Timer error: the live screen on a clock running 30x real time for ten simulated
   minutes, the event loop stalled 200 ms every 0.7 s; the shown time against the
   stored interval, and a timer that adds its interval per tick as the reference
   (goal <= 0.1 s).
"""

from __future__ import annotations

import argparse
import asyncio
import fcntl
import os
import re
import select
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ANSI = re.compile(rb"\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)")
COLS, ROWS = 120, 40


# -- a program in a pseudo-terminal ---------------------------------------------------------
class Pty:
    def __init__(self, argv: list[str], env: dict | None = None) -> None:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
        full_env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
        full_env.update({"TERM": "xterm-256color", "HUDDLE_LANG": "en", **(env or {})})
        self.start = time.perf_counter()
        self.proc = subprocess.Popen(
            argv, stdin=slave, stdout=slave, stderr=slave, env=full_env, start_new_session=True, close_fds=True
        )
        os.close(slave)
        self.fd = master
        self.raw = b""

    def read(self, timeout: float) -> bytes:
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return b""
        try:
            data = os.read(self.fd, 65536)
        except OSError:
            return b""
        self.raw += data
        return data

    def text(self) -> str:
        return ANSI.sub(b"", self.raw).decode("utf-8", "replace")

    def wait_for(self, marker: str, timeout: float = 30.0) -> float:
        """Seconds from start until ``marker`` is on the screen."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            self.read(0.05)
            if marker in self.text():
                return time.perf_counter() - self.start
        raise TimeoutError(f"{marker!r} did not appear; got {self.text()[-400:]!r}")

    def drain(self, quiet: float = 0.15) -> None:
        while self.read(quiet):
            pass

    def key_latency(self, key: bytes, timeout: float = 5.0) -> float:
        """Seconds from writing ``key`` to the first byte of output."""
        self.drain(0.05)
        t0 = time.perf_counter()
        os.write(self.fd, key)
        while time.perf_counter() - t0 < timeout:
            if self.read(timeout):
                return time.perf_counter() - t0
        raise TimeoutError("no repaint")

    def close(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait(timeout=10)
        os.close(self.fd)


BARE_APP = """
import sys
from textual.app import App
from textual.widgets import DataTable, Footer, Header, Static

class Bare(App):
    def compose(self):
        yield Header()
        yield Static("bare first paint")
        yield DataTable(cursor_type="row")
        yield Footer()

    def on_mount(self):
        self.title = "bare"
        table = self.query_one(DataTable)
        table.add_columns("#", "Name", "Unit")
        for i in range(int(sys.argv[1])):
            table.add_row(str(i + 1), f"Patient {i + 1}", "Avd 12")
        table.focus()

Bare().run()
"""

HUDDLE_CHILD = """
import sys, threading
sys.path.insert(0, {root!r})
from huddle.i18n import set_language
set_language("en")

def heavy(target):
    # A heavy store query in a loop, in a thread of the app's own process.
    from sqlalchemy import text
    from huddle.store import Store
    store = Store.open(target, create=False)
    sql = text("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 2000000) SELECT sum(x) FROM c")
    while True:
        with store.read() as s:
            s.execute(sql).scalar()

from huddle.cli import Context
from huddle.cli.app import run_app
threading.Thread(target=heavy, args=(sys.argv[1],), daemon=True).start()
run_app(Context(db=sys.argv[1], lang="en", debug=False, user=None))
"""


def make_store(path: Path, patients: int) -> str:
    """A store with ``patients`` on the coming meeting day's agenda."""
    from huddle.domain.clock import SystemClock
    from huddle.services import agenda
    from huddle.store import Store

    def luhn(digits: str) -> int:
        total = 0
        for i, ch in enumerate(digits):
            d = int(ch) * (2 if i % 2 == 0 else 1)
            total += d // 10 + d % 10
        return (10 - total % 10) % 10

    store = Store.open(str(path), clock=SystemClock())
    for i in range(patients):
        base = f"4001{(i % 28) + 1:02d}{900 + i:03d}"
        pnr = f"19{base[:6]}-{base[6:]}{luhn(base)}"
        agenda.add_patient(store, pnr=pnr, name=f"Patient {i + 1}", unit="Avd 12", municipality="Kalmar", question="?")
    store.close()
    return str(path)


def first_paint(db: str, runs: int) -> None:
    huddle_bin = str(Path(sys.executable).with_name("huddle"))
    bare, ours, footer, loaded = [], [], [], []
    for _ in range(runs):
        p = Pty([sys.executable, "-c", BARE_APP, "20"])
        bare.append(p.wait_for("bare first paint"))
        p.close()
        p = Pty([huddle_bin, "--db", db])
        ours.append(p.wait_for("Opening the store"))  # the first screen's heading, before the store is read
        footer.append(p.wait_for("Add patient"))  # its footer (Textual fills the footer a frame later)
        loaded.append(p.wait_for("Patient 20"))  # the agenda read from the store
        p.close()
    b, h = statistics.median(bare), statistics.median(ours)
    f, d = statistics.median(footer), statistics.median(loaded)
    print(
        f"first paint (median of {runs}): bare Textual {b * 1000:.0f} ms, huddle {h * 1000:.0f} ms, "
        f"ratio {h / b:.2f}; huddle footer at {f * 1000:.0f} ms, agenda read from the store at {d * 1000:.0f} ms"
    )


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    idx = min(len(values) - 1, max(0, round(q * (len(values) - 1))))
    return values[idx]


def key_latency(db: str, presses: int) -> None:
    def measure(argv: list[str], marker: str) -> list[float]:
        p = Pty(argv)
        try:
            p.wait_for(marker)
            p.drain(0.5)
            out = []
            for i in range(presses):
                out.append(p.key_latency(b"\x1b[B" if (i // 5) % 2 == 0 else b"\x1b[A"))
            return out
        finally:
            p.close()

    bare = measure([sys.executable, "-c", BARE_APP, "20"], "Patient 20")
    ours = measure([sys.executable, "-c", HUDDLE_CHILD.format(root=str(ROOT)), db], "Patient 20")
    print(
        f"key to repaint ({presses} arrow keys): bare Textual idle p50 {percentile(bare, .5) * 1000:.1f} ms "
        f"p95 {percentile(bare, .95) * 1000:.1f} ms; huddle with a heavy query running "
        f"p50 {percentile(ours, .5) * 1000:.1f} ms p95 {percentile(ours, .95) * 1000:.1f} ms"
    )


class ScaledClock:
    """Real time, running ``speed`` times faster, from a fixed start."""

    def __init__(self, start: datetime, speed: float) -> None:
        self.start, self.speed, self.t0 = start, speed, time.perf_counter()

    def now(self) -> datetime:
        return self.start + timedelta(seconds=(time.perf_counter() - self.t0) * self.speed)


def timer_error(minutes: float, speed: float) -> None:
    from huddle.domain.clock import UTC
    from huddle.services import agenda, meeting
    from huddle.store import Store
    from screens.app import make_app
    from screens.live import TICK_S

    start = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)
    clock = ScaledClock(start, speed)
    tmp = tempfile.mkdtemp()
    store = Store.open(os.path.join(tmp, "timer.db"), clock=clock)
    agenda.add_patient(store, pnr="19121212-1212", name="Tolvan", unit="Avd 12", municipality="Kalmar", day=start.date())
    app = make_app(store=store, clock=clock, start="live", day=start.date())
    result: dict = {}

    async def run() -> None:
        async with app.run_test(size=(COLS, ROWS)) as pilot:
            while getattr(app.screen, "live", None) is None:
                await pilot.pause(0.05)
            await pilot.press("s")
            while not app.screen.live.running:
                await pilot.pause(0.05)
            live = app.screen
            naive = {"s": 0.0}

            def naive_tick() -> None:  # the reference: add the interval on every tick
                naive["s"] += TICK_S * speed

            def stall() -> None:
                time.sleep(0.2)

            live.set_interval(TICK_S, naive_tick)
            live.set_interval(0.7, stall)
            errors = []
            sim_end = minutes * 60
            started = live.live.current_intervals[0].start
            while True:
                await asyncio.sleep(0.05)
                shown = live.query_one("CaseTimer").shown
                if shown is None:
                    continue
                at, elapsed = shown
                truth = (at - started).total_seconds()
                errors.append(abs(elapsed - truth))
                if truth >= sim_end:
                    break
            live.tick()
            at, elapsed = live.query_one("CaseTimer").shown
            stored = meeting.load_live(store, start.date(), recover=False, audit=False).current_intervals[0].start
            result.update(
                shown=elapsed,
                truth=(at - stored).total_seconds(),
                max_err=max(errors),
                naive=naive["s"],
                naive_truth=(clock.now() - stored).total_seconds(),
            )

    asyncio.run(run())
    store.close()
    print(
        f"timer after {minutes:.0f} simulated minutes (clock x{speed:.0f}, loop stalled 200 ms every 0.7 s): "
        f"shown {result['shown']:.3f} s vs stored {result['truth']:.3f} s, error {abs(result['shown'] - result['truth']):.3f} s "
        f"(max over every tick {result['max_err']:.3f} s); "
        f"tick-counting reference error {abs(result['naive'] - result['naive_truth']):.1f} s"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5, help="first-paint runs of each")
    ap.add_argument("--presses", type=int, default=60)
    ap.add_argument("--minutes", type=float, default=10.0)
    ap.add_argument("--speed", type=float, default=30.0)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = make_store(Path(tmp) / "bench.db", 20)
        first_paint(db, args.runs)
        key_latency(db, args.presses)
    timer_error(args.minutes, args.speed)


if __name__ == "__main__":
    main()
