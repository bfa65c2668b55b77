"""Small list dialogs of the live screen for closing what is open: decisions (done, edit,
withdraw), what a patient waits for (resolved), who is here (has left).

Each list stays open while people work through it: a key acts on the highlighted item
through ``act(action, item, refresh)``, which the live screen runs in its store worker
and answers with ``refresh(items)``, the list as the store now holds it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from huddle.domain.vocab import DecisionKind
from huddle.i18n import t
from screens.commands import translate_bindings
from screens.dialogs import DecisionDialog, optional_date, required


@dataclass(frozen=True)
class Item:
    """One line of a list: the stored row's id, what is shown, and the row itself."""

    item_id: int
    label: Text
    value: Any


Refresh = Callable[[list[Item]], None]
Act = Callable[[str, Item, Refresh], None]


def decision_items(card) -> list[Item]:  # noqa: ANN001
    """The card's decisions: open ones from earlier huddles first, then today's (done or not)."""
    from screens.widgets import _decision_line

    if card is None:
        return []
    out = [Item(d.decision_id, _decision_line(d, earlier=True), d) for d in card.open_decisions]
    out += [Item(d.decision_id, _decision_line(d), d) for d in card.decisions]
    return out


def blocker_items(card) -> list[Item]:  # noqa: ANN001
    if card is None:
        return []
    return [
        Item(b.blocker_id, Text("  • " + t("tui.card.blocker_line", what=b.what, org=b.owner_org)), b)
        for b in card.blockers
    ]


def attendance_items(live) -> list[Item]:  # noqa: ANN001
    from screens.widgets import role_label

    if live is None:
        return []
    return [
        Item(a.attendance_id, Text(f"  {a.name} ({a.organisation or t('tui.card.none')}, {role_label(a.role)})"), a)
        for a in live.attendance
        if a.left_at is None
    ]


class ItemListDialog(ModalScreen[None]):
    """A list of open items; Enter does the list's main action on the highlighted one."""

    DEFAULT_CSS = """
    ItemListDialog OptionList {
        height: auto;
        max-height: 16;
    }
    """
    BINDINGS = [Binding("escape", "close", "tui.summary.close", key_display="Esc")]
    MAIN = ""  # the action Enter runs

    def __init__(self, title: str, hint: str, items: list[Item], act: Act) -> None:
        super().__init__()
        translate_bindings(self)
        self.dialog_title = title
        self.hint = hint
        self.items = items
        self.act = act

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog -wide"):
            yield Static(Text(self.dialog_title), classes="dialog-title")
            yield OptionList(id="items")
            yield Static(t("tui.items.none"), id="items-none")
            yield Static(self.hint, classes="dialog-hint")

    def on_mount(self) -> None:
        self.show(self.items)
        self.query_one(OptionList).focus()

    def show(self, items: list[Item]) -> None:
        """Show ``items`` (after an action: the list as stored now), keeping the place in the list."""
        self.items = items
        options = self.query_one(OptionList)
        at = options.highlighted or 0
        options.clear_options()
        options.add_options([Option(item.label, id=str(item.item_id)) for item in items])
        options.display = bool(items)
        self.query_one("#items-none", Static).display = not items
        if items:
            options.highlighted = min(at, len(items) - 1)

    def current(self) -> Item | None:
        index = self.query_one(OptionList).highlighted
        if index is None or not 0 <= index < len(self.items):
            return None
        return self.items[index]

    def run(self, action: str) -> None:
        item = self.current()
        if item is not None:
            self.act(action, item, self._refresh)

    def action_run(self, action: str) -> None:
        self.run(action)

    def _refresh(self, items: list[Item]) -> None:
        if self.is_attached:
            self.show(items)

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.run(self.MAIN)

    def action_close(self) -> None:
        self.dismiss(None)


class DecisionList(ItemListDialog):
    """Enter: done / open again; e: edit; w: withdraw (asked first)."""

    BINDINGS = [
        Binding("e", "run('edit')", "tui.items.key_edit"),
        Binding("w,delete", "run('withdraw')", "tui.items.key_withdraw", key_display="w"),
    ]
    MAIN = "toggle"

    def __init__(self, name: str, items: list[Item], act: Act) -> None:
        super().__init__(t("tui.items.decisions_title", name=name), t("tui.items.decision_hint"), items, act)
        self.toggled: set[int] = set()

    def run(self, action: str) -> None:
        item = self.current()
        if item is not None and action == self.MAIN:
            self.toggled.add(item.item_id)
        elif item is not None and action == "withdraw":
            self.toggled.discard(item.item_id)
        super().run(action)

    def show(self, items: list[Item]) -> None:
        """An earlier huddle's decision marked done here leaves the card's open list, but stays in
        this list (with its ✓) while it is open, so a wrong Enter can be undone at once."""
        from dataclasses import replace

        from screens.widgets import _decision_line

        fresh = {item.item_id: item for item in items}
        kept: list[Item] = []
        for old in self.items:
            if old.item_id in fresh:
                kept.append(fresh.pop(old.item_id))
            elif old.item_id in self.toggled:  # gone from the store's open list: done
                done = replace(old.value, done=True)
                kept.append(Item(old.item_id, _decision_line(done, earlier=True), done))
        super().show(kept + list(fresh.values()))


class BlockerList(ItemListDialog):
    MAIN = "resolve"

    def __init__(self, name: str, items: list[Item], act: Act) -> None:
        super().__init__(t("tui.items.blockers_title", name=name), t("tui.items.blocker_hint"), items, act)


class AttendanceList(ItemListDialog):
    MAIN = "leave"

    def __init__(self, items: list[Item], act: Act) -> None:
        super().__init__(t("tui.items.attendance_title"), t("tui.items.attendance_hint"), items, act)


class EditDecisionDialog(DecisionDialog):
    """The decision form filled in with what was recorded (the cursor at the end of each field:
    typing adds to the text, it does not replace it)."""

    def __init__(self, name: str, kinds: tuple[str, ...], decision) -> None:  # noqa: ANN001
        super().__init__(name, kinds)
        self.dialog_title = t("tui.items.edit_title", name=name)
        self.decision = decision

    def fields(self) -> ComposeResult:
        d = self.decision
        yield from self.field("text", t("tui.decision.text"), d.text, required, select_on_focus=False)
        org = d.responsible_org or ""
        yield from self.field("org", t("tui.decision.org"), org, required, select_on_focus=False)
        person = d.responsible_person or ""
        yield from self.field("person", t("tui.decision.person"), person, None, select_on_focus=False)
        due = d.due_date.isoformat() if d.due_date else ""
        yield from self.field("due", t("tui.decision.due"), due, optional_date, select_on_focus=False)
        yield Label(t("tui.decision.kind"), classes="field-label")
        kind = d.kind if d.kind in self.kinds else self.kinds[-1]
        yield Select([(DecisionKind.label_of(k), k) for k in self.kinds], value=kind, allow_blank=False, id="kind")
