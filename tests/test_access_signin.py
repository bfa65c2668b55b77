"""Sign-in under fast typing: keys typed ahead stay in the field they were meant for, and no typed
secret reaches the access log (which is append-only and kept for years).

The app is the real one (Pilot, and the real terminal in tmux); the store is a real SQLite file,
whose bytes are searched for the password at the end.
"""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
from pathlib import Path

import pytest
from textual import events
from textual.widgets import Input, Static

from huddle.errors import AccessDenied
from huddle.services import access
from huddle.store import Store
from tests.conftest import HUDDLE_BIN, run_huddle

PW = "ada's password"
TYPED_FAST = "wrong-pass-typed-fast"


def _key(ch: str) -> events.Key:
    names = {"-": "minus", "'": "apostrophe", " ": "space", "\r": "enter", "\t": "tab"}
    return events.Key(names.get(ch, ch), ch)


def burst(app, text: str) -> None:  # noqa: ANN001
    """Keys as a terminal delivers a fast typist's burst: all in the app's queue before any is handled
    (``pilot.press`` waits for the app to be idle after every key, which hides the race)."""
    for ch in text:
        app.post_message(_key(ch))


def sign_ins(store) -> list[str]:  # noqa: ANN001
    with store.read() as s:
        from sqlalchemy import select

        from db.models import AuditEvent

        return [w for (w,) in s.execute(select(AuditEvent.what).where(AuditEvent.action == "sign_in").order_by(AuditEvent.id))]


def store_bytes(db: Path) -> bytes:
    """Everything the store keeps on disk: the file and its write-ahead log."""
    return b"".join(p.read_bytes() for p in (db, db.with_name(db.name + "-wal")) if p.exists())


async def _signed_out_app(store, clock):  # noqa: ANN001
    from screens.app import make_app

    access.add_user(store, username="ada", name="Ada Admin", password=PW, roles=["admin"])
    return make_app(store=store, clock=clock)


async def _wait_refused(app, pilot) -> None:  # noqa: ANN001
    from tests.tui_helpers import wait_until

    await wait_until(pilot, lambda: "wrong password" in str(app.screen.query_one("#signin-error", Static).render()),
                     "the refusal at the form")


async def test_a_password_typed_right_after_enter_goes_to_the_password_field(db_path, clock):
    from screens.signin import SignInScreen
    from tests.tui_helpers import settle, wait_until

    store = Store.open(str(db_path), clock=clock)
    try:
        app = await _signed_out_app(store, clock)
        async with asyncio.timeout(120), app.run_test(size=(120, 40)) as pilot:
            await settle(app, pilot)
            screen = app.screen
            assert isinstance(screen, SignInScreen)
            user, password = screen.query_one("#signin-username", Input), screen.query_one("#signin-password", Input)
            burst(app, "ada\r" + TYPED_FAST)
            await wait_until(pilot, lambda: password.value == TYPED_FAST, "the typed-ahead password in its field")
            assert user.value == "ada"
            # The user name shows nothing of it (the password field shows only dots).
            shown = app.export_screenshot().replace("&#160;", " ")
            assert "typed-fast" not in shown and "adawrong" not in shown

            # The same with Tab between the fields, and the refusal once Enter signs in.
            user.value, password.value = "", ""
            screen.set_focus(user)
            burst(app, "ada\t" + TYPED_FAST + "\r")
            await _wait_refused(app, pilot)
            assert user.value == "ada" and password.value == ""
            assert app.screen.focused is password  # ready for the next try, in the password field
    finally:
        store.close()
    assert sign_ins(store) == ["sign_in.refused ada"]
    assert TYPED_FAST.encode() not in store_bytes(db_path)


async def test_pilot_keys_with_no_pause_stay_in_their_fields_and_the_right_password_signs_in(store, clock):
    from screens.signin import SignInScreen
    from tests.tui_helpers import settle

    app = await _signed_out_app(store, clock)
    async with asyncio.timeout(120), app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, SignInScreen)
        # One press call, no pause between the keys (Pilot still lets the app idle after each).
        await pilot.press("a", "d", "a", "enter", *PW, "enter")
        await app.workers.wait_for_complete()
        await settle(app, pilot)
        assert not isinstance(app.screen, SignInScreen)
        assert app.store.actor.name == "Ada Admin"
    assert sign_ins(store) == ["sign_in"]


