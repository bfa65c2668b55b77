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
from huddle.domain.fields import parse_date
from huddle.i18n import t

pass_ctx = click.make_pass_decorator(Context)
MAX_PARTICIPANTS = 16  # a hard cap: beyond it two cores cannot carry the video (see bench/room.py)
DEFAULT_PARTICIPANTS = 10


@click.command("room")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (loopback unless told otherwise; beyond it needs --cert/--key or --insecure-http).")
@click.option("--port", default=None, type=click.IntRange(0, 65535),
              help="Port (0: any free one; default: the store's setting room_port, 8765).")
@click.option("--date", "date_", metavar="YYYY-MM-DD", help="The huddle's date (default: today).")
@click.option("--cert", type=click.Path(dir_okay=False, exists=True), help="TLS certificate (PEM) for https.")
@click.option("--key", type=click.Path(dir_okay=False, exists=True), help="TLS private key (PEM).")
@click.option("--max-participants", "max_participants", default=DEFAULT_PARTICIPANTS, show_default=True, type=int,
              help=f"Hard cap on people in the room (2-{MAX_PARTICIPANTS}).")
@click.option("--ice-server", "ice_servers", multiple=True, metavar="URL",
              help="STUN/TURN server, e.g. stun:stun.example.org:3478 or turn:user:secret@turn.example.org:3478 "
                   "(none by default: works on one network).")
@click.option("--insecure-http", "insecure_http", is_flag=True,
              help="Serve plain http beyond this machine (the code and signalling in clear): only on a trusted network.")
@click.option("--machine", is_flag=True, hidden=True, help="Print one JSON line with the link, code and control token.")
@pass_ctx
def room_cmd(ctx: Context, host: str, port: int | None, date_: str | None, cert: str | None, key: str | None,
             max_participants: int, ice_servers: tuple[str, ...], insecure_http: bool, machine: bool) -> None:
    """Run the video room for a huddle: prints the join link and the join code."""
    import asyncio
    import logging
    import ssl

    from huddle.domain.clock import local_date, local_time
    from huddle.errors import InputError
    from huddle.room.codes import display, end_of_day, new_code

    day = parse_date(date_)
    if bool(cert) != bool(key):
        raise InputError("room.tls_pair")
    if not is_loopback_host(host) and not cert and not insecure_http:
        # Checked before the store is opened: a refused start writes nothing.
        raise InputError("room.needs_tls", host=host)
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
    from db import settings as settings_db

    with store.read() as s:
        cfg = settings_db.load(s)
    tz = cfg.tz
    port = cfg.room_port if port is None else port
    today = local_date(store.now(), tz)
    if day is not None:
        cfg.calendar.check(day)  # a room for Christmas Day, as for a patient on it: refused, says the next
    day = day or today
    expires = end_of_day(day, tz)
    from huddle.room.server import Room, RoomConfig, StoreAttendance, serve
    from huddle.services.room_lease import RoomLease

    lease = RoomLease(store, day)
    attendance = StoreAttendance(store, day, lease=lease)
    if day < today or attendance.finished():
        raise InputError("room.day_over", date=day.isoformat())
    lease.claim()  # one room per meeting: a second start says where the first runs

    config = RoomConfig(day=day, code=new_code(), expires=expires, max_participants=max_participants,
                        ice_servers=ice)
    from huddle.services import oidc

    provider = oidc.load_config(store)
    if provider.active and provider.room in ("idp", "both"):
        # Participants sign in at the identity provider (code flow with PKCE) before the page and its
        # websocket answer; the attendance row then names the verified person (their staff row, HSA-id).
        from huddle.serve.auth import Gate

        config.sign_in = Gate(store, ctx.lang, cookie="huddle_room_session", url_setting="room_url",
                              protect_only=("/", "/ws"), via="room")
        config.sign_in_mode = provider.room
    room = Room(config, attendance, clock=store.clock)
    # A log line may carry what a browser sent (a name, an Origin header): shown, never obeyed.
    from huddle.domain.text import ShownFormatter

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(ShownFormatter("room: %(message)s"))
    logging.basicConfig(level=logging.WARNING, handlers=[handler])
    scheme = "https" if ssl_context else "http"

    if insecure_http and not ssl_context and not is_loopback_host(host):
        click.echo(t("room.insecure_warning", host=host), err=True)

    def ready(actual_port: int) -> None:
        shown = reachable_host(host)
        if ":" in shown:
            shown = f"[{shown}]"
        link = f"{scheme}://{shown}:{actual_port}/"
        try:
            lease.set_link(link)
        except Exception as exc:  # noqa: BLE001 - the room works without; the next start just finds no link
            logging.getLogger("huddle.room").warning("could not record the room's link: %s", exc)
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
        try:
            lease.release()
        except Exception:  # noqa: BLE001 - a lease left behind goes stale by itself
            pass
        store.close()
    if not machine:
        click.echo(t("room.stopped"))


def is_loopback_host(host: str) -> bool:
    """Only this machine can reach ``host``: 127.x, ::1 or localhost."""
    import ipaddress

    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def reachable_host(host: str) -> str:
    """The address to print in the link: what others can reach.  For every interface (0.0.0.0,
    ::) that is this machine's primary address (the one its default route leaves from), else its
    name; a named address is printed as given."""
    if host not in ("0.0.0.0", "::", ""):
        return host
    family, probe = (socket.AF_INET6, "2001:db8::1") if host == "::" else (socket.AF_INET, "192.0.2.1")
    try:
        with socket.socket(family, socket.SOCK_DGRAM) as sock:
            sock.connect((probe, 9))  # no packet is sent: this only picks the outgoing interface
            address = sock.getsockname()[0]
        import ipaddress

        if not ipaddress.ip_address(address).is_loopback:
            return str(address)
    except OSError:
        pass
    return socket.getfqdn()
