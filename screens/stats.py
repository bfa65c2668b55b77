"""The statistics screen: managers pick a period and a grouping and read figures, never identities.

A table of groups (time per case, within target, readiness days, home visits,
red days, a suggested target), a trend plot of time per case, and a drill-down
from a group to its huddles.  Every query runs in a thread worker; the screen
only shows what comes back.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult, RenderResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, Label, Select, Static
from textual_plotext import PlotextPlot

from huddle.domain.timing import format_seconds
from huddle.domain.vocab import Grouping
from huddle.i18n import number, t

GROUPINGS = Grouping.values()
COLUMNS = (
    "key", "cases", "mean_s", "median_s", "p90_s", "within_target_share", "over_target", "patients_per_huddle",
    "deferred", "discharge_ready_days", "payment_liable_days", "home_visits", "red_days", "suggested_target_s",
)
MEETING_COLUMNS = ("date", "agenda_cases", "cases", "mean_s", "within_target_share", "deferred", "meeting_s", "red_days")


def _heading(column: str) -> str:
    """A column's heading on the screen: long ones on two lines ("stats.head.*"), so that every
    column of the Swedish table fits in 140 cells; the command line keeps the one-line "stats.col.*"."""
    key = f"stats.head.{column}"
    text = t(key)
    return t(f"stats.col.{column}") if text == key else text


def trend_bucket(start: date, end: date) -> str:
    """Days for a month, weeks for half a year, months beyond."""
    days = (end - start).days + 1
    if days <= 31:
        return "day"
    if days <= 183:
        return "week"
    return "month"


def _seconds(value: float | None) -> str:
    return "–" if value is None else format_seconds(round(value))


def _share(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.0f} %"


def _num(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return number(value, 1)
    return str(value)


def _key(value: Any) -> str:
    return t("stats.none") if value is None or value == "" else str(value)


def figure_cells(f: Any, label: str) -> list[Text]:
    """One table row of figures (a ``huddle.services.stats.Figures``)."""
    return [
        Text(label),
        Text(str(f.cases), justify="right"),
        Text(_seconds(f.mean_s), justify="right"),
        Text(_seconds(f.median_s), justify="right"),
        Text(_seconds(f.p90_s), justify="right"),
        Text(_share(f.within_target_share), justify="right"),
        Text(str(f.over_target), justify="right"),
        Text(_num(f.patients_per_huddle), justify="right"),
        Text(str(f.deferred), justify="right"),
        Text(str(f.discharge_ready_days), justify="right"),
        Text(str(f.payment_liable_days), justify="right"),
        Text(str(f.home_visits), justify="right"),
        Text(str(f.red_days), justify="right"),
        Text(_seconds(f.suggested_target_s), justify="right"),
    ]


class TrendPlot(PlotextPlot):
    """Median and p90 time per case per bucket, against the per-case target."""

    labels: list[str] = []
    median: list[float] = []
    p90: list[float] = []
    target: int = 0

    def show(self, labels: list[str], median: list[float], p90: list[float], target: int, title: str) -> None:
        self.labels, self.median, self.p90, self.target = labels, median, p90, target
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        plt.title(title)
        if labels:
            xs: list[float] = list(range(1, len(labels) + 1))
            plt.plot(xs, p90, label="p90", marker="braille")
            plt.plot(xs, median, label=t("stats.col.median_s"), marker="braille")
            plt.plot(xs, [target] * len(xs), label=t("stats.screen.target"), marker="dot")
            # Whole seconds, so no decimal mark (plotext writes "475.0" whatever the language).
            low, high = min([*median, target]), max([*p90, target])
            ticks: list[float] = sorted({float(round(low + (high - low) * i / 4)) for i in range(5)})
            plt.yticks(ticks, [number(v, 0) for v in ticks])
        plt.ylabel(t("stats.screen.seconds"))
        self.refresh()

    def render(self) -> RenderResult:
        # The date labels are chosen for the width the plot has now: each label gets twice its own
        # width, so no two ever compete for the same cells. (plotext places crowded labels in the
        # order of a set, which made the axis differ from one run of the app to the next.)
        if self.labels:
            xs: list[float] = list(range(1, len(self.labels) + 1))
            room = max(10, self.size.width - 8)  # the y-axis labels and the frame
            widest = max(len(label) for label in self.labels)
            step = max(1, math.ceil(2 * widest * max(1, len(xs) - 1) / room))
            self.plt.xticks(xs[::step], self.labels[::step])
        return super().render()


@dataclass(frozen=True)
class _Query:
    start: date | None
    end: date | None
    by: str | None


@dataclass(frozen=True)
class _Period:
    """A query once the store has filled in its defaults: both ends known."""

    start: date
    end: date
    by: str | None


def default_export_dir() -> Path:
    """Where the screen offers to save an export: the person's documents folder, else their home."""
    from platformdirs import user_documents_dir

    documents = Path(user_documents_dir())
    return documents if documents.is_dir() else Path.home()


