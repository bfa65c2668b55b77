"""Nothing is loaded from outside the machine: every request a browser makes for ``huddle serve``'s page
and for the video room's page goes to the server's own address (headless Chromium records them all).

There is no internet here either way: a request to another host would still be made (and fail), so
it is seen.  The README says "nothing leaves the machine except the video room".
"""

from __future__ import annotations

import os
import signal
import subprocess
from urllib.parse import urlsplit

import pytest

from huddle.domain.clock import SystemClock, local_date
from huddle.services import agenda
from tests.browser_helpers import ARGS, CHROMIUM
from tests.conftest import HUDDLE_BIN, run_huddle
from tests.net_helpers import free_port, wait_http

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="needs Chromium (apt-get install chromium)"),
]


class Requests:
    """Every URL the page asks for: documents, styles, scripts, fonts, images, fetches and websockets."""

    def __init__(self, page) -> None:  # noqa: ANN001
        self.urls: list[str] = []
        page.on("request", lambda request: self.urls.append(request.url))
        page.on("websocket", lambda ws: self.urls.append(ws.url))

    def hosts(self) -> set[str]:
        return {urlsplit(u).netloc for u in self.urls if urlsplit(u).scheme not in ("data", "blob", "about")}


def _serve(db, port: int, *args: str) -> subprocess.Popen:  # noqa: ANN001
    return subprocess.Popen([HUDDLE_BIN, "--db", str(db), *args, "serve", "--port", str(port)],
                            env={**os.environ, "HUDDLE_LANG": "en"}, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True)


def _stop(server: subprocess.Popen) -> None:
    # textual-serve's app subprocess does not stop on SIGTERM: stop the whole process group.
    try:
        os.killpg(server.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    server.wait(timeout=10)


async def test_huddle_serve_loads_everything_from_its_own_address(tmp_path):
    from playwright.async_api import async_playwright

    db = tmp_path / "huddle.db"
    r = run_huddle("init", db=db)
    assert r.returncode == 0, r.stderr
    port = free_port()
    server = _serve(db, port)
    try:
        wait_http(f"http://127.0.0.1:{port}/")
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            try:
                page = await browser.new_page(viewport={"width": 1200, "height": 800})
                seen = Requests(page)
                await page.goto(f"http://127.0.0.1:{port}/")
                # The app is running in the page: its first output has arrived over the websocket.
                await page.wait_for_selector("body.-first-byte", state="attached", timeout=60000)
                await page.wait_for_load_state("networkidle")
                # The terminal's font is there, from this server (not a font service).
                font_loaded = await page.evaluate(
                    "[...document.fonts].some((f) => f.family.includes('Roboto Mono') && f.status === 'loaded')")
            finally:
                await browser.close()
    finally:
        _stop(server)
    assert seen.hosts() == {f"127.0.0.1:{port}"}, seen.urls
    assert font_loaded
    assert any(u.endswith(".ttf") for u in seen.urls) and any(u.startswith("ws://") for u in seen.urls), seen.urls


def test_huddle_serves_its_page_in_the_chosen_language(tmp_path):
    """The few words of the page around the app (before it starts, after it ended) follow --lang."""
    db = tmp_path / "huddle.db"
    assert run_huddle("init", db=db).returncode == 0
    port = free_port()
    server = _serve(db, port, "--lang", "sv")
    try:
        html = wait_http(f"http://127.0.0.1:{port}/")
    finally:
        _stop(server)
    assert '<html lang="sv">' in html and "Sessionen är avslutad." in html and "Starta igen" in html
    assert "googleapis" not in html and "https://" not in html


async def test_the_video_room_page_loads_everything_from_the_room_server(db_path, store):
    from playwright.async_api import async_playwright

    from huddle.room.control import RoomController

    # The room process runs on the system clock; a holiday (CI runs on Easter Sunday 2027) has no meeting.
    day = agenda.calendar(store).next(local_date(SystemClock().now()))
    room = RoomController(str(db_path), day, port=0)
    info = await room.start()
    try:
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
            try:
                page = await browser.new_page()
                seen = Requests(page)
                await page.goto(info.link)
                await page.fill("#name", "Anna Nurse")
                await page.fill("#organisation", "Kalmar kommun")
                await page.fill("#code", info.code)
                await page.click("#join-button")
                # Joined with camera and microphone: the own tile shows, the room's websocket is open.
                await page.wait_for_selector(".tile.me video", timeout=30000)
                await page.wait_for_load_state("networkidle")
            finally:
                await browser.close()
    finally:
        await room.stop()
    own = urlsplit(info.link).netloc
    assert seen.hosts() == {own}, seen.urls
    assert any(u.startswith("ws") for u in seen.urls), seen.urls


async def test_in_huddle_serve_a_password_typed_right_after_enter_never_shows_as_the_user_name(tmp_path):
    """The sign-in screen in the browser: what the app draws is read from the websocket it draws over."""
    import asyncio
    import sqlite3

    from playwright.async_api import async_playwright

    db = tmp_path / "huddle.db"
    r = run_huddle("user", "add", "ada", "--name", "Ada Admin", "--role", "admin", db=db,
                   env={"HUDDLE_NEW_PASSWORD": "ada's password"})
    assert r.returncode == 0, r.stderr
    port = free_port()
    server = _serve(db, port)
    drawn: list[bytes] = []

    def on_socket(ws) -> None:  # noqa: ANN001
        ws.on("framereceived", lambda payload: drawn.append(payload if isinstance(payload, bytes) else payload.encode()))

    async def shows(text: str, since: int = 0, timeout: float = 60.0) -> bool:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while loop.time() < deadline:
            if text.encode() in b"".join(drawn[since:]):
                return True
            await asyncio.sleep(0.05)  # polled between the frames the app sends
        return False

    try:
        wait_http(f"http://127.0.0.1:{port}/")
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            try:
                page = await browser.new_page(viewport={"width": 1200, "height": 800})
                page.on("websocket", on_socket)
                await page.goto(f"http://127.0.0.1:{port}/")
                assert await shows("Sign in to huddle"), "the sign-in screen was never drawn"
                await page.focus(".xterm-helper-textarea")
                mark = len(drawn)
                await page.keyboard.type("ada")
                assert await shows("ada", mark), "the user name was never drawn"
                # Enter, the password and Enter with no pause, as a fast typist does.
                mark = len(drawn)
                await page.keyboard.type("\nwrong-pass-typed-fast\n")
                assert await shows("wrong password", mark), "the refusal was never drawn"
            finally:
                await browser.close()
    finally:
        _stop(server)
    assert b"typed-fast" not in b"".join(drawn)
    con = sqlite3.connect(db)
    try:
        logged = [w for (w,) in con.execute("SELECT what FROM audit_event WHERE action = 'sign_in' ORDER BY id")]
    finally:
        con.close()
    assert logged == ["sign_in.refused ada"]
