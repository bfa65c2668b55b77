"""``huddle serve`` behind the identity provider: nobody reaches the app before signing in there.

The browser signs in with the authorization code flow and PKCE (``huddle.services.oidc``, Authlib).
The server then keeps a session in memory, named by a random cookie (HttpOnly, SameSite=Lax, Secure
over https); the tokens are dropped once the ID token is verified. Each app process a session opens
runs as that person through a single-use delegation token in its environment (``access.delegation_env``),
so their name, organisation and HSA-id are on every access-log event the app writes.

A session ends on sign-out (POST, so another site cannot end it: SameSite=Lax cookies are not sent
on cross-site POSTs) or after ``oidc.idle_minutes`` without a request or a key typed in the app;
its apps are closed then. Idle time is measured on an injectable monotonic clock.
"""

from __future__ import annotations

import asyncio
import html
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from huddle.store import Actor, Store

COOKIE = "huddle_session"
OPEN_PATHS = ("/oidc/login", "/oidc/callback", "/oidc/signed-out")
PENDING_TTL_S = 600.0


@dataclass
class WebSession:
    actor: Actor
    last_seen: float
    sockets: set[web.WebSocketResponse] = field(default_factory=set)


SESSION = web.RequestKey("huddle_session", WebSession)


class Sessions:
    """Signed-in browsers by cookie value; a session idle longer than ``idle_s`` is gone."""

    def __init__(self, idle_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.idle_s = idle_s
        self.clock = clock
        self._by_id: dict[str, WebSession] = {}

    def new(self, actor: Actor) -> str:
        sid = secrets.token_urlsafe(32)
        self._by_id[sid] = WebSession(actor=actor, last_seen=self.clock())
        return sid

    def get(self, sid: str | None) -> WebSession | None:
        """The live session for a cookie value, touched; None when unknown or idle too long."""
        session = self._by_id.get(sid or "")
        if session is None:
            return None
        now = self.clock()
        if now - session.last_seen > self.idle_s:
            return None
        session.last_seen = now
        return session

    def touch(self, session: WebSession) -> None:
        session.last_seen = self.clock()

    def drop(self, sid: str | None) -> WebSession | None:
        return self._by_id.pop(sid or "", None)

    def expired(self) -> list[WebSession]:
        now = self.clock()
        gone = [sid for sid, s in self._by_id.items() if now - s.last_seen > self.idle_s]
        return [self._by_id.pop(sid) for sid in gone]


class Gate:
    """The routes and the middleware that put the identity provider in front of the app."""

    def __init__(self, store: Store, lang: str, *, clock: Callable[[], float] = time.monotonic,
                 cookie: str = COOKIE, url_setting: str = "serve_url", protect_only: tuple[str, ...] | None = None,
                 via: str = "browser") -> None:
        """``protect_only``: the paths that need a session (the video room: its page and websocket; its
        control API has its own token); None: every path but the sign-in's own and the static files.
        ``cookie`` differs per server: browsers share cookies between ports of one host."""
        from huddle.services import oidc

        self.store = store
        self.lang = lang
        self.cookie = cookie
        self.url_setting = url_setting
        self.protect_only = protect_only
        self.via = via
        self.cfg = oidc.load_config(store)
        self.sessions = Sessions(self.cfg.idle_minutes * 60.0, clock)
        self._pending: dict[str, Any] = {}
        self._provider: Any = None
        self._reaper: asyncio.Task[None] | None = None

    # -- wiring ------------------------------------------------------------------------
    def install(self, app: web.Application) -> None:
        app.middlewares.append(self.middleware)
        app.add_routes([
            web.get("/oidc/login", self.login),
            web.get("/oidc/callback", self.callback),
            web.post("/oidc/logout", self.logout),
            web.get("/oidc/signed-out", self.signed_out),
        ])
        app.on_startup.append(self._start_reaper)
        app.on_cleanup.append(self._stop_reaper)

    @web.middleware
    async def middleware(self, request: web.Request,
                         handler: Callable[[web.Request], Awaitable[web.StreamResponse]]) -> web.StreamResponse:
        path = request.path
        if path in OPEN_PATHS or path.startswith("/static/") or path == "/oidc/logout":
            return await handler(request)
        if self.protect_only is not None and path not in self.protect_only:
            return await handler(request)
        session = self.sessions.get(request.cookies.get(self.cookie))
        if session is None:
            if path == "/":
                raise web.HTTPFound("oidc/login")
            raise web.HTTPUnauthorized(text=self._t("oidc.web.need_sign_in"))
        request[SESSION] = session
        return await handler(request)

    # -- the provider ------------------------------------------------------------------------
    async def provider(self) -> Any:
        from huddle.services import oidc

        if self._provider is None:
            self._provider = await asyncio.to_thread(oidc.discover, self.cfg)
        return self._provider

    def session_of(self, request: web.Request) -> WebSession | None:
        """The signed-in session a request belongs to (set by the middleware on protected paths)."""
        return request.get(SESSION) or self.sessions.get(request.cookies.get(self.cookie))

    def base_url(self, request: web.Request) -> str:
        configured = getattr(self.cfg, self.url_setting)
        return (configured or f"{request.scheme}://{request.host}").rstrip("/")

    # -- the routes ----------------------------------------------------------------------------
    async def login(self, request: web.Request) -> web.StreamResponse:
        from huddle.errors import HuddleError
        from huddle.services import oidc

        try:
            provider = await self.provider()
        except HuddleError as exc:
            await asyncio.to_thread(oidc.log_refusal, self.store, exc, via=self.via)
            return self._page(str(exc), status=503)
        url, pending = await asyncio.to_thread(oidc.begin_code_flow, provider, self.base_url(request) + "/oidc/callback")
        now = time.monotonic()
        self._pending = {k: p for k, p in self._pending.items() if now - p.started < PENDING_TTL_S}
        self._pending[pending.state] = pending
        raise web.HTTPFound(url)

    async def callback(self, request: web.Request) -> web.StreamResponse:
        from huddle.errors import HuddleError
        from huddle.services import oidc

        pending = self._pending.pop(request.query.get("state", ""), None)
        if pending is None:  # not a sign-in this server started (or started too long ago)
            refusal = oidc.Refused("declined")
            await asyncio.to_thread(oidc.log_refusal, self.store, refusal, via=self.via)
            return self._page(str(refusal), status=403, again=True)
        callback_url = self.base_url(request) + "/oidc/callback?" + request.query_string
        try:
            provider = await self.provider()
            actor = await asyncio.to_thread(oidc.finish_code_flow, self.store, provider, pending, callback_url,
                                            via=self.via)
        except HuddleError as exc:
            return self._page(str(exc), status=403, again=True)
        response = web.HTTPFound(self.base_url(request) + "/")
        response.set_cookie(self.cookie, self.sessions.new(actor), httponly=True, samesite="Lax", path="/",
                            secure=self.base_url(request).startswith("https:"))
        raise response

    async def logout(self, request: web.Request) -> web.StreamResponse:
        session = self.sessions.drop(request.cookies.get(self.cookie))
        if session is not None:
            await self._end(session, "sign_out")
        response = web.HTTPSeeOther(self.base_url(request) + "/oidc/signed-out")
        response.del_cookie(self.cookie, path="/")
        raise response

    async def signed_out(self, request: web.Request) -> web.StreamResponse:
        return self._page(self._t("oidc.web.signed_out"), again=True)

    # -- ending sessions ---------------------------------------------------------------------------
    async def _end(self, session: WebSession, what: str) -> None:
        who = self.store.with_actor(session.actor)

        def log() -> None:
            with who.write() as s:
                who.audit(s, "sign_in", what)

        await asyncio.to_thread(log)
        for ws in list(session.sockets):
            await ws.close()

    async def reap(self) -> None:
        """End the sessions idle too long (their apps are closed)."""
        for session in self.sessions.expired():
            await self._end(session, "sign_out.idle")

    async def _start_reaper(self, app: web.Application) -> None:
        async def loop() -> None:
            while True:
                await asyncio.sleep(min(5.0, self.sessions.idle_s / 4))
                await self.reap()

        self._reaper = asyncio.get_running_loop().create_task(loop())

    async def _stop_reaper(self, app: web.Application) -> None:
        if self._reaper is not None:
            self._reaper.cancel()

    # -- pages ---------------------------------------------------------------------------------------
    def _t(self, key: str, **params: Any) -> str:
        from huddle.i18n import t

        return t(key, lang=self.lang, **params)

    def _page(self, message: str, *, status: int = 200, again: bool = False) -> web.Response:
        """A plain page around one line (a refusal, "signed out"): every text escaped, nothing from outside."""
        link = f'<p><a href="login">{html.escape(self._t("oidc.web.sign_in_again"))}</a></p>' if again else ""
        body = (
            f'<!DOCTYPE html><html lang="{html.escape(self.lang)}"><head><meta charset="utf-8">'
            f'<meta name="referrer" content="no-referrer"><title>huddle</title></head>'
            f'<body><main><h1>huddle</h1><p id="message">{html.escape(message)}</p>{link}</main></body></html>'
        )
        return web.Response(text=body, status=status, content_type="text/html",
                            headers={"Cache-Control": "no-store"})