def write_private(path: Path, text: str) -> None:
    """A new file readable by its owner only (0600: the rows are health data, if anonymous); never
    over an existing file."""
    import os

    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
        out.write(text)


class StatsScreen(Screen):
    """Figures for managers: ``StatsScreen(store)``.

    Below 200 columns the trend plot goes under the table, which then has the whole width (beside
    it, at 140 columns, the plot hid the readiness and payment columns).
    """

    CSS_PATH = "stats.tcss"
    HORIZONTAL_BREAKPOINTS = [(0, "-stacked"), (200, "-side")]
    BINDINGS = [
        Binding("escape", "back", "stats.screen.back"),
        Binding("r", "reload", "stats.screen.refresh"),
        Binding("e", "export", "stats.screen.export"),
        Binding("enter", "drill", "stats.screen.drill", show=True),
    ]

    class Loaded(Message):
        def __init__(self, query: _Period, result: Any, trend: Any) -> None:
            super().__init__()
            self.query = query
            self.result = result
            self.trend = trend

    class MeetingsLoaded(Message):
        def __init__(self, key: Any, label: str, rows: list) -> None:
            super().__init__()
            self.key = key
            self.label = label
            self.rows = rows

    class Exported(Message):
        def __init__(self, path: str, rows: int, discussed: int) -> None:
            super().__init__()
            self.path = path
            self.rows = rows
            self.discussed = discussed

    class Failed(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(self, store: Any, export_dir: str | None = None) -> None:
        super().__init__()
        self.store = store
        # The folder ``e`` offers for the period's anonymous export (default: documents, else home).
        self.export_dir = export_dir
        self.result: Any = None
        self.groups: list = []
        self.summary_title: Text | None = None
        self.notes: list[str] = []
        # Binding descriptions are message keys: shown in the person's language.
        for key, bindings in list(self._bindings.key_to_bindings.items()):
            self._bindings.key_to_bindings[key] = [replace(b, description=t(b.description)) for b in bindings]

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        with Horizontal(id="stats-controls"):
            yield Label(t("stats.screen.from"))
            yield Input(placeholder=t("stats.screen.date_hint"), id="stats-from", max_length=10, select_on_focus=False)
            yield Label(t("stats.screen.to"))
            yield Input(placeholder=t("stats.screen.date_hint"), id="stats-to", max_length=10, select_on_focus=False)
            yield Label(t("stats.screen.by"))
            yield Select(
                [(Grouping.label_of(g), g) for g in GROUPINGS],
                prompt=t("stats.by.none"),
                allow_blank=True,
                id="stats-by",
            )
        yield Static(t("stats.screen.loading"), id="stats-summary")
        with Horizontal(id="stats-main"):
            with Vertical(id="stats-left"):
                yield DataTable(id="stats-groups", cursor_type="row", zebra_stripes=True, header_height=2)
                yield Static("", id="stats-meetings-title")
                yield DataTable(id="stats-meetings", cursor_type="row", zebra_stripes=True, header_height=2)
            yield TrendPlot(id="stats-trend")
        yield Static(t("stats.screen.hint"), id="stats-status")
        yield Footer()

    def on_mount(self) -> None:
        groups = self.query_one("#stats-groups", DataTable)
        for c in COLUMNS:
            groups.add_column(_heading(c), key=c)
        meetings = self.query_one("#stats-meetings", DataTable)
        for c in MEETING_COLUMNS:
            meetings.add_column(_heading(c), key=c)
        meetings.display = False
        groups.focus()
        self.load(_Query(None, None, None))

    # -- input -----------------------------------------------------------------------------
    def _query_from_inputs(self) -> _Query | None:
        from huddle.domain.fields import parse_date
        from huddle.errors import InputError

        try:
            start = parse_date(self.query_one("#stats-from", Input).value or None, t("stats.screen.from"))
            end = parse_date(self.query_one("#stats-to", Input).value or None, t("stats.screen.to"))
            if start and end and start > end:
                raise InputError("date.range", start=start.isoformat(), end=end.isoformat())
        except InputError as exc:
            self._status(str(exc), error=True)
            return None
        by = self.query_one("#stats-by", Select).value
        return _Query(start, end, by if isinstance(by, str) else None)

    @on(Input.Submitted)
    def _dates_entered(self) -> None:
        self.action_reload()

    @on(Select.Changed, "#stats-by")
    def _grouping_changed(self) -> None:
        self.action_reload()

    def action_reload(self) -> None:
        query = self._query_from_inputs()
        if query is not None:
            self.load(query)

    def action_back(self) -> None:
        meetings = self.query_one("#stats-meetings", DataTable)
        if meetings.display:
            meetings.display = False
            self.query_one("#stats-meetings-title", Static).update("")
            self.query_one("#stats-groups", DataTable).focus()
        else:
            self.app.pop_screen()

    def action_drill(self) -> None:
        """The huddles behind the group under the cursor."""
        if self.result is None:
            return
        table = self.query_one("#stats-groups", DataTable)
        row = table.cursor_row
        if row < 0:
            return
        if row == 0 or not self.groups:
            key, label, by = None, t("stats.screen.meetings_all"), None
        else:
            g = self.groups[row - 1]
            key, label, by = g.key, t("stats.screen.meetings", key=_key(g.key)), self.result.by
        self.load_meetings(self.result.start, self.result.end, by, key, label)

    @on(DataTable.RowSelected, "#stats-groups")
    def _row_selected(self) -> None:
        self.action_drill()

    # -- workers ----------------------------------------------------------------------------
    @work(thread=True, exclusive=True, exit_on_error=False, group="stats-load")
    def load(self, query: _Query) -> None:
        from huddle.services import stats

        try:
            start, end = stats.check_period(query.start, query.end, stats.today(self.store))
            result = stats.figures(self.store, start, end, query.by)
            bucket = trend_bucket(start, end)
            trend = stats.figures(self.store, start, end, bucket)
        except Exception as exc:  # noqa: BLE001 - shown to the person, never a crash
            self.post_message(self.Failed(str(exc)))
            return
        self.post_message(self.Loaded(_Period(start, end, query.by), result, trend))

    @work(thread=True, exclusive=True, exit_on_error=False, group="stats-meetings")
    def load_meetings(self, start: date, end: date, by: str | None, key: Any, label: str) -> None:
        from huddle.services import stats

        try:
            rows = stats.meetings(self.store, start, end, by, key)
        except Exception as exc:  # noqa: BLE001
            self.post_message(self.Failed(str(exc)))
            return
        self.post_message(self.MeetingsLoaded(key, label, rows))

    def action_export(self) -> None:
        """Ask where to save the period's export (a new file), then write it."""
        from screens.dialogs import ExportDialog

        if self.result is None:
            return
        start, end = self.result.start, self.result.end
        folder = Path(self.export_dir) if self.export_dir else default_export_dir()
        suggested = folder / f"huddle-export-{start.isoformat()}-{end.isoformat()}.csv"

        def chosen(path: str | None) -> None:
            if path:
                self.export(start, end, Path(path))

        self.app.push_screen(ExportDialog(start, end, str(suggested)), callback=chosen)

    @work(thread=True, exclusive=True, exit_on_error=False, group="stats-export")
    def export(self, start: date, end: date, path: Path) -> None:
        """The period's anonymous case rows as a CSV file for Swedish Excel (semicolons, BOM), mode 0600."""
        from huddle.domain.csvexport import csv_text
        from huddle.services import stats

        try:
            found = stats.export_rows(self.store, start, end)
            rows = [r.to_json() for r in found]
            path = path.expanduser().resolve()
            write_private(path, csv_text(rows, stats.EXPORT_COLUMNS, excel=True))
        except FileExistsError:
            self.post_message(self.Failed(t("stats.screen.export_exists", path=str(path))))
            return
        except OSError as exc:
            self.post_message(self.Failed(t("stats.screen.export_failed", path=str(path), reason=exc.strerror or str(exc))))
            return
        except Exception as exc:  # noqa: BLE001
            self.post_message(self.Failed(str(exc)))
            return
        # The screen's "cases" are the discussed ones (with a time); the file has every case on the agendas.
        self.post_message(self.Exported(str(path), len(rows), sum(r.duration_s is not None for r in found)))

    @on(Exported)
    def _exported(self, message: Exported) -> None:
        text = t(
            "stats.screen.exported", count=message.rows, path=message.path,
            discussed=message.discussed, other=message.rows - message.discussed,
        )
        self._status(text)
        self.notify(text, markup=False, timeout=10)

    # -- showing ---------------------------------------------------------------------------
    def on_resize(self) -> None:
        self._show_summary()

    def _show_summary(self) -> None:
        """The title and every note, each cut at a word with "…" where it would not fit: one line per
        note on a short screen (30 rows), two on a tall one, so the table keeps its rows."""
        from screens.textfit import wrap

        if self.summary_title is None:
            return
        width = max(20, self.size.width - 2)
        per_note = 2 if self.size.height >= 40 else 1
        summary = self.summary_title.copy()
        for note in self.notes:
            for line in wrap(note, width, per_note):
                summary.append("\n" + line)
        self.query_one("#stats-summary", Static).update(summary)

    def _status(self, text: str, *, error: bool = False) -> None:
        status = self.query_one("#stats-status", Static)
        status.update(text)
        status.set_class(error, "-error")

    @on(Failed)
    def _failed(self, message: Failed) -> None:
        self._status(message.text, error=True)
        self.notify(message.text, severity="error")

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        from huddle.services.stats import notes

        result = message.result
        self.result = result
        self.groups = list(result.groups)
        q = message.query
        start_in = self.query_one("#stats-from", Input)
        end_in = self.query_one("#stats-to", Input)
        if not start_in.value:
            start_in.value = q.start.isoformat()
        if not end_in.value:
            end_in.value = q.end.isoformat()
        title = (
            t("stats.title_by", start=q.start.isoformat(), end=q.end.isoformat(), by=Grouping.label_of(q.by))
            if q.by
            else t("stats.title", start=q.start.isoformat(), end=q.end.isoformat())
        )
        self.summary_title = Text(title, style="bold")
        self.notes = notes(result.overall.to_json(with_key=False), result.rule, top=4)
        self._show_summary()
        table = self.query_one("#stats-groups", DataTable)
        table.clear()
        table.add_row(*figure_cells(result.overall, t("stats.overall")), key="*")
        for i, g in enumerate(self.groups):
            table.add_row(*figure_cells(g, _key(g.key)), key=f"g{i}")
        self._status(t("stats.screen.hint"))
        trend = message.trend
        points = [g for g in trend.groups if g.median_s is not None]
        bucket = trend.by
        self.query_one(TrendPlot).show(
            [str(g.key) for g in points],
            [g.median_s for g in points],
            [g.p90_s for g in points],
            result.target_s,
            t("stats.screen.trend", bucket=Grouping.label_of(bucket)),
        )

    @on(MeetingsLoaded)
    def _meetings_loaded(self, message: MeetingsLoaded) -> None:
        self.query_one("#stats-meetings-title", Static).update(Text(message.label, style="bold"))
        table = self.query_one("#stats-meetings", DataTable)
        table.clear()
        for m in message.rows:
            table.add_row(
                Text(m.huddle_date.isoformat()),
                Text(str(m.agenda_cases), justify="right"),
                Text(str(m.cases), justify="right"),
                Text(_seconds(m.mean_s), justify="right"),
                Text(_share(m.within_target_share), justify="right"),
                Text(str(m.deferred), justify="right"),
                Text(_seconds(m.meeting_s), justify="right"),
                Text(str(m.red_days), justify="right"),
            )
        table.display = True
        table.focus()
