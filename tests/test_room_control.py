"""``huddle room`` as a person runs it, and the app's RoomController running it as a separate process."""

from __future__ import annotations

import os
import signal
import subprocess

import pytest

from huddle.domain.clock import local_date
from huddle.errors import StoreError
from huddle.room.codes import end_of_day
from huddle.room.control import RoomController
from huddle.room.peer import PythonParticipant
from huddle.services import meeting
from tests.conftest import HUDDLE_BIN, child_env, run_huddle


@pytest.fixture(autouse=True)
def _loopback_ice(monkeypatch):
    import aioice.ice

    monkeypatch.setattr(aioice.ice, "get_host_addresses", lambda use_ipv4=True, use_ipv6=True: ["127.0.0.1"])


def today(clock):  # noqa: ANN001
    # The room runs in its own process, started on the test's clock (child_env): its meeting day is the clock's.
    return local_date(clock.now())


async def test_the_app_starts_the_room_pushes_banners_and_sees_who_is_there(db_path, store, clock):
    day = today(clock)
    room = RoomController(str(db_path), day, port=0, env=child_env(clock))
    info = await room.start()
    try:
        assert info.link.startswith("http://127.0.0.1:") and len(info.code) == 7 and info.code[3] == "-"
        assert info.expires == end_of_day(day)  # local midnight, as UTC
        anna = PythonParticipant(info.link, name="Anna Nurse", organisation="Oskarshamn kommun")
        bo = PythonParticipant(info.link, name="Bo Doctor", organisation="Region Kalmar län")
        try:
            await anna.join(info.code)
            await bo.join(info.code)
            assert await anna.wait_frames("Bo Doctor", 3) >= 3
            who = await room.participants()
            assert [(p["name"], p["organisation"]) for p in who] == [
                ("Anna Nurse", "Oskarshamn kommun"), ("Bo Doctor", "Region Kalmar län")]
            assert await room.publish({"meeting": "running", "position": 3, "of": 7, "patient": "T.T."}) == 2
            banner = await bo.wait_banner(lambda b: b.get("position") == 3)
            assert banner is not None and banner["patient"] == "T.T."
        finally:
            await anna.close()
            await bo.close()
    finally:
        await room.stop()
    assert not room.running
    rows = [a for a in meeting.load_live(store, day).attendance if a.source == "room"]
    assert sorted(a.name for a in rows) == ["Anna Nurse", "Bo Doctor"]
    assert all(a.left_at is not None for a in rows), "closing the room closes everyone's attendance"


async def test_a_room_that_cannot_start_says_why(tmp_path, clock):
    room = RoomController(str(tmp_path / "s.db"), today(clock), port=0, max_participants=1, env=child_env(clock))
    with pytest.raises(StoreError) as err:
        await room.start()
    assert "did not start" in str(err.value) and "--max-participants" in str(err.value)


def test_huddle_room_prints_the_link_and_the_code_and_stops_on_ctrl_c(db_path, clock):
    env = child_env(clock, {**os.environ, "HUDDLE_LANG": "en"})
    proc = subprocess.Popen([HUDDLE_BIN, "--db", str(db_path), "room", "--port", "0"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env, text=True)
    try:
        lines = [proc.stdout.readline() for _ in range(5)]
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    text = "".join(lines)
    assert f"Video room for the huddle of {today(clock).isoformat()}" in text
    assert "Join link:  http://127.0.0.1:" in text
    assert "Join code:" in text and "until the meeting is finished" in text
    assert "token" not in text.lower()
    assert proc.returncode == 0 and "The video room is closed." in out, err


@pytest.mark.parametrize(
    "args, message",
    [
        (["--max-participants", "40"], "--max-participants must be between 2 and 16"),
        (["--date", "2020-01-02"], "The huddle of 2020-01-02 is over"),
        (["--ice-server", "example.org"], "Not an ICE server: example.org"),
        (["--date", "tomorrow"], "tomorrow"),
    ],
)
def test_bad_room_options_are_one_line_errors(db_path, args, message):
    r = run_huddle("room", "--port", "0", *args, db=db_path)
    err = r.stderr.decode()
    assert r.returncode == 2 and message in err and len(err.strip().splitlines()) == 1, err


def test_tls_needs_both_files(db_path, tmp_path):
    cert = tmp_path / "c.pem"
    cert.write_text("x")
    r = run_huddle("room", "--cert", str(cert), db=db_path)
    assert r.returncode == 2 and "--cert and --key go together" in r.stderr.decode()


def self_signed(tmp_path):
    """A throwaway certificate for 127.0.0.1 (aiortc already depends on cryptography)."""
    import datetime as dt
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "huddle test")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=2))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = tmp_path / "room.crt", tmp_path / "room.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


