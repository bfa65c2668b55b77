"""Safety of what people type and do at once: two editors of one case, markup shown literally, sign-in in the app."""

from __future__ import annotations

import asyncio

import pytest
from textual.widgets import DataTable, Input, Static

from huddle.errors import ConflictError
from huddle.services import access, agenda, meeting
from huddle.store import Store
from tests.conftest import MONDAY, huddle_here

MARKUP_NAME = "[bold]Tolvan[/bold] [link=https://evil.example]Tolvansson[/link]"
MARKUP_QUESTION = "[red]Akut?[/red] [@click=app.quit]klicka[/]"
PW = "ada's password"


def add(store, pnr="19121212-1212", name=MARKUP_NAME, question=MARKUP_QUESTION):
    return agenda.add_patient(store, pnr=pnr, name=name, unit="Avd 12", municipality="Oskarshamn",
                              question=question, day=MONDAY)


def test_second_editor_of_the_same_case_is_refused_and_nothing_is_overwritten(store, db_path, clock):
    row = add(store)
    other = Store.open(str(db_path), clock=clock)  # a second person's app on the same store
    try:
        mine = agenda.list_agenda(store, MONDAY)[0]
        theirs = agenda.list_agenda(other, MONDAY)[0]
        assert mine.version == theirs.version == row.version
        saved = agenda.edit_question(other, theirs.case_id, "Their question", version=theirs.version)
        with pytest.raises(ConflictError) as err:
            agenda.edit_question(store, mine.case_id, "My question", version=mine.version)
        assert "Someone else changed this case just now" in str(err.value)
        assert "Nothing was overwritten" in str(err.value)
        now = agenda.list_agenda(store, MONDAY)[0]
        assert now.question == "Their question" and now.version == saved.version
        # After reloading, the edit goes through.
        agenda.edit_question(store, now.case_id, "My question", version=now.version)
        assert agenda.list_agenda(other, MONDAY)[0].question == "My question"
        # The same for what the meeting records on a case.
        meeting.start_meeting(store, MONDAY)
        stale = agenda.list_agenda(other, MONDAY)[0].version
        meeting.next_case(store, MONDAY)  # the facilitator closes the case meanwhile
        with pytest.raises(ConflictError):
            agenda.edit_question(other, row.case_id, "Too late", version=stale)
        assert agenda.list_agenda(store, MONDAY)[0].question == "My question"
    finally:
        other.close()


def test_markup_is_printed_literally_in_command_line_tables(store, db_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "300")
    add(store)
    monkeypatch.setenv("HUDDLE_NEW_PASSWORD", PW)
    code, out, err = huddle_here("--db", str(db_path), "user", "add", "ada", "--name", "[b]Ada[/b] [link=x]Admin[/link]",
                          "--org", "[blink]Region[/blink]", "--role", "admin")
    assert code == 0, err
    monkeypatch.setenv("HUDDLE_PASSWORD", PW)
    code, out, err = huddle_here("--db", str(db_path), "--user", "ada", "agenda", "--date", MONDAY.isoformat())
    assert code == 0, err
    assert MARKUP_NAME in out and MARKUP_QUESTION in out
    code, out, err = huddle_here("--db", str(db_path), "--user", "ada", "user", "list")
    assert "[b]Ada[/b] [link=x]Admin[/link]" in out and "[blink]Region[/blink]" in out
    code, out, err = huddle_here("--db", str(db_path), "--user", "ada", "audit", "--patient", "19121212-1212")
    assert code == 0 and "[b]Ada[/b] [link=x]Admin[/link]" in out and "[blink]Region[/blink]" in out


async def test_app_opens_on_sign_in_and_shows_markup_literally(store, clock):
    from screens.app import make_app
    from screens.signin import SignInScreen
    from tests.tui_helpers import settle, type_text

    add(store)
    access.add_user(store, username="ada", name="Ada", password="another password", roles=["admin"])
    access.add_user(store, username="nina", name="Nina [i]Nurse[/i]", password=PW, roles=["nurse"])
    app = make_app(store=store, clock=clock)
    async with asyncio.timeout(120), app.run_test(size=(140, 40)) as pilot:  # a hang fails, it does not stall CI
        await settle(app, pilot)
        assert isinstance(app.screen, SignInScreen)
        await type_text(pilot, "nina")
        await pilot.press("enter")
        await type_text(pilot, "wrong")
        await pilot.press("enter")
        await settle(app, pilot)
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SignInScreen)
        assert "wrong password" in str(screen.query_one("#signin-error", Static).render())
        assert screen.query_one("#signin-password", Input).value == ""
        await type_text(pilot, PW)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await settle(app, pilot)
        assert not isinstance(app.screen, SignInScreen)
        assert app.store.actor.name == "Nina [i]Nurse[/i]" and not app.store.actor.single_user
        table = app.screen.query_one(DataTable)
        cells = " ".join(str(c) for c in table.get_row_at(0))
        # (Long cells may be cut with an ellipsis to the column's width; what is shown is literal.)
        assert "[bold]Tolvan[/bold]" in cells and "[red]Akut?[/red]" in cells
        screenshot = app.export_screenshot().replace("&#160;", " ")
        assert "[bold]Tolvan[/bold]" in screenshot and "[red]Akut?" in screenshot


async def test_sign_in_escape_quits_and_nothing_is_read(store, clock):
    from screens.app import make_app
    from screens.signin import SignInScreen
    from tests.tui_helpers import settle

    add(store)
    access.add_user(store, username="ada", name="Ada", password=PW, roles=["admin"])
    app = make_app(store=store, clock=clock)
    async with asyncio.timeout(120), app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, SignInScreen)
        screen = app.screen
        binding = screen.active_bindings["escape"].binding
        assert binding.action == "quit" and binding.description == "Quit"
        # (Pilot's press waits for a screen that is gone once the app exits: run the bound action.)
        await screen.run_action(binding.action)
    assert app.return_code == 0
    from sqlalchemy import text

    with store.read() as s:
        assert s.scalar(text("SELECT count(*) FROM audit_event WHERE action = 'read'")) == 0
