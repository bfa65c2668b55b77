"""``huddle serve`` behind a real OpenID provider: nobody reaches the app before signing in there
(code flow with PKCE, in headless Chromium), the app runs as that person, sign-out, idle time."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import time

import pytest
from sqlalchemy import select

from tests.conftest import HUDDLE_BIN, child_env
from tests.net_helpers import free_port
from tests.oidc_provider import configure

CHROMIUM = os.environ.get("HUDDLE_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ANNA = "SE2321000016-A001"

pytestmark = [pytest.mark.slow]



def _events(store, **where) -> list:  # noqa: ANN001, ANN003
    from db.models import AuditEvent

    q = select(AuditEvent).order_by(AuditEvent.id)
    for k, v in where.items():
        q = q.where(getattr(AuditEvent, k) == v)
    with store.read() as s:
        return [(e.action, e.actor, e.actor_org, e.actor_hsa, e.what) for e in s.scalars(q)]


def _wait_port(port: int, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise AssertionError(f"huddle serve did not listen on {port}")


@pytest.mark.browser
@pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="needs Chromium (apt-get install chromium)")
async def test_the_browser_signs_in_at_the_provider_and_the_app_runs_as_that_person(
        db_path, tmp_path, oidc_provider, clock):
    pytest.importorskip("playwright")
    import httpx2 as httpx
    from playwright.async_api import async_playwright

    from huddle.store import Store
    from tests.tui_helpers import seed

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    client = oidc_provider.register([f"{base}/oidc/callback"])
    configure(str(db_path), oidc_provider, client, tmp_path / "client-secret")
    store = Store.open(str(db_path), clock=clock)
    seed(store)
    env = child_env(clock, {**os.environ, "HUDDLE_LANG": "en"})
    server = subprocess.Popen([HUDDLE_BIN, "--db", str(db_path), "serve", "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        _wait_port(port)
        # Nothing before the sign-in: the page sends the browser to the provider, the app's socket is refused.
        with httpx.Client(timeout=15) as c:
            r = c.get(f"{base}/")
            assert r.status_code == 302 and r.headers["location"] == "oidc/login"
            assert c.get(f"{base}/ws").status_code == 401
            r = c.get(f"{base}/oidc/login")
            assert r.status_code == 302 and r.headers["location"].startswith(oidc_provider.issuer + "/auth?")
            assert "code_challenge_method=S256" in r.headers["location"] and "nonce=" in r.headers["location"]
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
            try:
                context = await browser.new_context(viewport={"width": 1400, "height": 900})
                page = await context.new_page()
                await page.goto(f"{base}/")
                assert page.url.startswith(oidc_provider.issuer + "/interaction/")
                await page.fill("input[name=login]", "anna")
                await page.fill("input[name=password]", "any")
                await page.click("button[type=submit]")
                await page.click("button[type=submit]")  # the provider's consent page
                await page.wait_for_url(f"{base}/", timeout=30000)
                await page.wait_for_selector(".xterm-helper-textarea", state="attached", timeout=30000)
                cookie = next(c for c in await context.cookies() if c["name"] == "huddle_session")
                assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
                # The app runs as Anna: the agenda it shows is logged with her name, organisation and HSA-id.
                deadline = time.monotonic() + 60
                while time.monotonic() < deadline and not _events(store, action="read", actor_hsa=ANNA):
                    await asyncio.sleep(0.1)
                reads = _events(store, action="read")
                assert reads and all(e[1:4] == ("Anna Andersson", "Kalmar kommun", ANNA) for e in reads)
                whats = [e[4] for e in _events(store, action="sign_in", actor_hsa=ANNA)]
                assert whats[:3] == ["sign_in.oidc.browser", "sign_in.delegate", "sign_in.delegated"]
                await page.screenshot(path=str(tmp_path / "serve-signed-in.png"))
                # Sign out: the session is gone, the same cookie reaches nothing.
                await page.click("#signout")
                await page.wait_for_url(f"{base}/oidc/signed-out")
                assert "signed out" in await page.inner_text("#message")
                with httpx.Client(timeout=15, cookies={"huddle_session": cookie["value"]}) as c:
                    assert c.get(f"{base}/").status_code == 302
                assert _events(store, action="sign_in", actor_hsa=ANNA)[-1][4] == "sign_out"
            finally:
                await browser.close()
    finally:
        store.close()
        try:
            os.killpg(server.pid, signal.SIGKILL)  # textual-serve's app processes ignore SIGTERM
        except ProcessLookupError:
            pass
        server.wait(timeout=10)


async def _the_app(request):  # noqa: ANN001, ANN202 - stands for textual-serve's page behind the gate
    from aiohttp import web

    return web.Response(text="the app")


async def test_a_refused_person_gets_one_line_and_no_session(db_path, tmp_path, oidc_provider, clock):
    """The whole code flow without a browser (httpx follows the provider's forms), for a refusal."""
    import httpx2 as httpx
    from aiohttp import web
    from aiohttp.test_utils import TestServer

    from huddle.serve.auth import Gate
    from huddle.store import Store

    port = free_port()
    client = oidc_provider.register([f"http://127.0.0.1:{port}/oidc/callback"])
    configure(str(db_path), oidc_provider, client, tmp_path / "client-secret")
    store = Store.open(str(db_path), clock=clock)
    app = web.Application()
    app.router.add_get("/", _the_app)
    Gate(store, "en").install(app)
    server = TestServer(app, host="127.0.0.1", port=port)
    await server.start_server()
    try:
        def sign_in(login: str) -> tuple[httpx.Response, dict]:
            with httpx.Client(follow_redirects=True, timeout=15) as c:
                r = oidc_provider.sign_in_with_forms(c, c.get(f"http://127.0.0.1:{port}/"), login)
                return r, {ck.name: ck.value for ck in c.cookies.jar}

        r, cookies = await asyncio.to_thread(sign_in, "norole")
        assert r.status_code == 403 and "gives no role in huddle" in r.text and "huddle_session" not in cookies
        assert _events(store, action="sign_in")[-1][4] == "sign_in.oidc_refused role browser hsa=SE2321000016-R004"
        # A callback this server never started (forged state) is refused too, logged, no session.
        with httpx.Client(timeout=15) as c:
            r = await asyncio.to_thread(c.get, f"http://127.0.0.1:{port}/oidc/callback?code=x&state=forged")
        assert r.status_code == 403 and "did not confirm" in r.text and "huddle_session" not in r.cookies
    finally:
        await server.close()
        store.close()


async def test_a_session_ends_after_the_idle_time(db_path, tmp_path, oidc_provider, clock):
    import httpx2 as httpx
    from aiohttp import web
    from aiohttp.test_utils import TestServer

    from huddle.serve.auth import Gate
    from huddle.store import Store

    now = [1000.0]
    port = free_port()
    client = oidc_provider.register([f"http://127.0.0.1:{port}/oidc/callback"])
    configure(str(db_path), oidc_provider, client, tmp_path / "client-secret", idle_minutes="20")
    store = Store.open(str(db_path), clock=clock)
    app = web.Application()
    app.router.add_get("/", _the_app)
    gate = Gate(store, "en", clock=lambda: now[0])
    gate.install(app)
    server = TestServer(app, host="127.0.0.1", port=port)
    await server.start_server()
    base = f"http://127.0.0.1:{port}"
    try:
        c = httpx.Client(follow_redirects=True, timeout=15)
        r = await asyncio.to_thread(lambda: oidc_provider.sign_in_with_forms(c, c.get(f"{base}/"), "cilla"))
        assert r.text == "the app"
        sid = next(ck.value for ck in c.cookies.jar if ck.name == "huddle_session")
        no_follow = httpx.Client(timeout=15, cookies={"huddle_session": sid})
        now[0] += 19 * 60  # used within the idle time: the session goes on (and is touched)
        assert (await asyncio.to_thread(no_follow.get, f"{base}/")).text == "the app"
        now[0] += 19 * 60
        assert (await asyncio.to_thread(no_follow.get, f"{base}/")).text == "the app"
        now[0] += 20 * 60 + 1  # idle longer than 20 minutes: ended, logged, back to the provider
        await gate.reap()
        r = await asyncio.to_thread(no_follow.get, f"{base}/")
        assert r.status_code == 302 and r.headers["location"] == "oidc/login"
        assert _events(store, action="sign_in")[-1][1:] == ("Cilla Chef", "Region Kalmar län", "SE2321000016-C003",
                                                            "sign_out.idle")
        c.close()
        no_follow.close()
    finally:
        await server.close()
        store.close()
