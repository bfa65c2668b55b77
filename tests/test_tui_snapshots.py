"""Snapshots of the screens people look at most: agenda and live, in Swedish and English,
and the case timer within target, in warning and over-run.  Fake clock, fixed data."""

from __future__ import annotations

import pytest

from huddle import i18n
from huddle.store import Actor
from screens.app import make_app
from tests.conftest import MONDAY
from tests.tui_helpers import seed, settle

SIZE = (120, 40)
NURSE = Actor(name="Sara Sjöberg", organisation="Avd 12")


@pytest.fixture
def nurse_store(store):
    """The store acting as a fixed person, so "added by" reads the same on every machine."""
    s = store.with_actor(NURSE)
    seed(s)
    return s


@pytest.mark.parametrize("lang", ["en", "sv"])
def test_agenda_screen(snap_compare, nurse_store, clock, lang):
    i18n.set_language(lang)
    app = make_app(store=nurse_store, clock=clock)

    async def ready(pilot) -> None:  # noqa: ANN001
        await settle(app, pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=ready)


@pytest.mark.parametrize("lang", ["en", "sv"])
def test_live_screen(snap_compare, nurse_store, clock, lang):
    from huddle.services import meeting

    i18n.set_language(lang)
    meeting.start_meeting(nurse_store, MONDAY)
    meeting.attendance_join(nurse_store, MONDAY, name="Nils Nilsson", organisation="Kalmar kommun", role="needs_assessor")
    app = make_app(store=nurse_store, clock=clock)

    async def ready(pilot) -> None:  # noqa: ANN001
        await settle(app, pilot)
        clock.advance(95)
        app.screen.tick()
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=ready)


@pytest.mark.parametrize("seconds", [60, 250, 330], ids=["within", "warning", "over"])
def test_timer_states(snap_compare, nurse_store, clock, seconds):
    from huddle.services import meeting

    meeting.start_meeting(nurse_store, MONDAY)
    app = make_app(store=nurse_store, clock=clock)

    async def ready(pilot) -> None:  # noqa: ANN001
        await settle(app, pilot)
        clock.advance(seconds)
        app.screen.tick()
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=ready)
