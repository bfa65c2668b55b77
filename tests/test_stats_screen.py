"""The statistics screen in a real Textual app (Pilot) on a demo store: figures, trend, drill-down, no identity."""

from __future__ import annotations

import sqlite3
from datetime import datetime

import pytest
from textual.app import App
from textual.widgets import DataTable, Input, Select, Static

from huddle.domain.clock import UTC, FakeClock

NOW = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)  # a Friday afternoon: the demo's last huddle is today's


@pytest.fixture(scope="module")
def demo(tmp_path_factory):  # noqa: ANN201
    from huddle.demo import seed_demo

    path = tmp_path_factory.mktemp("screen") / "demo.db"
    seed_demo(str(path), clock=FakeClock(NOW))
    return path


@pytest.fixture
def manager_store(demo):  # noqa: ANN001, ANN201
    from huddle.store import Actor, Store

    store = Store.open(str(demo), clock=FakeClock(NOW))
    yield store.with_actor(Actor(name="chef", roles=frozenset({"manager"}), single_user=False))
    store.close()


class StatsApp(App):
    def __init__(self, store) -> None:  # noqa: ANN001
        super().__init__()
        self.store = store

    def on_mount(self) -> None:
        from screens.stats import StatsScreen

        self.push_screen(StatsScreen(self.store))


async def _settle(pilot) -> None:  # noqa: ANN001
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def _screen_text(screen) -> str:  # noqa: ANN001
    parts = []
    for table in screen.query(DataTable):
        for r in range(table.row_count):
            parts.extend(str(c) for c in table.get_row_at(r))
    for static in screen.query(Static):
        parts.append(str(static.render()))
    return "\n".join(parts)


async def test_statistics_screen_groups_trend_and_drill_down(manager_store, demo) -> None:
    from huddle.services import stats
    from screens.stats import TrendPlot

    app = StatsApp(manager_store)
    async with app.run_test(size=(160, 50)) as pilot:
        await _settle(pilot)
        screen = app.screen
        # The last 30 days up to today, overall only.
        assert screen.query_one("#stats-from", Input).value == "2026-10-29"
        assert screen.query_one("#stats-to", Input).value == "2026-11-27"
        groups = screen.query_one("#stats-groups", DataTable)
        assert groups.row_count == 1
        expected = stats.figures(manager_store, datetime(2026, 10, 29).date(), NOW.date())
        assert str(groups.get_row_at(0)[1]) == str(expected.overall.cases)
        summary = str(screen.query_one("#stats-summary", Static).render())
        assert "nearest-rank" in summary and "Suggested per-case target" in summary
        plot = screen.query_one(TrendPlot)
        by_day = stats.figures(manager_store, datetime(2026, 10, 29).date(), NOW.date(), "day")
        assert plot.labels == [g.key for g in by_day.groups if g.median_s is not None] and len(plot.labels) > 15
        assert plot.median == [g.median_s for g in by_day.groups if g.median_s is not None]
        assert plot.target == 300

        # Group by municipality: one row per municipality after the overall row, same figures as the CLI's.
        screen.query_one("#stats-by", Select).value = "municipality"
        await _settle(pilot)
        by_muni = stats.figures(manager_store, datetime(2026, 10, 29).date(), NOW.date(), "municipality")
        assert groups.row_count == 1 + len(by_muni.groups) == 5
        labels = [str(groups.get_row_at(r)[0]) for r in range(1, groups.row_count)]
        assert labels == [g.key for g in by_muni.groups]
        assert [str(groups.get_row_at(r)[1]) for r in range(1, groups.row_count)] == [
            str(g.cases) for g in by_muni.groups
        ]

        # Drill down from the second municipality to its huddles.
        groups.focus()
        groups.move_cursor(row=2)
        await pilot.press("enter")
        await _settle(pilot)
        meetings = screen.query_one("#stats-meetings", DataTable)
        assert meetings.display
        rows = stats.meetings(manager_store, by_muni.start, by_muni.end, "municipality", by_muni.groups[1].key)
        assert meetings.row_count == len(rows) > 5
        assert by_muni.groups[1].key in str(screen.query_one("#stats-meetings-title", Static).render())
        assert sum(int(str(meetings.get_row_at(r)[2])) for r in range(meetings.row_count)) == by_muni.groups[1].cases

        # Escape closes the drill-down first.
        await pilot.press("escape")
        await pilot.pause()
        assert not meetings.display

        # A manager sees figures only: no identity number or name anywhere on the screen.
        text = _screen_text(screen)
        con = sqlite3.connect(demo)
        pnrs = [p for (p,) in con.execute("SELECT pnr FROM patient WHERE pnr IS NOT NULL")]
        names = [n for (n,) in con.execute("SELECT name FROM patient WHERE name IS NOT NULL")]
        con.close()
        assert pnrs and names
        assert not [p for p in pnrs if p in text or p[2:] in text]
        assert not [n for n in names if n in text]


