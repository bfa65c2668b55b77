"""``huddle serve``: textual-serve with huddle's own page, which loads nothing from outside the machine.

textual-serve's stock page asks every browser for a Google Fonts stylesheet and builds absolute
links from ``--host`` (``http://0.0.0.0:8000/static/...`` when listening on every interface, which
no browser elsewhere can load).  Ours (``templates/app_index.html``) takes every file from the
address the browser opened the page at: textual-serve's own static files (xterm.css, textual.js,
and the Roboto Mono font textual-serve ships, Apache License 2.0), and the app's websocket.
Its few words come from the message catalogue (``huddle/messages/serve.py``).

When the store has an identity provider (``huddle oidc``), ``huddle.serve.auth`` stands in front
of everything but the static files: sign-in at the provider first, then each app this browser
opens runs as the person who signed in (a single-use delegation token in the app's environment).
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

import aiohttp_jinja2
from aiohttp import web
from textual_serve.app_service import AppService
from textual_serve.server import Server

TEMPLATES = Path(__file__).with_name("templates")
log = logging.getLogger("huddle.serve")


class _SessionApp(AppService):
    """An app process for one signed-in browser: the delegation in its environment, and every key
    typed counts as activity for the session's idle time.  ``_build_environment`` is textual-serve's
    own (private) hook for the child's environment: pyproject.toml bounds textual-serve for it."""

    def __init__(self, *args: Any, extra_env: dict[str, str], touch: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._extra_env = extra_env
        self._touch = touch

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        return {**super()._build_environment(width=width, height=height), **self._extra_env}

    async def send_bytes(self, data: bytes) -> bool:
        self._touch()
        return await super().send_bytes(data)


class HuddleServer(Server):
    """A textual-serve Server with huddle's page, in one language for every browser (``--lang``)."""

    def __init__(self, command: str, *, host: str, port: int, lang: str, store: Any = None) -> None:
        super().__init__(command, host=host, port=port, title="huddle", templates_path=TEMPLATES)
        self.lang = lang
        self.store = store
        self.gate: Any = None

    async def _make_app(self) -> web.Application:
        from huddle.i18n import t

        app = await super()._make_app()
        if self.store is not None:
            from huddle.services import oidc

            if (await asyncio.to_thread(oidc.load_config, self.store)).active:
                from huddle.serve.auth import Gate

                self.gate = Gate(self.store, self.lang)
                self.gate.install(app)
        aiohttp_jinja2.get_env(app).globals["page"] = {
            "lang": self.lang,
            **{key: t(f"serve.page.{key}", lang=self.lang) for key in ("start", "ended", "restart")},
            # Behind the identity provider everyone on the page is signed in: offer the sign-out.
            "signout": t("serve.page.signout", lang=self.lang) if self.gate is not None else "",
        }
        return app

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        from huddle.serve.auth import SESSION

        session = request.get(SESSION)
        if self.gate is None or session is None:
            return await super().handle_websocket(request)
        return await self._session_websocket(request, session)

    async def _session_websocket(self, request: web.Request, session: Any) -> web.WebSocketResponse:
        """textual-serve's websocket handler, with the app run as the session's person."""
        from textual_serve.server import to_int

        from huddle.services import access

        websocket = web.WebSocketResponse(heartbeat=15)
        width = to_int(request.query.get("width", "80"), 80)
        height = to_int(request.query.get("height", "24"), 24)
        extra_env = await asyncio.to_thread(access.delegation_env, self.store.with_actor(session.actor))
        app_service: AppService | None = None
        session.sockets.add(websocket)
        try:
            await websocket.prepare(request)
            app_service = _SessionApp(
                self.command, write_bytes=websocket.send_bytes, write_str=websocket.send_str, close=websocket.close,
                download_manager=self.download_manager, debug=self.debug, extra_env=extra_env,
                touch=lambda: self.gate.sessions.touch(session),
            )
            await app_service.start(width, height)
            await self._process_messages(websocket, app_service)
        except asyncio.CancelledError:
            await websocket.close()
        except Exception as error:  # noqa: BLE001 - one browser's failure never stops the server
            log.exception(error)
        finally:
            session.sockets.discard(websocket)
            if app_service is not None:
                await app_service.stop()
        return websocket
