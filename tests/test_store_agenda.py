"""Agenda services on a real store with a fake clock: the default day, positions, conflicts."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select

from db.models import AuditEvent, Huddle
from huddle.domain.clock import UTC
from huddle.errors import ConflictError, InputError
from huddle.services import agenda

P = ["19121212-1212", "19700101-0011", "19450510-0018", "19991231-0019", "19800229-0016"]


def _add(store, i, day=date(2030, 1, 7)):
    return agenda.add_patient(store, pnr=P[i], name=f"Testperson {i}", unit="Avd 12", municipality="Oskarshamn",
                              question=f"q{i}", day=day)


@pytest.mark.parametrize(
    "utc, expected",
    [
        (datetime(2026, 11, 29, 22, 59), date(2026, 11, 30)),  # Sunday 23:59 local: Monday
        (datetime(2026, 11, 29, 23, 30), date(2026, 11, 30)),  # Monday 00:30 local (still Sunday in UTC)
        (datetime(2026, 11, 30, 22, 59), date(2026, 11, 30)),  # Monday 23:59 local: Monday's meeting not finished
        (datetime(2026, 12, 4, 23, 30), date(2026, 12, 7)),  # Saturday 00:30 local: Monday
        (datetime(2026, 3, 28, 23, 30), date(2026, 3, 30)),  # Sunday 00:30 on the spring-forward night
        (datetime(2026, 10, 25, 22, 59), date(2026, 10, 26)),  # Sunday 23:59 CET after falling back: Monday
    ],
)
def test_default_day_is_the_next_meeting_day_on_the_local_calendar(store, clock, utc, expected):
    clock.set(utc.replace(tzinfo=UTC))
    assert agenda.default_date(store) == expected
    row = _add(store, 0, day=None)
    assert row.huddle_date == expected


def test_after_todays_meeting_is_finished_new_patients_go_to_the_next_one(store, clock):
    clock.set(datetime(2026, 11, 30, 9, 0, tzinfo=UTC))  # Monday 10:00 local
    _add(store, 0, day=None)
    with store.write() as s:
        s.scalar(select(Huddle).where(Huddle.date == date(2026, 11, 30))).state = "finished"
    assert agenda.default_date(store) == date(2026, 12, 1)
    assert _add(store, 1, day=None).huddle_date == date(2026, 12, 1)
    with pytest.raises(InputError) as e:
        _add(store, 2, day=date(2026, 11, 30))
    assert e.value.key == "agenda.finished"


def test_positions_stay_one_to_n_through_moves_and_removals(store):
    rows = [_add(store, i) for i in range(5)]
    day = rows[0].huddle_date

    def order():
        got = agenda.list_agenda(store, day, with_identity=False)
        assert [r.position for r in got] == list(range(1, len(got) + 1))
        return [r.pnr for r in got]

    agenda.move_case(store, rows[4].case_id, -10)  # to the top (clamped)
    assert order() == [P[4], P[0], P[1], P[2], P[3]]
    agenda.move_case(store, rows[4].case_id, 2)
    assert order() == [P[0], P[1], P[4], P[2], P[3]]
    agenda.remove_case(store, rows[1].case_id)
    assert order() == [P[0], P[4], P[2], P[3]]
    assert _add(store, 1).position == 5  # appended after the removal, no gap, no clash
    assert order() == [P[0], P[4], P[2], P[3], P[1]]


def test_a_stale_edit_is_refused_and_overwrites_nothing(store):
    row = _add(store, 0)
    first = agenda.edit_question(store, row.case_id, "Behöver SIP?", version=row.version)
    with pytest.raises(ConflictError):
        agenda.edit_question(store, row.case_id, "Gammal text", version=row.version)
    now = agenda.list_agenda(store, row.huddle_date, with_identity=False)[0]
    assert now.question == "Behöver SIP?" and now.version == first.version


def test_the_same_person_in_another_written_form_is_the_same_patient(store):
    _add(store, 0)
    with pytest.raises(InputError) as e:
        agenda.add_patient(store, pnr="121212+1212", name="T", unit="U", municipality="M", day=date(2030, 1, 7))
    assert e.value.key == "agenda.duplicate"


def test_reads_and_changes_are_in_the_access_log(store):
    row = _add(store, 0)
    agenda.edit_question(store, row.case_id, "ny fråga")
    agenda.list_agenda(store, row.huddle_date)
    with store.read() as s:
        events = [(e.action, e.patient_id) for e in s.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert [a for a, _ in events] == ["create", "update", "read"]
    assert {p for _, p in events} == {row.patient_id}


def test_an_invalid_question_writes_nothing(store):
    row = _add(store, 0)
    with pytest.raises(InputError):
        agenda.edit_question(store, row.case_id, "x" * 2001)
    assert agenda.list_agenda(store, row.huddle_date, with_identity=False)[0].question == "q0"


def test_the_fast_agenda_read_equals_the_orm_rows(store, clock):
    """list_agenda reads plain columns; it must give exactly what the ORM objects give, time included."""
    from huddle.services import meeting

    clock.set(datetime(2030, 1, 7, 7, 55, tzinfo=UTC))
    rows = [_add(store, i) for i in range(5)]
    day = rows[0].huddle_date
    agenda.remove_case(store, rows[3].case_id)
    meeting.start_meeting(store, day)
    for step in range(12):
        clock.advance(37)
        if step % 4 == 0:
            meeting.select_case(store, day, rows[(step // 4) % 3].case_id)
        else:
            meeting.toggle_pause(store, day)
    clock.advance(11)
    fast = agenda.list_agenda(store, day, with_identity=False)
    with store.read() as s:
        slow = [agenda._row(c, store) for c in agenda._cases(s, day)]
    assert fast == slow
    assert sum(r.seconds for r in fast) > 0 and {r.state for r in fast} >= {"active", "waiting"}
