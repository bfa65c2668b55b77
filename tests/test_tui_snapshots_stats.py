"""Snapshots of the statistics screen in Swedish and English (issue 13).

Stable between runs and on any real date: the store is the seeded demo made on the fake clock
(Monday 2026-11-30 08:00), the app runs on that clock, and the period is typed in, fixed."""

from __future__ import annotations

import pytest

from huddle import i18n
from screens.app import make_app
from tests.tui_helpers import settle, type_text, wait_until

PERIOD = ("2026-11-02", "2026-11-27")  # four whole weeks of finished demo meetings


@pytest.fixture
def demo_store(tmp_path, clock):  # noqa: ANN001, ANN201
    from huddle.demo import seed_demo
    from huddle.store import Store

    path = tmp_path / "huddle.db"
    seed_demo(str(path), seed=2026, weeks=5, clock=clock)
    store = Store.open(str(path), clock=clock)
    yield store
    store.close()


def _on_stats(app, period=PERIOD):  # noqa: ANN001, ANN202
    async def ready(pilot) -> None:  # noqa: ANN001
        from screens.stats import StatsScreen

        await settle(app, pilot)
        await pilot.press("S")
        await wait_until(pilot, lambda: isinstance(app.screen, StatsScreen), "the statistics screen")
        await settle(app, pilot)
        screen = app.screen
        for field, value in zip(("#stats-from", "#stats-to"), period):
            screen.query_one(field).focus()
            await pilot.pause()
            await pilot.press("end", "ctrl+u")  # the screen's default period is in the field
            await type_text(pilot, value)
        await pilot.press("enter")
        await settle(app, pilot)
        screen.query_one("#stats-groups").focus()
        await settle(app, pilot)
        # The plot draws its axes for the size it has when drawn: draw it again once the layout is still.
        await pilot.pause(0.2)
        screen.query_one("#stats-trend").refresh(layout=True)
        await settle(app, pilot)

    return ready


@pytest.mark.parametrize("lang", ["en", "sv"])
def test_statistics_screen_at_140x45(snap_compare, demo_store, clock, lang):
    i18n.set_language(lang)
    app = make_app(store=demo_store, clock=clock)
    assert snap_compare(app, terminal_size=(140, 45), run_before=_on_stats(app))


@pytest.mark.parametrize("lang", ["en", "sv"])
def test_statistics_screen_at_100x30(snap_compare, demo_store, clock, lang):
    i18n.set_language(lang)
    app = make_app(store=demo_store, clock=clock)
    assert snap_compare(app, terminal_size=(100, 30), run_before=_on_stats(app))
