"""Carry-over across several meetings, and two apps working on the same meeting."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from db.models import Case
from huddle.errors import ConflictError, InputError
from huddle.services import agenda, meeting
from tests.conftest import MONDAY, PATIENTS, TUESDAY, put_on_agenda, reopen

WEDNESDAY = date(2026, 12, 2)


def test_a_case_not_reached_twice_keeps_its_whole_history(store, clock):
    a, b = put_on_agenda(store, patients=PATIENTS[:2])
    meeting.start_meeting(store, MONDAY)
    meeting.set_readiness(store, b.case_id, state="expected", expected_date=WEDNESDAY)
    meeting.add_blocker(store, b.case_id, what="Läkarbedömning", owner_org="Avd 12")
    clock.advance(120)
    meeting.next_case(store, MONDAY)  # a done; b active
    clock.advance(30)
    first = meeting.finish_meeting(store, MONDAY)  # b not reached (30 s spent)
    assert [r.pnr for r in first.carried] == [PATIENTS[1][0]]

    clock.advance(hours=24)
    live = meeting.start_meeting(store, TUESDAY)
    assert live.card.case.pnr == PATIENTS[1][0]
    assert live.card.case.seconds == 0  # time is per huddle; Monday's 30 s stay on Monday
    assert live.card.readiness.state == "expected"  # readiness, blockers follow the patient
    assert [x.what for x in live.card.blockers] == ["Läkarbedömning"]
    second = meeting.finish_meeting(store, TUESDAY)
    assert second.next_date == WEDNESDAY

    with store.read() as s:
        chain = []
        case = s.scalar(select(Case).where(Case.id == second.carried[0].case_id))
        while case is not None:
            chain.append((case.huddle.date, case.state, case.defer_reason))
            case = s.get(Case, case.carried_from_id) if case.carried_from_id else None
    assert chain == [
        (WEDNESDAY, "waiting", "not_reached"),
        (TUESDAY, "waiting", "not_reached"),
        (MONDAY, "waiting", "not_reached"),
    ]
    # A finished agenda takes no new patients; the carried case can still be summarised.
    with pytest.raises(InputError):
        agenda.add_patient(store, pnr=PATIENTS[2][0], name="x", unit="y", municipality="z", day=MONDAY)
    assert "Carried over from the huddle of 2026-12-01: not reached" in meeting.case_summary(
        store, second.carried[0].case_id
    )


def test_two_apps_on_one_meeting(store, clock):
    a, b, c = put_on_agenda(store)
    other = reopen(store)  # a second app (e.g. the room's host) on the same file
    meeting.start_meeting(store, MONDAY)
    seen = meeting.load_live(other, MONDAY)
    assert seen.current_case_id == a.case_id and seen.running

    meeting.next_case(store, MONDAY)
    # The other app still holds a's old version: its deferral is refused, nothing overwritten.
    with pytest.raises(ConflictError, match="moved on"):
        meeting.defer_case(other, MONDAY, "Väntar på provsvar", case_id=seen.current_case_id)
    with pytest.raises(ConflictError):
        meeting.next_case(other, MONDAY, case_id=seen.current_case_id)
    now = meeting.load_live(other, MONDAY)
    assert now.current_case_id == b.case_id
    meeting.add_decision(store, b.case_id, text="Hembesök", responsible_org=None)  # not a case change
    meeting.mark_day(store, b.case_id, "green")
    live = meeting.defer_case(
        other, MONDAY, "Väntar på provsvar", case_id=now.current_case_id, version=now.card.case.version
    )
    assert live.current_case_id == c.case_id
    assert [x.state for x in meeting.load_live(store, MONDAY).cases] == ["done", "deferred", "active"]
    other.close()


def test_finishing_while_back_on_a_done_case_keeps_it_done(store, clock):
    a, b = put_on_agenda(store, patients=PATIENTS[:2])
    meeting.start_meeting(store, MONDAY)
    clock.advance(60)
    meeting.next_case(store, MONDAY)
    clock.advance(10)
    meeting.next_case(store, MONDAY)  # both done
    meeting.back(store, MONDAY)  # b again, for a forgotten detail
    clock.advance(15)
    result = meeting.finish_meeting(store, MONDAY)
    assert result.carried == ()
    with store.read() as s:
        assert [c.state for c in s.scalars(select(Case).order_by(Case.id))] == ["done", "done"]


def test_finishing_before_christmas_carries_to_the_monday_after_and_a_holiday_takes_no_patient(store, clock):
    from huddle.services import days

    before_christmas = date(2026, 12, 23)  # a Wednesday; Thursday to Sunday have no meeting
    clock.advance(hours=24 * (before_christmas - MONDAY).days)
    put_on_agenda(store, day=before_christmas, patients=PATIENTS[:2])
    meeting.start_meeting(store, before_christmas)
    finished = meeting.finish_meeting(store, before_christmas)
    assert finished.next_date == date(2026, 12, 28)
    assert {r.huddle_date for r in finished.carried} == {date(2026, 12, 28)}
    assert agenda.default_date(store) == date(2026, 12, 28)
    with pytest.raises(InputError, match="2026-12-24 is not a meeting day .Christmas Eve.; the next meeting day is 2026-12-28"):
        agenda.add_patient(store, pnr=PATIENTS[2][0], name="Karl", unit="Avd", municipality="Högsby",
                           day=date(2026, 12, 24))
    # A day with cases on its agenda is not closed under them; an empty one is, and moves the next meeting.
    with pytest.raises(InputError, match="has 2 case"):
        days.set_day(store, date(2026, 12, 28), "closed")
    days.set_day(store, date(2026, 12, 29), "closed")
    assert agenda.calendar(store).next(date(2026, 12, 28), include_today=False) == date(2026, 12, 30)
    days.set_day(store, date(2026, 12, 27), "extra")  # a Sunday meeting, by local decision
    assert agenda.calendar(store).next(date(2026, 12, 24)) == date(2026, 12, 27)
    days.set_day(store, date(2026, 12, 27), "default")
    assert agenda.calendar(store).next(date(2026, 12, 24)) == date(2026, 12, 28)
    shown = {d.day: (d.meeting, d.reason) for d in days.meeting_days(store, date(2026, 12, 24), date(2026, 12, 29))}
    assert shown[date(2026, 12, 24)] == (False, "Christmas Eve")
    assert shown[date(2026, 12, 28)] == (True, None)
    assert shown[date(2026, 12, 29)] == (False, "closed by local decision")