async def test_e_exports_the_period_for_excel(demo, tmp_path) -> None:
    from huddle.services import stats
    from huddle.store import Actor, Store
    from screens.stats import StatsScreen

    store = Store.open(str(demo), clock=FakeClock(NOW))
    manager = store.with_actor(Actor(name="chef", roles=frozenset({"manager"}), single_user=False))

    class ExportApp(App):
        def on_mount(self) -> None:
            self.push_screen(StatsScreen(manager, export_dir=str(tmp_path)))

    try:
        app = ExportApp()
        async with app.run_test(size=(160, 50)) as pilot:
            await _settle(pilot)
            await pilot.press("e")
            await _settle(pilot)
            await pilot.press("enter")  # the suggested file in the suggested folder
            await _settle(pilot)
            path = tmp_path / "huddle-export-2026-10-29-2026-11-27.csv"
            assert str(path) in str(app.screen.query_one("#stats-status", Static).render())
        data = path.read_bytes()
        assert data.startswith("\ufeff".encode())
        lines = data.decode("utf-8-sig").splitlines()
        assert lines[0].startswith("huddle_date;position;unit;")
        assert len(lines) - 1 == len(stats.export_rows(manager, datetime(2026, 10, 29).date(), NOW.date()))
    finally:
        store.close()


async def test_a_bad_period_is_explained_and_nothing_changes(manager_store) -> None:
    app = StatsApp(manager_store)
    async with app.run_test(size=(160, 50)) as pilot:
        await _settle(pilot)
        screen = app.screen
        before = screen.query_one("#stats-groups", DataTable).get_row_at(0)
        start = screen.query_one("#stats-from", Input)
        start.value = "2026-12-01"
        start.focus()
        await pilot.press("enter")
        await _settle(pilot)
        status = str(screen.query_one("#stats-status", Static).render())
        assert "starts after it ends" in status
        assert screen.query_one("#stats-groups", DataTable).get_row_at(0) == before


async def test_a_nurse_is_refused(demo) -> None:
    from huddle.store import Actor, Store

    store = Store.open(str(demo), clock=FakeClock(NOW))
    nurse = store.with_actor(Actor(name="n", roles=frozenset({"nurse"}), single_user=False))
    try:
        app = StatsApp(nurse)
        async with app.run_test(size=(160, 50)) as pilot:
            await _settle(pilot)
            status = str(app.screen.query_one("#stats-status", Static).render())
            assert "Not allowed" in status
            assert app.screen.query_one("#stats-groups", DataTable).row_count == 0
    finally:
        store.close()


async def test_the_app_opens_statistics_with_S(manager_store) -> None:
    from screens.app import make_app
    from screens.stats import StatsScreen

    app = make_app(store=manager_store, clock=manager_store.clock)
    async with app.run_test(size=(160, 50)) as pilot:
        await _settle(pilot)
        await pilot.press("S")
        await _settle(pilot)
        assert isinstance(app.screen, StatsScreen)
        assert app.screen.query_one("#stats-groups", DataTable).row_count == 1
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, StatsScreen)


# -- what a manager reads at 100x30 and 140x45, in both languages -------------------------------
def _shown(app) -> str:  # noqa: ANN001
    """The screen as a person reads it (the SVG's non-breaking spaces as spaces)."""
    import html
    import re

    svg = app.export_screenshot()
    lines: dict[str, list[str]] = {}
    for line, text in re.findall(r'clip-path="url\(#terminal-\d+-line-(\d+)\)">([^<]*)</text>', svg):
        lines.setdefault(line, []).append(html.unescape(text).replace("\xa0", " "))
    return "\n".join("".join(parts) for _, parts in sorted(lines.items(), key=lambda kv: int(kv[0])))


@pytest.mark.parametrize("size", [(100, 30), (140, 45)])
@pytest.mark.parametrize("lang", ["en", "sv"])
async def test_a_focused_date_field_shows_its_whole_date(manager_store, lang, size) -> None:
    from huddle import i18n

    i18n.set_language(lang)
    app = StatsApp(manager_store)
    async with app.run_test(size=size) as pilot:
        await _settle(pilot)
        for field, day in (("#stats-from", "2026-10-29"), ("#stats-to", "2026-11-27")):
            app.screen.set_focus(app.screen.query_one(field, Input))
            await pilot.pause()
            assert day in _shown(app), field  # not "026-10-29"