async def test_a_password_typed_as_the_user_name_is_not_stored(db_path, clock):
    """Someone types their password first, into the user-name field: refused, and the log keeps only a tag."""
    from screens.signin import SignInScreen
    from tests.tui_helpers import settle

    secret = "Sommar-2026-secret"
    store = Store.open(str(db_path), clock=clock)
    try:
        app = await _signed_out_app(store, clock)
        async with asyncio.timeout(120), app.run_test(size=(120, 40)) as pilot:
            await settle(app, pilot)
            assert isinstance(app.screen, SignInScreen)
            burst(app, secret + "\r" + secret + "\r")
            await _wait_refused(app, pilot)
        with pytest.raises(AccessDenied):  # the same text again, from the command line's path
            access.authenticate(store, secret, "x")
        logged = sign_ins(store)
    finally:
        store.close()
    assert len(logged) == 2 and logged[0] == logged[1], logged  # one text, one tag: attempts can be grouped
    assert logged[0].startswith("sign_in.refused unknown#") and secret not in logged[0]
    assert secret.encode() not in store_bytes(db_path)
    assert secret.lower().encode() not in store_bytes(db_path).lower()


def test_unknown_user_names_are_locked_out_like_users_without_being_stored(store, clock):
    """The lock-out counts an unknown name's refusals by its tag, so it cannot tell users from non-users."""
    access.add_user(store, username="ada", name="Ada Admin", password=PW, roles=["admin"])
    for name in ("ada", "bertil"):
        for _ in range(access.MAX_REFUSALS):
            with pytest.raises(AccessDenied, match="wrong password"):
                access.authenticate(store, name, "guess guess")
        with pytest.raises(AccessDenied, match="Too many wrong passwords"):
            access.authenticate(store, name, "guess guess")
    logged = sign_ins(store)
    assert logged[: access.MAX_REFUSALS + 1] == ["sign_in.refused ada"] * access.MAX_REFUSALS + ["sign_in.locked ada"]
    unknown = logged[access.MAX_REFUSALS + 1 :]
    assert len(set(unknown[:-1])) == 1 and unknown[-1] == unknown[0].replace("refused", "locked")
    assert not any("bertil" in w for w in logged)
    clock.advance(minutes=access.LOCK_MINUTES + 1)
    assert access.authenticate(store, "ada", PW).name == "Ada Admin"


def test_the_log_key_is_the_stores_own(tmp_path, clock):
    """Tags are keyed per store: the same typed text gives unrelated tags in two stores (no table of them
    can be built once for every store)."""
    keys = []
    for name in ("one.db", "two.db"):
        store = Store.open(str(tmp_path / name), clock=clock)
        try:
            access.add_user(store, username="ada", name="Ada Admin", password=PW, roles=["admin"])
            with pytest.raises(AccessDenied):
                access.authenticate(store, "nobody", "x")
        finally:
            store.close()
        con = sqlite3.connect(tmp_path / name)
        keys.append(con.execute("SELECT value FROM setting WHERE key = 'access.log_key'").fetchone()[0])
        con.close()
    assert len(keys[0]) == 64 and keys[0] != keys[1]


@pytest.mark.tmux
@pytest.mark.slow
@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_in_a_real_terminal_a_fast_password_never_shows_in_the_user_name_field(tmp_path):
    from tests.tmux_helpers import Tmux

    db = tmp_path / "huddle.db"
    r = run_huddle("user", "add", "ada", "--name", "Ada Admin", "--role", "admin", db=db,
                   env={"HUDDLE_NEW_PASSWORD": PW})
    assert r.returncode == 0, r.stderr
    tmux = Tmux(tmp_path)
    try:
        tmux.start(f"env -u COLUMNS -u LINES HUDDLE_LANG=en TERM=xterm-256color {HUDDLE_BIN} --db {db}")
        tmux.wait_for(lambda s: "Sign in to huddle" in s, "the sign-in screen")
        # One send-keys: the terminal gets user name, Enter and password in one burst.
        tmux.keys("-l", "ada\r" + TYPED_FAST)
        tmux.keys("Enter")
        screen = tmux.wait_for(lambda s: "wrong password" in s, "the refusal")
        assert "typed-fast" not in screen and "adawrong" not in screen
        # The user name is still there, alone, ready for the right password.
        tmux.keys("-l", PW)
        tmux.keys("Enter")
        tmux.wait_for(lambda s: "Sign in to huddle" not in s and "Agenda" in s, "the agenda, signed in")
        tmux.keys("C-q")
    finally:
        tmux.kill_server()
    con = sqlite3.connect(db)
    try:
        logged = [w for (w,) in con.execute("SELECT what FROM audit_event WHERE action = 'sign_in' ORDER BY id")]
    finally:
        con.close()
    assert logged == ["sign_in.refused ada", "sign_in"]
    assert TYPED_FAST.encode() not in store_bytes(db)
