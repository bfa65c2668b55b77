"""Store benchmark: what one change costs, what many writers do, and what a cold command costs.

    python bench/store.py [--n 300] [--writers 8] [--writes 500] [--cold 10]

Prints one table.  Every figure sits beside a reference measured in the same run on the same
machine (raw sqlite3 for a commit, ``python -c pass`` for a process), with the ratio.
Goals from issue 3: a case state change commits in p50 <= 2 ms, p95 <= 10 ms; 8 writers lose,
duplicate and fail nothing.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from huddle.domain.clock import UTC, FakeClock  # noqa: E402
from huddle.domain.pnr import luhn_digit  # noqa: E402
from huddle.store import Store  # noqa: E402

DAY = date(2030, 1, 7)



def fictitious_pnr(k: int, serial: int) -> str:
    born = date(1925, 1, 1) + timedelta(days=k)
    six, nnn = born.strftime("%y%m%d"), f"{serial % 999 + 1:03d}"
    return f"{born.year // 100}{six}-{nnn}{luhn_digit(six + nnn)}"


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(p / 100 * len(s) + 0.5) - 1))]


def ms(v: float) -> str:
    return f"{v * 1000:.2f} ms"


# -- 1. one change through the service, beside raw sqlite3 --------------------------------------------


def service_timings(target: str, n: int) -> dict[str, list[float]]:
    """Seconds per call of the services a meeting uses most, on the store at ``target`` (any engine)."""
    from huddle.services import agenda, meeting

    clock = FakeClock(datetime(2030, 1, 7, 7, 55, tzinfo=UTC))
    store = Store.open(target, clock=clock)
    for k in range(20):  # a realistic agenda: 20 patients
        agenda.add_patient(store, pnr=fictitious_pnr(k, 1), name=f"Testperson {k}", unit="Avd 12",
                           municipality="Oskarshamn", question="Hemgång?", day=DAY)
    rows = agenda.list_agenda(store, DAY, with_identity=False)
    meeting.start_meeting(store, DAY)

    def timed(fn, count):  # noqa: ANN001
        out = []
        for i in range(count):
            clock.advance(1)
            t0 = time.perf_counter()
            fn(i)
            out.append(time.perf_counter() - t0)
        return out

    ids = [r.case_id for r in rows]

    def state_change(i: int) -> None:
        # As in a meeting: pause/resume a few times, then switch to another case (forward or back),
        # so each case keeps a realistic handful of intervals.
        if i % 6 == 0:
            meeting.select_case(store, DAY, ids[(i // 6) % len(ids)])
        else:
            meeting.toggle_pause(store, DAY)

    timed(state_change, 24)  # warm up
    pause = timed(state_change, n)
    question = timed(lambda i: agenda.edit_question(store, rows[i % len(rows)].case_id, f"Fråga {i}"), n)
    beat = timed(lambda i: meeting.heartbeat(store, DAY), n)
    listing = timed(lambda i: agenda.list_agenda(store, DAY), n // 3 or 1)
    store.close()
    return {"case state change (toggle_pause/select_case)": pause, "agenda.edit_question": question,
            "meeting.heartbeat": beat, "agenda.list_agenda (20 cases, audited)": listing}


def raw_sqlite_commits(path: Path, n: int) -> list[float]:
    """Raw sqlite3 on the same kind of file (WAL, synchronous NORMAL): one INSERT + COMMIT, in seconds."""
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    con.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, case_id INTEGER, at TEXT, what TEXT)")
    raw = []
    for i in range(n + 20):
        t0 = time.perf_counter()
        con.execute("BEGIN IMMEDIATE")
        con.execute("INSERT INTO t (case_id, at, what) VALUES (?, ?, ?)", (i, "2030-01-07 08:00:00", "pause"))
        con.execute("COMMIT")
        raw.append(time.perf_counter() - t0)
    con.close()
    return raw[20:]


def bench_service(tmp: Path, n: int) -> list[tuple[str, str, str, str]]:
    timings = service_timings(str(tmp / "service.db"), n)

    raw = raw_sqlite_commits(tmp / "raw.db", n)
    r50, r95 = statistics.median(raw), pct(raw, 95)

    out = [("raw sqlite3 INSERT+COMMIT (reference)", ms(r50), ms(r95), "1.0x")]
    for label, values in timings.items():
        p50, p95 = statistics.median(values), pct(values, 95)
        out.append((label, ms(p50), ms(p95), f"{p50 / r50:.0f}x p50"))
    return out


# -- 2. eight writer processes --------------------------------------------------------------------------


def _writer(path: str, w: int, writes: int, days: int, barrier, results) -> None:  # noqa: ANN001
    from sqlalchemy.exc import OperationalError

    from huddle.services import agenda

    store = Store.open(path, clock=FakeClock(datetime(2030, 1, 6, 12, 0, tzinfo=UTC)), create=False)
    ok = locked = other = 0
    slowest = 0.0
    barrier.wait()
    t0 = time.perf_counter()
    for n in range(writes):
        k = w * writes + n
        t1 = time.perf_counter()
        try:
            agenda.add_patient(store, pnr=fictitious_pnr(k, 100 + w), name=f"Testperson {w}-{n}", unit="Avd 1",
                               municipality="Högsby", question="", day=DAY + timedelta(days=7 * (n % days)))
            ok += 1
        except OperationalError as exc:
            locked += "locked" in str(exc) or "busy" in str(exc)
            other += not ("locked" in str(exc) or "busy" in str(exc))
        except Exception:  # noqa: BLE001
            other += 1
        slowest = max(slowest, time.perf_counter() - t1)
    results.put((ok, locked, other, time.perf_counter() - t0, slowest))
    store.close()


def bench_writers(tmp: Path, writers: int, writes: int, target: str | None = None) -> list[tuple[str, str, str, str]]:
    """``writers`` processes adding patients at once, on ``target`` (default a new SQLite file)."""
    from sqlalchemy import text

    path = target or str(tmp / "writers.db")
    Store.open(path).close()
    days = 10  # ten Mondays: 8 x 500 writes make ten agendas of 400
    ctx = mp.get_context("fork")
    barrier, results = ctx.Barrier(writers + 1), ctx.Queue()
    procs = [ctx.Process(target=_writer, args=(path, w, writes, days, barrier, results)) for w in range(writers)]
    for p in procs:
        p.start()
    barrier.wait()
    t0 = time.perf_counter()
    got = [results.get() for _ in procs]
    wall = time.perf_counter() - t0
    for p in procs:
        p.join()
    ok = sum(g[0] for g in got)
    locked = sum(g[1] for g in got)
    other = sum(g[2] for g in got)

    store = Store.open(path, create=False)
    with store.read() as s:
        stored = s.scalar(text('SELECT count(*) FROM "case"'))
        dup_pos = s.scalar(text(
            'SELECT count(*) FROM (SELECT huddle_id, position FROM "case" GROUP BY 1, 2 HAVING count(*) > 1) d'))
        gaps = s.scalar(text(
            'SELECT count(*) FROM (SELECT huddle_id, max(position) AS m, count(*) AS c FROM "case" GROUP BY 1) g'
            " WHERE m != c"))
        dup_pnr = s.scalar(text("SELECT count(*) FROM (SELECT pnr FROM patient GROUP BY 1 HAVING count(*) > 1) p"))
    store.close()
    lost = writers * writes - stored
    return [
        (f"{writers} writers x {writes} patient adds", f"{ok} ok", f"{wall:.1f} s", f"{ok / wall:.0f} writes/s"),
        ("  lock errors / other errors", str(locked), str(other), "goal 0 / 0"),
        ("  slowest single write (waiting for the lock)", "", ms(max(g[4] for g in got)), ""),
        ("  duplicate positions / position gaps", str(dup_pos), str(gaps), "goal 0 / 0"),
        ("  duplicate patients / lost rows", str(dup_pnr), str(lost), "goal 0 / 0"),
    ]


# -- 3. cold processes ------------------------------------------------------------------------------------


def bench_cold(tmp: Path, runs: int) -> list[tuple[str, str, str, str]]:
    from huddle.services import agenda

    db = tmp / "cold.db"
    store = Store.open(str(db))
    for k in range(20):
        agenda.add_patient(store, pnr=fictitious_pnr(k, 7), name=f"Testperson {k}", unit="Avd 12",
                           municipality="Västervik", question="", day=DAY)
    store.close()
    huddle = str(Path(sys.executable).with_name("huddle"))
    env = {**os.environ, "HUDDLE_LANG": "en"}

    def run(cmd: list[str]) -> list[float]:
        subprocess.run(cmd, capture_output=True, env=env)  # warm the page cache
        out = []
        for _ in range(runs):
            t0 = time.perf_counter()
            r = subprocess.run(cmd, capture_output=True, env=env)
            out.append(time.perf_counter() - t0)
            assert r.returncode == 0, r.stderr
        return out

    base = run([sys.executable, "-c", "pass"])
    agenda_json = run([huddle, "--db", str(db), "agenda", "--date", DAY.isoformat(), "--format", "json"])
    help_ = run([huddle, "--help"])
    b50 = statistics.median(base)
    return [
        ("python -c pass (reference)", ms(b50), ms(pct(base, 95)), "1.0x"),
        ("huddle agenda --format json (20 cases)", ms(statistics.median(agenda_json)), ms(pct(agenda_json, 95)),
         f"{statistics.median(agenda_json) / b50:.1f}x"),
        ("huddle --help", ms(statistics.median(help_)), ms(pct(help_, 95)), f"{statistics.median(help_) / b50:.1f}x"),
    ]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=300, help="service calls per measurement")
    ap.add_argument("--writers", type=int, default=8)
    ap.add_argument("--writes", type=int, default=500, help="writes per writer process")
    ap.add_argument("--cold", type=int, default=10, help="runs per cold-process measurement")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="huddle-bench-") as d:
        tmp = Path(d)
        rows = [("what", "p50", "p95", "ratio")]
        rows += bench_service(tmp, args.n)
        rows.append(("", "", "", ""))
        rows += bench_cold(tmp, args.cold)
        rows.append(("", "", "", ""))
        rows += bench_writers(tmp, args.writers, args.writes)
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    print(f"huddle store bench  (python {sys.version.split()[0]}, sqlite {sqlite3.sqlite_version}, {os.cpu_count()} cpus)")
    for i, r in enumerate(rows):
        print("  ".join(c.ljust(w) if j == 0 else c.rjust(w) for j, (c, w) in enumerate(zip(r, widths))))
        if i == 0:
            print("  ".join("-" * w for w in widths))


if __name__ == "__main__":
    main()
