"""Manager statistics at county scale: a million cases over ten years, twenty organisations.

    python bench/stats.py [--cases 1000000] [--years 10] [--keep PATH]

Generates the store with bulk inserts on raw sqlite3 (fast), rebuilds the
rollup, then prints:

1. the dashboard's figures (last 30 days by municipality, every figure): goal <= 50 ms;
2. one year by municipality with p90 through the service's SQL (SQLAlchemy),
   beside the same query on raw sqlite3 in the same run: goal ratio <= 1.5;
   and, for scale, the same percentiles computed from the raw case and
   interval tables without the rollup;
3. the extra cost per case change of keeping the rollup current: the same
   change (a decision added to a case, one transaction through the ORM) with
   and without ``rollup.refresh``: goal <= 0.5 ms.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

MUNICIPALITIES = ("Kalmar", "Nybro", "Emmaboda", "Torsås", "Mörbylånga", "Borgholm", "Oskarshamn", "Högsby",
                  "Mönsterås", "Västervik")
ORGS = [(f"Länssjukhuset avdelning {i}", "ward", MUNICIPALITIES[i % 10]) for i in range(1, 7)]
ORGS += [(f"{m} hälsocentral", "primary_care", m) for m in MUNICIPALITIES[:7]]
ORGS += [(f"{m} kommun, hemsjukvård", "municipality", m) for m in MUNICIPALITIES[:7]]
assert len(ORGS) == 20
KINDS = ("home_visit", "sip_meeting", "medication_review", "other")
FMT = "%Y-%m-%d %H:%M:%S.%f"


def weekdays(end: date, years: int) -> list[date]:
    start = end - timedelta(days=365 * years)
    days = []
    d = start
    while d <= end:
        if d.weekday() < 5:
            days.append(d)
        d += timedelta(days=1)
    return days


def generate(path: Path, n_cases: int, years: int, end: date, seed: int = 7) -> None:
    from huddle.store import Store

    Store.open(str(path), create=True).close()  # schema through the migrations
    rng = random.Random(seed)
    days = weekdays(end, years)
    per_day = max(1, n_cases // len(days))
    con = sqlite3.connect(path)
    con.execute("PRAGMA synchronous=OFF")
    con.execute("PRAGMA foreign_keys=OFF")
    con.execute("BEGIN")
    con.executemany("INSERT INTO organisation (id, name, kind, municipality) VALUES (?, ?, ?, ?)",
                    [(i + 1, *o) for i, o in enumerate(ORGS)])
    now = datetime(end.year, end.month, end.day, 12).strftime(FMT)
    block = per_day + 20
    n_patients = (len(days) // 3 + 2) * block
    con.executemany("INSERT INTO patient (id, municipality, created_at) VALUES (?, ?, ?)",
                    ((i, MUNICIPALITIES[i % 10], now) for i in range(1, n_patients + 1)))
    huddles, cases, intervals, decisions, readiness, blockers, marks, attendance = [], [], [], [], [], [], [], []
    case_id = 0
    roles = ("needs_assessor", "ward_nurse", "physician")
    for h, day in enumerate(days, start=1):
        start = datetime(day.year, day.month, day.day, 8, 0)
        t = start
        n_today = per_day + (1 if h <= n_cases - per_day * len(days) else 0)
        finished = None
        for j in range(n_today):
            case_id += 1
            org = rng.randrange(20)
            pid = (h // 3) * block + j + 1
            state = "done"
            r = rng.random()
            if r < 0.03:
                state = "waiting"  # not reached
            elif r < 0.09:
                state = "deferred"
            cases.append((case_id, h, pid, j + 1, "", t.strftime(FMT), state, 1, ORGS[org][0],
                          MUNICIPALITIES[pid % 10]))
            if state == "waiting":
                continue
            secs = min(max(rng.lognormvariate(5.55, 0.3), 40), 1200)
            stop = t + timedelta(seconds=secs)
            intervals.append((case_id, t.strftime(FMT), stop.strftime(FMT)))
            t = stop + timedelta(seconds=5)
            for _ in range(rng.choice((0, 1, 1, 2))):
                decisions.append((case_id, pid, "x", rng.choice(KINDS), t.strftime(FMT)))
            if rng.random() < 0.15:
                ready_at = t - timedelta(days=rng.randint(0, 4))
                readiness.append((pid, case_id, "ready", ready_at.strftime(FMT), None, t.strftime(FMT)))
                if rng.random() < 0.8:
                    out = day + timedelta(days=rng.randint(0, 6))
                    readiness.append((pid, case_id, "discharged", ready_at.strftime(FMT), out.isoformat(),
                                      (t + timedelta(minutes=1)).strftime(FMT)))
            if rng.random() < 0.1:
                blockers.append((pid, case_id, "x", ORGS[rng.randrange(20)][0], t.strftime(FMT)))
            if rng.random() < 0.8:
                marks.append((case_id, "red" if rng.random() < 0.2 else "green", t.strftime(FMT)))
        finished = t
        huddles.append((h, day.isoformat(), 300, 5400, "finished", start.strftime(FMT), finished.strftime(FMT)))
        for role in roles:
            if rng.random() > 0.08:
                attendance.append((h, "x", role, start.strftime(FMT)))
    con.executemany("INSERT INTO huddle (id, date, target_s, timebox_s, state, started_at, finished_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?)", huddles)
    con.executemany('INSERT INTO "case" (id, huddle_id, patient_id, position, question, added_at, state, version,'
                    " unit, municipality) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", cases)
    con.executemany("INSERT INTO case_interval (case_id, started_at, stopped_at) VALUES (?, ?, ?)", intervals)
    con.executemany("INSERT INTO decision (case_id, patient_id, text, kind, done, created_at)"
                    " VALUES (?, ?, ?, ?, 0, ?)", decisions)
    con.executemany("INSERT INTO readiness (patient_id, case_id, state, ready_at, discharged_date, recorded_at)"
                    " VALUES (?, ?, ?, ?, ?, ?)", readiness)
    con.executemany("INSERT INTO blocker (patient_id, case_id, what, owner_org, opened_at) VALUES (?, ?, ?, ?, ?)",
                    blockers)
    con.executemany("INSERT INTO day_mark (case_id, colour, marked_at) VALUES (?, ?, ?)", marks)
    con.executemany("INSERT INTO attendance (huddle_id, name, role, source, joined_at) VALUES (?, ?, ?, 'manual', ?)",
                    attendance)
    con.commit()
    con.execute("ANALYZE")
    con.close()


def timed(fn, repeat: int) -> tuple[float, object]:  # noqa: ANN001
    """Median wall time in ms over ``repeat`` runs (after one warm-up run)."""
    out = fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), out


RAW_PCT = """
WITH ranked AS (
  SELECT c.municipality AS k, d.s AS d,
         row_number() OVER (PARTITION BY c.municipality ORDER BY d.s) AS rn,
         count(*) OVER (PARTITION BY c.municipality) AS n
    FROM "case" c JOIN huddle h ON h.id = c.huddle_id
    JOIN (SELECT case_id, CAST(sum((julianday(stopped_at) - julianday(started_at)) * 86400) + 0.5 AS INTEGER) AS s
            FROM case_interval WHERE stopped_at IS NOT NULL GROUP BY case_id) d ON d.case_id = c.id
   WHERE h.date BETWEEN ? AND ?)
