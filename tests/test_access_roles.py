"""Roles are checked in the services: each service refuses the roles it is not for, with a clear message,
and writes nothing when it refuses.  A manager's views hold no identities."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from db.models import AuditEvent
from huddle.errors import AccessDenied, HuddleError
from huddle.services import access, agenda, audit, backup, meeting, retention, stats
from huddle.store import Actor
from tests.conftest import MONDAY, fictitious_pnr

ROLES = ("nurse", "facilitator", "manager", "admin")



NAMES = [f"Identifierbar Person{i}" for i in range(3)]


@pytest.fixture
def seeded(store, clock):
    """Three patients, a running meeting with a decision and a blocker on the first case."""
    rows = [agenda.add_patient(store, pnr=fictitious_pnr(i), name=NAMES[i], unit="Avd 12", municipality="Kalmar",
                               question="Hemgång?", day=MONDAY) for i in range(3)]
    meeting.start_meeting(store, MONDAY)
    clock.advance(120)
    dec = meeting.add_decision(store, rows[0].case_id, text="Hemtjänst", responsible_org="Kalmar kommun")
    bl = meeting.add_blocker(store, rows[0].case_id, what="Hjälpmedel", owner_org="Kalmar kommun")
    att = meeting.attendance_join(store, MONDAY, name="Kim", organisation="Kalmar kommun", role="needs_assessor")
    return {"rows": rows, "decision": dec, "blocker": bl, "attendance": att}


def as_role(store, role: str):
    return store.with_actor(Actor(name=f"A {role}", staff_id=None, organisation="Org", roles=frozenset({role}),
                                  single_user=False))


def calls(seeded, tmp_path):
    """(name, allowed roles, call(store)) for every service that reads or changes data."""
    r0, r1, _ = seeded["rows"]
    nurse_fac = {"nurse", "facilitator"}
    return [
        ("agenda.add_patient", nurse_fac, lambda s: agenda.add_patient(
            s, pnr=fictitious_pnr(9), name="Ny Patient", unit="Avd 1", municipality="Kalmar", day=MONDAY)),
        ("agenda.import_rows", nurse_fac, lambda s: agenda.import_rows(s, [], MONDAY)),
        ("agenda.list_agenda", nurse_fac | {"admin"}, lambda s: agenda.list_agenda(s, MONDAY)),
        ("agenda.edit_question", nurse_fac, lambda s: agenda.edit_question(s, r1.case_id, "Ändrad")),
        ("agenda.move_case", nurse_fac, lambda s: agenda.move_case(s, r1.case_id, 0)),
        ("agenda.remove_case", nurse_fac, lambda s: agenda.remove_case(s, 999)),
        ("meeting.load_live", nurse_fac | {"admin"}, lambda s: meeting.load_live(s, MONDAY)),
        ("meeting.start_meeting", {"facilitator"}, lambda s: meeting.start_meeting(s, MONDAY)),
        ("meeting.next_case", {"facilitator"}, lambda s: meeting.next_case(s, date(2026, 12, 7))),
        ("meeting.toggle_pause", {"facilitator"}, lambda s: meeting.toggle_pause(s, date(2026, 12, 7))),
        ("meeting.back", {"facilitator"}, lambda s: meeting.back(s, date(2026, 12, 7))),
        ("meeting.select_case", {"facilitator"}, lambda s: meeting.select_case(s, date(2026, 12, 7), r1.case_id)),
        ("meeting.defer_case", {"facilitator"}, lambda s: meeting.defer_case(s, date(2026, 12, 7), "x")),
        ("meeting.finish_meeting", {"facilitator"}, lambda s: meeting.finish_meeting(s, date(2026, 12, 7))),
        ("meeting.heartbeat", {"facilitator"}, lambda s: meeting.heartbeat(s, MONDAY)),
        ("meeting.attendance_join", {"facilitator"}, lambda s: meeting.attendance_join(
            s, date(2026, 12, 7), name="x", organisation=None, role=None)),
        ("meeting.attendance_leave", {"facilitator"}, lambda s: meeting.attendance_leave(s, 999)),
        ("meeting.update_huddle_settings", {"facilitator"}, lambda s: meeting.update_huddle_settings(
            s, date(2026, 12, 7), target_s=5)),
        ("meeting.add_decision", nurse_fac, lambda s: meeting.add_decision(
            s, 999, text="x", responsible_org=None)),
        ("meeting.set_decision_done", nurse_fac, lambda s: meeting.set_decision_done(s, 999)),
        ("meeting.set_readiness", nurse_fac, lambda s: meeting.set_readiness(s, 999, state="bogus")),
        ("meeting.readiness_history", nurse_fac, lambda s: meeting.readiness_history(s, 999)),
        ("meeting.add_blocker", nurse_fac, lambda s: meeting.add_blocker(s, 999, what="x", owner_org="y")),
        ("meeting.resolve_blocker", nurse_fac, lambda s: meeting.resolve_blocker(s, 999)),
        ("meeting.mark_day", nurse_fac, lambda s: meeting.mark_day(s, 999, "blue")),
        ("meeting.case_summary", nurse_fac, lambda s: meeting.case_summary(s, r0.case_id)),
        ("meeting.huddle_summaries", nurse_fac, lambda s: meeting.huddle_summaries(s, MONDAY)),
        ("stats.figures", {"manager", "admin"}, lambda s: stats.figures(s, MONDAY, MONDAY)),
        ("stats.export_rows", {"manager", "admin"}, lambda s: stats.export_rows(s, MONDAY, MONDAY)),
        ("audit.patient_extract", {"admin"}, lambda s: audit.patient_extract(s, fictitious_pnr(0))),
        ("audit.sample", {"admin"}, lambda s: audit.sample(s, 3, MONDAY, MONDAY)),
        ("retention.pseudonymise", {"admin"}, lambda s: retention.pseudonymise(s, 30000)),
        ("backup.backup", {"admin"}, lambda s: backup.backup(s, tmp_path / f"b-{s.actor.name}.db")),
        ("access.list_users", {"admin"}, lambda s: access.list_users(s)),
        ("access.add_user", {"admin"}, lambda s: access.add_user(
            s, username="x y", name="x", password="long enough", roles=["admin"])),
        ("access.set_disabled", {"admin"}, lambda s: access.set_disabled(s, "nobody")),
    ]


def _events(store) -> int:
    with store.read() as s:
        return s.scalar(select(func.count()).select_from(AuditEvent))


@pytest.mark.parametrize("role", ROLES)
def test_each_service_refuses_the_roles_it_is_not_for(store, seeded, tmp_path, role):
    who = as_role(store, role)
    wrong = []
    for name, allowed, call in calls(seeded, tmp_path):
        before = _events(store)
        try:
            call(who)
            refused = None
        except AccessDenied as exc:
            refused = str(exc)
        except HuddleError:
            refused = None  # allowed through the role check; refused later for its input
        if role in allowed and refused is not None:
            wrong.append(f"{name}: {role} refused ({refused})")
        if role not in allowed:
            if refused is None:
                wrong.append(f"{name}: {role} let through")
            else:
                assert refused.startswith("Not allowed: this needs the role "), refused
                assert _events(store) == before, f"{name} wrote while refusing"
    assert wrong == []


def test_single_user_mode_lets_the_local_user_do_everything(store, seeded, tmp_path):
    assert store.actor.single_user
    for name, _allowed, call in calls(seeded, tmp_path):
        try:
            call(store)
        except AccessDenied as exc:  # pragma: no cover - the failure message names the service
            pytest.fail(f"{name}: {exc}")
        except HuddleError:
            pass


def test_a_managers_views_hold_no_identities(store, seeded, tmp_path):
    manager = as_role(store, "manager")
    shown = []
    for name, allowed, call in calls(seeded, tmp_path):
        if "manager" not in allowed:
            continue
        shown.append(repr(call(manager)))
    text = "\n".join(shown)
    assert shown
    for i in range(3):
        assert fictitious_pnr(i) not in text and fictitious_pnr(i).replace("-", "") not in text and NAMES[i] not in text
