"""The live meeting as a facilitator runs it (issue 13): loose ends closed by keyboard, a cursor that
stays put, true labels, times that add up, confirmations, the clock, marks, the bell and "+1 min".

Pilot on the real app with a real store (SQLite, and PostgreSQL where there is a server) and the
fake clock at Monday 2026-11-30 08:00 Stockholm; assertions read what the screen renders.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from textual.widgets import DataTable, OptionList

from huddle import i18n
from huddle.services import agenda, meeting
from screens.app import make_app
from tests.conftest import MONDAY, TUESDAY
from tests.tui_helpers import PATIENTS, press, seed, settle, type_text, wait_until

SIZES = [(100, 30), (140, 45)]
FRIDAY_NOTICE = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)  # Friday 10:00 in Stockholm


def _text(app, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


def _rows(app) -> list[list[str]]:
    table = app.screen.query_one("#live-cases", DataTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


def _fictitious(n: int) -> list[tuple[str, str, str, str, str]]:
    """``n`` fictitious patients (born 1940-1941, Luhn check digit computed; never real people)."""
    out = []
    for i in range(n):
        body = f"4{i // 28}{1 + i // 28:02d}{1 + i % 28:02d}{980 + i:03d}"[:9]
        digits = [int(c) for c in body]
        total = sum(sum(divmod(d * (2 - k % 2), 10)) for k, d in enumerate(digits))
        check = (10 - total % 10) % 10
        out.append((f"19{body[:6]}-{body[6:]}{check}", f"Patient {i + 1:02d}", "Avd 12", "Kalmar", f"Fråga {i + 1}"))
    return out


def _audit_whats(store) -> list[str]:  # noqa: ANN001
    from sqlalchemy import select

    from db.models import AuditEvent

    with store.read() as s:
        return list(s.scalars(select(AuditEvent.what).order_by(AuditEvent.id)))


# -- 1. loose ends -----------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "sv"])
async def test_open_items_from_an_earlier_meeting_are_closed_by_keyboard(store, clock, lang):
    a, b, _c = seed(store)
    meeting.start_meeting(store, MONDAY)
    old = meeting.add_decision(store, a.case_id, text="Hembesök av arbetsterapeut", responsible_org="Kalmar kommun")
    meeting.add_decision(store, a.case_id, text="Läkemedelsgenomgång", responsible_org="Avd 12", kind="medication_review")
    meeting.add_blocker(store, a.case_id, what="Biståndsbeslut om hemtjänst", owner_org="Kalmar kommun")
    meeting.attendance_join(store, MONDAY, name="Nils Nilsson", organisation="Kalmar kommun", role="needs_assessor")
    clock.advance(40)
    meeting.finish_meeting(store, MONDAY)  # Astrid (discussed) moves to Tuesday with everything open
    clock.advance(hours=24)
    i18n.set_language(lang)
    sv = lang == "sv"
    app = make_app(store=store, clock=clock, start="live", day=TUESDAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await press(app, pilot, "s")
        card = _text(app, "#live-card")
        assert "Hembesök av arbetsterapeut" in card and "Biståndsbeslut om hemtjänst" in card
        # The carried case says where it came from, in words, and the list marks it.
        assert ("Överflyttad från måndag 2026-11-30: diskuterad, inte klar" if sv
                else "Carried over from Monday 2026-11-30: discussed, not finished") in card
        assert _rows(app)[0][0].startswith("↻")

        # E: the decisions; Enter marks the highlighted one done, the list stays open.
        await press(app, pilot, "E")
        dialog = app.screen
        assert type(dialog).__name__ == "DecisionList"
        options = dialog.query_one(OptionList)
        assert options.option_count == 2

        def first() -> str:
            return str(options.get_option_at_index(0).prompt)

        await press(app, pilot, "enter")
        # Done, it stays in the open list with its ✓ while the list is open: a wrong Enter is undone at once.
        await wait_until(pilot, lambda: first().startswith("  ✓"), "the done decision ticked")
        assert options.option_count == 2 and "Hembesök av arbetsterapeut" in first()
        await press(app, pilot, "enter")
        await wait_until(pilot, lambda: first().startswith("  •"), "the decision open again")
        await press(app, pilot, "enter")
        await wait_until(pilot, lambda: first().startswith("  ✓"), "the decision done again")
        # w withdraws the next one after a question.
        await press(app, pilot, "down")
        await press(app, pilot, "w")
        assert "Läkemedelsgenomgång" in str(app.screen.query_one(".dialog-title").render())
        await press(app, pilot, "y")
        await wait_until(pilot, lambda: dialog.query_one(OptionList).option_count == 1, "the withdrawn decision gone")
        await press(app, pilot, "escape")
        card = _text(app, "#live-card")
        assert "Hembesök av arbetsterapeut" not in card and "Läkemedelsgenomgång" not in card

        # K: what the patient waits for; Enter resolves it.
        await press(app, pilot, "K")
        await press(app, pilot, "enter")
        await wait_until(pilot, lambda: app.screen.query_one(OptionList).option_count == 0, "the blocker resolved")
        assert ("Inget öppet." if sv else "Nothing open.") in str(app.screen.query_one("#items-none").render())
        await press(app, pilot, "escape")
        assert "Biståndsbeslut om hemtjänst" not in _text(app, "#live-card")

        # A: who is here; Enter marks the person as left, and the roles warning comes back.
        await press(app, pilot, "a")
        await type_text(pilot, "Sara Svensson")
        await pilot.press("tab")
        await type_text(pilot, "Avd 12")
        await press(app, pilot, "ctrl+s")
        assert "Sara Svensson" in _text(app, "#live-attendance")
        await press(app, pilot, "A")
        await press(app, pilot, "enter")
        await wait_until(pilot, lambda: app.screen.query_one(OptionList).option_count == 0, "the person left")
        await press(app, pilot, "escape")
        # No longer among those here; still named as having attended.
        here, _, gone = _text(app, "#live-attendance").partition(i18n.t("tui.att.left", names="").strip())
        assert "Sara Svensson" not in here and "Sara Svensson (Avd 12)" in gone

    whats = _audit_whats(store)
    assert {"decision.done", "decision.withdraw", "blocker.resolve", "attendance.leave"} <= set(whats)
    [kept] = [d for d in meeting.load_live(store, MONDAY).cases if d.case_id == a.case_id]
    assert kept.state == "waiting"
    assert old.decision_id  # the done decision stays in the store (done), the withdrawn one is gone
    summary = meeting.case_summary(store, a.case_id)
    assert "Hembesök av arbetsterapeut" in summary and "Läkemedelsgenomgång" not in summary
    assert b.case_id


async def test_a_decision_is_edited_with_the_rules_of_adding_one_and_logged(store, clock):
    a, _b, _c = seed(store)
    meeting.start_meeting(store, MONDAY)
    meeting.add_decision(store, a.case_id, text="Hembesök", responsible_org="Kalmar kommun")
    app = make_app(store=store, clock=clock, start="live", day=MONDAY)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(app, pilot)
        await press(app, pilot, "E", "e")
        form = app.screen
        assert type(form).__name__ == "EditDecisionDialog"
        # The cursor is at the end of what was recorded: typing adds to it.
        await type_text(pilot, " inom två dagar")
        await pilot.press("tab", "tab", "tab")
        await type_text(pilot, "2026-11-01")  # passed: refused as when adding
        await press(app, pilot, "ctrl+s")
        assert app.screen is form
        assert "2026-11-01" in str(form.query_one("#dialog-error").render())
        form.query_one("#f-due").value = "2026-12-02"
        await press(app, pilot, "ctrl+s")
        await press(app, pilot, "escape")  # the list
        card = _text(app, "#live-card")
        assert "Hembesök inom två dagar" in card and "2026-12-02" in card
    assert "decision.edit" in _audit_whats(store)


# -- 2. the cursor stays where the person put it -------------------------------------------


@pytest.mark.parametrize("size", SIZES, ids=["100x30", "140x45"])
async def test_a_quiet_reload_keeps_the_cursor_and_enter_takes_that_row(store, clock, size):
    seed(store, patients=_fictitious(12))
    app = make_app(store=store, clock=clock, start="live", day=MONDAY)
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        live = app.screen
        await press(app, pilot, "s")
        table = live.query_one("#live-cases", DataTable)
        await press(app, pilot, *["down"] * 10)  # row 11
        assert table.cursor_row == 10
        for _ in range(3):  # the periodic refresh (every 5 s), and the heartbeat going on
            clock.advance(5)
            live.reload()
            await settle(app, pilot)
        assert table.cursor_row == 10
        await press(app, pilot, "enter")
        assert "Patient 11" in _text(app, "#live-card")
        # A new current case moves the cursor to it.
        await press(app, pilot, "up", "up")
        await press(app, pilot, "n")
        assert "Patient 12" in _text(app, "#live-card") and table.cursor_row == 11


# -- 3. labels -----------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "sv"])
async def test_paused_discussed_and_not_reached_read_true(store, clock, lang):
    seed(store)
    i18n.set_language(lang)
    sv = lang == "sv"
    app = make_app(store=store, clock=clock, start="live", day=MONDAY)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(app, pilot)
        await press(app, pilot, "s")
        assert _rows(app)[0][2] == ("▶ pågår" if sv else "▶ active")
        clock.advance(26)
        await press(app, pilot, "space")
        assert _rows(app)[0][2] == ("⏸ pausad" if sv else "⏸ paused")
        await press(app, pilot, "space")
        await press(app, pilot, "n")
        clock.advance(33)
        await press(app, pilot, "b")  # Astrid again, Bertil (0:33) back to waiting
        await press(app, pilot, "f", "y")
        moved = "2 patienter flyttade till 2026-12-01" if sv else "2 cases moved to 2026-12-01"
        await wait_until(pilot, lambda: any(moved in str(w.render()) for w in app.screen.query("Toast")), moved)
        rows = _rows(app)
        # Astrid was done; Bertil was discussed and not finished; Cecilia was never reached.
        assert rows[1][2] == ("diskuterad, inte klar" if sv else "discussed, not finished")
        assert rows[2][2] == ("hanns inte med" if sv else "not reached")
        # Nobody was registered: said as past, without a hint at a key that no longer acts.
        attendance = _text(app, "#live-attendance")
        assert ("Ingen registrerades." if sv else "Nobody was registered.") in attendance
        assert "(" + ("tryck a" if sv else "press a") not in attendance


async def test_one_case_moved_reads_singular(store, clock):
    seed(store, patients=PATIENTS[:2])
    app = make_app(store=store, clock=clock, start="live", day=MONDAY)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(app, pilot)
        await press(app, pilot, "s", "n")  # Astrid done, Bertil current and not reached
        await press(app, pilot, "f", "y")
        moved = "Meeting finished. 1 case moved to 2026-12-01."
        await wait_until(pilot, lambda: any(moved in str(w.render()) for w in app.screen.query("Toast")), moved)
        assert _rows(app)[1][2] == "not reached"


# -- 4. time -------------------------------------------------------------------------------


async def test_shown_time_and_time_left_add_up_to_the_target(store, clock):
    seed(store)
    meeting.update_huddle_settings(store, MONDAY, target_s=60)
    app = make_app(store=store, clock=clock, start="live", day=MONDAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        live = app.screen
        await press(app, pilot, "s")
        clock.advance(48.6)
        live.tick()
        await pilot.pause()
        assert str(live.query_one("#timer-digits").value) == "0:49"
        assert "0:11 left of the 1:00 target" in _text(app, "#timer-words")  # 0:49 + 0:11 = 1:00
        assert _rows(app)[0][3] == "0:49"
        clock.advance(12)
        live.tick()
        await pilot.pause()
        assert _rows(app)[0][3] == "1:01 !"  # over the target, marked in the list


async def test_the_screen_rounds_seconds_as_the_summary(store, clock):
    a, *_ = seed(store)
    app = make_app(store=store, clock=clock, start="live", day=MONDAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        live = app.screen
        await press(app, pilot, "s")
        clock.advance(17.5)
        live.tick()
        await pilot.pause()
        assert str(live.query_one("#timer-digits").value) == "0:18"
        await press(app, pilot, "n")
        assert _rows(app)[0][3] == "0:18"
    assert "Time: 0:18 of target 5:00" in meeting.case_summary(store, a.case_id)


# -- 5. starting with doubts ----------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "sv"])
async def test_an_empty_agenda_or_another_day_asks_before_starting(store, clock, lang):
    i18n.set_language(lang)
    sv = lang == "sv"
    app = make_app(store=store, clock=clock, start="live", day=MONDAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await press(app, pilot, "s")
        question = str(app.screen.query_one(".dialog-title").render())
        assert question == ("Agendan för måndag 2026-11-30 är tom. Starta ändå?" if sv
                            else "The agenda for Monday 2026-11-30 is empty. Start anyway?")
        await press(app, pilot, "n")
        assert ("Mötet: planerat" if sv else "Meeting: planned") in _text(app, "#live-heading")
    seed(store, day=TUESDAY)
    app = make_app(store=store, clock=clock, start="live", day=TUESDAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await press(app, pilot, "s")
        question = str(app.screen.query_one(".dialog-title").render())
        assert question == (
            "Mötesdagen tisdag 2026-12-01 är inte idag (måndag 2026-11-30). Starta ändå?" if sv
            else "The meeting day Tuesday 2026-12-01 is not today (Monday 2026-11-30). Start anyway?"
        )
        await press(app, pilot, "y")
        assert ("Mötet: pågår" if sv else "Meeting: running") in _text(app, "#live-heading")
        assert "Astrid Andersson" in _text(app, "#live-card")


# -- 6. the day note --------------------------------------------------------------------------


async def test_the_red_day_note_is_on_the_card(store, clock):
    a, *_ = seed(store)
    meeting.start_meeting(store, MONDAY)
    meeting.mark_day(store, a.case_id, "red", "Väntar på hemtjänstbeslut")
    app = make_app(store=store, clock=clock, start="live", day=MONDAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        assert "Day: red — Väntar på hemtjänstbeslut" in _text(app, "#live-card")


# -- 7. clock, marks, bell, +1 min, help -------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "sv"])
async def test_clock_deadlines_over_target_bell_and_one_more_minute(store, clock, lang):
    a, b, _c = seed(store)
    meeting.start_meeting(store, MONDAY)
    meeting.set_readiness(store, a.case_id, state="ready", ready_at=FRIDAY_NOTICE)  # SIP by Monday: today
    i18n.set_language(lang)
    sv = lang == "sv"
    app = make_app(store=store, clock=clock, start="live", day=MONDAY)
    rang: list[str] = []
    app.bell = lambda: rang.append("bell")  # what the terminal would receive (BEL)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(app, pilot)
        live = app.screen
        box = _text(app, "#live-timebox")
        assert ("Klockan 08:00" if sv else "Clock 08:00") in box
        assert ("Beräknat slut: 08:15" if sv else "Projected end: 08:15") in box  # three cases of 5:00
        card = _text(app, "#live-card")
        assert ("⚠ Kallelse till SIP senast idag (2026-11-30)" if sv
                else "⚠ SIP invitation due today (2026-11-30)") in card
        assert _rows(app)[0][0] == "⚠1"
        heading = _text(app, "#live-heading")
        assert ("⚠ SIP-frist eller betalningsansvar" if sv else "⚠ SIP deadline or payment liability") in heading
        assert "↻" not in heading  # only the marks the list has are explained

        await press(app, pilot, "B")  # the bell on
        assert ("ljud vid tidsmålet" if sv else "sound at target") in _text(app, "#live-timebox")
        clock.advance(299)
        live.tick()
        assert rang == []
        clock.advance(1)
        live.tick()
        assert rang == ["bell"]  # once, on reaching the target
        clock.advance(20)
        live.tick()
        await pilot.pause()
        assert rang == ["bell"]
        assert _rows(app)[0][3] == "5:20 !"

        await press(app, pilot, "plus")  # +1 min: the huddle's target, said so and logged
        words = _text(app, "#timer-words")
        assert "0:40" in words and "6:00" in words and ("ÖVER" if sv else "OVER") not in words
        assert _rows(app)[0][3] == "5:20"

        await press(app, pilot, "question_mark")
        keys = _text(app, "#help-screen-keys")
        for key, words in (
            ("Enter", "Gå till patienten på raden" if sv else "Go to the case on the row"),
            ("E", "Beslut: klart, ändra, återkalla" if sv else "Decisions: done, edit, withdraw"),
            ("K", "Lös det patienten väntar på" if sv else "Resolve what the patient waits for"),
            ("A", "Markera att någon har gått" if sv else "Mark someone as left"),
            ("+", "+1 min på tidsmålet (hela mötet)" if sv else "+1 min on the target (whole huddle)"),
            ("B", "Ljud vid tidsmålet på/av" if sv else "Sound at target on/off"),
        ):
            assert any(line.startswith(key + " ") and words in line for line in keys.splitlines()), (key, keys)
        await press(app, pilot, "escape")
    assert "huddle.target_plus" in _audit_whats(store)
    assert meeting.load_live(store, MONDAY).huddle.target_s == 360
    assert b.case_id


async def test_palette_offers_the_new_keys(store, clock):
    seed(store)
    meeting.start_meeting(store, MONDAY)
    app = make_app(store=store, clock=clock, start="live", day=MONDAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await type_text(pilot, "Resolve what")
        from textual.command import CommandList

        await wait_until(pilot, lambda: app.screen.query_one(CommandList).option_count > 0, "the command found")
        await press(app, pilot, "enter")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "BlockerList", "the blocker list")


# -- 8. one wording of readiness, one rule for ready days ----------------------------------------


@pytest.mark.parametrize("lang", ["en", "sv"])
async def test_card_summary_and_export_say_the_same_about_readiness(store, clock, lang):
    from huddle.services import stats

    a, *_ = seed(store)
    meeting.start_meeting(store, MONDAY)
    meeting.set_readiness(store, a.case_id, state="ready", ready_at=FRIDAY_NOTICE)
    i18n.set_language(lang)
    sv = lang == "sv"
    app = make_app(store=store, clock=clock, start="live", day=MONDAY)
    copied: list[str] = []
    app.copy_to_clipboard = copied.append
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(app, pilot)
        card = _text(app, "#live-card")
        # Local time (Friday 10:00 in Stockholm), never UTC.
        since = "utskrivningsklar sedan 2026-11-27 10:00" if sv else "ready for discharge since 2026-11-27 10:00"
        days = ("4 utskrivningsklara dagar; 0 dagar med betalningsansvar (ansvar från 2026-12-01); "
                "kallelse till SIP senast 2026-11-30") if sv else (
                "4 discharge-ready days; 0 payment-liable days (liable from 2026-12-01); "
                "SIP invitation by 2026-11-30")
        assert since in card and days in card and "UTC" not in card
        await press(app, pilot, "c")
        assert since in copied[-1] and days in copied[-1]
    [row] = [r for r in stats.export_rows(store, MONDAY, MONDAY) if r.position == 1]
    assert row.discharge_ready_days == 4  # Friday, Saturday, Sunday and Monday, as on the card


async def test_discharged_before_liability_reads_the_same_on_card_and_summary(store, clock):
    a, *_ = seed(store)
    meeting.start_meeting(store, MONDAY)
    meeting.set_readiness(store, a.case_id, state="ready", ready_at=FRIDAY_NOTICE)
    meeting.set_readiness(store, a.case_id, state="discharged", discharged_date=MONDAY)
    app = make_app(store=store, clock=clock, start="live", day=MONDAY)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(app, pilot)
        card = _text(app, "#live-card")
    words = "3 discharge-ready days; discharged before payment liability (it would have begun 2026-12-01)"
    assert words in card and words in meeting.case_summary(store, a.case_id)


def test_patients_helper_numbers_are_valid():
    from huddle.domain.pnr import parse

    for pnr, *_ in _fictitious(12) + PATIENTS:
        parse(pnr, MONDAY)
    assert len({p for p, *_ in _fictitious(12)}) == 12
    assert date(2026, 11, 30) == MONDAY
    assert agenda


def test_editing_and_withdrawing_a_decision_need_a_recording_role_and_add_decisions_checks(store, clock):
    from huddle.errors import AccessDenied, InputError
    from huddle.store import Actor

    a, *_ = seed(store)
    d = meeting.add_decision(store, a.case_id, text="Hembesök", responsible_org="Kalmar kommun")
    manager = store.with_actor(Actor(name="Maja Chef", roles=frozenset({"manager"}), single_user=False))
    with pytest.raises(AccessDenied):
        meeting.edit_decision(manager, d.decision_id, text="x", responsible_org=None)
    with pytest.raises(AccessDenied):
        meeting.withdraw_decision(manager, d.decision_id)
    with pytest.raises(InputError):
        meeting.edit_decision(store, d.decision_id, text="   ", responsible_org=None)
    with pytest.raises(InputError):
        meeting.edit_decision(store, d.decision_id, text="Hembesök", responsible_org=None, kind="party")
    nurse = store.with_actor(Actor(name="Sara Sjöberg", roles=frozenset({"nurse"}), single_user=False))
    edited = meeting.edit_decision(nurse, d.decision_id, text="Hembesök i morgon", responsible_org="Kalmar kommun",
                                   due_date=date(2026, 12, 1), kind="home_visit")
    assert (edited.text, edited.kind, edited.due_date) == ("Hembesök i morgon", "home_visit", date(2026, 12, 1))
    meeting.withdraw_decision(nurse, d.decision_id)
    with pytest.raises(InputError):
        meeting.set_decision_done(store, d.decision_id)
    assert _audit_whats(store)[-2:] == ["decision.edit", "decision.withdraw"]
