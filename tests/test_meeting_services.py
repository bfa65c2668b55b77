"""The live meeting services on a real temporary store with a fake clock: times, states, carry-over, crash recovery."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from db.models import AuditEvent, Case, CaseInterval, Huddle
from huddle.domain.clock import to_utc
from huddle.domain.summary import reason_text
from huddle.errors import ConflictError, InputError
from huddle.services import agenda, meeting
from tests.conftest import MONDAY, PATIENTS, TUESDAY, put_on_agenda, reopen


def stored_seconds(store, case_id: int) -> float:
    with store.read() as s:
        ivs = s.scalars(select(CaseInterval).where(CaseInterval.case_id == case_id)).all()
        assert all(iv.stopped_at is not None for iv in ivs), "an interval was left open"
        return sum((iv.stopped_at - iv.started_at).total_seconds() for iv in ivs)



def states(live) -> list[str]:
    return [c.state for c in live.cases]


def test_three_cases_with_pause_back_defer_finish(store, clock):
    a, b, c = put_on_agenda(store)

    live = meeting.start_meeting(store, MONDAY)
    assert live.huddle.state == "running"
    assert live.current_case_id == a.case_id and live.running
    assert states(live) == ["active", "waiting", "waiting"]
    assert live.card.case.pnr == "19121212-1212"

    clock.advance(90)
    live = meeting.toggle_pause(store, MONDAY)  # pause after 90 s
    assert not live.running
    clock.advance(30)  # paused: not counted
    live = meeting.toggle_pause(store, MONDAY)
    assert live.running
    clock.advance(60)
    live = meeting.next_case(store, MONDAY)  # a: 150 s, done
    assert live.current_case_id == b.case_id
    assert states(live) == ["done", "active", "waiting"]
    assert live.cases[0].seconds == 150

    clock.advance(40)
    live = meeting.back(store, MONDAY)  # back to a: b waits again with its 40 s
    assert live.current_case_id == a.case_id
    assert states(live) == ["active", "waiting", "waiting"]
    assert live.cases[1].seconds == 40
    clock.advance(20)
    live = meeting.next_case(store, MONDAY)  # a: 170 s; b again
    assert live.current_case_id == b.case_id
    clock.advance(100)
    live = meeting.defer_case(store, MONDAY, "Läkaren kunde inte delta")  # b: 140 s, deferred
    assert live.current_case_id == c.case_id
    assert states(live) == ["done", "deferred", "active"]
    clock.advance(25)

    result = meeting.finish_meeting(store, MONDAY)  # c: 25 s, not reached (still active)

    assert stored_seconds(store, a.case_id) == 170
    assert stored_seconds(store, b.case_id) == 140
    assert stored_seconds(store, c.case_id) == 25
    assert result.next_date == TUESDAY
    with store.read() as s:
        h = s.scalar(select(Huddle).where(Huddle.date == MONDAY))
        assert h.state == "finished"
        assert to_utc(h.finished_at) == clock.now()
        old = {x.id: x for x in s.scalars(select(Case).where(Case.huddle_id == h.id))}
        assert old[a.case_id].state == "done"
        assert (old[b.case_id].state, old[b.case_id].defer_reason) == ("deferred", "Läkaren kunde inte delta")
        assert (old[c.case_id].state, old[c.case_id].defer_reason) == ("waiting", "not_reached")
        new = s.scalars(select(Case).join(Huddle).where(Huddle.date == TUESDAY).order_by(Case.position)).all()
        assert [(n.carried_from_id, n.state, n.defer_reason) for n in new] == [
            (b.case_id, "waiting", "Läkaren kunde inte delta"),
            (c.case_id, "waiting", "not_reached"),
        ]
        assert [n.question for n in new] == ["SIP behövs?", "Korttidsplats?"]
    assert [r.pnr for r in result.carried] == [PATIENTS[1][0], PATIENTS[2][0]]
    assert all(r.carried for r in result.carried)
    assert reason_text("not_reached") == "not reached"
    # The finished meeting refuses further changes.
    with pytest.raises(InputError, match="finished"):
        meeting.next_case(store, MONDAY)


def test_not_reached_patient_already_on_next_agenda_is_not_duplicated(store, clock):
    a, b, c = put_on_agenda(store)
    put_on_agenda(store, day=TUESDAY, patients=[PATIENTS[2]])
    meeting.start_meeting(store, MONDAY)
    clock.advance(60)
    meeting.next_case(store, MONDAY)
    result = meeting.finish_meeting(store, MONDAY)
    tuesday = agenda.list_agenda(store, TUESDAY)
    assert [r.pnr for r in tuesday] == [PATIENTS[2][0], PATIENTS[1][0]]
    assert len(result.carried) == 2
    with store.read() as s:
        linked = s.scalar(select(Case).where(Case.id == tuesday[0].case_id))
        assert linked.carried_from_id == c.case_id


def test_finish_on_friday_moves_to_monday_and_keeps_history(store, clock):
    friday = date(2026, 12, 4)
    a, b = put_on_agenda(store, day=friday, patients=PATIENTS[:2])
    meeting.start_meeting(store, friday)
    meeting.add_blocker(store, a.case_id, what="Ledig korttidsplats", owner_org="Högsby kommun")
    meeting.add_decision(store, a.case_id, text="Kalla till SIP", responsible_org="Högsby kommun", kind="sip_meeting")
    result = meeting.finish_meeting(store, friday)
    assert result.next_date == date(2026, 12, 7)
    # The carried case on Monday shows the earlier decision and the blocker on the card.
    monday = result.next_date
    meeting.start_meeting(store, monday)
    live = meeting.load_live(store, monday)
    assert live.card.case.carried and live.card.case.defer_reason == "not_reached"
    assert [d.text for d in live.card.open_decisions] == ["Kalla till SIP"]
    assert live.card.open_decisions[0].huddle_date == friday
    assert [bl.what for bl in live.card.blockers] == ["Ledig korttidsplats"]


def test_crash_recovery_closes_the_open_interval_at_its_heartbeat(store, clock):
    a, b, _ = put_on_agenda(store)
    meeting.start_meeting(store, MONDAY)
    for _ in range(75):  # the app beats about once a second
        clock.advance(1)
        assert meeting.heartbeat(store, MONDAY)
    clock.advance(0.6)  # SIGKILL here, 0.6 s after the last beat
    clock.advance(600)  # reopened ten minutes later
    store = reopen(store)
    live = meeting.load_live(store, MONDAY)
    assert live.current_case_id == a.case_id
    assert not live.running  # still active, but paused
    assert live.cases[0].state == "active"
    assert abs(stored_seconds(store, a.case_id) - 75.6) <= 2
    assert stored_seconds(store, a.case_id) == 75
    # Resuming counts on from there.
    meeting.toggle_pause(store, MONDAY)
    clock.advance(10)
    live = meeting.next_case(store, MONDAY)
    assert stored_seconds(store, a.case_id) == 85
    assert live.current_case_id == b.case_id


def test_running_case_is_not_recovered_while_it_beats(store, clock):
    put_on_agenda(store)
    meeting.start_meeting(store, MONDAY)
    clock.advance(1)
    assert meeting.heartbeat(store, MONDAY)
    clock.advance(1.5)
    live = meeting.load_live(reopen(store), MONDAY)  # a second window opening: the case is still running
    assert live.running
    clock.advance(2.5)
    assert meeting.heartbeat(store, MONDAY)
    # A periodic refresh writes nothing and does not recover.
    clock.advance(30)
    assert meeting.heartbeat(store, MONDAY)  # the app beats every second
    live = meeting.load_live(store, MONDAY, recover=False, audit=False)
    assert live.running and live.cases[0].seconds == 35
    # With no beat for longer than the grace, every other reader counts to the last beat (the app
    # looks gone); the app that keeps the case counts on.
    clock.advance(10)
    other = reopen(store)
    assert meeting.load_live(other, MONDAY, recover=False, audit=False).cases[0].seconds == 35
    assert meeting.load_live(store, MONDAY, recover=False, audit=False).cases[0].seconds == 45
    other.close()


def test_reads_are_logged_when_the_current_case_changes_not_on_refresh(store, clock):
    a, b, _ = put_on_agenda(store)
    meeting.start_meeting(store, MONDAY)

    def reads(case_id):
        with store.read() as s:
            return len(s.scalars(select(AuditEvent).where(
                AuditEvent.case_id == case_id, AuditEvent.action == "read", AuditEvent.what == "case.card")).all())

    assert reads(a.case_id) == 1
    for _ in range(5):
        meeting.load_live(store, MONDAY, recover=False, audit=False)
        meeting.heartbeat(store, MONDAY)
    assert reads(a.case_id) == 1
    meeting.load_live(store, MONDAY)  # a reload of the same screen: the same card, no new read
    assert reads(a.case_id) == 1
    other = reopen(store)
    meeting.load_live(other, MONDAY)  # another app opens the meeting: a read
    assert reads(a.case_id) == 2
    meeting.next_case(store, MONDAY)
    assert reads(b.case_id) == 1
    meeting.load_live(other, MONDAY)  # the other app sees the meeting moved on: a read of b
    assert reads(b.case_id) == 2


def test_a_reload_in_the_running_app_never_pauses_the_case(store, clock):
    """The screen reloads after every dialog; its own heartbeat may lag the fake clock."""
    a, *_ = put_on_agenda(store)
    meeting.load_live(store, MONDAY)  # the screen opens
    meeting.start_meeting(store, MONDAY)
    clock.advance(100)  # no beat in between
    live = meeting.load_live(store, MONDAY)
    assert live.running and live.cases[0].seconds == 100
    meeting.heartbeat(store, MONDAY)
    clock.advance(20)
    live = meeting.next_case(store, MONDAY)
    assert stored_seconds(store, a.case_id) == 120


def test_select_and_back_rules(store, clock):
    a, b, c = put_on_agenda(store)
    with pytest.raises(InputError, match="not started"):
        meeting.next_case(store, MONDAY)
    meeting.start_meeting(store, MONDAY)
    with pytest.raises(InputError, match="already running"):
        meeting.start_meeting(store, MONDAY)
    with pytest.raises(InputError, match="no earlier case"):
        meeting.back(store, MONDAY)
    clock.advance(10)
    live = meeting.select_case(store, MONDAY, c.case_id)
    assert states(live) == ["waiting", "waiting", "active"]
    clock.advance(10)
    live = meeting.next_case(store, MONDAY)  # no waiting case after c: the first waiting one
    assert live.current_case_id == a.case_id
    live = meeting.defer_case(store, MONDAY, "Väntar på provsvar")
    assert live.current_case_id == b.case_id
    with pytest.raises(InputError, match="deferred"):
        meeting.select_case(store, MONDAY, a.case_id)
    with pytest.raises(InputError, match="reason is required"):
        meeting.defer_case(store, MONDAY, "   ")
    # Stale version from an old screen: refused, nothing changed.
    with pytest.raises(ConflictError):
        meeting.select_case(store, MONDAY, c.case_id, version=c.version)
    live = meeting.next_case(store, MONDAY)
    assert live.current_case_id is None and states(live) == ["deferred", "done", "done"]
    live = meeting.back(store, MONDAY)  # from the end back to the last done case
    assert live.current_case_id == c.case_id
    live = meeting.back(store, MONDAY)  # c had been done before: stays done
    assert states(live) == ["deferred", "active", "done"]


@pytest.mark.parametrize("restart_after", [0.5, 1.2, 1.9, 2.5, 4.0, 30.0])
def test_killed_case_time_is_right_within_two_seconds_however_soon_the_app_restarts(store, clock, restart_after):
    a, *_ = put_on_agenda(store)
    meeting.start_meeting(store, MONDAY)
    for _ in range(40):
        clock.advance(1)
        meeting.heartbeat(store, MONDAY)
    clock.advance(0.7)
    killed_at = clock.now()  # true time of the case: 40.7 s
    clock.advance(restart_after)
    live = meeting.load_live(reopen(store), MONDAY)
    # The restarted app shows the case's time from the stored intervals at once.
    from huddle.domain.timing import case_seconds

    shown = case_seconds(live.current_intervals, clock.now())
    assert abs(shown - (killed_at - live.current_intervals[0].start).total_seconds()) <= 2
    assert live.current_case_id == a.case_id