@pytest.mark.parametrize("lang", ["en", "sv"])
async def test_at_140_columns_every_column_with_readiness_and_liable_days_is_in_view(manager_store, lang) -> None:
    from huddle import i18n
    from huddle.services import stats
    from screens.stats import COLUMNS, _heading

    i18n.set_language(lang)
    app = StatsApp(manager_store)
    async with app.run_test(size=(140, 45)) as pilot:
        await _settle(pilot)
        text = _shown(app)
        overall = stats.figures(manager_store, datetime(2026, 10, 29).date(), NOW.date()).overall
        lines = [line for line in text.splitlines() if line.strip()]
        at = next(i for i, line in enumerate(lines) if line.strip().startswith(i18n.t("stats.col.key")))
        for column in COLUMNS:  # the whole heading, on its two lines, in the rendered screen
            first, *rest = _heading(column).split("\n")
            assert first in lines[at], (column, lines[at])
            for more in rest:
                assert more in lines[at + 1], (column, lines[at + 1])
        row = next(line for line in text.splitlines() if line.strip().startswith(i18n.t("stats.overall")))
        cells = row.split()
        assert str(overall.discharge_ready_days) in cells and str(overall.payment_liable_days) in cells
        assert i18n.number(overall.patients_per_huddle, 1) in cells  # "17,2" in Swedish


@pytest.mark.parametrize("size", [(100, 30), (140, 45)])
@pytest.mark.parametrize("lang", ["en", "sv"])
async def test_the_summary_is_never_cut_inside_a_word(manager_store, lang, size) -> None:
    from huddle import i18n
    from huddle.services import stats
    from huddle.services.stats import notes

    i18n.set_language(lang)
    app = StatsApp(manager_store)
    async with app.run_test(size=size) as pilot:
        await _settle(pilot)
        result = stats.figures(manager_store, datetime(2026, 10, 29).date(), NOW.date())
        summary = str(app.screen.query_one("#stats-summary", Static).render()).splitlines()[1:]
        text = _shown(app)
        flowing = " ".join(notes(result.overall.to_json(with_key=False), result.rule, top=4))
        assert len(summary) >= 4
        for line in summary:
            assert line in text  # on screen whole
            kept = line.removesuffix("…")
            assert kept in flowing
            if line.endswith("…"):  # cut at a word boundary: what follows in the note is a space
                after = flowing[flowing.index(kept) + len(kept):]
                assert after[:1] in (" ", ",", ";", "…"), line
        if lang == "sv":  # decimal commas: "56,5–460,5 s", never "56.5"
            import re

            assert not re.search(r"\d\.\d", flowing) and not re.search(r"\d\.\d", text)


@pytest.mark.parametrize("lang", ["en", "sv"])
async def test_export_asks_where_writes_for_the_owner_only_and_counts_like_the_screen(demo, tmp_path, monkeypatch, lang) -> None:
    import platformdirs

    from huddle import i18n
    from huddle.services import stats
    from huddle.store import Actor, Store
    from screens.dialogs import ExportDialog
    from screens.stats import StatsScreen

    i18n.set_language(lang)
    documents = tmp_path / "Documents"
    documents.mkdir()
    monkeypatch.setattr(platformdirs, "user_documents_dir", lambda: str(documents))
    monkeypatch.chdir(tmp_path)
    store = Store.open(str(demo), clock=FakeClock(NOW))
    manager = store.with_actor(Actor(name="chef", roles=frozenset({"manager"}), single_user=False))

    class ExportApp(App):
        def on_mount(self) -> None:
            self.push_screen(StatsScreen(manager))

    try:
        app = ExportApp()
        async with app.run_test(size=(100, 30)) as pilot:
            await _settle(pilot)
            screen_cases = int(str(app.screen.query_one("#stats-groups", DataTable).get_row_at(0)[1]))
            await pilot.press("e")
            await _settle(pilot)
            dialog = app.screen
            assert isinstance(dialog, ExportDialog)
            path = documents / "huddle-export-2026-10-29-2026-11-27.csv"
            field = dialog.query_one("#f-path", Input)
            assert field.value == str(path)
            await pilot.press("enter")
            await _settle(pilot)
            assert not isinstance(app.screen, ExportDialog)
            status = str(app.screen.query_one("#stats-status", Static).render())
            rows = stats.export_rows(manager, datetime(2026, 10, 29).date(), NOW.date())
            discussed = sum(r.duration_s is not None for r in rows)
            assert discussed == screen_cases < len(rows)
            assert str(path) in status
            assert i18n.t("stats.screen.exported", count=len(rows), path=str(path), discussed=discussed,
                          other=len(rows) - discussed) == status
            assert f"{screen_cases} {'diskuterade' if lang == 'sv' else 'discussed'}" in status
            assert str(path) in _shown(app).replace("\n", "")  # said in full on screen, not only in a widget

            # The same name again is refused at the field: an earlier export is never overwritten.
            await pilot.press("e")
            await _settle(pilot)
            dialog = app.screen
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert i18n.t("stats.screen.export_exists", path=str(path)) in str(dialog.query_one("#err-path", Static).render())
            await pilot.press("escape")
            await _settle(pilot)
        assert path.stat().st_mode & 0o777 == 0o600
        assert not list(tmp_path.glob("*.csv"))  # nothing in the working folder
        assert len(path.read_text(encoding="utf-8-sig").splitlines()) == len(rows) + 1
    finally:
        store.close()
