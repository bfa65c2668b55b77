"""The live screen opens and closes the video room with v, and shows its link, code and who is there."""

from __future__ import annotations

import pytest

from screens.app import make_app
from tests.conftest import MONDAY
from tests.tui_helpers import press, seed, settle

pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def _loopback_ice(monkeypatch):
    import aioice.ice

    monkeypatch.setattr(aioice.ice, "get_host_addresses", lambda use_ipv4=True, use_ipv6=True: ["127.0.0.1"])


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


async def test_the_room_box_shows_who_attended_and_hides_the_code_once_the_meeting_is_finished(
        store, clock, children_on_clock):
    from huddle.room.peer import PythonParticipant
    from huddle.services import meeting

    seed(store)
    app = make_app(store=store, clock=clock, start="live", day=MONDAY, room_port=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        live = app.screen
        await press(app, pilot, "s")
        await press(app, pilot, "v")
        for _ in range(300):
            if live.room_info is not None:
                break
            await pilot.pause(0.1)
        info = live.room_info
        anna = PythonParticipant(info.link, name="Anna Nurse", organisation="Oskarshamn kommun")
        await anna.join(info.code)
        await live._poll_room()
        assert "Connected: Anna Nurse (Oskarshamn kommun)" in str(live.query_one("#live-room").render())
        await anna.leave()
        for _ in range(100):
            await live._poll_room()
            live.reload()
            await pilot.pause(0.1)
            if "Attended: Anna Nurse" in str(live.query_one("#live-room").render()):
                break
        shown = str(live.query_one("#live-room").render())
        assert "Nobody connected now. Attended: Anna Nurse (Oskarshamn kommun)" in shown, shown
        await anna.close()
        meeting.finish_meeting(store, MONDAY)  # f, confirmed
        live.reload()
        for _ in range(50):
            await pilot.pause(0.1)
            if "finished" in str(live.query_one("#live-room").render()):
                break
        shown = str(live.query_one("#live-room").render())
        assert info.code not in shown and "The meeting is finished" in shown, shown
        assert "Attended: Anna Nurse (Oskarshamn kommun)" in shown
        await pilot.press("v")
