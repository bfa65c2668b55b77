"""The help screen: every key of the screen below it and of the app, with what it does."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from huddle.i18n import t
from screens.commands import full_text, key_label, translate_bindings


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,question_mark,q", "close", "tui.summary.close", key_display="Esc")]

    def __init__(self, below: Screen) -> None:
        super().__init__()
        translate_bindings(self)
        self.below = below

    def _table(self, owner) -> Text:  # noqa: ANN001
        rows: list[tuple[str, str]] = []
        seen: set[str] = set()
        for _key, binding in owner._bindings:
            if not binding.description or binding.system or binding.action in seen:
                continue
            seen.add(binding.action)
            rows.append((key_label(binding), full_text(binding)))
        width = max((len(k) for k, _ in rows), default=1) + 3
        out = Text()
        for key, words in rows:
            out.append(key.ljust(width), style="bold")
            out.append(words + "\n")
        out.rstrip()
        return out

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog -wide", id="help"):
            yield Static(t("tui.help.title"), classes="dialog-title")
            with VerticalScroll(classes="dialog-body", can_focus=False):
                yield Static(t("tui.help.intro"))
                yield Static(self._table(self.below), id="help-screen-keys")
                yield Static(Text(t("tui.help.global"), style="bold"))
                yield Static(self._table(self.app), id="help-app-keys")

    def action_close(self) -> None:
        self.dismiss(None)
