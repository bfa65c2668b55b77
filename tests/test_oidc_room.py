"""The video room behind a real OpenID provider: participants sign in there instead of typing the
code (headless Chromium, fake camera), and the attendance row names the verified person."""

from __future__ import annotations

import asyncio
import os

import pytest
from sqlalchemy import select

from tests.browser_helpers import ARGS, CHROMIUM, eventually
from tests.net_helpers import free_port
from tests.oidc_provider import configure

pytestmark = pytest.mark.slow





@pytest.mark.browser
@pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="needs Chromium (apt-get install chromium)")
async def test_a_participant_signs_in_at_the_provider_instead_of_the_code(db_path, store, tmp_path, oidc_provider,
                                                                          children_on_clock):
    import httpx2 as httpx
    from playwright.async_api import async_playwright

    from db.models import Attendance, Staff
    from huddle.domain.clock import local_date
    from huddle.domain.days import SWEDISH
    from huddle.room.control import RoomController
    from huddle.services import agenda, meeting, oidc

    # The room process starts at the test's clock (the facilitator's delegation is dated by it); the
    # tokens are checked on the system clock, which is the provider's.
    day = SWEDISH.next(local_date(children_on_clock.now()))
    agenda.add_patient(store, pnr="19121212-1212", name="Tolvan Tolvansson", unit="Avd 12", municipality="Kalmar",
                       question="Hemgång?", day=day)
    port = free_port()
    client = oidc_provider.register([f"http://127.0.0.1:{port}/oidc/callback"])
    configure(str(db_path), oidc_provider, client, tmp_path / "client-secret", room="idp")
    # The facilitator who opens the room signed in at the provider too (through the service, as the app does).
    facilitator = oidc.sign_in(store, oidc.Identity(sub="bo", hsa_id="SE2321000016-B002", name="Bo Berg",
                                                    organisation="Region Kalmar län",
                                                    roles=frozenset({"facilitator", "nurse"})), via="test")
    room = RoomController(str(db_path), day, port=port, store=store.with_actor(facilitator))
    info = await room.start()
    try:
        with httpx.Client(timeout=15) as c:  # nothing before the sign-in
            assert (await asyncio.to_thread(c.get, info.link)).status_code == 302
            assert (await asyncio.to_thread(c.get, f"http://127.0.0.1:{port}/ws")).status_code == 401
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
            try:
                tab = await (await browser.new_context(locale="en-GB")).new_page()
                await tab.goto(info.link)
                assert tab.url.startswith(oidc_provider.issuer + "/interaction/")
                await tab.fill("input[name=login]", "anna")
                await tab.fill("input[name=password]", "any")
                await tab.click("button[type=submit]")
                await tab.click("button[type=submit]")  # consent
                await tab.wait_for_url(f"http://127.0.0.1:{port}/", timeout=30000)
                # The verified name and organisation stand in the form; no code is asked for.
                await eventually(lambda: tab.input_value("#name"), lambda v: v == "Anna Andersson", timeout=30)
                assert await tab.input_value("#organisation") == "Kalmar kommun"
                assert await tab.get_attribute("#name", "readonly") is not None
                assert not await tab.is_visible("#code")
                # Whatever the page sends (a script can change a read-only field), the server takes the verified name.
                await tab.evaluate("document.getElementById('name').value = 'Someone Else'")
                await tab.click("#join-button")
                who = await eventually(room.participants, lambda v: len(v) == 1, timeout=30)
                assert [(p["name"], p["organisation"]) for p in who] == [("Anna Andersson", "Kalmar kommun")]
                # Attendance is written once the page's media offer has come: wait for the row, then leave.

                async def room_rows() -> list:
                    live = await asyncio.to_thread(meeting.load_live, store, day, recover=False, audit=False)
                    return [a for a in live.attendance if a.source == "room"]

                assert await eventually(room_rows, lambda v: len(v) == 1, timeout=60)
                await tab.click("#leave")
                await eventually(room.participants, lambda v: v == [], timeout=10)
            finally:
                await browser.close()
    finally:
        await room.stop()
    rows = [a for a in meeting.load_live(store, day).attendance if a.source == "room"]
    assert [(a.name, a.organisation) for a in rows] == [("Anna Andersson", "Kalmar kommun")]
    with store.read() as s:
        hsa = s.scalars(select(Staff.hsa_id).join(Attendance, Attendance.staff_id == Staff.id)
                        .where(Attendance.source == "room")).all()
    assert hsa == ["SE2321000016-A001"]


@pytest.mark.parametrize("mode", ["both", "idp"])
async def test_with_both_the_code_is_still_needed_and_with_idp_it_is_not(store, tmp_path, oidc_provider, clock, mode):
    """The room in this process (aiohttp on 127.0.0.1), signed in through the provider's forms over HTTP."""
    import json
    from datetime import timedelta

    import aiohttp
    import httpx2 as httpx
    from aiohttp.test_utils import TestServer

    from huddle.room.server import Room, RoomConfig, StoreAttendance
    from huddle.serve.auth import Gate

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    configure(store.target, oidc_provider, oidc_provider.register([f"{base}/oidc/callback"]),
              tmp_path / "client-secret", room=mode)
    day = clock.now().date()
    gate = Gate(store, "en", cookie="huddle_room_session", url_setting="room_url", protect_only=("/", "/ws"),
                via="room")
    config = RoomConfig(day=day, code="ABCDEF", expires=clock.now() + timedelta(hours=2), sign_in=gate,
                        sign_in_mode=mode)
    room = Room(config, StoreAttendance(store, day), clock=clock)
    server = TestServer(room.app(), host="127.0.0.1", port=port)
    await server.start_server()
    try:
        def sign_in() -> str:
            with httpx.Client(follow_redirects=True, timeout=15) as c:
                oidc_provider.sign_in_with_forms(c, c.get(f"{base}/"), "cilla")
                strings = c.get(f"{base}/strings.json").json()
                assert strings["identity"] == {"name": "Cilla Chef", "organisation": "Region Kalmar län",
                                               "code": mode == "both"}
                return next(ck.value for ck in c.cookies.jar if ck.name == "huddle_room_session")

        sid = await asyncio.to_thread(sign_in)
        async with aiohttp.ClientSession(cookies={"huddle_room_session": sid}) as http:
            async with http.ws_connect(f"{base}/ws", headers={"Origin": base}) as ws:
                await ws.send_str(json.dumps({"type": "join", "code": "", "name": "Typed Name", "role": ""}))
                answer = json.loads((await ws.receive()).data)
                if mode == "both":
                    assert answer == {"type": "refused", "reason": "code"}
                    await ws.send_str(json.dumps({"type": "join", "code": "ABCDEF", "name": "Typed Name"}))
                    answer = json.loads((await ws.receive()).data)
                assert answer["type"] == "welcome"
                assert [(p.name, p.organisation, p.staff_id is not None) for p in room.participants.values()] == [
                    ("Cilla Chef", "Region Kalmar län", True)]
        async with aiohttp.ClientSession() as http:  # without the sign-in nobody reaches the socket
            async with http.get(f"{base}/ws") as r:
                assert r.status == 401
    finally:
        await room.close()
        await server.close()
