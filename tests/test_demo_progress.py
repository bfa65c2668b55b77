"""``huddle demo`` tells a new user where the store goes before it is seeded, shows progress on a
terminal, and the app's header names the store that is open (issue 13)."""

from __future__ import annotations

import os
import pty
import subprocess

import pytest

from screens.app import make_app
from tests.conftest import HUDDLE_BIN, child_env, huddle_here
from tests.tui_helpers import settle


@pytest.mark.parametrize(("lang", "making", "seeded"), [
    ("en", "Making a demo store at {path} (fictitious patients)…", "Demo store for Kalmar county at {path}"),
    ("sv", "Skapar en demodatabas i {path} (påhittade patienter)…", "Demodatabas för Kalmar län i {path}"),
])
def test_demo_names_the_store_first_and_keeps_progress_off_a_pipe(tmp_path, lang, making, seeded):
    db = tmp_path / "demo.db"
    code, out, err = huddle_here("--lang", lang, "--db", str(db), "demo", "--no-tui", "--weeks", "1")
    assert code == 0, err
    assert err == making.format(path=db) + "\n"  # one line; no progress lines in a log or a pipe
    assert out.startswith(seeded.format(path=db))


def test_demo_on_a_terminal_counts_the_meeting_days_after_naming_the_store(tmp_path, clock):
    """A real process with its stderr on a terminal (a pty), as a person runs it."""
    db = tmp_path / "demo.db"
    leader, follower = pty.openpty()
    try:
        proc = subprocess.run(
            [HUDDLE_BIN, "--db", str(db), "demo", "--no-tui", "--weeks", "1"],
            stdout=subprocess.PIPE, stderr=follower, stdin=subprocess.DEVNULL,
            env=child_env(clock, {**os.environ, "HUDDLE_LANG": "en"}), timeout=120,
        )
        os.close(follower)
        follower = -1
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        if follower >= 0:
            os.close(follower)
        os.close(leader)
    assert proc.returncode == 0
    terminal = b"".join(chunks).decode()
    first, _, rest = terminal.partition("\n")
    assert first.strip() == f"Making a demo store at {db} (fictitious patients)…"
    steps = [part.strip() for part in rest.replace("\r\n", "\n").split("\r") if part.strip()]
    assert steps[0] == "Meeting days written: 0 of 6"  # a Monday: five days back and the coming one
    assert steps[-1] == "Meeting days written: 6 of 6"
    assert proc.stdout.decode().startswith(f"Demo store for Kalmar county at {db}")


@pytest.mark.parametrize(("lang", "words"), [("en", "store demo.db"), ("sv", "databas demo.db")])
async def test_the_header_names_the_open_store(tmp_path, clock, lang, words):
    from textual.widgets._header import HeaderTitle

    from huddle import i18n
    from huddle.store import Store

    i18n.set_language(lang)
    target = tmp_path / "demo.db"
    Store.open(str(target), clock=clock).close()
    app = make_app(store_target=str(target), clock=clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        header = str(app.screen.query_one(HeaderTitle).render())
        assert header == f"huddle — {words}"


def test_a_database_url_is_named_without_its_password():
    from huddle.services.startup import store_label

    assert store_label("postgresql+psycopg://huddle:s3cret@db.example.se/huddle") == (
        "postgresql+psycopg://huddle:***@db.example.se/huddle")
    assert store_label("/var/lib/huddle/huddle.db") == "huddle.db"
