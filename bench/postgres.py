"""PostgreSQL beside SQLite, same machine, same run: statistics at county scale, case changes, writers.

    python bench/postgres.py [--cases 1000000] [--years 10] [--n 300] [--writers 8] [--writes 500]
                             [--pg postgresql://user:pw@host/db]

Without ``--pg`` a throw-away PostgreSQL server is started in a temporary folder (as
tests/pg.py does: Debian's postgresql, 127.0.0.1, fsync off like the test server).
Prints, for each engine:

1. the dashboard's figures (last 30 days by municipality, every figure): goal SQLite <= 50 ms,
   PostgreSQL <= 100 ms;
2. one year by municipality with median, p90 and the suggested target through the service's
   SQL (SQLAlchemy), beside the same statement on the raw driver (sqlite3 / psycopg) in the same
   run: goal PostgreSQL within 2x of SQLite;
3. a case state change (toggle_pause/select_case) p50/p95, beside the raw driver's
   INSERT + COMMIT;
4. 8 writer processes x 500 patient adds: writes per second, errors, duplicates, lost rows.

The million cases are generated once on SQLite (bench/stats.py's generator, rollup rebuilt
there) and copied table by table into PostgreSQL with COPY, so both engines hold the same rows.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

TABLES = ("organisation", "patient", "huddle", "case", "case_interval", "decision", "readiness", "blocker",
          "day_mark", "attendance", "case_stat")
WITH_ID = ("organisation", "patient", "huddle", "case", "case_interval", "decision", "readiness", "blocker",
           "day_mark", "attendance")


def copy_to_pg(sqlite_path: Path, url: str) -> float:
    """Every row of the SQLite store into the (migrated, empty) PostgreSQL store; returns seconds."""
    import psycopg

    t0 = time.perf_counter()
    src = sqlite3.connect(sqlite_path)
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as dst:
        for table in TABLES:
            cols = [r[1] for r in src.execute(f'PRAGMA table_info("{table}")')]
            names = ", ".join(f'"{c}"' for c in cols)
            with dst.cursor().copy(f'COPY "{table}" ({names}) FROM STDIN') as cp:
                for row in src.execute(f'SELECT {names} FROM "{table}"'):
                    cp.write_row(row)
        for table in WITH_ID:
            dst.execute(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'),"
                        f' coalesce((SELECT max(id) FROM "{table}"), 1))')
        dst.commit()
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as dst:
        dst.execute("VACUUM ANALYZE")
    src.close()
    return time.perf_counter() - t0


def stats_figures(target: str, raw_run, end: date, repeat: int) -> dict:  # noqa: ANN001
    from sqlalchemy import Date, bindparam, text
    from stats import timed  # bench/stats.py: median of repeated runs, after a warm-up

    from huddle.domain.clock import UTC, FakeClock
    from huddle.services import stats
    from huddle.store import Store

    store = Store.open(target, clock=FakeClock(datetime(end.year, end.month, end.day, 15, tzinfo=UTC)))
    dialect = store.engine.dialect.name
    d_start = end - timedelta(days=29)
    dash, res = timed(lambda: stats.figures(store, d_start, end, "municipality"), repeat)
    y_start = end - timedelta(days=364)
    sql = stats.pct_sql(stats._PCT, "municipality", dialect)
    params = {"start": y_start, "end": end, "min_n": stats.SUGGEST_MIN_CASES, "pct": stats.SUGGEST_PERCENTILE,
              "overall": stats.OVERALL}
    stmt = text(sql).bindparams(bindparam("start", type_=Date), bindparam("end", type_=Date))

    def service():  # noqa: ANN202
        with store.read() as s:
            return [tuple(r) for r in s.execute(stmt, params)]

    year, rows = timed(service, repeat)
    raw, raw_rows = timed(lambda: raw_run(sql, params), repeat)
    assert sorted(rows) == sorted(raw_rows)
    store.close()
    return {"dashboard_ms": dash, "cases_30d": res.overall.cases, "year_ms": year, "year_raw_ms": raw,
            "year_rows": sorted(rows)}


def raw_commit_timings(kind: str, where: str, n: int) -> list[float]:
    """The raw driver's INSERT + COMMIT: the reference for a case change."""
    if kind == "sqlite":
        from store import raw_sqlite_commits  # bench/store.py

        return raw_sqlite_commits(Path(where), n)
    import psycopg

    out = []
    with psycopg.connect(where.replace("postgresql+psycopg://", "postgresql://")) as con:
        con.execute("CREATE TABLE t (id serial PRIMARY KEY, case_id integer, at timestamp, what text)")
        con.commit()
        for i in range(n + 20):
            t0 = time.perf_counter()
            con.execute("INSERT INTO t (case_id, at, what) VALUES (%s, %s, %s)", (i, datetime(2030, 1, 7), "pause"))
            con.commit()
            out.append(time.perf_counter() - t0)
    return out[20:]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=1_000_000)
    ap.add_argument("--years", type=int, default=10)
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--n", type=int, default=300, help="case changes per engine")
    ap.add_argument("--writers", type=int, default=8)
    ap.add_argument("--writes", type=int, default=500)
    ap.add_argument("--pg", metavar="URL", help="an existing server (a superuser's maintenance database URL)")
    args = ap.parse_args()

    import os

    import psycopg
    import store as store_bench  # bench/store.py
    from stats import generate  # bench/stats.py

    from huddle.domain.clock import UTC, FakeClock
    from huddle.services import rollup
    from huddle.store import Store
    from tests import pg

    if args.pg:
        os.environ["HUDDLE_TEST_PG"] = args.pg
    server = pg.start()
    tmp = tempfile.TemporaryDirectory(prefix="huddle-bench-pg-")
    root = Path(tmp.name)
    admin = server.admin_url.replace("postgresql+psycopg://", "postgresql://")

    def new_db(name: str) -> str:
        with psycopg.connect(admin, autocommit=True) as con:
            con.execute(f'DROP DATABASE IF EXISTS "{name}"')
            con.execute(f'CREATE DATABASE "{name}"')
        return server.url(name)

    try:
        end = date(2026, 11, 27)
        lite = root / "bench.db"
        t0 = time.perf_counter()
        generate(lite, args.cases, args.years, end)
        store = Store.open(str(lite), clock=FakeClock(datetime(end.year, end.month, end.day, 15, tzinfo=UTC)))
        with store.write() as s:
            n_rows = rollup.rebuild_all(s)
        store.close()
        sqlite3.connect(lite).execute("ANALYZE").connection.close()
        t_gen = time.perf_counter() - t0
        big = new_db("bench_big")
        Store.open(big).close()  # the schema through the migrations
        t_copy = copy_to_pg(lite, big)
        print(f"store: {n_rows} cases, {args.years} years, 20 organisations; generated with its rollup on SQLite in"
              f" {t_gen:.0f} s, copied into PostgreSQL in {t_copy:.0f} s")

        raw_lite = sqlite3.connect(lite)
        from sqlalchemy import Date, bindparam, text

        def run_sqlite(sql, params):  # noqa: ANN001, ANN202
            # The same statement on the raw driver: named parameters, dates as SQLite keeps them.
            p = {k: v.isoformat() if isinstance(v, date) else v for k, v in params.items()}
            return [tuple(r) for r in raw_lite.execute(sql, p).fetchall()]

        raw_pg = psycopg.connect(big.replace("postgresql+psycopg://", "postgresql://"), autocommit=True)
        dialect_pg = __import__("sqlalchemy.dialects.postgresql.psycopg", fromlist=["dialect"]).dialect()

        def run_pg(sql, params):  # noqa: ANN001, ANN202
            # Compiled once by SQLAlchemy into psycopg's own %(name)s form, then sent on the raw driver.
            stmt = text(sql).bindparams(bindparam("start", type_=Date), bindparam("end", type_=Date))
            compiled = str(stmt.compile(dialect=dialect_pg))
            return [tuple(r) for r in raw_pg.execute(compiled, params).fetchall()]

        res = {"SQLite": stats_figures(str(lite), run_sqlite, end, args.repeat),
               "PostgreSQL": stats_figures(big, run_pg, end, args.repeat)}
        raw_lite.close()
        raw_pg.close()
        same = res["SQLite"]["year_rows"] == res["PostgreSQL"]["year_rows"]
        print(f"1. dashboard, last 30 days by municipality ({res['SQLite']['cases_30d']} cases, all figures):"
              f" SQLite {res['SQLite']['dashboard_ms']:.1f} ms (goal <= 50), PostgreSQL"
              f" {res['PostgreSQL']['dashboard_ms']:.1f} ms (goal <= 100)")
        for name, r in res.items():
            print(f"2. one year by municipality, median/p90/suggested target, {name}: {r['year_ms']:.1f} ms through"
                  f" SQLAlchemy, {r['year_raw_ms']:.1f} ms raw driver (ratio {r['year_ms'] / r['year_raw_ms']:.2f})")
        print(f"   PostgreSQL / SQLite for the year: {res['PostgreSQL']['year_ms'] / res['SQLite']['year_ms']:.2f}"
              f" (goal <= 2); the same figures on both: {same}")

        print("3. case state change (toggle_pause/select_case), p50 / p95:")
        for name, target, raw in (
            ("SQLite", str(root / "service.db"), raw_commit_timings("sqlite", str(root / "raw.db"), args.n)),
            ("PostgreSQL", new_db("bench_service"), raw_commit_timings("pg", new_db("bench_raw"), args.n)),
        ):
            values = store_bench.service_timings(target, args.n)["case state change (toggle_pause/select_case)"]
            p50, p95 = statistics.median(values), store_bench.pct(values, 95)
            r50, r95 = statistics.median(raw), store_bench.pct(raw, 95)
            print(f"   {name}: {p50 * 1000:.2f} / {p95 * 1000:.2f} ms; raw driver INSERT+COMMIT"
                  f" {r50 * 1000:.2f} / {r95 * 1000:.2f} ms (ratio {p50 / r50:.0f}x p50)")

        print(f"4. {args.writers} writer processes x {args.writes} patient adds:")
        for name, target in (("SQLite", None), ("PostgreSQL", new_db("bench_writers"))):
            rows = store_bench.bench_writers(root, args.writers, args.writes, target)
            print(f"   {name}: " + "; ".join(" ".join(x for x in r if x).strip() for r in rows))
    finally:
        tmp.cleanup()
        server.stop()


if __name__ == "__main__":
    main()
