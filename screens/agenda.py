"""The agenda screen: nurses prepare a meeting day's patients before the huddle."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from rich.text import Text
from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from huddle.domain.days import SWEDISH, MeetingCalendar
from huddle.i18n import t
from screens.commands import translate_bindings
from screens.widgets import fill_table, weekday_date

if TYPE_CHECKING:
    from screens.app import HuddleApp

# Long cells are cut at a word with an ellipsis; the whole text is in the edit dialog and on the live card.
MAX_WIDTHS = {"unit": 28, "municipality": 16, "added_by": 22, "question": 60}
# What the shrinkable columns may come down to so the question keeps a column on a narrow terminal.
MIN_WIDTHS = {"name": 12, "unit": 10, "municipality": 9, "added_by": 8}
MIN_QUESTION = 20
ADDED_BY_FROM = 120  # terminal cells across from which the agenda shows who added each case


def column_widths(natural: dict[str, int], available: int) -> dict[str, int]:
    """Widths that fit ``available`` cells (the cells' padding already taken off): every column at
    its natural width up to ``MAX_WIDTHS``, the question in what is left; when that is less than
    ``MIN_QUESTION``, the unit, added-by, municipality and name columns give up cells first."""
    widths = {k: min(w, MAX_WIDTHS.get(k, w)) for k, w in natural.items()}
    question_need = min(widths.get("question", 0), MAX_WIDTHS["question"])
    for key in ("unit", "added_by", "municipality", "name"):
        if key not in widths:
            continue
        short = min(question_need, MIN_QUESTION) - (available - sum(v for k, v in widths.items() if k != "question"))
        if short <= 0:
            break
        floor = min(widths[key], MIN_WIDTHS[key])
        widths[key] = max(floor, widths[key] - short)
    rest = available - sum(v for k, v in widths.items() if k != "question")
    widths["question"] = max(min(question_need, rest), len(t("col.question")))
    return widths


class AgendaScreen(Screen):
    if TYPE_CHECKING:
        # Only shown by HuddleApp (whose store jobs, clock and settings it uses).  Typing only:
        # at run time ``app`` stays Textual's own property.
        app = getters.app(HuddleApp)

    BINDINGS = [
        Binding("a", "add", "tui.key.add"),
        Binding("e", "edit", "tui.key.edit"),
        Binding("x,delete", "remove", "tui.key.remove", key_display="x"),
        Binding("l", "live", "tui.key.live"),
        # In help and the palette; the footer keeps to the keys used most (a short footer also paints faster).
        Binding("K,shift+up", "move(-1)", "tui.key.up", key_display="K", show=False),
        Binding("J,shift+down", "move(1)", "tui.key.down", key_display="J", show=False),
        Binding("p", "day(-1)", "tui.key.prev_day", show=False),
        Binding("n", "day(1)", "tui.key.next_day", show=False),
        Binding("t", "today", "tui.key.today", show=False),
    ]

    def __init__(self, day: date | None = None) -> None:
        super().__init__()
        translate_bindings(self)
        self.day = day
        self.rows: list = []
        self.huddle_state: str | None = None
        self._select_after: int | None = None
        self._shown: tuple | None = None  # the last result shown, laid out again on a resize

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        yield Static(t("tui.loading"), id="agenda-heading")
        table: DataTable[Text] = DataTable(id="agenda-table", cursor_type="row", zebra_stripes=True)
        yield table
        yield Static("", id="agenda-status")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        fill_table(table, self.columns(), [])
        table.focus()
        # Importing SQLAlchemy and opening the store waits until this screen is on the terminal
        # (two refreshes: Textual fills the footer in the frame after the first).
        self.call_after_refresh(self.call_after_refresh, self.app.open_store)

    def columns(self) -> list[tuple[str, str]]:
        """The agenda's columns; below ``ADDED_BY_FROM`` cells across, without "Added by" (the
        least needed in the meeting; carried cases keep their ↻), so that names are not cut."""
        width = self.size.width or self.app.size.width
        return [
            ("pos", t("col.position")),
            ("name", t("col.name")),
            ("pnr", t("col.pnr")),
            ("state", t("col.state")),
            ("unit", t("col.unit")),
            ("municipality", t("col.municipality")),
            *([("added_by", t("tui.col.added_by"))] if width >= ADDED_BY_FROM else []),
            ("question", t("col.question")),
        ]

    def _fitted(
        self, columns: list[tuple[str, str]], cells: list[tuple[str, list[Text]]]
    ) -> list[tuple[str, list[Text]]]:
        """The cells cut at a word with "…" to widths that fit the table's width (question included)."""
        from rich.cells import cell_len

        from screens.textfit import clip

        natural = {key: cell_len(label) for key, label in columns}
        for _key, row in cells:
            for (key, _label), cell in zip(columns, row):
                natural[key] = max(natural[key], cell_len(cell.plain))
        # Each cell has one cell of padding either side; leave room for the vertical scrollbar.
        # (The table spans the screen; its own size is not laid out yet when the first rows come.)
        available = (self.size.width or self.app.size.width) - 2 * len(columns) - 2
        widths = column_widths(natural, available)
        fitted = [(key, [Text(clip(c.plain, widths[k]), style=c.style) if k != "question" else c
                         for (k, _label), c in zip(columns, row)]) for key, row in cells]
        # A cut at a word leaves cells shorter than their column could be: the question gets what is left.
        used = {key: cell_len(label) for key, label in columns}
        for _key, row in fitted:
            for (key, _label), cell in zip(columns, row):
                used[key] = max(used[key], cell_len(cell.plain))
        room = max(available - sum(v for k, v in used.items() if k != "question"), cell_len(t("col.question")))
        room = min(room, MAX_WIDTHS["question"])
        for _key, row in fitted:
            row[-1] = Text(clip(row[-1].plain, room), style=row[-1].style)
        return fitted

    def on_screen_resume(self) -> None:
        if self.day is not None and self.app.start_info is not None:
            self.reload()

    # -- data --------------------------------------------------------------------------
    def reload(self, select_case: int | None = None) -> None:
        if self.day is None:
            return
        from huddle.services import startup

        if select_case is not None:
            self._select_after = select_case
        self.app.run_store(startup.agenda_view, self.day, on_done=self.show_rows, key="agenda")

    def on_resize(self) -> None:
        if self._shown is not None:
            self.show_rows(self._shown)

    def show_rows(self, result) -> None:  # noqa: ANN001
        self._shown = result
        state, rows = result
        self.huddle_state = state
        self.rows = rows
        heading = Text(t("tui.agenda.heading", **weekday_date(self.day)), style="bold")
        if state:
            heading.append("   " + t("tui.agenda.state", state=t(f"tui.hstate.{state}")))
        self.query_one("#agenda-heading", Static).update(heading)
        table = self.query_one(DataTable)
        keep = table.cursor_row
        columns = self.columns()
        cells = []
        for r in rows:
            question = r.question.replace("\n", " ")
            # A carried case was put here by the meeting, not by a person: say where it came from.
            if r.carried_from is not None:
                added_by = t("tui.agenda.carried_from", **weekday_date(r.carried_from))
            else:
                added_by = r.added_by or ""
            by_column = {
                "pos": Text(("↻" if r.carried else "") + str(r.position)),
                "name": Text(r.name or ""),
                "pnr": Text(r.pnr or ""),
                "state": Text(t(f"state.{r.state}")),
                "unit": Text(r.unit or ""),
                "municipality": Text(r.municipality or ""),
                "added_by": Text(added_by),
                "question": Text(question),
            }
            cells.append((str(r.case_id), [by_column[key] for key, _label in columns]))
        fill_table(table, columns, self._fitted(columns, cells), max_widths=MAX_WIDTHS)
        status = t("tui.agenda.count", count=len(rows)) if rows else t("tui.agenda.empty")
        if any(r.carried for r in rows):
            status += "   " + t("tui.live.legend_carried")  # the mark explained, as on the live list
        self.query_one("#agenda-status", Static).update(status)
        target = self._select_after
        self._select_after = None
        if rows:
            if target is not None:
                idx = next((i for i, r in enumerate(rows) if r.case_id == target), keep)
            else:
                idx = min(keep, len(rows) - 1)
            table.move_cursor(row=max(idx, 0))

    def current(self):  # noqa: ANN201
        table = self.query_one(DataTable)
        if not self.rows or table.cursor_row < 0 or table.cursor_row >= len(self.rows):
            return None
        return self.rows[table.cursor_row]

    def _need_current(self):  # noqa: ANN202
        row = self.current()
        if row is None:
            self.notify(t("tui.agenda.no_case"), severity="warning")
        return row

    # -- actions -----------------------------------------------------------------------
    def action_add(self) -> None:
        from screens.dialogs import AddPatientDialog

        if self.day is None:
            return
        day = self.day

        def save(values, on_saved, on_refused) -> None:  # noqa: ANN001
            self.app.run_store(_add_patient, values, day, on_done=on_saved, on_error=on_refused)

        def done(row) -> None:  # noqa: ANN001
            if row is None:
                return
            self.notify(Text(t("tui.agenda.added", name=row.name, position=row.position)).plain, markup=False)
            self.reload(select_case=row.case_id)

        today = self.app.today or day
        self.app.push_screen(AddPatientDialog(day, today, save), callback=done)

    def action_edit(self) -> None:
        from screens.dialogs import TextDialog

        row = self._need_current()
        if row is None or self.day is None:  # (rows are only loaded for a day)
            return
        today = self.app.today or self.day

        def rule(value: str) -> str:
            from huddle.domain.fields import validate_field

            return validate_field("question", value, today)

        dialog = TextDialog(t("tui.form.edit_title", name=row.name or ""), t("tui.form.question"), row.question, rule)
        dialog.saver = lambda text, ok, bad: self.app.run_store(
            _edit_question, row.case_id, text, row.version, on_done=ok, on_error=bad
        )

        def done(saved) -> None:  # noqa: ANN001
            if saved is not None:
                self.reload(select_case=row.case_id)

        self.app.push_screen(dialog, callback=done)

    def action_remove(self) -> None:
        from screens.dialogs import ConfirmDialog

        row = self._need_current()
        if row is None or self.day is None:  # (rows are only loaded for a day)
            return

        def done(yes: bool | None) -> None:
            if not yes:
                return

            def removed(_) -> None:  # noqa: ANN001
                self.notify(t("tui.agenda.removed", name=row.name or ""), markup=False)
                self.reload()

            self.app.run_store(_remove_case, row.case_id, on_done=removed)

        question = t("tui.form.confirm_remove", name=row.name or "", pnr=row.pnr or "", date=self.day.isoformat())
        self.app.push_screen(ConfirmDialog(question), callback=done)

    def action_move(self, offset: int) -> None:
        row = self._need_current()
        if row is None:
            return
        self.app.run_store(_move_case, row.case_id, offset, on_done=lambda _: self.reload(select_case=row.case_id))

    def _calendar(self) -> MeetingCalendar:
        settings = self.app.settings
        return settings.calendar if settings is not None else SWEDISH

    def action_today(self) -> None:
        if self.app.today is not None:
            self.set_day(self._calendar().next(self.app.today))

    def action_day(self, step: int) -> None:
        if self.day is None:
            return
        cal = self._calendar()
        self.set_day(cal.next(self.day, include_today=False) if step > 0 else cal.previous(self.day))

    def set_day(self, day: date) -> None:
        self.day = day
        self.rows = []
        fill_table(self.query_one(DataTable), self.columns(), [])
        self.reload()

    def action_live(self) -> None:
        if self.day is not None:
            self.app.open_live(self.day)

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_edit()


# -- store calls (run in the app's thread worker) ------------------------------------------
def _add_patient(store, values: dict, day: date):  # noqa: ANN001, ANN202
    from huddle.services import agenda

    return agenda.add_patient(
        store,
        pnr=values["pnr"],
        name=values["name"],
        unit=values["unit"],
        municipality=values["municipality"],
        question=values.get("question") or "",
        day=day,
    )


def _edit_question(store, case_id: int, text: str, version: int):  # noqa: ANN001, ANN202
    from huddle.services import agenda

    return agenda.edit_question(store, case_id, text, version=version)


def _remove_case(store, case_id: int) -> None:  # noqa: ANN001
    from huddle.services import agenda

    agenda.remove_case(store, case_id)


def _move_case(store, case_id: int, offset: int):  # noqa: ANN001, ANN202
    from huddle.services import agenda

    return agenda.move_case(store, case_id, offset)
