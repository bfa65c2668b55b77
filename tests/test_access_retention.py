"""Retention: identities and working notes go after N days; every statistic stays exactly the same."""

from __future__ import annotations

import tempfile
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from huddle.domain.clock import UTC, FakeClock
from huddle.errors import AccessDenied, InputError
from huddle.services import agenda, meeting, retention, stats
from huddle.store import Actor, Store
from tests.conftest import fictitious_pnr

FIRST_MONDAY = date(2026, 9, 7)
STOCKHOLM = ZoneInfo("Europe/Stockholm")
# Columns retention may change; everything else in the store must stay byte-for-byte equal.
SCRUBBED = {
    "patient": {"pnr", "name", "care_contact", "pseudonym", "pseudonymised_at"},
    "case": {"question", "defer_reason"},
    "decision": {"text", "responsible_person"},
    "blocker": {"what"},
    "day_mark": {"note"},
}
SKIP_TABLES = {"audit_event", "alembic_version", "sqlite_sequence"}



def at(day: date, hh: int = 8) -> datetime:
    return datetime.combine(day, time(hh), STOCKHOLM).astimezone(UTC)


case_plan = st.fixed_dictionaries({
    "seconds": st.integers(0, 700),
    "outcome": st.sampled_from(["done", "done", "defer", "stop"]),
    "decision": st.sampled_from([None, "home_visit", "sip_meeting", "other"]),
    "blocker": st.sampled_from([None, "Kalmar kommun", "Avd 12"]),
    "readiness": st.sampled_from([None, "expected", "ready", "discharged"]),
    "mark": st.sampled_from([None, "red", "green"]),
})
meeting_plan = st.lists(st.tuples(st.integers(0, 7), case_plan), min_size=1, max_size=4,
                        unique_by=lambda x: x[0])
plan_strategy = st.lists(meeting_plan, min_size=1, max_size=3)


def play(store: Store, clock: FakeClock, plan) -> date:  # noqa: ANN001
    """Run the planned meetings (one a week) through the services; returns the last meeting day."""
    day = FIRST_MONDAY
    for week, cases in enumerate(plan):
        day = FIRST_MONDAY + timedelta(weeks=week)
        clock.set(at(day, 8))
        for idx, _ in cases:
            try:
                agenda.add_patient(store, pnr=fictitious_pnr(idx, year=1950), name=f"[bold]Namn[/bold] {idx}", unit=f"Avd {idx % 3}",
                                   municipality=("Kalmar", "Högsby")[idx % 2], question=f"Fråga om {idx}", day=day)
            except InputError:
                pass  # already carried onto this day
        clock.set(at(day, 9))
        live = meeting.start_meeting(store, day)
        for _, p in cases:
            if live.current_case_id is None:
                break
            cid = live.current_case_id
            clock.advance(p["seconds"] / 2)
            if p["decision"]:
                meeting.add_decision(store, cid, text="Beslut [link=x]text[/link]", responsible_org="Kalmar kommun",
                                     responsible_person="Sara Sjuksköterska", kind=p["decision"])
            if p["blocker"]:
                meeting.add_blocker(store, cid, what="Väntar på hjälpmedel", owner_org=p["blocker"])
            if p["readiness"] == "expected":
                meeting.set_readiness(store, cid, state="expected", expected_date=day + timedelta(days=2))
            elif p["readiness"] == "ready":
                meeting.set_readiness(store, cid, state="ready", ready_at=at(day, 7) - timedelta(days=1))
            elif p["readiness"] == "discharged":
                meeting.set_readiness(store, cid, state="ready", ready_at=at(day, 7) - timedelta(days=3))
                meeting.set_readiness(store, cid, state="discharged", discharged_date=day)
            if p["mark"]:
                meeting.mark_day(store, cid, p["mark"], "anteckning om dagen")
            clock.advance(p["seconds"] / 2)
            if p["outcome"] == "stop":
                break
            live = (meeting.defer_case(store, day, "väntar på läkarbedömning") if p["outcome"] == "defer"
                    else meeting.next_case(store, day))
        clock.advance(30)
        meeting.finish_meeting(store, day)
    return day


