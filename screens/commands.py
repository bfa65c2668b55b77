"""Translated key bindings and the command palette provider that offers every binding.

Screens declare ``BINDINGS`` whose descriptions are message keys ("tui.key.next");
``translate_bindings`` replaces them with the text in the current language when
the screen is built, so footer, help and palette read the same words.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from typing import Iterable

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider

from huddle.i18n import t


def translate_bindings(node) -> None:  # noqa: ANN001
    """Replace message-key descriptions of ``node``'s bindings with translated text."""
    for key, bindings in list(node._bindings.key_to_bindings.items()):
        node._bindings.key_to_bindings[key] = [
            replace(b, description=t(b.description)) if b.description.startswith("tui.") else b for b in bindings
        ]


def key_label(binding: Binding) -> str:
    if binding.key_display:
        return binding.key_display
    names = {"space": "Space", "question_mark": "?", "escape": "Esc", "enter": "Enter", "delete": "Del"}
    first = binding.key.split(",")[0]
    return names.get(first, first)


def visible_bindings(screen) -> list[tuple[str, Binding]]:  # noqa: ANN001
    """(namespace, binding) of the screen and the app that carry a description, without repeats."""
    seen: set[str] = set()
    out: list[tuple[str, Binding]] = []
    for owner, prefix in ((screen, "screen"), (screen.app, "app")):
        for _key, binding in owner._bindings:
            if not binding.description or binding.system or binding.action in seen:
                continue
            seen.add(binding.action)
            out.append((prefix, binding))
    return out


class ScreenCommands(Provider):
    """Every described key binding of the active screen and the app, runnable from the palette."""

    def _commands(self) -> Iterable[tuple[str, object, str]]:
        screen = self.screen
        for prefix, binding in visible_bindings(screen):
            target = screen if prefix == "screen" else self.app
            run = partial(self.app.run_action, binding.action, target)
            yield binding.description, run, key_label(binding)

    async def discover(self) -> Hits:
        for text, run, key in self._commands():
            yield DiscoveryHit(text, run, text=text, help=key)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, run, key in self._commands():
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), run, text=text, help=key)
