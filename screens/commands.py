"""Translated key bindings and the command palette provider that offers every binding.

Screens declare ``BINDINGS`` whose descriptions (and key names, "tui.keyname.space") are message keys ("tui.key.next");
``translate_bindings`` replaces them with the text in the current language when
the screen is built, so footer, help and palette read the same words.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from functools import partial

from rich.align import Align
from rich.text import Text
from textual.binding import Binding
from textual.command import CommandList, CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.types import IgnoreReturnCallbackType
from textual.widgets.option_list import Option

from huddle.i18n import t


def translate_bindings(node) -> None:  # noqa: ANN001
    """Replace message-key descriptions of ``node``'s bindings with translated text.

    Where a short label exists ("tui.keyshort.next" beside "tui.key.next") the footer
    shows it and the full text goes to the tooltip, which help and the palette read.
    """
    for key, bindings in list(node._bindings.key_to_bindings.items()):
        node._bindings.key_to_bindings[key] = [_translated(b) for b in bindings]


# Textual's own Screen bindings carry English descriptions; help and palette show them.
_BUILTIN = {
    "Focus Next": "tui.key.focus_next",
    "Focus Previous": "tui.key.focus_previous",
    "Copy selected text": "tui.key.copy_text",
    "Quit": "tui.key.quit_builtin",
}


def _translated(b: Binding) -> Binding:
    if b.key_display and b.key_display.startswith("tui."):
        b = replace(b, key_display=t(b.key_display))  # a key's name ("Space") in the language
    if b.description in _BUILTIN:
        return replace(b, description=t(_BUILTIN[b.description]))
    if not b.description.startswith("tui."):
        return b
    full = t(b.description)
    short_key = b.description.replace("tui.key.", "tui.keyshort.", 1)
    short = t(short_key)
    if short != short_key:
        return replace(b, description=short, tooltip=full)
    return replace(b, description=full)


def full_text(binding: Binding) -> str:
    """What a key does, in full (help screen, palette)."""
    return binding.tooltip or binding.description


def key_label(binding: Binding) -> str:
    if binding.key_display:
        return binding.key_display
    first = binding.key.split(",")[0]
    if first == "question_mark":
        return "?"
    if first in ("space", "escape", "enter", "delete"):
        return t(f"tui.keyname.{first}")
    return first


def visible_bindings(screen) -> list[tuple[str, Binding]]:  # noqa: ANN001
    """(namespace, binding) of the screen and the app that carry a description, without repeats."""
    seen: set[str] = set()
    out: list[tuple[str, Binding]] = []
    for owner, prefix in ((screen, "screen"), (screen.app, "app")):
        for _key, binding in owner._bindings:
            if not binding.description or binding.system or binding.action in seen:
                continue
            if _check(owner, binding.action) is False:
                continue  # not possible now (e.g. "start" once the meeting runs)
            seen.add(binding.action)
            out.append((prefix, binding))
    return out


class ScreenCommands(Provider):
    """Every described key binding of the active screen and the app, runnable from the palette."""

    def _commands(self) -> Iterable[tuple[str, IgnoreReturnCallbackType, str]]:
        screen = self.screen
        for prefix, binding in visible_bindings(screen):
            if binding.action == "command_palette":
                continue  # the palette is already open
            target = screen if prefix == "screen" else self.app
            run = partial(self.app.run_action, binding.action, target)
            yield full_text(binding), run, key_label(binding)

    async def discover(self) -> Hits:
        for text, run, key in self._commands():
            yield DiscoveryHit(text, run, text=text, help=key)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, run, key in self._commands():
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), run, text=text, help=key)


def _check(owner, action: str) -> bool | None:  # noqa: ANN001
    from textual.actions import parse

    try:
        _namespace, name, args = parse(action)
    except Exception:  # noqa: BLE001
        return True
    return owner.check_action(name, args)


class Palette(CommandPalette):
    """Textual's command palette with its own words in the person's language: the placeholder, and
    "No matches found" when a search finds nothing.

    Textual writes that line in a private method (``_start_no_matches_countdown``, textual 8.2;
    pinned <9 in pyproject.toml): this is the same method with the catalogue's text."""

    def __init__(self) -> None:
        super().__init__(placeholder=t("tui.palette.placeholder"), id="--command-palette")

    def _start_no_matches_countdown(self, search_value: str) -> None:
        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            if search_value:
                self.query_one(CommandList).add_option(
                    Option(Align.center(Text(t("tui.palette.no_matches"), style="not bold")), disabled=True,
                           id=self._NO_MATCHES)
                )
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)