def figures(store: Store, start: date, end: date) -> dict:
    manager = store.with_actor(Actor(name="Mia", roles=frozenset({"manager"}), single_user=False))
    out = {by: stats.figures(manager, start, end, by).to_json() for by in (None, *stats.GROUPINGS)}
    out["export"] = [r.to_json() for r in stats.export_rows(manager, start, end)]
    return out


def anonymous_columns(store: Store) -> dict:
    """Every table's rows, without the columns retention may change (and the case's version counter)."""
    out = {}
    with store.read() as s:
        tables = [r[0] for r in s.execute(text("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name"))]
        for table in tables:
            if table in SKIP_TABLES:
                continue
            cols = [r[1] for r in s.execute(text(f'PRAGMA table_info("{table}")'))]
            keep = [c for c in cols if c not in SCRUBBED.get(table, set()) and not (table == "case" and c == "version")]
            out[table] = s.execute(text(f'SELECT {", ".join(chr(34) + c + chr(34) for c in keep)} FROM "{table}" ORDER BY 1')).all()
    return out


def identities(store: Store) -> dict[int, tuple]:
    with store.read() as s:
        return {r[0]: tuple(r[1:]) for r in s.execute(text("SELECT id, pnr, name, pseudonym FROM patient"))}


def due(store: Store, cutoff: datetime) -> set[int]:
    """Independently of retention's SQL: patients whose every case is closed, the last before the cutoff."""
    with store.read() as s:
        rows = s.execute(text(
            'SELECT c.patient_id, c.closed_at, h.finished_at FROM "case" c JOIN huddle h ON h.id = c.huddle_id')).all()
        created = dict(s.execute(text("SELECT id, created_at FROM patient")).all())
    closed: dict[int, list] = {pid: [] for pid in created}
    open_: set[int] = set()
    for pid, closed_at, finished_at in rows:
        when = closed_at or finished_at
        if when is None:
            open_.add(pid)
        else:
            closed[pid].append(datetime.fromisoformat(str(when)))
    cut = cutoff.replace(tzinfo=None)
    return {pid for pid, times in closed.items()
            if pid not in open_ and (max(times) if times else datetime.fromisoformat(str(created[pid]))) < cut}


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan=plan_strategy, later=st.integers(0, 60), days=st.integers(0, 40))
def test_retention_keeps_every_statistic_equal(plan, later, days):
    with tempfile.TemporaryDirectory() as tmp:
        clock = FakeClock(at(FIRST_MONDAY, 7))
        store = Store.open(str(Path(tmp) / "r.db"), clock=clock)
        try:
            last = play(store, clock, plan)
            clock.set(at(last, 18) + timedelta(days=later))
            start, end = FIRST_MONDAY - timedelta(days=7), last + timedelta(days=14)
            before_figures = figures(store, start, end)
            before_columns = anonymous_columns(store)
            before_ids = identities(store)
            expected = due(store, clock.now() - timedelta(days=days))

            count = retention.pseudonymise(store, days)

            assert count == len(expected)
            assert figures(store, start, end) == before_figures
            assert anonymous_columns(store) == before_columns
            # Recomputing the whole rollup from what is left gives the same figures too.
            from huddle.services import rollup

            with store.write() as s:
                rollup.rebuild_all(s)
            assert figures(store, start, end) == before_figures
            after_ids = identities(store)
            for pid, (pnr, name, pseudonym) in after_ids.items():
                if pid in expected:
                    assert pnr is None and name is None and pseudonym.startswith("P-")
                else:
                    assert (pnr, name, pseudonym) == before_ids[pid]
            with store.read() as s:
                ids = ",".join(str(i) for i in expected) or "0"
                notes = s.execute(text(
                    f'SELECT question FROM "case" WHERE patient_id IN ({ids}) AND question != "" '
                    f"UNION ALL SELECT text FROM decision WHERE patient_id IN ({ids}) AND text != '' "
                    f"UNION ALL SELECT what FROM blocker WHERE patient_id IN ({ids}) AND what != '' "
                    f"UNION ALL SELECT defer_reason FROM \"case\" WHERE patient_id IN ({ids}) "
                    f"AND defer_reason IS NOT NULL AND defer_reason != 'not_reached' "
                    f'UNION ALL SELECT note FROM day_mark m JOIN "case" c ON c.id = m.case_id '
                    f"WHERE c.patient_id IN ({ids}) AND note IS NOT NULL")).all()
            assert notes == []
            # Running it again changes nothing.
            assert retention.pseudonymise(store, days) == 0
        finally:
            store.close()


