"""The app through Pilot, on a real temporary store and the fake clock."""

from __future__ import annotations

import sys
from datetime import timedelta

import pytest
from textual.widgets import DataTable, Input, Static

from screens.app import make_app
from tests.conftest import MONDAY, TUESDAY
from tests.tui_helpers import press, seed, settle, type_text, wait_until

SIZE = (120, 40)


def _rows(store, day):  # noqa: ANN001, ANN202
    from huddle.services import agenda

    return {r.name: r for r in agenda.list_agenda(store, day, with_identity=False)}


def _text(widget) -> str:  # noqa: ANN001
    return str(widget.render())


def test_app_module_does_not_import_sqlalchemy():
    """Building the app must not load the store: the first paint comes before SQLAlchemy."""
    import subprocess

    code = (
        "import sys; from screens.app import make_app; make_app(store_target='/nonexistent/x.db'); "
        "print('sqlalchemy' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


async def test_add_patient_form_validates_as_you_type_and_saves(store, clock):
    app = make_app(store=store, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.screen.day == MONDAY
        await pilot.press("a")
        await pilot.pause()
        dialog = app.screen
        # A wrong check digit is shown at the field while typing; Save refuses.
        await type_text(pilot, "19400101-1231")
        await pilot.pause()
        assert "check digit" in _text(dialog.query_one("#err-pnr", Static))
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is dialog
        assert "nothing was saved" in _text(dialog.query_one("#dialog-error", Static))
        assert _rows(store, MONDAY) == {}
        # Fix it, fill the rest with the keyboard, save.
        await pilot.press("backspace", "0")
        await pilot.pause()
        assert _text(dialog.query_one("#err-pnr", Static)) == ""
        await pilot.press("tab")
        await type_text(pilot, "Astrid [red]Andersson[/red]")
        await pilot.press("tab")
        await type_text(pilot, "Avd 12")
        await pilot.press("tab")
        await type_text(pilot, "Kalmar")
        await pilot.press("tab")
        await type_text(pilot, "Hemtjanst?")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is not dialog
        rows = _rows(store, MONDAY)
        assert list(rows) == ["Astrid [red]Andersson[/red]"]  # stored literally, never read as markup
        row = rows["Astrid [red]Andersson[/red]"]
        assert (row.pnr, row.unit, row.municipality, row.question) == ("19400101-1230", "Avd 12", "Kalmar", "Hemtjanst?")
        table = app.screen.query_one(DataTable)
        assert table.row_count == 1
        assert "[red]" in str(table.get_row_at(0)[1])


async def test_refused_patient_keeps_the_form_and_saves_nothing(store, clock):
    seed(store)
    app = make_app(store=store, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("a")
        await pilot.pause()
        dialog = app.screen
        # Empty required fields are refused at Save, each at its field.
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "required" in _text(dialog.query_one("#err-name", Static))
        # A patient already on this agenda is refused by the store: the form stays with what was typed.
        await type_text(pilot, "19400101-1230")
        for value in ("Astrid Andersson", "Avd 12", "Kalmar"):
            await pilot.press("tab")
            await type_text(pilot, value)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is dialog
        assert "already on the agenda" in _text(dialog.query_one("#err-pnr", Static))
        assert dialog.query_one("#f-name", Input).value == "Astrid Andersson"
        assert len(_rows(store, MONDAY)) == 3
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is not dialog


async def test_agenda_edit_reorder_remove_and_days(store, clock):
    seed(store)
    app = make_app(store=store, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = app.screen
        # move the first patient down
        await press(app, pilot, "J")
        assert [r.name for r in sorted(_rows(store, MONDAY).values(), key=lambda r: r.position)][:2] == [
            "Bertil [bold]Berg[/bold]",
            "Astrid Andersson",
        ]
        assert screen.current().name == "Astrid Andersson"  # the cursor follows the moved patient
        # edit the question
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("ctrl+u")
        await type_text(pilot, "Trygg hemgang")
        await press(app, pilot, "ctrl+s")
        assert _rows(store, MONDAY)["Astrid Andersson"].question == "Trygg hemgang"
        # remove, after confirming (n first keeps it)
        await press(app, pilot, "x")
        await press(app, pilot, "n")
        assert len(_rows(store, MONDAY)) == 3
        await press(app, pilot, "x")
        await press(app, pilot, "y")
        assert "Astrid Andersson" not in _rows(store, MONDAY)
        assert screen.query_one(DataTable).row_count == 2
        # next and previous meeting day
        await press(app, pilot, "n")
        assert screen.day == TUESDAY
        assert screen.query_one(DataTable).row_count == 0
        await press(app, pilot, "p")
        assert screen.day == MONDAY
        assert screen.query_one(DataTable).row_count == 2


async def test_a_meeting_of_three_cases_by_keyboard(store, clock):
    seed(store)
    app = make_app(store=store, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await press(app, pilot, "l")
        live = app.screen
        assert type(live).__name__ == "LiveScreen"
        assert live.live.huddle.state == "planned"

        await press(app, pilot, "s")  # start: Astrid is current
        assert live.live.card.case.name == "Astrid Andersson"
        clock.advance(100)
        await press(app, pilot, "space")  # pause
        assert live.live.running is False
        clock.advance(50)  # paused time does not count
        await press(app, pilot, "space")  # resume
        clock.advance(20)
        live.tick()
        assert "2:00" in str(live.query_one("#timer-digits").value)
        await press(app, pilot, "n")  # Astrid done; Bertil current
        assert live.live.card.case.name == "Bertil [bold]Berg[/bold]"
        clock.advance(30)
        await press(app, pilot, "b")  # back to Astrid
        assert live.live.card.case.name == "Astrid Andersson"
        clock.advance(10)
        await press(app, pilot, "n")  # Astrid done again; Bertil again
        assert live.live.card.case.name == "Bertil [bold]Berg[/bold]"
        clock.advance(40)
        await press(app, pilot, "d")  # defer asks the reason
        await type_text(pilot, "Inväntar provsvar")
        await press(app, pilot, "enter")
        assert live.live.card.case.name == "Cecilia Carlsson"
        clock.advance(60)
        await press(app, pilot, "f")
        await press(app, pilot, "y")
        assert live.live.huddle.state == "finished"
        await settle(app, pilot)
        box = _text(live.query_one("#live-timebox"))
        assert "Finished at" in box and "Per remaining case" not in box
        table = live.query_one("#live-cases", DataTable)
        assert "discussed, not finished" in str(table.get_row_at(2)[2])  # Cecilia had a minute

    rows = _rows(store, MONDAY)
    a, b, c = rows["Astrid Andersson"], rows["Bertil [bold]Berg[/bold]"], rows["Cecilia Carlsson"]
    assert (a.state, a.seconds) == ("done", pytest.approx(130))
    assert (b.state, b.seconds, b.defer_reason) == ("deferred", pytest.approx(70), "Inväntar provsvar")
    assert (c.state, c.seconds, c.defer_reason) == ("waiting", pytest.approx(60), "not_reached")
    nxt = _rows(store, TUESDAY)
    assert set(nxt) == {"Bertil [bold]Berg[/bold]", "Cecilia Carlsson"}
    assert nxt["Bertil [bold]Berg[/bold]"].carried and nxt["Bertil [bold]Berg[/bold]"].defer_reason == "Inväntar provsvar"
    assert nxt["Cecilia Carlsson"].carried and nxt["Cecilia Carlsson"].defer_reason == "not_reached"


async def test_timer_warns_at_80_percent_and_overruns_past_target_in_words(store, clock):
    seed(store)
    app = make_app(store=store, clock=clock, start="live", day=MONDAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        live = app.screen
        await press(app, pilot, "s")
        timer = live.query_one("CaseTimer")
        clock.advance(239)
        live.tick()
        assert timer.has_class("-within") and "Within target" in _text(live.query_one("#timer-words"))
        clock.advance(1)  # 240 s = 80 % of 300
        live.tick()
        assert timer.has_class("-warning") and "Warning: 1:00 left" in _text(live.query_one("#timer-words"))
        clock.advance(61)
        live.tick()
        assert timer.has_class("-over") and "OVER TIME by 0:01" in _text(live.query_one("#timer-words"))


async def test_record_decision_readiness_blocker_day_attendance_and_copy(store, clock):
    seed(store)
    app = make_app(store=store, clock=clock, start="live", day=MONDAY)
    copied: list[str] = []
    app.copy_to_clipboard = copied.append  # what the terminal would receive over OSC 52
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        live = app.screen
        assert "MISSING" in _text(live.query_one("#live-attendance"))
        await press(app, pilot, "s")
        # decision
        await pilot.press("e")
        await pilot.pause()
        await type_text(pilot, "Hembesok av arbetsterapeut")
        await pilot.press("tab")
        await type_text(pilot, "Kalmar kommun")
        await pilot.press("tab", "tab")
        await type_text(pilot, "2026-12-03")
        await press(app, pilot, "ctrl+s")
        card = _text(live.query_one("#live-card"))
        assert "Hembesok av arbetsterapeut" in card and "2026-12-03" in card
        # readiness: ready since a time
        await pilot.press("r")
        await pilot.pause()
        dialog = app.screen
        dialog.query_one("#state").value = "ready"
        dialog.query_one("#f-ready_at", Input).focus()
        await type_text(pilot, "2026-11-30 07:30")
        await press(app, pilot, "ctrl+s")
        assert "ready for discharge" in _text(live.query_one("#live-card"))
        # blocker
        await pilot.press("k")
        await pilot.pause()
        await type_text(pilot, "Trygghetslarm")
        await pilot.press("tab")
        await type_text(pilot, "Kalmar kommun")
        await press(app, pilot, "ctrl+s")
        assert "Trygghetslarm" in _text(live.query_one("#live-card"))
        # red day
        await press(app, pilot, "g")
        await press(app, pilot, "r")
        assert "red" in _text(live.query_one("#live-card"))
        # attendance: the three needed roles make the warning go away
        for name, org, role in (
            ("Nils Nilsson", "Kalmar kommun", "needs_assessor"),
            ("Sara Svensson", "Avd 12", "ward_nurse"),
            ("Lars Larsson", "Avd 12", "physician"),
        ):
            await pilot.press("a")
            await pilot.pause()
            await type_text(pilot, name)
            await pilot.press("tab")
            await type_text(pilot, org)
            app.screen.query_one("#role").value = role
            await press(app, pilot, "ctrl+s")
        att = _text(live.query_one("#live-attendance"))
        assert "MISSING" not in att and "Nils Nilsson" in att
        # a refusal by the store keeps the dialog open with everything typed
        await pilot.press("a")
        await pilot.pause()
        dialog = app.screen
        dialog.query_one("#f-name", Input).value = "N" * 130
        dialog.query_one("#f-org", Input).value = "Kalmar kommun"
        await press(app, pilot, "ctrl+s")
        assert app.screen is dialog
        assert _text(dialog.query_one("#dialog-error")) != ""
        assert dialog.query_one("#f-name", Input).value == "N" * 130
        await press(app, pilot, "escape")  # what was typed goes only when the person says so
        await press(app, pilot, "y")
        assert app.screen is live
        # copy the summary: sent to the clipboard and shown
        await press(app, pilot, "c")
        assert copied and "Astrid Andersson" in copied[-1] and "Hembesok av arbetsterapeut" in copied[-1]
        assert type(app.screen).__name__ == "SummaryScreen"
        await press(app, pilot, "escape")
        assert app.screen is live


async def test_help_and_palette_list_the_live_keys(store, clock):
    app = make_app(store=store, clock=clock, start="live", day=MONDAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        live = app.screen
        await press(app, pilot, "question_mark")
        help_text = _text(app.screen.query_one("#help-screen-keys"))
        for key, words in (("s", "Start meeting"), ("n", "Next case"), ("Space", "Pause/resume"), ("d", "Defer"),
                           ("f", "Finish meeting"), ("c", "Copy summary"), ("g", "Red/green day")):
            assert key in help_text and words in help_text
        await press(app, pilot, "escape")
        assert app.screen is live
        # the palette runs the same action (on an agenda the screen shows: an empty one asks first)
        seed(store)
        live.reload()
        await settle(app, pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await type_text(pilot, "Start meeting")
        from textual.command import CommandList

        await wait_until(pilot, lambda: app.screen.query_one(CommandList).option_count > 0, "the command found")
        await press(app, pilot, "enter")
        await settle(app, pilot)
        assert live.live.huddle.state == "running"


async def test_a_dialog_opens_with_its_first_label_visible_in_a_small_terminal(store, clock):
    app = make_app(store=store, clock=clock, day=MONDAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await press(app, pilot, "a")
        await wait_until(pilot, lambda: bool(app.screen.query(".field-label")) and
                         app.screen.query(".field-label").first().region.height > 0, "the dialog laid out")
        body = app.screen.query_one(".dialog-body")
        first_label = app.screen.query(".field-label").first()
        assert body.scroll_y == 0
        assert body.region.contains_region(first_label.region)


async def test_swedish_help_has_no_english_key_texts(store, clock):
    from huddle import i18n

    i18n.set_language("sv")
    app = make_app(store=store, clock=clock, start="live", day=MONDAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await press(app, pilot, "question_mark")
        help_text = _text(app.screen.query_one("#help-screen-keys")) + _text(app.screen.query_one("#help-app-keys"))
        assert "Nästa fält" in help_text and "Starta mötet" in help_text
        for english in ("Focus Next", "Focus Previous", "Copy selected text", "Quit"):
            assert english not in help_text


async def test_settings_dialog_changes_target_and_theme(store, clock):
    seed(store)
    app = make_app(store=store, clock=clock, start="live", day=MONDAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        live = app.screen
        await pilot.press("o")
        await settle(app, pilot)
        await pilot.press("ctrl+u")
        await type_text(pilot, "4")
        await pilot.press("tab", "ctrl+u")
        await type_text(pilot, "60")
        await pilot.press("tab", "space")  # dark -> light
        await press(app, pilot, "ctrl+s")
        await settle(app, pilot)
        assert live.live.huddle.target_s == 240 and live.live.huddle.timebox_s == 3600
        assert app.theme == "textual-light"


async def test_reopening_shows_the_running_meeting_where_it_was(store, clock):
    seed(store)
    app = make_app(store=store, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await press(app, pilot, "l", "s")
        clock.advance(45)
        await press(app, pilot, "n")
        clock.advance(12)
    # a new app on the same store opens on the live screen, the second case current
    clock.advance(timedelta(seconds=1).total_seconds())
    again = make_app(store=store, clock=clock)
    async with again.run_test(size=SIZE) as pilot:
        await settle(again, pilot)
        live = again.screen
        assert type(live).__name__ == "LiveScreen"
        assert live.live.card.case.name == "Bertil [bold]Berg[/bold]"


async def test_a_file_that_is_not_a_store_ends_the_app_with_one_line_and_is_left_untouched(tmp_path, clock):
    bad = tmp_path / "notes.db"
    bad.write_bytes(b"my own notes, not a huddle store")
    app = make_app(store_target=str(bad), clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(100):
            if app.return_code is not None:
                break
            await pilot.pause(0.05)
    assert app.return_code == 1
    assert bad.read_bytes() == b"my own notes, not a huddle store"


async def test_statistics_key_opens_the_statistics_screen(store, clock):
    app = make_app(store=store, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("S")
        await pilot.pause()
        assert type(app.screen).__name__ == "StatsScreen"


async def test_enter_on_a_row_makes_that_case_current(store, clock):
    seed(store)
    app = make_app(store=store, clock=clock, start="live", day=MONDAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        live = app.screen
        await press(app, pilot, "s")
        clock.advance(30)
        await press(app, pilot, "down", "down", "enter")
        assert live.live.card.case.name == "Cecilia Carlsson"
    rows = _rows(store, MONDAY)
    assert rows["Astrid Andersson"].state == "waiting" and rows["Astrid Andersson"].seconds == pytest.approx(30)
    assert rows["Cecilia Carlsson"].state == "active"


async def test_n_and_p_step_over_christmas_and_a_locally_closed_day(store, clock):
    from datetime import date

    from huddle.services import days

    days.set_day(store, date(2026, 12, 29), "closed")
    clock.advance(hours=24 * 23)  # Wednesday 2026-12-23
    app = make_app(store=store, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = app.screen
        heading = screen.query_one("#agenda-heading", Static)
        assert screen.day == date(2026, 12, 23)
        await press(app, pilot, "n")
        assert screen.day == date(2026, 12, 28)  # Christmas Eve to the weekend have no meeting
        assert "Monday 2026-12-28" in str(heading.render())
        await press(app, pilot, "n")
        assert screen.day == date(2026, 12, 30)  # the 29th is closed by local decision
        await press(app, pilot, "n")
        assert screen.day == date(2027, 1, 4)  # New Year's Eve, New Year's Day, the weekend
        await press(app, pilot, "p", "p")
        assert screen.day == date(2026, 12, 28)
        await press(app, pilot, "t")
        assert screen.day == date(2026, 12, 23)


async def test_the_attendance_box_shows_who_attended_after_they_left(store, clock):
    """Someone who joined from the room (started by hand, another process) and left: the live screen
    says they attended, not 'nobody registered yet'."""
    from huddle.services import meeting
    from screens.widgets import AttendanceView

    seed(store)
    eva = meeting.attendance_join(store, MONDAY, name="Eva Ek", organisation="Oskarshamns kommun",
                                  role="needs_assessor", source="room")
    meeting.attendance_leave(store, eva.attendance_id)
    app = make_app(store=store, clock=clock, start="live", day=MONDAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        text = str(app.screen.query_one(AttendanceView).render())
        assert "Nobody here now." in text and "Attended, has left: Eva Ek (Oskarshamns kommun)" in text
        meeting.attendance_join(store, MONDAY, name="Bo Berg", organisation="Region Kalmar län", role="physician")
        app.screen.reload()
        await wait_until(pilot, lambda: "Bo Berg" in str(app.screen.query_one(AttendanceView).render()), "Bo")
        text = str(app.screen.query_one(AttendanceView).render())
        assert "Region Kalmar län: Bo Berg (physician)" in text and "Attended, has left: Eva Ek" in text
