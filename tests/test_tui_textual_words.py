"""Textual's own words (footer palette key, help, palette placeholder and commands, key names)
come from the catalogue: a Swedish user reads Swedish everywhere (issue 13)."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from huddle import i18n
from screens.app import make_app
from tests.conftest import MONDAY
from tests.tui_helpers import screen_lines, seed, settle, wait_until

SIZE = (100, 30)


def _footer(app) -> str:  # noqa: ANN001
    """The footer as the user reads it: key and label of every shown key."""
    return " | ".join(f"{k.key_display} {k.description}" for k in app.screen.query("FooterKey"))


async def _palette(app, pilot) -> tuple[str, list[str]]:  # noqa: ANN001
    """Open the palette; its placeholder and the commands it lists (first line of each)."""
    from textual.command import CommandList

    await pilot.press("ctrl+p")
    await wait_until(pilot, lambda: bool(app.screen.query(CommandList)) and app.screen.query_one(CommandList).option_count > 5,
                     "the command palette's list")
    placeholder = app.screen.query_one(Input).placeholder
    commands = app.screen.query_one(CommandList)
    shown = [str(commands.get_option_at_index(i).prompt).splitlines()[0] for i in range(commands.option_count)]
    return placeholder, shown


@pytest.mark.parametrize(
    ("lang", "palette_key", "placeholder", "quit_text", "palette_text", "theme"),
    [
        ("sv", "^p Kommandon", "Sök bland kommandon…", "Stäng huddle", "Öppna kommandopaletten", "Tema"),
        ("en", "^p Commands", "Search for commands…", "Quit huddle", "Open the command palette", "Theme"),
    ],
)
async def test_footer_help_and_palette_speak_the_language(store, clock, lang, palette_key, placeholder, quit_text,
                                                          palette_text, theme):
    i18n.set_language(lang)
    seed(store)
    app = make_app(store=store, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        footer = _footer(app)
        assert palette_key in footer
        assert "palette" not in footer
        await pilot.press("question_mark")
        await settle(app, pilot)
        keys = str(app.screen.query_one("#help-app-keys").render())
        assert f"^q   {quit_text}" in keys
        assert f"^p   {palette_text}" in keys
        assert "ctrl+p" not in keys
        if lang == "sv":
            assert "Open the command palette" not in keys
        await pilot.press("escape")
        await settle(app, pilot)
        shown_placeholder, commands = await _palette(app, pilot)
        assert shown_placeholder == placeholder
        assert theme in commands and quit_text in commands
        assert commands.count(quit_text) == 1  # Textual's own "Quit" is not listed beside ours
        assert palette_text not in commands  # the palette does not offer to open itself
        assert "Screenshot" not in commands  # it would write the patients' screen to the working folder
        if lang == "sv":
            assert not {"Theme", "Quit", "Keys", "Maximize"} & set(commands)


@pytest.mark.parametrize(("lang", "space", "finish"), [("sv", "Mellanslag", "Avsluta"), ("en", "Space", "Finish")])
async def test_live_footer_names_space_and_finish_in_the_language(store, clock, lang, space, finish):
    i18n.set_language(lang)
    seed(store)
    app = make_app(store=store, clock=clock, start="live", day=MONDAY)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(app, pilot)
        await pilot.press("s")
        await settle(app, pilot)
        footer = _footer(app)
        assert f"{space} " in footer
        assert f"f {finish}" in footer
        await pilot.press("question_mark")
        await settle(app, pilot)
        keys = str(app.screen.query_one("#help-screen-keys").render())
        assert space in keys
        if lang == "sv":
            assert "Space" not in keys
            # f ends the meeting, Ctrl+Q closes the app: two different words
            app_keys = str(app.screen.query_one("#help-app-keys").render())
            assert "Stäng huddle" in app_keys and "Avsluta mötet" in keys


@pytest.mark.parametrize(("lang", "copy", "help_key"), [("sv", "c Kopiera", "? Hjälp"), ("en", "c Copy", "? Help")])
async def test_the_live_footer_fits_100_columns_to_its_last_key(store, clock, lang, copy, help_key):
    """A running meeting at 100x30: the footer ends with copy and help, not cut off before them."""
    i18n.set_language(lang)
    seed(store)
    app = make_app(store=store, clock=clock, start="live", day=MONDAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("s")
        await settle(app, pilot)
        footer = screen_lines(app)[-1]
        for words in ("n " + i18n.t("tui.keyshort.next"), "k " + i18n.t("tui.keyshort.blocker"), copy, help_key):
            assert words in footer, footer


@pytest.mark.parametrize(("lang", "nothing"), [("sv", "Inga träffar"), ("en", "No matches found")])
async def test_a_palette_search_that_finds_nothing_says_so_in_the_language(store, clock, lang, nothing):
    i18n.set_language(lang)
    app = make_app(store=store, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await _palette(app, pilot)
        await pilot.press("z", "q", "x", "j")
        await wait_until(pilot, lambda: any(nothing in line for line in screen_lines(app)), nothing)
        if lang == "sv":
            assert not any("No matches" in line for line in screen_lines(app))


def test_swedish_texts_never_say_meal():
    """"Måltid" is a meal; the target is "tidsmål"."""
    from huddle.i18n import catalogue

    def texts(value):  # noqa: ANN001, ANN202
        return value.values() if isinstance(value, dict) else [value]

    meal = [key for key, msg in catalogue().items() for text in texts(msg.get("sv", "")) if "måltid" in text.lower()]
    assert meal == []
    assert "tidsmålet 5:00" in i18n.t("meeting.sum.time", lang="sv", used="4:00", target="5:00")