def test_retention_at_start_uses_the_setting_and_logs_each_patient(store, clock):
    from db import settings as settings_db
    from huddle.domain import settings as settings_mod

    day = FIRST_MONDAY
    clock.set(at(day, 8))
    agenda.add_patient(store, pnr=fictitious_pnr(1, year=1950), name="Test Person", unit="Avd 1", municipality="Kalmar", day=day)
    meeting.start_meeting(store, day)
    clock.advance(300)
    meeting.next_case(store, day)
    meeting.finish_meeting(store, day)
    with store.write() as s:
        settings_db.save(s, settings_mod.Settings(retention_days=30))
    clock.advance(days=29)
    assert retention.run_retention(store) == 0
    clock.advance(days=2)
    nurse = store.with_actor(Actor(name="Nina", roles=frozenset({"nurse"}), single_user=False))
    with pytest.raises(AccessDenied):
        retention.pseudonymise(nurse, 30)
    assert retention.run_retention(nurse) == 1  # at start huddle runs it itself, whoever signs in
    with store.read() as s:
        events = s.execute(text("SELECT actor, action, what FROM audit_event WHERE what LIKE 'retention%'")).all()
    assert events == [("huddle (retention)", "update", "retention.pseudonymise")]
    # The audit extract finds the patient by the pseudonym now.
    from huddle.services import audit

    with store.read() as s:
        pseudonym = s.scalar(text("SELECT pseudonym FROM patient"))
    extract = audit.patient_extract(store, pseudonym)
    assert extract.who == pseudonym and extract.name is None
    assert "retention.pseudonymise" in [r.what for r in extract.rows]


def test_retention_command(tmp_path):
    from tests.conftest import run_huddle

    db = tmp_path / "s.db"
    Store.open(str(db)).close()
    r = run_huddle("retention", "--days", "-1", db=db)
    assert r.returncode == 2 and r.stderr.count(b"\n") == 1
    r = run_huddle("retention", "--days", "30", db=db)
    assert r.returncode == 0 and b"pseudonymised 0 patients" in r.stdout
    r = run_huddle("retention", db=db)
    assert r.returncode == 0 and b"Retention (90 days)" in r.stdout


def test_removed_identities_do_not_linger_in_the_files(store, db_path, clock):
    day = FIRST_MONDAY
    clock.set(at(day, 8))
    agenda.add_patient(store, pnr=fictitious_pnr(3, year=1950), name="Unikanamnet Quistorpsson", unit="Avd 1", municipality="Kalmar",
                       question="Frågeordet Xylofonvägen", day=day)
    meeting.start_meeting(store, day)
    meeting.next_case(store, day)
    meeting.finish_meeting(store, day)
    clock.advance(days=100)
    assert retention.pseudonymise(store, 90) == 1

    def files() -> bytes:
        return b"".join(p.read_bytes() for p in db_path.parent.glob(db_path.name + "*") if p.is_file())

    blob = files()
    for secret in ("Unikanamnet Quistorpsson", "Xylofonvägen", fictitious_pnr(3, year=1950)):
        assert secret.encode() not in blob, secret


def test_the_app_runs_retention_when_it_starts(store, clock):
    from huddle.services import startup as backend

    day = FIRST_MONDAY
    clock.set(at(day, 8))
    agenda.add_patient(store, pnr=fictitious_pnr(4, year=1950), name="Gammal Patient", unit="Avd 1", municipality="Kalmar", day=day)
    meeting.start_meeting(store, day)
    meeting.next_case(store, day)
    meeting.finish_meeting(store, day)
    clock.advance(days=91)  # default retention_days is 90
    backend.start_info(store)
    with store.read() as s:
        assert s.execute(text("SELECT pnr, name FROM patient")).all() == [(None, None)]
