"""The live screen opens and closes the video room with v, and shows its link, code and who is there."""

from __future__ import annotations

import pytest

from screens.app import make_app
from tests.tui_helpers import MONDAY, press, seed, settle

pytestmark = pytest.mark.slow


async def test_v_opens_the_room_with_link_and_code_and_closes_it(store, clock, children_on_clock):
    seed(store)
    app = make_app(store=store, clock=clock, start="live", day=MONDAY, room_port=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        live = app.screen
        await press(app, pilot, "s")
        await press(app, pilot, "v")
        for _ in range(300):  # the room is a child process; wait for it to listen
            if live.room_info is not None:
                break
            await pilot.pause(0.1)
        info = live.room_info
        assert info is not None and info.link.startswith("http://127.0.0.1:")
        shown = str(live.query_one("#live-room").render())
        assert info.link in shown and info.code in shown and "Nobody connected yet" in shown
        await live._poll_room()  # who is connected comes from the room's control API
        assert live.room_people == []
        await pilot.press("v")
        for _ in range(100):
            if live.room is None and "Closed" in str(live.query_one("#live-room").render()):
                break
            await pilot.pause(0.1)
        assert "Closed" in str(live.query_one("#live-room").render())
