"""The video room with pure-Python aiortc peers in-process, on a real temporary store and a fake clock.

Peers join with the code, send synthetic video, receive each other's video
(and audio), and receive the banner over the data channel; attendance is
stored through the meeting services.
"""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

import aiohttp
import pytest
from aiohttp import web

from huddle.room.banner import banner_from_live
from huddle.room.codes import Throttle, end_of_day
from huddle.room.peer import PythonParticipant, Refused
from huddle.room.server import Room, RoomConfig, StoreAttendance
from huddle.services import agenda, meeting
from tests.conftest import MONDAY

CODE = "K7PQ2M"


@pytest.fixture(autouse=True)
def _loopback_ice(monkeypatch):
    """aioice leaves out loopback addresses; in-process peers talk over 127.0.0.1."""
    import aioice.ice

    monkeypatch.setattr(aioice.ice, "get_host_addresses", lambda use_ipv4=True, use_ipv6=True: ["127.0.0.1"])


async def open_room(store, clock, max_participants=3, throttle=None):
    config = RoomConfig(day=MONDAY, code=CODE, expires=end_of_day(MONDAY), max_participants=max_participants)
    throttle = throttle or Throttle(base_s=0.01, max_s=0.02, address_budget=3, window_s=60,
                                    now=lambda: clock.now().timestamp())
    room = Room(config, StoreAttendance(store, MONDAY), clock=clock, throttle=throttle)
    runner = web.AppRunner(room.app())
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    return room, runner, f"http://127.0.0.1:{port}"


@pytest.fixture
async def room(store, clock):
    room, runner, url = await open_room(store, clock)
    room.url = url
    peers: list[PythonParticipant] = []
    room.peers = peers
    yield room
    await asyncio.gather(*(p.close() for p in peers), return_exceptions=True)
    await room.close()
    await runner.cleanup()


def peer(room, name, organisation="Region Kalmar län", shade=0) -> PythonParticipant:
    p = PythonParticipant(room.url, name=name, organisation=organisation, shade=shade)
    room.peers.append(p)
    return p


