"""``huddle serve``: textual-serve with huddle's own page, which loads nothing from outside the machine.

textual-serve's stock page asks every browser for a Google Fonts stylesheet and builds absolute
links from ``--host`` (``http://0.0.0.0:8000/static/...`` when listening on every interface, which
no browser elsewhere can load).  Ours (``templates/app_index.html``) takes every file from the
address the browser opened the page at: textual-serve's own static files (xterm.css, textual.js,
and the Roboto Mono font textual-serve ships, Apache License 2.0), and the app's websocket.
Its few words come from the message catalogue (``huddle/messages/serve.py``).
"""

from __future__ import annotations

from pathlib import Path

from aiohttp import web
from textual_serve.server import Server

TEMPLATES = Path(__file__).with_name("templates")


class HuddleServer(Server):
    """A textual-serve Server with huddle's page, in one language for every browser (``--lang``)."""

    def __init__(self, command: str, *, host: str, port: int, lang: str) -> None:
        super().__init__(command, host=host, port=port, title="huddle", templates_path=TEMPLATES)
        self.lang = lang

    async def _make_app(self) -> web.Application:
        import aiohttp_jinja2

        from huddle.i18n import t

        app = await super()._make_app()
        aiohttp_jinja2.get_env(app).globals["page"] = {
            "lang": self.lang,
            **{key: t(f"serve.page.{key}", lang=self.lang) for key in ("start", "ended", "restart")},
        }
        return app
