"""What is recorded on a case during the huddle: decisions, readiness with history, blockers, day mark, attendance."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from db.models import AuditEvent, Readiness
from huddle.domain.clock import UTC
from huddle.domain.vocab import MeetingRole
from huddle.errors import ConflictError, InputError
from huddle.services import meeting
from tests.conftest import MONDAY, put_on_agenda


@pytest.fixture
def running(store, clock):
    cases = put_on_agenda(store)
    meeting.start_meeting(store, MONDAY)
    return cases


def test_decision_is_shown_on_the_card_and_validated(store, clock, running):
    a = running[0]
    d = meeting.add_decision(
        store, a.case_id, text="  Hembesök inom två dagar ", responsible_org="Oskarshamns kommun",
        responsible_person="Eva Ek", due_date=date(2026, 12, 2), kind="home_visit",
    )
    assert d.text == "Hembesök inom två dagar" and not d.done and d.huddle_date == MONDAY
    live = meeting.load_live(store, MONDAY)
    assert [x.decision_id for x in live.card.decisions] == [d.decision_id]
    assert live.card.open_decisions == ()  # taken today, not an earlier one
    assert meeting.set_decision_done(store, d.decision_id).done

    with pytest.raises(InputError, match="decision is required"):
        meeting.add_decision(store, a.case_id, text=" ", responsible_org=None)
    with pytest.raises(InputError, match="Unknown kind of decision 'visit'"):
        meeting.add_decision(store, a.case_id, text="x", responsible_org=None, kind="visit")
    with pytest.raises(InputError, match="already passed"):
        meeting.add_decision(store, a.case_id, text="x", responsible_org=None, due_date=date(2026, 11, 1))
    with pytest.raises(InputError, match="does not exist"):
        meeting.add_decision(store, 9999, text="x", responsible_org=None)


def test_open_decisions_from_earlier_huddles_follow_the_patient(store, clock, running):
    a = running[0]
    old = meeting.add_decision(store, a.case_id, text="Läkemedelsgenomgång", responsible_org="HC Oskarshamn",
                               kind="medication_review")
    done = meeting.add_decision(store, a.case_id, text="Klart redan", responsible_org=None)
    meeting.set_decision_done(store, done.decision_id)
    meeting.finish_meeting(store, MONDAY)  # a was active: carried to Tuesday
    tuesday = date(2026, 12, 1)
    clock.advance(hours=24)
    live = meeting.start_meeting(store, tuesday)
    assert live.card.case.patient_id == a.patient_id
    assert [x.text for x in live.card.open_decisions] == ["Läkemedelsgenomgång"]
    assert live.card.open_decisions[0].decision_id == old.decision_id
    assert live.card.decisions == ()


def test_readiness_history_and_derived_days(store, clock, running):
    a = running[0]
    # Notice on Friday 27 Nov at 10:00 local (09:00 UTC); Monday 30 Nov is today.
    ready_at = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
    meeting.set_readiness(store, a.case_id, state="expected", expected_date=date(2026, 12, 1))
    clock.advance(5)
    info = meeting.set_readiness(store, a.case_id, state="ready", ready_at=ready_at)
    # Fri, Sat, Sun and Monday: still ready, counted up to and including today, as statistics count.
    assert info.ready_days == 4
    assert info.first_liable_day == date(2026, 12, 1)  # national rule: D+4
    assert info.liable_days == 0
    assert info.sip_deadline == date(2026, 11, 30)

    live = meeting.load_live(store, MONDAY)
    assert live.card.readiness.state == "ready" and live.card.readiness.ready_days == 4
    # Saving the dialog again without a time keeps Friday's notice.
    clock.advance(5)
    assert meeting.set_readiness(store, a.case_id, state="ready").ready_at == ready_at
    history = meeting.readiness_history(store, a.patient_id)
    assert [h.state for h in history] == ["ready", "ready", "expected"]

    # The Stockholm rule from settings: day 0 counts before 12:00, two grace days.
    from dataclasses import replace

    from db import settings as settings_db
    from huddle.domain.readiness import PRESETS

    with store.write() as s:
        settings_db.save(s, replace(settings_db.load(s), liability=PRESETS["stockholm"]))
    live = meeting.load_live(store, MONDAY)
    assert live.card.readiness.first_liable_day == date(2026, 11, 29)
    assert live.card.readiness.liable_days == 2  # Sunday and Monday

    clock.advance(5)
    info = meeting.set_readiness(store, a.case_id, state="discharged", discharged_date=MONDAY)
    assert info.ready_at == ready_at  # kept from the ready notice
    assert info.ready_days == 3


def test_readiness_refusals(store, clock, running):
    a = running[0]
    with pytest.raises(InputError, match="Unknown readiness state 'soon'"):
        meeting.set_readiness(store, a.case_id, state="soon")
    with pytest.raises(InputError, match="needs the expected date"):
        meeting.set_readiness(store, a.case_id, state="expected")
    with pytest.raises(InputError, match="expected discharge date 2026-11-29 is in the past"):
        meeting.set_readiness(store, a.case_id, state="expected", expected_date=date(2026, 11, 29))
    with pytest.raises(InputError, match="in the future"):
        meeting.set_readiness(store, a.case_id, state="ready", ready_at=clock.now() + timedelta(hours=2))
    meeting.set_readiness(store, a.case_id, state="ready", ready_at=datetime(2026, 11, 29, 12, tzinfo=UTC))
    with pytest.raises(InputError, match="before the patient was ready"):
        meeting.set_readiness(store, a.case_id, state="discharged", discharged_date=date(2026, 11, 28))
    with pytest.raises(InputError, match="record an expected discharge"):
        meeting.set_readiness(store, a.case_id, state="discharged", discharged_date=date(2026, 12, 3))
    with store.read() as s:
        assert len(s.scalars(select(Readiness)).all()) == 1  # refusals wrote nothing


def test_blockers_day_mark_and_conflict(store, clock, running):
    a = running[0]
    b1 = meeting.add_blocker(store, a.case_id, what="Biståndsbeslut om hemtjänst", owner_org="Oskarshamns kommun")
    b2 = meeting.add_blocker(store, a.case_id, what="Hjälpmedel", owner_org="Region Kalmar län")
    clock.advance(30)
    resolved = meeting.resolve_blocker(store, b2.blocker_id)
    assert resolved.resolved_at == clock.now()
    live = meeting.load_live(store, MONDAY)
    assert [(b.what, b.owner_org) for b in live.card.blockers] == [("Biståndsbeslut om hemtjänst", "Oskarshamns kommun")]
    with pytest.raises(InputError, match="owning organisation is required"):
        meeting.add_blocker(store, a.case_id, what="Något", owner_org="")

    assert meeting.mark_day(store, a.case_id, "red", "Hembesöket blev inte av") == "red"
    assert meeting.mark_day(store, a.case_id, "green") == "green"  # last one wins
    assert meeting.load_live(store, MONDAY).card.day_mark == "green"
    with pytest.raises(InputError, match="red or green"):
        meeting.mark_day(store, a.case_id, "blue")

    # A screen that read the case before it moved on gets a conflict, not a silent overwrite.
    stale_version = live.card.case.version
    meeting.next_case(store, MONDAY)
    with pytest.raises(ConflictError):
        meeting.add_blocker(store, a.case_id, what="x", owner_org="y", version=stale_version)

    with store.read() as s:
        whats = [e.what for e in s.scalars(select(AuditEvent).where(AuditEvent.case_id == a.case_id))]
    assert {"blocker.add", "blocker.resolve", "daymark.red", "daymark.green"} <= set(whats)
    assert b1.resolved_at is None


def test_attendance_and_missing_roles(store, clock, running):
    live = meeting.load_live(store, MONDAY)
    assert live.missing_roles == ("needs_assessor", "ward_nurse", "physician")
    na = meeting.attendance_join(store, MONDAY, name="Kim Berg", organisation="Högsby kommun", role="needs_assessor")
    again = meeting.attendance_join(store, MONDAY, name="Kim Berg", organisation="Högsby kommun", role="needs_assessor")
    assert again.attendance_id == na.attendance_id  # a reconnect is not a second person
    meeting.attendance_join(store, MONDAY, name="Per Holm", organisation="Avd 12", role="ward_nurse", source="room")
    dr = meeting.attendance_join(store, MONDAY, name="Dr Åberg", organisation="Avd 12", role="physician")
    live = meeting.load_live(store, MONDAY)
    assert live.missing_roles == ()
    assert len(live.attendance) == 3
    clock.advance(600)
    left = meeting.attendance_leave(store, dr.attendance_id)
    assert left.left_at == clock.now()
    live = meeting.load_live(store, MONDAY)
    assert live.missing_roles == ("physician",)
    assert MeetingRole.label_of("physician") == "physician"
    with pytest.raises(InputError, match="name is required"):
        meeting.attendance_join(store, MONDAY, name=" ", organisation=None, role=None)


def test_huddle_settings_and_access(store, clock, running):
    meeting.update_huddle_settings(store, MONDAY, target_s=240, timebox_s=3600)
    live = meeting.load_live(store, MONDAY)
    assert (live.huddle.target_s, live.huddle.timebox_s) == (240, 3600)
    with pytest.raises(InputError, match="between 30 and 3600"):
        meeting.update_huddle_settings(store, MONDAY, target_s=5)

    from huddle.errors import AccessDenied
    from huddle.store import Actor

    nurse = store.with_actor(Actor(name="sjuksköterska", roles=frozenset({"nurse"}), single_user=False))
    with pytest.raises(AccessDenied):
        meeting.next_case(nurse, MONDAY)
    with pytest.raises(AccessDenied):
        meeting.heartbeat(nurse, MONDAY)  # only the facilitator's app keeps the time
    # A nurse may follow the meeting and record readiness on a case.
    assert meeting.load_live(nurse, MONDAY).current_case_id == running[0].case_id
    meeting.set_readiness(nurse, running[1].case_id, state="not_ready")
    manager = store.with_actor(Actor(name="chef", roles=frozenset({"manager"}), single_user=False))
    with pytest.raises(AccessDenied):
        meeting.load_live(manager, MONDAY)
    with pytest.raises(AccessDenied):
        meeting.case_summary(manager, running[0].case_id)