async def until(predicate, timeout=20.0):
    """Wait for something the room does, checking every few milliseconds (not a sleep for time)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            return False
        await asyncio.sleep(0.02)
    return True


def room_attendance(store):
    return [a for a in meeting.load_live(store, MONDAY).attendance if a.source == "room"]


def red(frame) -> float:
    return float(frame.to_ndarray(format="rgb24")[:, :, 0].mean())


def agenda_of_two(store):
    agenda.add_patient(store, pnr="19121212-1212", name="Tolvan Tolvansson", unit="Avd 12 Oskarshamn",
                       municipality="Oskarshamn", question="Hemgång?", day=MONDAY)
    agenda.add_patient(store, pnr="19400101-9811", name="Anna-Lena Berg", unit="Geriatrik 16",
                       municipality="Västervik", question="SIP?", day=MONDAY)


async def test_three_peers_see_and_hear_each_other_and_follow_the_banner(room, store, clock):
    agenda_of_two(store)
    anna = peer(room, "Anna Nurse", "Oskarshamn kommun", shade=0)
    bo = peer(room, "Bo Doctor", "Region Kalmar län", shade=1)
    cia = peer(room, "Cia Assessor", "Västerviks kommun", shade=2)
    for p in (anna, bo, cia):
        welcome = await p.join(CODE.lower()[:3] + "-" + CODE[3:])  # typed loosely
        assert welcome["slots"] == 2
    everyone = (anna, bo, cia)
    for viewer in everyone:
        for other in everyone:
            if other is not viewer:
                assert await viewer.wait_frames(other.name, 5) >= 5, f"{viewer.name} sees no video of {other.name}"
                assert await viewer.wait_frames(other.name, 5, kind="audio") >= 5, f"{viewer.name} hears no {other.name}"
        assert {q["name"] for q in viewer.roster["participants"]} == {o.name for o in everyone} - {viewer.name}
    # Each tile shows the right person: the synthetic cameras differ in colour.
    assert red(cia.last_frame_from("Anna Nurse")) < red(cia.last_frame_from("Bo Doctor")) - 20
    assert red(anna.last_frame_from("Bo Doctor")) < red(anna.last_frame_from("Cia Assessor")) - 20

    # Attendance: three room rows on the day's huddle, with organisation.
    rows = room_attendance(store)
    assert sorted((a.name, a.organisation, a.left_at) for a in rows) == [
        ("Anna Nurse", "Oskarshamn kommun", None), ("Bo Doctor", "Region Kalmar län", None),
        ("Cia Assessor", "Västerviks kommun", None)]

    # The app starts the meeting: the banner reaches every data channel.
    live = meeting.start_meeting(store, MONDAY)
    # (A data channel opens a moment after the video; one opened later gets the last banner then.)
    assert await until(lambda: sum(1 for q in room.participants.values()
                                   if q.channel is not None and q.channel.readyState == "open") == 3)
    assert room.publish(banner_from_live(live, clock.now())) == 3
    for p in everyone:
        b = await p.wait_banner(lambda b: b.get("position") == 1)
        assert b is not None and b["patient"] == "T.T." and b["unit"] == "Avd 12 Oskarshamn"
        assert "1212" not in json.dumps(b)
    clock.advance(120)
    live = meeting.next_case(store, MONDAY)
    room.publish(banner_from_live(live, clock.now()))
    for p in everyone:
        b = await p.wait_banner(lambda b: b.get("position") == 2)
        assert b is not None and b["patient"] == "A.L.B." and b["running"] is True

    # Cia leaves: recorded at once, and the others' rosters drop her.
    clock.advance(60)
    cia_slot = anna.mid_of("Cia Assessor")
    await cia.leave()
    assert await until(lambda: all(len(p.roster["participants"]) == 1 for p in (anna, bo)))
    assert await until(lambda: any(a.left_at for a in room_attendance(store)))
    left = {a.name: a.left_at for a in room_attendance(store)}
    assert left["Cia Assessor"] is not None and left["Anna Nurse"] is None and left["Bo Doctor"] is None
    # A late joiner gets the current banner at once, its timer run on since it was sent, and sees the others.
    dan = peer(room, "Dan Rehab", "Oskarshamn kommun", shade=3)
    await dan.join(CODE)
    b = await dan.wait_banner(lambda b: b.get("position") == 2)
    assert b is not None and b["elapsed_s"] == 60.0
    assert await dan.wait_frames("Anna Nurse", 5) >= 5
    # Dan takes the place Cia left in Anna's grid (no renegotiation), and his picture arrives there.
    assert await until(lambda: anna.mid_of("Dan Rehab") == cia_slot)
    before = anna.received[cia_slot].frames
    assert await until(lambda: anna.received[cia_slot].frames >= before + 5)
    assert red(anna.last_frame_from("Dan Rehab")) > red(anna.last_frame_from("Bo Doctor")) + 20


async def test_a_wrong_code_is_refused_and_an_address_that_keeps_guessing_is_slowed_not_shut(room, store):
    for _ in range(3):  # the test room's budget per address: three wrong codes in its window
        with pytest.raises(Refused) as refused:
            await peer(room, "Mallory").join("AAAAAA")
        assert refused.value.reason == "code"
    assert room.throttle.slowed("127.0.0.1")
    # Slowed now: a wrong code is still refused, and the right one let in, each after the lane's wait.
    with pytest.raises(Refused) as refused:
        await peer(room, "Mallory").join("AAAAAA")
    assert refused.value.reason == "code"
    assert (await peer(room, "Anna Nurse").join(CODE))["type"] == "welcome"
    assert await until(lambda: [a.name for a in room_attendance(store)] == ["Anna Nurse"])


async def test_a_flood_of_parallel_guesses_from_a_shared_address_does_not_shut_out_a_colleague(store, clock):
    """55 sockets guessing at once used up the address's budget and then refused a colleague with the
    right code for 15 minutes. Now the address is slowed: a narrow lane, a wait, then the check."""
    throttle = Throttle(base_s=0.01, max_s=0.3, address_budget=50, window_s=900, lane_width=4, lane_queue=100,
                        now=lambda: clock.now().timestamp())
    room, runner, url = await open_room(store, clock, max_participants=3, throttle=throttle)
    try:
        async with aiohttp.ClientSession() as http:
            async def guess() -> str:
                ws = await http.ws_connect(url.replace("http", "ws") + "/ws")
                await ws.send_json({"type": "join", "code": "BBBBBB", "name": "G"})
                answer = await ws.receive_json()
                await ws.close()
                return answer["reason"]

            answers = await asyncio.gather(*(guess() for _ in range(55)))
            assert answers.count("code") == 55  # every guess was checked (slowly), none refused unchecked
            assert throttle.slowed("127.0.0.1")
            anna = PythonParticipant(url, name="Anna Nurse")
            try:
                assert (await anna.join(CODE))["type"] == "welcome"
            finally:
                await anna.close()
    finally:
        await room.close()
        await runner.cleanup()


async def test_a_colleague_on_the_same_address_gets_in_while_a_guesser_is_slowed(store, clock):
    """Behind a hospital's shared address: one connection typing wrong codes waits ever longer for
    its answers, and a colleague with the right code is let in meanwhile."""
    throttle = Throttle(base_s=30, max_s=60, address_budget=50, window_s=900, now=lambda: clock.now().timestamp())
    room, runner, url = await open_room(store, clock, throttle=throttle)
    anna = PythonParticipant(url, name="Anna Nurse")
    try:
        async with aiohttp.ClientSession() as http:
            guesser = await http.ws_connect(url.replace("http", "ws") + "/ws")
            await guesser.send_json({"type": "join", "code": "AAAAAA", "name": "Typo Tim"})
            answer = asyncio.ensure_future(guesser.receive_json())
            await until(lambda: throttle._fails)  # the wrong code is being held back
            welcome = await anna.join(CODE)
            assert welcome["type"] == "welcome" and not answer.done()
            assert [a.name for a in room_attendance(store)] == ["Anna Nurse"]
            answer.cancel()
            await guesser.close()
    finally:
        await anna.close()
        await room.close()
        await runner.cleanup()


async def test_one_wrong_code_a_minute_never_keeps_the_room_shut(store, clock):
    throttle = Throttle(base_s=0.01, max_s=0.02, now=lambda: clock.now().timestamp())  # the room's own budget
    room, runner, url = await open_room(store, clock, throttle=throttle)
    peers = []
    try:
        for _ in range(60):  # an hour of someone mistyping now and then
            late = PythonParticipant(url, name="Typo Tim")
            peers.append(late)
            with pytest.raises(Refused) as refused:
                await late.join("AAAAAA")
            assert refused.value.reason == "code"
            clock.advance(60)
        anna = PythonParticipant(url, name="Anna Nurse")
        peers.append(anna)
        assert (await anna.join(CODE))["type"] == "welcome"
    finally:
        await asyncio.gather(*(p.close() for p in peers), return_exceptions=True)
        await room.close()
        await runner.cleanup()


async def test_a_wrong_code_can_be_corrected_on_the_same_connection(room, store):
    async with aiohttp.ClientSession() as http:
        ws = await http.ws_connect(room.url.replace("http", "ws") + "/ws")
        await ws.send_json({"type": "join", "code": "AAAAAA", "name": "Anna"})
        assert (await ws.receive_json())["reason"] == "code"
        await ws.send_json({"type": "join", "code": CODE, "name": "Anna"})
        assert (await ws.receive_json())["type"] == "welcome"
        await ws.close()


async def test_joins_and_leaves_from_another_web_origin_are_refused(room, store):
    own = room.url
    async with aiohttp.ClientSession() as http:
        ws = await http.ws_connect(own.replace("http", "ws") + "/ws", headers={"Origin": "https://evil.example"})
        await ws.send_json({"type": "join", "code": CODE, "name": "Mallory"})
        assert await ws.receive_json() == {"type": "refused", "reason": "origin"}
        await ws.close()
        assert room.participants == {}
        # The room's own page is let in.
        anna = peer(room, "Anna")
        welcome = await anna.join(CODE)
        # A page elsewhere cannot make her leave, even with her secret.
        beacon = json.dumps({"id": welcome["id"], "secret": welcome["secret"]})
        r = await http.post(f"{own}/leave", data=beacon, headers={"Origin": "https://evil.example"})
        assert r.status == 403 and len(room.participants) == 1
        r = await http.post(f"{own}/leave", data=beacon, headers={"Origin": own})
        assert r.status == 204 and room.participants == {}


async def test_the_room_is_full_at_its_cap(store, clock):
    room, runner, url = await open_room(store, clock, max_participants=2)
    peers = [PythonParticipant(url, name=f"P{i}") for i in range(3)]
    try:
        await peers[0].join(CODE)
        await peers[1].join(CODE)
        with pytest.raises(Refused) as refused:
            await peers[2].join(CODE)
        assert refused.value.reason == "full" and refused.value.message["max"] == 2
        assert len(room_attendance(store)) == 2
        # Someone leaves: there is room again.
        await peers[0].leave()
        assert await until(lambda: len(room.participants) == 1)
        late = PythonParticipant(url, name="Late")
        peers.append(late)
        await late.join(CODE)
    finally:
        await asyncio.gather(*(p.close() for p in peers), return_exceptions=True)
        await room.close()
        await runner.cleanup()


async def test_the_code_expires_when_the_meeting_is_finished(room, store):
    agenda_of_two(store)
    meeting.start_meeting(store, MONDAY)
    meeting.finish_meeting(store, MONDAY)
    with pytest.raises(Refused) as refused:
        await peer(room, "Late Larry").join(CODE)
    assert refused.value.reason == "expired"


async def test_the_code_expires_at_the_end_of_its_day(room, store, clock):
    clock.set(end_of_day(MONDAY) + timedelta(seconds=1))
    with pytest.raises(Refused) as refused:
        await peer(room, "Night Owl").join(CODE)
    assert refused.value.reason == "expired"


async def test_closing_the_tab_leaves_at_once(room, store):
    anna = peer(room, "Anna")
    welcome = await anna.join(CODE)
    assert await until(lambda: len(room_attendance(store)) == 1)
    # What the page's pagehide handler sends with navigator.sendBeacon (wrong secret first: ignored).
    async with aiohttp.ClientSession() as http:
        await http.post(f"{room.url}/leave", data=json.dumps({"id": welcome["id"], "secret": "guess"}))
        assert len(room.participants) == 1
        await http.post(f"{room.url}/leave", data=json.dumps({"id": welcome["id"], "secret": welcome["secret"]}))
    assert room.participants == {}
    assert room_attendance(store)[0].left_at is not None


async def test_the_control_endpoint_needs_its_token(room):
    async with aiohttp.ClientSession() as http:
        r = await http.post(f"{room.url}/control/banner", json={"position": 1})
        assert r.status == 401
        r = await http.post(f"{room.url}/control/banner", json={"position": 1},
                            headers={"Authorization": "Bearer wrong"})
        assert r.status == 401
        r = await http.get(f"{room.url}/control/participants",
                           headers={"Authorization": f"Bearer {room.config.token}"})
        assert r.status == 200 and await r.json() == []
        # The page and its texts are served without any CDN, in both languages.
        for path in ("/", "/static/room.js", "/static/room.css"):
            text = await (await http.get(room.url + path)).text()
            assert "http://" not in text and "https://" not in text and "//cdn" not in text
        strings = await (await http.get(room.url + "/strings.json")).json()
        assert strings["sv"]["join"] == "Anslut" and strings["en"]["join"] == "Join"


async def test_a_silent_microphone_sends_nothing_and_a_voice_is_heard(room):
    quiet = peer(room, "Quiet Anna")
    quiet.voice = 0  # microphone open, nobody speaking
    talker = peer(room, "Talking Bo")
    await quiet.join(CODE)
    await talker.join(CODE)
    assert await quiet.wait_frames("Talking Bo", 10, kind="audio") >= 10
    assert await talker.wait_frames("Quiet Anna", 15) >= 15  # a second of her video...
    assert talker.frames_from("Quiet Anna", kind="audio") == 0  # ...and not one packet of silence


async def test_a_place_is_not_held_by_someone_who_never_sets_up_media(room, store, monkeypatch):
    import huddle.room.server as server

    monkeypatch.setattr(server, "OFFER_TIMEOUT_S", 0.2)
    async with aiohttp.ClientSession() as http:
        ws = await http.ws_connect(room.url.replace("http", "ws") + "/ws")
        await ws.send_json({"type": "join", "code": CODE, "name": "Stuck Browser"})
        assert (await ws.receive_json())["type"] == "welcome"
        assert len(room.participants) == 1
        # No offer ever comes: the place is given back, and they never attended.
        assert await until(lambda: room.participants == {}, timeout=10)
        await ws.close()
    assert room_attendance(store) == []


async def test_a_role_outside_the_vocabulary_is_refused(room, store):
    with pytest.raises(Refused) as refused:
        await PythonParticipant(room.url, name="Eva", role="chef de mission").join(CODE)
    assert refused.value.reason == "role"
    nurse = peer(room, "Eva Ek")
    nurse.role = "home_care_nurse"
    await nurse.join(CODE)
    assert [(a.name, a.role) for a in room_attendance(store)] == [("Eva Ek", "home_care_nurse")]


async def test_when_the_meeting_finishes_everyone_is_told_and_let_go(room, store):
    agenda_of_two(store)
    meeting.start_meeting(store, MONDAY)
    anna, bo = peer(room, "Anna"), peer(room, "Bo")
    await anna.join(CODE)
    await bo.join(CODE)
    seen: list[dict] = []
    anna._handle = seen.append  # what her page is told over the websocket
    meeting.finish_meeting(store, MONDAY)  # in the app; the room reads it from the store
    assert await until(lambda: room.participants == {}, timeout=10)
    # Her socket may still be delivering the message when the room has already let her go.
    assert await until(lambda: {"type": "ended"} in seen, timeout=10)
    assert await until(lambda: all(a.left_at is not None for a in room_attendance(store)), timeout=10)
    with pytest.raises(Refused) as refused:
        await peer(room, "Late Larry").join(CODE)
    assert refused.value.reason == "expired"


HIJACK = "Eva\x1b]52;c;SGlqYWNr\x07\x1b]2;HIJACKED\x07\x1b[2J\x9b31m\u202e Ek"


def _obeyable(text: str) -> set[str]:
    return {ch for ch in text if ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F or "\u202a" <= ch <= "\u202e"}


async def test_a_name_with_terminal_sequences_reaches_nobody_as_a_command(room, store):
    """The name a participant types is cleaned where it enters: the other pages' roster, the app's
    control API (the live screen's room box) and the attendance row all hold the text, not the commands."""
    hostile = peer(room, HIJACK, organisation="Region\x1b[8m Kalmar")
    other = peer(room, "Bo")
    await hostile.join(CODE)
    await other.join(CODE)
    assert await until(lambda: len(room_attendance(store)) == 2)
    assert await until(lambda: other.roster is not None and len(other.roster["participants"]) == 1)
    seen = other.roster["participants"][0]
    assert (seen["name"], seen["organisation"]) == ("Eva Ek", "Region Kalmar")
    async with aiohttp.ClientSession() as http:
        r = await http.get(f"{room.url}/control/participants", headers={"Authorization": f"Bearer {room.config.token}"})
        people = await r.json()
    assert not _obeyable(json.dumps(people, ensure_ascii=False)) and "Eva Ek" in {p["name"] for p in people}
    assert {a.name for a in room_attendance(store)} == {"Eva Ek", "Bo"}


async def test_an_offer_whose_media_never_comes_up_holds_no_place_and_writes_no_attendance(room, store, monkeypatch):
    """Joined with the code, sent an offer, then never answered ICE: the place held for a minute and
    the person was recorded as attending. Now they attend once media flows, or not at all."""
    import huddle.room.server as server

    monkeypatch.setattr(server, "MEDIA_TIMEOUT_S", 0.5)
    half = peer(room, "Half Offer")
    await half.join(CODE, wait_present=False)
    await half.pc.close()  # the client's side of the media never comes up
    assert await until(lambda: room.participants == {}, timeout=15)
    assert room_attendance(store) == []
    whole = peer(room, "Anna Nurse")
    await whole.join(CODE)  # media flows: she attends
    assert [a.name for a in room_attendance(store)] == ["Anna Nurse"]
