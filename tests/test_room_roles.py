"""One vocabulary of meeting roles: the room page offers it with the app's labels, the service refuses the rest."""

from __future__ import annotations

import pytest
from aiohttp import web

from huddle.domain.vocab import ROLES, role_label
from huddle.errors import InputError
from huddle.i18n import t
from huddle.room.codes import end_of_day
from huddle.room.server import Room, RoomConfig, StoreAttendance
from huddle.services import meeting
from tests.conftest import MONDAY


async def test_the_room_page_offers_the_apps_roles_with_the_apps_labels(store, clock):
    import aiohttp

    from screens.dialogs import AttendanceDialog
    from screens.widgets import role_label as screen_label

    room = Room(RoomConfig(day=MONDAY, code="K7PQ2M", expires=end_of_day(MONDAY)), StoreAttendance(store, MONDAY),
                clock=clock)
    runner = web.AppRunner(room.app())
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    try:
        async with aiohttp.ClientSession() as http:
            strings = await (await http.get(f"http://127.0.0.1:{port}/strings.json")).json()
    finally:
        await room.close()
        await runner.cleanup()
    assert strings["roles"] == list(ROLES) == list(AttendanceDialog().roles)
    for lang in ("sv", "en"):
        assert {r: strings[lang]["role." + r] for r in ROLES} == {r: role_label(r, lang) for r in ROLES}
    assert strings["sv"]["role.home_care_nurse"] == "hemsjukvårdssjuksköterska"
    assert strings["sv"]["role.district_nurse"] == "distriktssköterska"
    assert screen_label("district_nurse") == t("role.district_nurse")


def test_the_service_refuses_a_role_outside_the_vocabulary(store):
    with pytest.raises(InputError, match="Unknown role 'boss'"):
        meeting.attendance_join(store, MONDAY, name="Eva Ek", organisation="Kalmar kommun", role="boss")
    assert meeting.load_live(store, MONDAY).attendance == ()
    ok = meeting.attendance_join(store, MONDAY, name="Eva Ek", organisation="Kalmar kommun", role="district_nurse")
    assert ok.role == "district_nurse"
    assert role_label("district_nurse") == t("role.district_nurse")