async def test_the_room_serves_https_with_cert_and_key(db_path, tmp_path, clock):
    cert, key = self_signed(tmp_path)
    room = RoomController(str(db_path), today(clock), port=0, cert=str(cert), key=str(key), env=child_env(clock))
    info = await room.start()
    try:
        assert info.link.startswith("https://127.0.0.1:")
        anna = PythonParticipant(info.link, name="Anna")
        try:
            await anna.join(info.code, ssl=False)  # wss:// signalling
            assert [p["name"] for p in await room.participants()] == ["Anna"]
        finally:
            await anna.close()
    finally:
        await room.stop()


async def test_the_room_closes_itself_when_the_app_is_killed(db_path, store, clock):
    """The app's end (even kill -9) closes the room's stdin pipe: the room closes and records the leave."""
    import asyncio
    import json

    proc = await asyncio.create_subprocess_exec(
        HUDDLE_BIN, "--db", str(db_path), "room", "--machine", "--port", "0",
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        env=child_env(clock))
    info = json.loads(await asyncio.wait_for(proc.stdout.readline(), 30))
    anna = PythonParticipant(info["link"], name="Anna")
    try:
        await anna.join(info["code"])
        proc.stdin.close()  # what the kernel does when the app dies
        assert await asyncio.wait_for(proc.wait(), 20) == 0
    finally:
        await anna.close()
    rows = [a for a in meeting.load_live(store, today(clock)).attendance if a.source == "room"]
    assert [(a.name, a.left_at is not None) for a in rows] == [("Anna", True)]


def test_a_busy_port_is_a_one_line_error(db_path):
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        r = run_huddle("room", "--port", str(port), db=db_path)
    err = r.stderr.decode()
    assert r.returncode == 2 and f"Cannot listen on 127.0.0.1:{port}" in err and "--port" in err, err
    assert len(err.strip().splitlines()) == 1


async def test_on_a_store_with_users_the_room_acts_as_the_signed_in_facilitator(db_path, store, clock):
    from huddle.services import access

    access.add_user(store, username="fia", name="Fia Facilitator", password="correct horse 1",
                    roles=["admin", "facilitator"], organisation="Region Kalmar län")
    signed_in = store.with_actor(access.authenticate(store, "fia", "correct horse 1"))
    room = RoomController(str(db_path), today(clock), port=0, store=signed_in, env=child_env(clock))
    info = await room.start()  # no password anywhere: a single-use delegation token
    try:
        anna = PythonParticipant(info.link, name="Anna")
        try:
            await anna.join(info.code)
        finally:
            await anna.close()
    finally:
        await room.stop()
    rows = [a for a in meeting.load_live(signed_in, today(clock)).attendance if a.source == "room"]
    assert [(a.name, a.left_at is not None) for a in rows] == [("Anna", True)]
    # Without the delegation the room refuses to start on a store with users.
    bare = RoomController(str(db_path), today(clock), port=0, env=child_env(clock))
    with pytest.raises(StoreError):
        await bare.start()


# -- beyond this machine: TLS or an explicit --insecure-http ------------------------------------
def test_listening_beyond_loopback_without_tls_is_refused_and_writes_nothing(tmp_path):
    new = tmp_path / "new.db"
    r = run_huddle("room", "--host", "0.0.0.0", "--port", "0", db=new)
    err = r.stderr.decode()
    assert r.returncode == 2 and len(err.strip().splitlines()) == 1, err
    assert "--cert and --key" in err and "--insecure-http" in err
    assert not new.exists() and list(tmp_path.iterdir()) == []