SELECT k, max(CASE WHEN rn = (n + 1) / 2 THEN d END), max(CASE WHEN rn = (9 * n + 9) / 10 THEN d END)
  FROM ranked GROUP BY k
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=1_000_000)
    ap.add_argument("--years", type=int, default=10)
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--changes", type=int, default=300)
    ap.add_argument("--keep", metavar="PATH", help="Keep the generated store here.")
    args = ap.parse_args()

    from sqlalchemy import text

    from db.models import Case, Decision
    from huddle.domain.clock import UTC, FakeClock
    from huddle.services import rollup, stats
    from huddle.store import Store

    end = date(2026, 11, 27)
    tmp = tempfile.TemporaryDirectory()
    path = Path(args.keep) if args.keep else Path(tmp.name) / "bench.db"
    if path.exists():
        path.unlink()
    t0 = time.perf_counter()
    generate(path, args.cases, args.years, end)
    t_gen = time.perf_counter() - t0
    clock = FakeClock(datetime(end.year, end.month, end.day, 15, tzinfo=UTC))
    store = Store.open(str(path), clock=clock)
    t0 = time.perf_counter()
    with store.write() as s:
        n_rows = rollup.rebuild_all(s)
    t_rollup = time.perf_counter() - t0
    with store.write() as s:
        s.execute(text("ANALYZE"))
    print(f"store: {n_rows} cases, {args.years} years, 20 organisations; generated in {t_gen:.1f} s,"
          f" rollup rebuilt in {t_rollup:.1f} s")

    # 1. The dashboard: the last 30 days by municipality, every figure.
    d_start = end - timedelta(days=29)
    ms, res = timed(lambda: stats.figures(store, d_start, end, "municipality"), args.repeat)
    print(f"1. dashboard, last 30 days by municipality ({res.overall.cases} cases, all figures):"
          f" {ms:.1f} ms (goal <= 50 ms)")

    # 2. One year by municipality with p90: the service's SQL via SQLAlchemy vs raw sqlite3.
    y_start = end - timedelta(days=364)
    params = {"start": y_start.isoformat(), "end": end.isoformat(), "min_n": stats.SUGGEST_MIN_CASES,
              "pct": stats.SUGGEST_PERCENTILE, "overall": stats.OVERALL}
    sql = stats.pct_sql(stats._PCT, "municipality")

    def service_pct():  # noqa: ANN202
        with store.read() as s:
            return s.execute(text(sql), params).all()

    raw = sqlite3.connect(path)

    def raw_pct():  # noqa: ANN202
        return raw.execute(sql, params).fetchall()

    ms_svc, a = timed(service_pct, args.repeat)
    ms_raw, b = timed(raw_pct, args.repeat)
    assert sorted(map(tuple, a)) == sorted(map(tuple, b))
    print(f"2. one year by municipality, median, p90 and suggested target: SQLAlchemy {ms_svc:.1f} ms, raw sqlite3 {ms_raw:.1f} ms,"
          f" ratio {ms_svc / ms_raw:.2f} (goal <= 1.5)")
    ms_full, _ = timed(lambda: stats.figures(store, y_start, end, "municipality"), 3)
    ms_naive, c = timed(lambda: raw.execute(RAW_PCT, (params["start"], params["end"])).fetchall(), 3)
    assert sorted(map(tuple, c)) == sorted(r[:3] for r in a if r[0] != stats.OVERALL), "rollup and raw differ"
    print(f"   the whole figure set for that year: {ms_full:.1f} ms; the same percentiles from the raw case and"
          f" interval tables (no rollup), raw sqlite3: {ms_naive:.1f} ms")

    # 3. Keeping the rollup current: one case change with and without refresh.
    with store.read() as s:
        last = s.execute(text("SELECT id FROM huddle ORDER BY date DESC LIMIT 1")).scalar()
        targets = [r[0] for r in s.execute(text('SELECT id, patient_id FROM "case" WHERE huddle_id = :h'), {"h": last})]
    rng = random.Random(3)

    def change(with_refresh: bool) -> tuple[float, float]:
        cid = rng.choice(targets)
        t0 = time.perf_counter()
        with store.write() as s:
            case = s.get(Case, cid)
            s.add(Decision(case_id=cid, patient_id=case.patient_id, text="bench", kind="home_visit",
                           created_at=store.now_db()))
            s.flush()
            t1 = time.perf_counter()
            if with_refresh:
                rollup.refresh(s, case.huddle_id)
            t2 = time.perf_counter()
        return (time.perf_counter() - t0) * 1000, (t2 - t1) * 1000

    for _ in range(20):
        change(True)
        change(False)
    with_r, without_r, inside = [], [], []
    for i in range(args.changes):
        a_ms, r_ms = change(True)
        b_ms, _ = change(False)
        with_r.append(a_ms)
        without_r.append(b_ms)
        inside.append(r_ms)
    extra = statistics.median(with_r) - statistics.median(without_r)
    print(f"3. per case change: {statistics.median(without_r):.2f} ms without the rollup,"
          f" {statistics.median(with_r):.2f} ms with it: extra {extra:.2f} ms"
          f" (refresh itself {statistics.median(inside):.2f} ms median; goal <= 0.5 ms)")
    raw.close()
    store.close()
    tmp.cleanup()


if __name__ == "__main__":
    main()
