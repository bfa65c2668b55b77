"""The access log: every service that reads or changes a patient's data writes exactly one fitting event
per case it touches, in the same transaction; the log cannot be changed; extract and spot-check sample."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date

import pytest
from sqlalchemy import select, text

from db.models import AuditEvent
from huddle.errors import InputError
from huddle.services import agenda, audit, meeting
from huddle.store import Actor
from tests.conftest import MONDAY, TUESDAY, fictitious_pnr


def add(store, i: int, day=MONDAY):
    return agenda.add_patient(store, pnr=fictitious_pnr(i), name=f"Test Person {i}", unit="Avd 12",
                              municipality="Kalmar", question=f"Fråga {i}", day=day)


class Log:
    """The events written since the last look."""

    def __init__(self, store) -> None:
        self.store = store
        self.last = self._max()

    def _max(self) -> int:
        with self.store.read() as s:
            return s.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1)) or 0

    def new(self) -> list:
        from types import SimpleNamespace

        with self.store.read() as s:
            events = [
                SimpleNamespace(**{c: getattr(e, c) for c in ("id", "action", "what", "patient_id", "case_id", "actor")})
                for e in s.scalars(select(AuditEvent).where(AuditEvent.id > self.last).order_by(AuditEvent.id))
            ]
        self.last = max([self.last] + [e.id for e in events])
        return events


def check(log: Log, call, *, touched: set[int], actions: set[str]):  # noqa: ANN001
    """Run ``call``; exactly one event per touched case, each with a fitting action and the patient named."""
    result = call()
    if callable(touched):
        touched = touched(result)
    events = log.new()
    per_case = Counter(e.case_id for e in events)
    assert set(per_case) == touched, [(e.action, e.what, e.case_id) for e in events]
    assert all(n == 1 for n in per_case.values()), [(e.action, e.what, e.case_id) for e in events]
    for e in events:
        assert e.action in actions, (e.action, e.what)
        assert e.patient_id is not None and e.actor == log.store.actor.name
    return result


def test_every_patient_service_writes_one_fitting_event_per_case(store, clock):
    log = Log(store)
    new_case = lambda row: {row.case_id}  # noqa: E731
    a = check(log, lambda: add(store, 1), touched=new_case, actions={"create"})
    b = check(log, lambda: add(store, 2), touched=new_case, actions={"create"})
    c = check(log, lambda: add(store, 3), touched=new_case, actions={"create"})
    check(log, lambda: agenda.list_agenda(store, MONDAY), touched={a.case_id, b.case_id, c.case_id}, actions={"read"})
    a = check(log, lambda: agenda.edit_question(store, a.case_id, "Ny fråga", version=a.version),
              touched={a.case_id}, actions={"update"})
    check(log, lambda: agenda.move_case(store, c.case_id, -1), touched={c.case_id}, actions={"update"})
    d = check(log, lambda: add(store, 4), touched=new_case, actions={"create"})
    check(log, lambda: agenda.remove_case(store, d.case_id), touched={d.case_id}, actions={"delete"})
    rows = check(log, lambda: agenda.import_rows(store, [
        {"pnr": fictitious_pnr(5), "name": "Test Person 5", "unit": "Avd 1", "municipality": "Kalmar", "question": ""},
        {"pnr": fictitious_pnr(6), "name": "Test Person 6", "unit": "Avd 1", "municipality": "Kalmar", "question": ""},
    ], MONDAY), touched=lambda rows: {r.case_id for r in rows}, actions={"create"})
    e, f = rows

    # The meeting: order a, c, b, e, f.
    check(log, lambda: meeting.start_meeting(store, MONDAY), touched={a.case_id}, actions={"read", "update"})
    # The live screen opens: the current card was logged when it became current; the other names in the
    # agenda column are logged once; a reload logs nothing more.
    check(log, lambda: meeting.load_live(store, MONDAY), touched={b.case_id, c.case_id, e.case_id, f.case_id},
          actions={"read"})
    check(log, lambda: meeting.load_live(store, MONDAY), touched=set(), actions=set())
    clock.advance(60)
    check(log, lambda: meeting.toggle_pause(store, MONDAY), touched={a.case_id}, actions={"update"})
    check(log, lambda: meeting.next_case(store, MONDAY), touched={a.case_id, c.case_id}, actions={"read", "update"})
    check(log, lambda: meeting.back(store, MONDAY), touched={a.case_id, c.case_id}, actions={"read", "update"})
    check(log, lambda: meeting.select_case(store, MONDAY, b.case_id), touched={a.case_id, b.case_id},
          actions={"read", "update"})
    dec = check(log, lambda: meeting.add_decision(store, b.case_id, text="Hemtjänst", responsible_org="Kalmar kommun",
                                                  kind="home_visit"), touched={b.case_id}, actions={"create"})
    check(log, lambda: meeting.set_decision_done(store, dec.decision_id), touched={b.case_id}, actions={"update"})
    check(log, lambda: meeting.set_readiness(store, b.case_id, state="expected", expected_date=TUESDAY),
          touched={b.case_id}, actions={"update"})
    bl = check(log, lambda: meeting.add_blocker(store, b.case_id, what="Hjälpmedel", owner_org="Kalmar kommun"),
               touched={b.case_id}, actions={"create"})
    check(log, lambda: meeting.resolve_blocker(store, bl.blocker_id), touched={b.case_id}, actions={"update"})
    check(log, lambda: meeting.mark_day(store, b.case_id, "green", "allt gjort"), touched={b.case_id},
          actions={"update"})
    check(log, lambda: meeting.case_summary(store, b.case_id), touched={b.case_id}, actions={"export"})
    # b deferred; the next waiting case after b's position (e) becomes current.
    check(log, lambda: meeting.defer_case(store, MONDAY, "väntar på läkare"), touched={b.case_id, e.case_id},
          actions={"read", "update"})
    check(log, lambda: meeting.huddle_summaries(store, MONDAY), touched={a.case_id, b.case_id, c.case_id, e.case_id, f.case_id},
          actions={"export"})
    with store.read() as s:
        patient_b = s.scalar(text("SELECT patient_id FROM \"case\" WHERE id = :i"), {"i": b.case_id})
    with store.read() as s:
        before = s.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1))
    meeting.readiness_history(store, patient_b)
    events = log.new()
    assert [(e.action, e.patient_id) for e in events] == [("read", patient_b)] and events[0].id > before
    # finish: e is current; c (sent back to waiting) and f not reached: marked; each of those and the
    # already deferred b gets a carried copy on Tuesday (b's own case is not touched again).
    result = check(log, lambda: meeting.finish_meeting(store, MONDAY),
                   touched=lambda res: {c.case_id, e.case_id, f.case_id} | {r.case_id for r in res.carried},
                   actions={"create", "update"})
    assert result.next_date == TUESDAY and len(result.carried) == 4
    # The admin's own reading of the log is logged too.
    check(log, lambda: audit.patient_extract(store, fictitious_pnr(2)), touched={None}, actions={"read"})


def test_heartbeat_and_quiet_refresh_write_nothing(store, clock):
    add(store, 1)
    meeting.start_meeting(store, MONDAY)
    log = Log(store)
    for _ in range(3):
        clock.advance(1)
        meeting.heartbeat(store, MONDAY)
        meeting.load_live(store, MONDAY, recover=False, audit=False)
        agenda.list_agenda(store, MONDAY, with_identity=False)
    assert log.new() == []


def test_a_refused_change_leaves_no_event(store):
    a = add(store, 1)
    log = Log(store)
    with pytest.raises(InputError):
        add(store, 1)  # already on the agenda
    with pytest.raises(InputError):
        agenda.edit_question(store, a.case_id, "x" * 5000)
    assert log.new() == []


def test_the_log_cannot_be_changed_or_deleted(store):
    add(store, 1)
    import sqlalchemy.exc

    for sql in ("UPDATE audit_event SET actor = 'someone else'", "DELETE FROM audit_event"):
        with pytest.raises(sqlalchemy.exc.DatabaseError, match="append-only"):
            with store.write() as s:
                s.execute(text(sql))
    with store.read() as s:
        assert s.scalar(text("SELECT count(*) FROM audit_event")) == 1


def test_patient_extract_names_who_from_which_organisation_what_and_when(store, clock):
    from huddle.services import access

    add(store, 1)
    add(store, 2)
    access.add_user(store, username="ada", name="Ada Admin", password="ada password", roles=["admin"],
                    organisation="Region Kalmar")
    access.add_user(store, username="nina", name="Nina Nurse", password="nina password", roles=["nurse"],
                    organisation="Avd 12 Oskarshamn")
    nina = store.with_actor(access.authenticate(store, "nina", "nina password"))
    clock.advance(3600)
    agenda.list_agenda(nina, MONDAY)
    ada = store.with_actor(access.authenticate(store, "ada", "ada password"))
    extract = audit.patient_extract(ada, fictitious_pnr(1).replace("-", "")[2:])  # any accepted form
    assert extract.who == fictitious_pnr(1) and extract.name == "Test Person 1"
    got = [(r.actor, r.username, r.organisation, r.action, r.what) for r in extract.rows]
    assert got == [
        (Actor.local().name, None, None, "create", "case.add+patient.create"),
        ("Nina Nurse", "nina", "Avd 12 Oskarshamn", "read", "agenda.list"),
    ]
    assert extract.rows[1].at == clock.now() and extract.rows[1].huddle_date == MONDAY
    with pytest.raises(InputError, match="No patient"):
        audit.patient_extract(ada, fictitious_pnr(9))
    from huddle.errors import AccessDenied

    with pytest.raises(AccessDenied, match="admin"):
        audit.patient_extract(nina, fictitious_pnr(1))


def test_sample_picks_events_of_the_period_and_is_repeatable_with_a_seed(store, clock):
    for i in range(12):
        add(store, i, day=TUESDAY)
        clock.advance(86400 if i % 4 == 3 else 60)
    first = audit.sample(store, 3, MONDAY, MONDAY, seed=7)
    again = audit.sample(store, 3, MONDAY, MONDAY, seed=7)
    assert first.rows == again.rows and len(first.rows) == 3
    assert first.total == 4  # the four additions on Monday (local time)
    assert all(r.at.date() == MONDAY for r in first.rows)
    assert len(audit.sample(store, 500, MONDAY, date(2026, 12, 31)).rows) == 12
    with pytest.raises(InputError):
        audit.sample(store, 0, MONDAY, TUESDAY)
    with pytest.raises(InputError):
        audit.sample(store, 5, TUESDAY, MONDAY)


def test_audit_command_prints_extract_as_table_json_and_csv(tmp_path):
    from tests.conftest import run_huddle

    db = tmp_path / "s.db"
    name = "[bold red]Tolvan[/bold red] [link=https://evil.example]Tolvansson[/link]"
    r = run_huddle("patient", "add", "--pnr", "19121212-1212", "--name", name, "--unit", "Avd 12",
                   "--municipality", "Oskarshamn", "--date", "2026-12-01", db=db)
    assert r.returncode == 0, r.stderr
    r = run_huddle("audit", "--patient", "19121212-1212", "--format", "json", db=db)
    assert r.returncode == 0, r.stderr
    rows = json.loads(r.stdout)
    assert [x["what"] for x in rows] == ["case.add+patient.create"] and rows[0]["patient"] == "19121212-1212"
    r = run_huddle("audit", "--patient", "19121212-1212", "--format", "csv", db=db)
    assert r.stdout.decode().splitlines()[0] == "at,actor,username,organisation,action,what,patient,huddle_date"
    r = run_huddle("audit", "--patient", "19121212-1212", db=db, env={"COLUMNS": "200"})
    assert b"Access log for 19121212-1212 (3 events)" in r.stdout  # create + the two extracts before
    # Markup typed by people is shown literally in tables.
    r = run_huddle("agenda", "--date", "2026-12-01", db=db, env={"COLUMNS": "300"})
    assert name.encode() in r.stdout
    r = run_huddle("audit", db=db)
    assert r.returncode == 2 and b"--patient PNR" in r.stderr
    r = run_huddle("audit", "--sample", "3", "--from", "2026-13-01", "--to", "2026-12-01", db=db)
    assert r.returncode == 2 and r.stderr.count(b"\n") == 1
