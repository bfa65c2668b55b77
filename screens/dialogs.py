"""Modal dialogs.  Each returns a typed result with ``dismiss`` (None when cancelled with Esc).

Inputs are validated as people type, with the error shown at the field (and gone as soon as
the value is valid); a dialog only returns once every field is valid.

Keys typed ahead stay in the field they were meant for (``TypeAheadScreen``): Tab, Shift+Tab
and Enter in a text field are priority bindings of the dialog, run by the app as it takes the
key from the terminal, and they move the focus at once with ``Screen.set_focus``.  Handled the
ordinary way, the key reaches the field first and the focus moves a turn of the loop later,
after the keys typed behind it had been handed to the old field ("Text3", Tab, "Org3" gave
"Text3Org3" while the app was busy).  The sign-in screen does the same for its two fields.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import cast

from rich.text import Text
from textual import on
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static, Switch

from huddle.domain.vocab import DecisionKind, ReadinessState
from huddle.i18n import t
from screens.commands import translate_bindings

Validator = Callable[[str], object]


@dataclass(frozen=True)
class DecisionInput:
    text: str
    responsible_org: str | None
    responsible_person: str | None
    due_date: date | None
    kind: str


@dataclass(frozen=True)
class ReadinessInput:
    state: str
    expected_date: date | None
    ready_at: datetime | None  # aware UTC
    discharged_date: date | None


@dataclass(frozen=True)
class BlockerInput:
    what: str
    owner_org: str


@dataclass(frozen=True)
class DayMarkInput:
    colour: str  # red | green
    note: str | None


@dataclass(frozen=True)
class AttendanceInput:
    name: str
    organisation: str | None
    role: str | None


@dataclass(frozen=True)
class SettingsResult:
    target_s: int
    timebox_s: int
    dark: bool


# -- validators: return the cleaned value or raise ValueError with the message ------------
def required(value: str) -> str:
    text = value.strip()
    if not text:
        raise ValueError(t("tui.form.required"))
    return text


def optional_date(value: str) -> date | None:
    text = value.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(t("tui.form.date_bad")) from exc


def optional_datetime(value: str) -> datetime | None:
    text = value.strip()
    if not text:
        return None
    try:
        return datetime.fromisoformat(text.replace("T", " "))
    except ValueError as exc:
        raise ValueError(t("tui.form.datetime_bad")) from exc


def parse_duration(value: str) -> int | None:
    """Seconds from "5" (minutes), "4:30" (minutes:seconds), "90 s" or "1.5"/"1,5" (minutes); None if unreadable."""
    text = value.strip().lower().replace(" ", "")
    m = re.fullmatch(r"(\d{1,3}):([0-5]\d)", text)
    if m:
        return int(m[1]) * 60 + int(m[2])
    m = re.fullmatch(r"(\d{1,5})s", text)
    if m:
        return int(m[1])
    m = re.fullmatch(r"(\d{1,3})(?:[.,](\d{1,2}))?(?:min)?", text)
    if m:
        return round(float(f"{m[1]}.{m[2] or 0}") * 60)
    return None


def duration_in(lo: int, hi: int) -> Validator:
    """A validator for a duration between ``lo`` and ``hi`` seconds; returns whole seconds."""

    def check(value: str) -> int:
        seconds = parse_duration(value)
        if seconds is None or not lo <= seconds <= hi:
            raise ValueError(t("tui.form.duration_bad", min=format_duration(lo), max=format_duration(hi)))
        return seconds

    return check


def format_duration(seconds: int) -> str:
    """How a duration is written in a form: "5:00", "0:30"."""
    return f"{seconds // 60}:{seconds % 60:02d}"


class TypeAheadScreen(ModalScreen):
    """A modal screen whose Tab, Shift+Tab and Enter move the focus before the next key is read.

    Enter in a text field goes to the next field (and saves from the last one, through
    ``field_entered``); on a button, a select or a switch every key does what it always does.
    """

    BINDINGS = [
        # Checked by the app before it hands the key (and the keys after it) to a field.
        Binding("tab", "move_focus(1)", show=False, priority=True),
        Binding("shift+tab", "move_focus(-1)", show=False, priority=True),
        Binding("enter", "field_entered", show=False, priority=True),
    ]

    def action_move_focus(self, direction: int) -> None:
        if self.app.screen is not self:
            raise SkipAction()
        self.focus_next() if direction > 0 else self.focus_previous()  # Screen.set_focus: now, not later

    def action_field_entered(self) -> None:
        if self.app.screen is not self or not isinstance(self.focused, Input):
            raise SkipAction()  # a button presses, a select opens
        field = self.focused
        self.focus_next()
        if isinstance(self.focused, Button):
            # After the keys already on their way to the field: they belong to what is saved.
            field.call_later(self.field_entered_last)

    def field_entered_last(self) -> None:
        """Enter in the last field (the focus has reached the buttons)."""


class FormDialog(TypeAheadScreen):
    """A dialog of labelled inputs, each with its own validator and an error line under it."""

    BINDINGS = [
        Binding("escape", "cancel", "tui.form.cancel"),
        Binding("ctrl+s", "save", "tui.form.save", key_display="^s"),
    ]

    def __init__(self, title: str) -> None:
        super().__init__()
        translate_bindings(self)
        self.dialog_title = title
        self.validators: dict[str, Validator] = {}
        self.touched: set[str] = set()
        # The field a store refusal shown at the bottom was about ("" for the whole form).
        self.refused_field: str | None = None
        # What the fields held when the form opened: Esc closes without asking while it is unchanged.
        self._opened_with: dict[str, str] | None = None

    # subclasses yield their fields with self.field(...)
    def fields(self) -> ComposeResult:
        return iter(())

    def field(self, name: str, label: str, value: str = "", validator: Validator | None = None, **kw) -> ComposeResult:
        if validator is not None:
            self.validators[name] = validator
        yield Label(label, classes="field-label")
        # The cursor goes to the end of what is there, nothing selected: typing adds to an old
        # question instead of replacing it (Textual selects everything on focus by default).
        kw.setdefault("select_on_focus", False)
        yield Input(value=value, id=f"f-{name}", **kw)
        yield Static("", id=f"err-{name}", classes="field-error")

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            title = Text(self.dialog_title)
            title.append(f"   {t('tui.form.keys_hint')}", style="dim")
            yield Static(title, classes="dialog-title")
            with VerticalScroll(classes="dialog-body", can_focus=False):
                yield from self.fields()
            yield Static("", id="dialog-error", classes="field-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("tui.form.save"), variant="primary", id="save")
                yield Button(t("tui.form.cancel"), id="cancel")

    def on_mount(self) -> None:
        # Focusing the first input scrolled the body past that input's label ("Identity number" was
        # not shown on opening): start at the top once laid out.
        for body in self.query(".dialog-body"):
            self.call_after_refresh(body.scroll_home, animate=False)
        self._opened_with = self._typed()

    def value(self, name: str) -> str:
        return self.query_one(f"#f-{name}", Input).value

    def check(self, name: str) -> tuple[bool, object]:
        """Validate one field and show (or clear) its error; returns (ok, cleaned value)."""
        raw = self.value(name)
        err = self.query_one(f"#err-{name}", Static)
        validator = self.validators.get(name)
        try:
            cleaned = validator(raw) if validator else raw.strip()
        except Exception as exc:  # noqa: BLE001 - ValueError or InputError, shown at the field
            err.update(Text(str(exc)))
            self.query_one(f"#f-{name}", Input).add_class("-invalid-field")
            return False, None
        err.update("")
        self.query_one(f"#f-{name}", Input).remove_class("-invalid-field")
        return True, cleaned

    def check_all(self) -> dict[str, object] | None:
        """Every field's cleaned value (what its validator returned: ``submit`` casts it back), or None."""
        values: dict[str, object] = {}
        first_wrong: Input | None = None
        for inp in self.query(Input):
            name = (inp.id or "")[2:]
            ok, cleaned = self.check(name)
            if not ok and first_wrong is None:
                first_wrong = inp
            values[name] = cleaned
        if first_wrong is not None:
            self.query_one("#dialog-error", Static).update(t("tui.form.invalid"))
            # To the first wrong field, scrolled into view with its message: in a long form it may
            # be out of sight when Ctrl+S is pressed at the last field.
            first_wrong.focus()
            return None
        self.query_one("#dialog-error", Static).update("")
        return values

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        # Validate as you type; a field never typed in stays quiet until Save.  An error shown
        # at a field goes as soon as its value is valid, and the form's line once none is left.
        name = (event.input.id or "")[2:]
        if not self.query(f"#err-{name}"):
            return
        if event.value or event.input.has_class("-invalid-field"):
            self.touched.add(name)
        if name in self.touched:
            self.check(name)
        if self.refused_field is not None and self.refused_field in (name, ""):
            self.refused_field = None
            self.query_one("#dialog-error", Static).update("")
        elif self.refused_field is None and not self.query(".-invalid-field"):
            self.query_one("#dialog-error", Static).update("")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        # Enter is taken by ``action_field_entered`` before the field sees it; this is for a
        # submit that comes another way.
        event.stop()
        self.action_field_entered()

    def field_entered_last(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    def _typed(self) -> dict[str, str]:
        return {inp.id or "": inp.value for inp in self.query(Input)}

    def action_cancel(self) -> None:
        """Close without saving; when something was typed, only once the person says so (Esc or
        n keeps the form, with everything in it)."""
        if self._typed() == self._opened_with:
            self.dismiss(None)
            return

        def answered(close: bool | None) -> None:
            if close:
                self.dismiss(None)

        self.app.push_screen(ConfirmDialog(t("tui.form.discard")), answered)

    def action_save(self) -> None:
        values = self.check_all()
        if values is not None:
            self.submit(values)

    def submit(self, values: dict[str, object]) -> None:
        self.finish(values)

    # -- saving: the dialog stays open until the store has accepted what was typed ---------
    saver: Callable | None = None
    """``saver(result, on_saved, on_refused)`` stores ``result`` (in a thread worker); the dialog
    closes with what the store returned, or shows the refusal and keeps everything typed."""

    def finish(self, result: object) -> None:
        if self.saver is None:
            self.dismiss(result)
            return
        self.query_one("#dialog-error", Static).update("")
        self.refused_field = None
        self._set_saving(True)
        self.saver(result, self._saved, self._refused)

    def _set_saving(self, saving: bool) -> None:
        for button in self.query(Button):
            button.disabled = saving and button.id != "cancel"

    def _saved(self, stored: object) -> None:
        self.dismiss(stored if stored is not None else True)

    def _refused(self, exc: Exception) -> None:
        self._set_saving(False)
        key = getattr(exc, "key", "") or ""
        field = self.error_field(key)
        if field is not None and self.query(f"#err-{field}"):
            self.query_one(f"#err-{field}", Static).update(Text(str(exc)))
            self.query_one(f"#f-{field}", Input).add_class("-invalid-field")
        # Until the field it is about (or, for the whole form, any field) is changed.
        self.refused_field = field if field is not None and self.query(f"#err-{field}") else ""
        self.query_one("#dialog-error", Static).update(Text(str(exc)))

    def error_field(self, key: str) -> str | None:
        """The field a refusal with message ``key`` is about (shown there too), if any."""
        return None

    def select_value(self, sel_id: str) -> str:
        value = self.query_one(f"#{sel_id}", Select).value
        return value if isinstance(value, str) else ""


class ConfirmDialog(ModalScreen[bool]):
    BINDINGS = [
        Binding("y,j", "answer(True)", "tui.form.yes"),
        Binding("n,escape", "answer(False)", "tui.form.no"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        translate_bindings(self)
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog -small"):
            yield Static(Text(self.question), classes="dialog-title")
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("tui.form.yes") + " (y)", variant="error", id="yes")
                yield Button(t("tui.form.no") + " (n)", id="no")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")


class TextDialog(FormDialog):
    """One text (a defer reason, a question); returns the cleaned text."""

    def __init__(self, title: str, label: str, value: str = "", validator: Validator | None = required) -> None:
        super().__init__(title)
        self.label = label
        self.initial = value
        self.validator = validator

    def fields(self) -> ComposeResult:
        yield from self.field("text", self.label, self.initial, self.validator)

    def submit(self, values: dict[str, object]) -> None:
        self.finish(values["text"])


class AddPatientDialog(FormDialog):
    """The add-patient form: validated as you type with the command line's rules.

    It saves through ``save(values, on_saved, on_refused)`` (run by the agenda screen
    in a thread worker) and closes only once the store accepted the patient; a
    refusal (say, already on this agenda) is shown in the form and nothing typed is lost.
    """

    FIELDS = ("pnr", "name", "unit", "municipality", "question")

    def __init__(self, day: date, today: date, save: Callable | None = None) -> None:
        super().__init__(t("tui.form.add_title", date=day.isoformat()))
        self.day = day
        self.today = today
        self.saver = save

    def _rule(self, name: str) -> Validator:
        from huddle.domain.fields import validate_field

        return lambda value: validate_field(name, value, self.today)

    def fields(self) -> ComposeResult:
        for name in self.FIELDS:
            yield from self.field(name, t(f"tui.form.{name}"), "", self._rule(name))

    def error_field(self, key: str) -> str | None:
        return "pnr" if key.startswith(("pnr.", "agenda.duplicate")) else None


class DecisionDialog(FormDialog):
    def __init__(self, name: str, kinds: tuple[str, ...]) -> None:
        super().__init__(t("tui.decision.title", name=name))
        self.kinds = kinds

    def fields(self) -> ComposeResult:
        yield from self.field("text", t("tui.decision.text"), "", required)
        yield from self.field("org", t("tui.decision.org"), "", required)
        yield from self.field("person", t("tui.decision.person"))
        yield from self.field("due", t("tui.decision.due"), "", optional_date)
        yield Label(t("tui.decision.kind"), classes="field-label")
        yield Select([(DecisionKind.label_of(k), k) for k in self.kinds], value=self.kinds[-1], allow_blank=False, id="kind")

    def submit(self, values: dict[str, object]) -> None:
        self.finish(
            DecisionInput(
                text=cast(str, values["text"]),
                responsible_org=cast(str, values["org"]) or None,
                responsible_person=cast(str, values["person"]) or None,
                due_date=cast("date | None", values["due"]),
                kind=self.select_value("kind") or "other",
            )
        )


class ReadinessDialog(FormDialog):
    def __init__(self, name: str, states: tuple[str, ...], current=None, tz: str = "Europe/Stockholm") -> None:  # noqa: ANN001
        super().__init__(t("tui.readiness.title", name=name))
        self.states = states
        self.current = current
        self.tz = tz

    def fields(self) -> ComposeResult:
        c = self.current
        yield Label(t("tui.readiness.state"), classes="field-label")
        yield Select(
            [(ReadinessState.label_of(s), s) for s in self.states],
            value=c.state if c else self.states[0],
            allow_blank=False,
            id="state",
        )
        exp = c.expected_date.isoformat() if c and c.expected_date else ""
        yield from self.field("expected", t("tui.readiness.expected"), exp, optional_date)
        yield from self.field("ready_at", t("tui.readiness.ready_at"), "", optional_datetime)
        dis = c.discharged_date.isoformat() if c and c.discharged_date else ""
        yield from self.field("discharged", t("tui.readiness.discharged"), dis, optional_date)

    def submit(self, values: dict[str, object]) -> None:
        from zoneinfo import ZoneInfo

        from huddle.domain.clock import UTC

        ready_at = cast("datetime | None", values["ready_at"])
        if isinstance(ready_at, datetime):
            ready_at = ready_at.replace(tzinfo=ZoneInfo(self.tz)).astimezone(UTC)
        self.finish(
            ReadinessInput(
                state=self.select_value("state") or "not_ready",
                expected_date=cast("date | None", values["expected"]),
                ready_at=ready_at,
                discharged_date=cast("date | None", values["discharged"]),
            )
        )


class BlockerDialog(FormDialog):
    def __init__(self, name: str) -> None:
        super().__init__(t("tui.blocker.title", name=name))

    def fields(self) -> ComposeResult:
        yield from self.field("what", t("tui.blocker.what"), "", required)
        yield from self.field("org", t("tui.blocker.org"), "", required)

    def submit(self, values: dict[str, object]) -> None:
        self.finish(BlockerInput(what=cast(str, values["what"]), owner_org=cast(str, values["org"])))


class DayMarkDialog(FormDialog):
    """Red or green day: press g or r (or the buttons); an optional note."""

    BINDINGS = [
        Binding("escape", "cancel", "tui.form.cancel"),
        Binding("ctrl+g", "mark('green')", "day.green", key_display="^g"),
        Binding("ctrl+r", "mark('red')", "day.red", key_display="^r"),
    ]

    def __init__(self, name: str) -> None:
        super().__init__(t("tui.day.title", name=name))

    def fields(self) -> ComposeResult:
        yield from self.field("note", t("tui.day.note"))

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog -small"):
            yield Static(Text(self.dialog_title), classes="dialog-title")
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("tui.day.green"), variant="success", id="green")
                yield Button(t("tui.day.red"), variant="error", id="red")
                yield Button(t("tui.form.cancel"), id="cancel")
            yield from self.fields()
            yield Static("", id="dialog-error", classes="field-error")

    def on_mount(self) -> None:
        self.query_one("#green", Button).focus()

    def action_save(self) -> None:
        """Ctrl+S has no colour to save: the day is marked with g or r (or their buttons)."""

    def field_entered_last(self) -> None:
        """Enter in the note goes to the green button; nothing is marked until a colour is chosen."""

    def on_key(self, event) -> None:  # noqa: ANN001
        if isinstance(self.focused, Input):
            return
        if event.key in ("g", "r"):
            event.stop()
            self.action_mark("green" if event.key == "g" else "red")

    def action_mark(self, colour: str) -> None:
        note = self.value("note").strip() or None
        self.finish(DayMarkInput(colour=colour, note=note))

    @on(Button.Pressed, "#green")
    def _green(self) -> None:
        self.action_mark("green")

    @on(Button.Pressed, "#red")
    def _red(self) -> None:
        self.action_mark("red")


class AttendanceDialog(FormDialog):
    def __init__(self, needed: tuple[str, ...] = ()) -> None:
        from huddle.domain.vocab import ROLES

        super().__init__(t("tui.attendance.title"))
        # The needed roles first, then the rest of the one vocabulary (a needed role outside it is left out).
        self.roles = tuple(dict.fromkeys((*(r for r in needed if r in ROLES), *ROLES)))

    def fields(self) -> ComposeResult:
        from screens.widgets import role_label

        yield from self.field("name", t("tui.attendance.name"), "", required)
        yield from self.field("org", t("tui.attendance.org"), "", required)
        yield Label(t("tui.attendance.role"), classes="field-label")
        yield Select([(role_label(r), r) for r in self.roles], value=self.roles[0], allow_blank=False, id="role")

    def submit(self, values: dict[str, object]) -> None:
        self.finish(
            AttendanceInput(
                name=cast(str, values["name"]),
                organisation=cast(str, values["org"]) or None,
                role=self.select_value("role") or None,
            )
        )


class SettingsDialog(FormDialog):
    def __init__(self, day: date, target_s: int, timebox_s: int, dark: bool = True) -> None:
        super().__init__(t("tui.settings.title", date=day.isoformat()))
        self.target_s = target_s
        self.timebox_s = timebox_s
        self.dark = dark

    def fields(self) -> ComposeResult:
        from huddle.services.meeting import TARGET_RANGE, TIMEBOX_RANGE

        # The service's own limits (the target may be as short as 30 s); the time box in minutes.
        yield from self.field("target", t("tui.settings.target"), format_duration(self.target_s), duration_in(*TARGET_RANGE))
        yield from self.field("timebox", t("tui.settings.timebox"), str(max(1, round(self.timebox_s / 60))),
                              duration_in(*TIMEBOX_RANGE))
        yield Label(t("tui.settings.theme"), classes="field-label")
        yield Switch(value=self.dark, id="dark")

    def submit(self, values: dict[str, object]) -> None:
        self.dismiss(
            SettingsResult(
                target_s=cast(int, values["target"]),  # duration_in() returned whole seconds
                timebox_s=cast(int, values["timebox"]),
                dark=self.query_one("#dark", Switch).value,
            )
        )


class ExportDialog(FormDialog):
    """Where to save the period's export: a new file's path (the suggested one filled in); returns it."""

    def __init__(self, start: date, end: date, suggested: str) -> None:
        super().__init__(t("stats.screen.export_title", start=start.isoformat(), end=end.isoformat()))
        self.suggested = suggested

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            if widget.has_class("dialog"):
                widget.add_class("-wide")
            yield widget

    def fields(self) -> ComposeResult:
        yield from self.field("path", t("stats.screen.export_path"), self.suggested, new_file_path)
        yield Static(t("stats.screen.export_hint"), classes="dialog-hint")

    def submit(self, values: dict[str, object]) -> None:
        self.finish(values["path"])


def new_file_path(value: str) -> str:
    """A path where a new file can be made: its folder exists and nothing is there yet."""
    from pathlib import Path

    text = value.strip()
    if not text:
        raise ValueError(t("tui.form.required"))
    path = Path(text).expanduser()
    if path.is_dir():
        raise ValueError(t("stats.screen.export_is_folder", path=str(path)))
    if not path.parent.is_dir():
        raise ValueError(t("stats.screen.export_no_folder", folder=str(path.parent)))
    if path.exists():
        raise ValueError(t("stats.screen.export_exists", path=str(path)))
    return str(path)


class SummaryScreen(ModalScreen[None]):
    """The copied case summary, shown as plain text."""

    BINDINGS = [Binding("escape,enter,c", "close", "tui.summary.close")]

    def __init__(self, text: str) -> None:
        super().__init__()
        translate_bindings(self)
        self.text = text

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog -wide"):
            yield Static(t("tui.summary.title"), classes="dialog-title")
            with VerticalScroll(classes="dialog-body", can_focus=False):
                yield Static(Text(self.text), id="summary-text")
            yield Static(t("tui.live.copied") + "  " + t("tui.summary.close"), classes="dialog-hint")

    def action_close(self) -> None:
        self.dismiss(None)
