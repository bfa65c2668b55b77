"""Opening the app: ``huddle`` (no subcommand), ``huddle demo`` and ``huddle serve``.

This module is the composition root that may reach up into ``screens``; it
imports Textual only inside the functions, so ``huddle --help`` stays light.
"""

from __future__ import annotations

import shlex
import sys

import click

from huddle.cli import Context

pass_ctx = click.make_pass_decorator(Context)


def run_app(ctx: Context, *, clock=None) -> None:  # noqa: ANN001
    """Build the app on the context's store and run it in this terminal.

    The store is opened in the app's first worker, after the first paint, unless
    the command already opened it.
    """
    require_terminal()
    import os

    from screens.app import make_app

    store = ctx._store
    signed_in = False
    if store is None and os.environ.get("HUDDLE_DELEGATION"):
        # huddle serve's signed-in browser session: the app runs as that person (single-use token).
        store = ctx.store(create=False)
        os.environ.pop("HUDDLE_DELEGATION", None)
        signed_in = not store.actor.single_user
    app = make_app(store=store, store_target=None if store is not None else ctx.target, clock=clock,
                   signed_in=signed_in)
    app.run()
    if app.store is not None and store is None:
        app.store.close()
    if app.return_code:
        sys.exit(app.return_code)


def require_terminal() -> None:
    """Refuse (one line, exit 2) to open the app where there is no terminal to run it in.

    Without one, Textual's input thread spins on a closed or piped stdin for ever
    (``huddle --db x --`` from a script). textual-serve names its own driver and is fine.
    """
    import os

    from huddle.errors import InputError

    if not os.environ.get("TEXTUAL_DRIVER") and not (_is_tty(sys.stdin) and _is_tty(sys.stdout)):
        raise InputError("cli.needs_terminal")


def _is_tty(stream) -> bool:  # noqa: ANN001
    try:
        return stream is not None and stream.isatty()
    except (AttributeError, ValueError):  # replaced or closed streams
        return False


def app_command(ctx: Context) -> str:
    """The command textual-serve runs for each browser session.

    The store is not on it: ``serve_cmd`` puts it in HUDDLE_DB, which textual-serve hands on to
    each app process (a database URL may hold a password; command lines are public on the host).
    """
    parts = [sys.executable, "-m", "huddle", "--lang", ctx.lang]
    if ctx.user:
        parts += ["--user", ctx.user]
    return shlex.join(parts)


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True, help="Port to listen on.")
@pass_ctx
def serve_cmd(ctx: Context, host: str, port: int) -> None:
    """Serve the app in a browser (textual-serve); each browser gets its own app on the same store."""
    import os

    from huddle.i18n import t
    from huddle.serve import HuddleServer
    from huddle.services import oidc
    from huddle.store import Store

    opened = Store.open(ctx.target, create=True)
    # Without an identity provider the apps sign in themselves (password screen) as before.
    store = opened if oidc.is_active(opened) else None
    if store is None:
        opened.close()
    click.echo(t("tui.serve.running", host=host, port=port))
    os.environ["HUDDLE_DB"] = ctx.target  # textual-serve copies this process's environment for each app
    try:
        HuddleServer(app_command(ctx), host=host, port=port, lang=ctx.lang, store=store).serve()
    finally:
        if store is not None:
            store.close()
