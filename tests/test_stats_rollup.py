"""The rollup stays current through the real meeting services, and only managers read figures."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from sqlalchemy import text

from huddle.store import Actor
from tests.conftest import MONDAY


def _rows(store) -> list[tuple]:  # noqa: ANN001
    with store.read() as s:
        return [tuple(r) for r in s.execute(text("SELECT * FROM case_stat ORDER BY case_id"))]


def _same_as_rebuilt(store) -> list[tuple]:  # noqa: ANN001
    """The incrementally kept rows equal the rows a full rebuild gives."""
    from huddle.services import rollup

    kept = _rows(store)
    with store.write() as s:
        rollup.rebuild_all(s)
    assert kept == _rows(store)
    return kept


@pytest.fixture
def agenda3(store):  # noqa: ANN001, ANN201
    from huddle.demo import fictitious_pnr
    from huddle.services import agenda

    rng = random.Random(5)
    rows = []
    for i, (unit, muni) in enumerate((("Ward 1", "Kalmar"), ("Ward 2", "Nybro"), ("Kalmar hemsjukvård", "Kalmar"))):
        rows.append(
            agenda.add_patient(
                store, pnr=fictitious_pnr(rng, MONDAY), name=f"Test Person {i}", unit=unit, municipality=muni,
                question="q", day=MONDAY,
            )
        )
    return rows


def test_rollup_follows_every_meeting_change(store, clock, agenda3) -> None:
    from huddle.services import meeting, stats

    first, second, third = agenda3
    # Cases put on the agenda are counted on the agenda before anyone discusses them.
    assert stats.figures(store, MONDAY, MONDAY).overall.agenda_cases == 3
    meeting.start_meeting(store, MONDAY)
    clock.advance(200)
    meeting.add_decision(store, first.case_id, text="Hembesök", responsible_org="Kalmar kommun", kind="home_visit")
    meeting.set_readiness(store, first.case_id, state="ready")
    meeting.add_blocker(store, first.case_id, what="Korttidsplats", owner_org="Kalmar kommun")
    meeting.mark_day(store, first.case_id, "red")
    _same_as_rebuilt(store)
    meeting.next_case(store, MONDAY)
    clock.advance(400)
    meeting.defer_case(store, MONDAY, "Väntar på läkare")
    _same_as_rebuilt(store)
    clock.advance(100)
    meeting.finish_meeting(store, MONDAY)
    rows = _same_as_rebuilt(store)
    assert len(rows) == 5  # three on Monday; the deferred one and the one not reached carried to Tuesday

    fig = stats.figures(store, MONDAY, MONDAY).overall
    # The third case was current for 100 s when the meeting finished: discussed, and carried as not reached.
    assert (fig.cases, fig.agenda_cases) == (3, 3)
    assert (fig.median_s, fig.p90_s, fig.mean_s) == (200, 400, pytest.approx(700 / 3))
    assert fig.within_target_share == 2 / 3 and fig.over_target == 1
    assert fig.deferred == 2  # the deferred case and the one not reached
    assert fig.home_visits == 1 and fig.red_days == 1 and fig.ready_cases == 1 and fig.sip_due == 1
    assert dict(fig.blockers_by_owner) == {"Kalmar kommun": 1}
    assert fig.meeting_mean_s == 700
    assert dict(fig.attendance_gaps) == {"needs_assessor": 1, "ward_nurse": 1, "physician": 1}
    tuesday = stats.figures(store, MONDAY + timedelta(days=1), MONDAY + timedelta(days=1)).overall
    assert tuesday.agenda_cases == 2 and tuesday.carried == 2 and tuesday.cases == 0


def test_a_sip_decision_on_a_later_huddle_meets_the_earlier_notice(store, clock, agenda3) -> None:
    from huddle.services import meeting, stats

    first = agenda3[0]
    meeting.start_meeting(store, MONDAY)
    clock.advance(60)
    meeting.set_readiness(store, first.case_id, state="ready")
    meeting.defer_case(store, MONDAY, "SIP behövs")
    meeting.finish_meeting(store, MONDAY)
    assert stats.figures(store, MONDAY, MONDAY).overall.sip_met == 0
    clock.advance(days=1)
    tuesday = MONDAY + timedelta(days=1)
    live = meeting.start_meeting(store, tuesday)
    carried = next(c for c in live.cases if c.patient_id == first.patient_id)
    meeting.add_decision(store, carried.case_id, text="Kalla till SIP", responsible_org="Kalmar kommun",
                         kind="sip_meeting")
    fig = stats.figures(store, MONDAY, MONDAY).overall
    assert (fig.sip_due, fig.sip_met, fig.sip_met_share) == (1, 1, 1.0)
    _same_as_rebuilt(store)


def test_only_managers_and_admins_read_figures(store, agenda3) -> None:
    from huddle.errors import AccessDenied
    from huddle.services import stats

    for role in ("manager", "admin"):
        who = store.with_actor(Actor(name="m", roles=frozenset({role}), single_user=False))
        assert stats.figures(who, MONDAY, MONDAY).overall.agenda_cases == 3
        assert len(stats.export_rows(who, MONDAY, MONDAY)) == 3
    nurse = store.with_actor(Actor(name="n", roles=frozenset({"nurse", "facilitator"}), single_user=False))
    with pytest.raises(AccessDenied):
        stats.figures(nurse, MONDAY, MONDAY)
    with pytest.raises(AccessDenied):
        stats.export_rows(nurse, MONDAY, MONDAY)


def test_removing_a_case_removes_its_row(store, agenda3) -> None:
    from huddle.services import agenda, stats

    assert stats.figures(store, MONDAY, MONDAY).overall.agenda_cases == 3
    agenda.remove_case(store, agenda3[1].case_id)
    assert stats.figures(store, MONDAY, MONDAY).overall.agenda_cases == 2
    assert [r.position for r in stats.export_rows(store, MONDAY, MONDAY)] == [1, 2]
