"""The demo store: realistic, reproducible, and never a real person."""

from __future__ import annotations

import sqlite3
from collections import Counter
from datetime import date

from huddle.demo import seed_demo
from huddle.domain.clock import FakeClock
from huddle.domain.pnr import parse
from tests.conftest import MONDAY_0800, run_huddle


def _dump(path) -> list:
    con = sqlite3.connect(path)
    try:
        out = []
        for table in ("patient", "huddle", "case", "case_interval", "decision", "readiness", "blocker", "attendance"):
            out.append(con.execute(f'SELECT * FROM "{table}" ORDER BY id').fetchall())
        return out
    finally:
        con.close()


def test_same_seed_same_store(tmp_path):
    a, b = tmp_path / "a.db", tmp_path / "b.db"
    seed_demo(str(a), seed=7, clock=FakeClock(MONDAY_0800))
    seed_demo(str(b), seed=7, clock=FakeClock(MONDAY_0800))
    assert _dump(a) == _dump(b)
    c = tmp_path / "c.db"
    seed_demo(str(c), seed=8, clock=FakeClock(MONDAY_0800))
    assert _dump(a) != _dump(c)


def test_demo_is_realistic_and_fictitious(tmp_path):
    db = tmp_path / "demo.db"
    summary = seed_demo(str(db), seed=2026, clock=FakeClock(MONDAY_0800))
    con = sqlite3.connect(db)
    per_huddle = Counter(r[0] for r in con.execute('SELECT huddle_id FROM "case"'))
    states = dict(con.execute("SELECT date, state FROM huddle"))
    assert summary.huddles >= 40  # eight weeks of weekdays plus the coming one
    assert all(15 <= n <= 30 for n in per_huddle.values())
    # The coming meeting (Monday 2026-11-30) is planned with a waiting agenda.
    assert states["2026-11-30"] == "planned"
    assert sum(1 for s in states.values() if s == "finished") == summary.huddles - 1
    today = date(2026, 11, 30)
    for (pnr,) in con.execute("SELECT pnr FROM patient"):
        number = parse(pnr, today)
        assert 980 <= number.serial <= 999, pnr
    municipalities = {m for (m,) in con.execute("SELECT DISTINCT municipality FROM patient")}
    assert municipalities == {"Oskarshamn", "Högsby", "Mönsterås", "Västervik"}
    # Case times: most near five minutes, some over-runs.
    durations = [
        r[0]
        for r in con.execute(
            "SELECT SUM(strftime('%s', stopped_at) - strftime('%s', started_at)) FROM case_interval GROUP BY case_id"
        )
    ]
    within = sum(1 for d in durations if d <= 300) / len(durations)
    assert 0.5 < within < 0.95
    assert any(d > 360 for d in durations)
    kinds = {k for (k,) in con.execute("SELECT kind FROM decision")}
    assert {"home_visit", "sip_meeting", "medication_review"} <= kinds
    assert con.execute("SELECT COUNT(*) FROM \"case\" WHERE state = 'deferred'").fetchone()[0] > 0
    assert con.execute("SELECT COUNT(*) FROM blocker").fetchone()[0] > 0
    assert con.execute("SELECT COUNT(*) FROM readiness WHERE state = 'discharged'").fetchone()[0] > 0


def test_demo_refuses_a_store_with_real_data(tmp_path):
    db = tmp_path / "real.db"
    r = run_huddle("patient", "add", "--pnr", "19121212-1212", "--name", "Tolvan Tolvansson",
                   "--unit", "Avd 1", "--municipality", "Högsby", db=db)
    assert r.returncode == 0, r.stderr
    before = db.read_bytes()
    r = run_huddle("demo", "--no-tui", db=db)
    assert r.returncode == 2
    assert r.stderr.decode().count("\n") == 1
    assert "already holds data" in r.stderr.decode()
    assert db.read_bytes() == before


def test_demo_command_reseeds_its_own_store(tmp_path):
    db = tmp_path / "demo.db"
    for _ in range(2):
        r = run_huddle("demo", "--no-tui", "--seed", "3", db=db)
        assert r.returncode == 0, r.stderr
        assert "Demo store for Kalmar county" in r.stdout.decode()