def test_insecure_http_warns_once_and_prints_a_link_others_can_reach(db_path, clock):
    env = child_env(clock, {**os.environ, "HUDDLE_LANG": "en"})
    proc = subprocess.Popen([HUDDLE_BIN, "--db", str(db_path), "room", "--host", "0.0.0.0", "--port", "0",
                             "--insecure-http"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
    try:
        lines = [proc.stdout.readline() for _ in range(2)]
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    link = lines[1].split()[-1]
    assert link.startswith("http://") and "localhost" not in link and "0.0.0.0" not in link, lines
    warnings = [line for line in err.splitlines() if "Warning" in line]
    assert len(warnings) == 1 and "unencrypted" in warnings[0], err


# -- the room knows the meeting ------------------------------------------------------------------
def start_by_hand(store_target, clock, *args):  # noqa: ANN001, ANN002
    env = child_env(clock, {**os.environ, "HUDDLE_LANG": "en", "HUDDLE_DB": store_target})
    proc = subprocess.Popen([HUDDLE_BIN, "room", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                            text=True)
    lines = [proc.stdout.readline() for _ in range(3)]
    link = lines[1].split()[-1]
    code = lines[2].split()[2]
    return proc, link, code


def stop_by_hand(proc) -> str:  # noqa: ANN001
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    return out


async def test_a_room_started_by_hand_shows_the_meetings_banner_and_ends_with_it(store_target, store, clock):
    from huddle.services import agenda

    day = today(clock)
    agenda.add_patient(store, pnr="19121212-1212", name="Tolvan Tolvansson", unit="Avd 12 Oskarshamn",
                       municipality="Oskarshamn", question="Hemgång?", day=day)
    proc, link, code = start_by_hand(store_target, clock, "--port", "0")
    try:
        anna = PythonParticipant(link, name="Anna Nurse")
        try:
            await anna.join(code)
            meeting.start_meeting(store, day)  # in the app, or any other; the room reads the store
            banner = await anna.wait_banner(lambda b: b.get("position") == 1, timeout=20)
            assert banner is not None and banner["patient"] == "T.T." and banner["unit"] == "Avd 12 Oskarshamn"
            told: list[dict] = []
            anna._handle = told.append
            meeting.finish_meeting(store, day)
            import asyncio

            for _ in range(200):
                if {"type": "ended"} in told:
                    break
                await asyncio.sleep(0.05)
            assert {"type": "ended"} in told
            late = PythonParticipant(link, name="Late Larry")
            from huddle.room.peer import Refused

            with pytest.raises(Refused) as refused:
                await late.join(code)
            assert refused.value.reason == "expired"
        finally:
            await anna.close()
    finally:
        stop_by_hand(proc)
    rows = [a for a in meeting.load_live(store, day).attendance if a.source == "room"]
    assert [(a.name, a.left_at is not None) for a in rows] == [("Anna Nurse", True)]


async def test_one_room_per_meeting_a_second_start_says_where_the_first_runs(store_target, store, clock):
    first = RoomController(store_target, today(clock), port=0, env=child_env(clock))
    info = await first.start()
    try:
        r = run_huddle("room", "--port", "0", env={"HUDDLE_DB": store_target}, clock=clock)
        err = r.stderr.decode()
        assert r.returncode == 2 and len(err.strip().splitlines()) == 1, err
        assert "already runs" in err and info.link in err
        second = RoomController(store_target, today(clock), port=0, env=child_env(clock))
        with pytest.raises(StoreError, match="already runs"):
            await second.start()
    finally:
        await first.stop()
    # Closed: the meeting's room can be opened again.
    proc, link, _code = start_by_hand(store_target, clock, "--port", "0")
    stop_by_hand(proc)
    assert link.startswith("http://127.0.0.1:")


def test_the_port_is_a_setting_and_an_option(store, store_target, clock):
    import socket

    from db import settings as settings_db
    from huddle.domain import settings as settings_mod

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with store.write() as s:
        settings_db.save(s, settings_mod.Settings(room_port=port))
    proc, link, _code = start_by_hand(store_target, clock)
    stop_by_hand(proc)
    assert link == f"http://127.0.0.1:{port}/"
    proc, link, _code = start_by_hand(store_target, clock, "--port", "0")  # the option wins
    stop_by_hand(proc)
    assert link != f"http://127.0.0.1:{port}/"
