"""Snapshots of the live screen at the two sizes people run it in, and of the patient card with a
SIP deadline that has arrived (issue 13), in Swedish and English.  Fake clock, fixed data."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from huddle import i18n
from huddle.store import Actor
from screens.app import make_app
from tests.conftest import MONDAY
from tests.tui_helpers import seed, settle

FACILITATOR = Actor(name="Sara Sjöberg", organisation="Avd 12")
FRIDAY_NOTICE = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)  # Friday 10:00 in Stockholm: SIP by Monday


@pytest.fixture
def meeting_store(store):
    """A running Monday meeting: Astrid current, ready for discharge since Friday (her SIP
    deadline is today), a decision, a blocker and a red day with its note; one person present."""
    from huddle.services import meeting

    s = store.with_actor(FACILITATOR)
    a, _b, _c = seed(s)
    meeting.start_meeting(s, MONDAY)
    meeting.set_readiness(s, a.case_id, state="ready", ready_at=FRIDAY_NOTICE)
    meeting.add_decision(s, a.case_id, text="Hembesök av arbetsterapeut", responsible_org="Kalmar kommun",
                         kind="home_visit")
    meeting.add_blocker(s, a.case_id, what="Biståndsbeslut om hemtjänst", owner_org="Kalmar kommun")
    meeting.mark_day(s, a.case_id, "red", "Väntar på hemtjänstbeslut")
    meeting.attendance_join(s, MONDAY, name="Nils Nilsson", organisation="Kalmar kommun", role="needs_assessor")
    return s


def _ready(app, clock, seconds: float):  # noqa: ANN001, ANN202
    async def ready(pilot) -> None:  # noqa: ANN001
        await settle(app, pilot)
        clock.advance(seconds)
        app.screen.tick()
        await pilot.pause()

    return ready


@pytest.mark.parametrize("lang", ["en", "sv"])
def test_live_screen_at_100x30(snap_compare, meeting_store, clock, lang):
    i18n.set_language(lang)
    app = make_app(store=meeting_store, clock=clock, start="live", day=MONDAY)
    assert snap_compare(app, terminal_size=(100, 30), run_before=_ready(app, clock, 95))


@pytest.mark.parametrize("lang", ["en", "sv"])
def test_card_with_an_arrived_sip_deadline_at_140x45(snap_compare, meeting_store, clock, lang):
    i18n.set_language(lang)
    app = make_app(store=meeting_store, clock=clock, start="live", day=MONDAY)
    assert snap_compare(app, terminal_size=(140, 45), run_before=_ready(app, clock, 320))
