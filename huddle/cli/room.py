"""``huddle room``: the video room server, in its own process.

Prints the join link and the code; with ``--machine`` (used by the app's
``RoomController``) prints one JSON line instead, which also carries the
control token.  aiortc is imported only once the options are checked.
"""

from __future__ import annotations

import json
import socket
import sys

import click

from huddle.cli import Context
from huddle.fields import parse_date
from huddle.i18n import t

pass_ctx = click.make_pass_decorator(Context)
MAX_PARTICIPANTS = 16  # a hard cap: beyond it two cores cannot carry the video (see bench/room.py)
DEFAULT_PARTICIPANTS = 10


@click.command("room")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (loopback unless told otherwise).")
@click.option("--port", default=8765, show_default=True, type=click.IntRange(0, 65535), help="Port (0: any free one).")
@click.option("--date", "date_", metavar="YYYY-MM-DD", help="The huddle's date (default: today).")
@click.option("--cert", type=click.Path(dir_okay=False, exists=True), help="TLS certificate (PEM) for https.")
@click.option("--key", type=click.Path(dir_okay=False, exists=True), help="TLS private key (PEM).")
@click.option("--max-participants", "max_participants", default=DEFAULT_PARTICIPANTS, show_default=True, type=int,
              help=f"Hard cap on people in the room (2-{MAX_PARTICIPANTS}).")
@click.option("--ice-server", "ice_servers", multiple=True, metavar="URL",
              help="STUN/TURN server, e.g. stun:stun.example.org:3478 or turn:user:secret@turn.example.org:3478 "
                   "(none by default: works on one network).")
@click.option("--machine", is_flag=True, hidden=True, help="Print one JSON line with the link, code and control token.")
@pass_ctx
def room_cmd(ctx: Context, host: str, port: int, date_: str | None, cert: str | None, key: str | None,
             max_participants: int, ice_servers: tuple[str, ...], machine: bool) -> None:
    """Run the video room for a huddle: prints the join link and the join code."""
    import asyncio
    import logging
    import ssl

    from huddle.clock import local_date, local_time
    from huddle.errors import InputError
    from huddle.room.codes import display, end_of_day, new_code

    day = parse_date(date_)
    if bool(cert) != bool(key):
        raise InputError("room.tls_pair")
    if not 2 <= max_participants <= MAX_PARTICIPANTS:
        raise InputError("room.max_range", max=MAX_PARTICIPANTS)
    ice = []
    for text in ice_servers:
        from huddle.room.server import parse_ice_server

        try:
            ice.append(parse_ice_server(text))
        except ValueError as exc:
            raise InputError("room.bad_ice", value=text) from exc
    ssl_context = None
    if cert:
        try:
            ssl_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            ssl_context.load_cert_chain(cert, key)
        except (ssl.SSLError, OSError) as exc:
            raise InputError("room.tls_bad", detail=str(exc)[:160]) from exc

    store = ctx.store(create=True)
    from huddle import settings as settings_mod

    with store.read() as s:
        tz = settings_mod.load(s).tz
    today = local_date(store.now(), tz)
    day = day or today
    expires = end_of_day(day, tz)
    from huddle.room.server import Room, RoomConfig, StoreAttendance, serve

    attendance = StoreAttendance(store, day)
    if day < today or attendance.finished():
        raise InputError("room.day_over", date=day.isoformat())

    config = RoomConfig(day=day, code=new_code(), expires=expires, max_participants=max_participants,
                        ice_servers=ice)
    room = Room(config, attendance, clock=store.clock)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="room: %(message)s")
    scheme = "https" if ssl_context else "http"

    def ready(actual_port: int) -> None:
        shown = host
        if host in ("0.0.0.0", "::", ""):
            shown = socket.getfqdn()
        if ":" in shown:
            shown = f"[{shown}]"
        link = f"{scheme}://{shown}:{actual_port}/"
        if machine:
            local = {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "localhost": "127.0.0.1", "::": "[::1]", "::1": "[::1]"}
            control = f"{scheme}://{local.get(host, shown)}:{actual_port}"
            click.echo(json.dumps({
                "ready": True, "link": link, "code": display(config.code), "expires": expires.isoformat(),
                "port": actual_port, "control": control, "token": config.token, "max": max_participants,
            }))
        else:
            until = local_time(expires, tz).strftime("%Y-%m-%d %H:%M")
            click.echo(t("room.title", date=day.isoformat()))
            click.echo(t("room.link", link=link))
            click.echo(t("room.code", code=display(config.code), until=until))
            click.echo(t("room.limits", max=max_participants, width=config.width, height=config.height, fps=config.fps))
            if not ssl_context and host not in ("127.0.0.1", "localhost", "::1"):
                click.echo(t("room.tls_hint", host=host))
            click.echo(t("room.stop_hint"))
        sys.stdout.flush()

    try:
        # Started by the app (--machine): stop when the app goes away, even if it was killed.
        asyncio.run(serve(room, host, port, ssl_context=ssl_context, ready=ready, watch_stdin=machine))
    except OSError as exc:
        raise InputError("room.port_busy", host=host, port=port, detail=exc.strerror or str(exc)) from exc
    except KeyboardInterrupt:
        pass
    finally:
        store.close()
    if not machine:
        click.echo(t("room.stopped"))
