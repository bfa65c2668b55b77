"""The agenda at 100x30 and 140x45: every column in view, the question cut at a word with "…"."""

from __future__ import annotations

import asyncio

import pytest
from textual.widgets import DataTable

from huddle import i18n
from screens.app import make_app
from tests.tui_helpers import PATIENTS, screen_lines, seed, settle

LONG = [
    (pnr, name, unit, muni, question)
    for (pnr, name, unit, muni, _q), question in zip(
        PATIENTS,
        (
            "Hemgång med hemtjänst fyra gånger om dagen, behövs hembesök av arbetsterapeut innan hemgång?",
            "Utskrivningsklar i morgon, vem kallar till SIP och vem ordnar hjälpmedel före helgen?",
            "Rehab i hemmet",
        ),
    )
]



@pytest.mark.parametrize("size", [(100, 30), (140, 45)])
@pytest.mark.parametrize("lang", ["en", "sv"])
async def test_the_question_column_is_in_view_and_cut_at_a_word(store, clock, lang, size):
    i18n.set_language(lang)
    seed(store, patients=LONG)
    app = make_app(store=store, clock=clock)
    async with asyncio.timeout(120), app.run_test(size=size) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one(DataTable)
        assert table.row_count == 3
        # The columns fit the table: nothing runs off the right edge uncut.
        assert sum(c.get_render_width(table) for c in table.columns.values()) <= table.size.width
        text = "\n".join(screen_lines(app))
        assert i18n.t("col.question") in text
        for row, (_pnr, _name, _unit, _muni, question) in enumerate(LONG):
            cell = str(table.get_row_at(row)[-1])
            assert cell in text  # on screen, whole
            if cell == question:
                continue
            assert cell.endswith("…"), cell
            kept = cell.removesuffix("…")
            assert question.startswith(kept) and question[len(kept)] in " ,", cell  # at a word, not inside one
            assert len(kept) >= 10  # a column worth reading, also at 100
        assert str(table.get_row_at(2)[-1]) == "Rehab i hemmet"


@pytest.mark.parametrize("size", [(100, 30), (140, 45)])
@pytest.mark.parametrize("lang", ["en", "sv"])
async def test_names_are_whole_and_added_by_is_shown_where_there_is_room(store, clock, lang, size):
    """The walk-through at 100x30 read "Margareta…" and "Från…": below 120 columns the agenda leaves
    out who added a case (the least needed there; ↻ still marks a carried one) so names stay whole."""
    i18n.set_language(lang)
    long_names = [(pnr, name, unit, muni, q) for (pnr, _n, unit, muni, q), name in
                  zip(LONG, ("Margareta Gustafsson", "Bertil Berg", "Birgitta Lindqvist"))]
    seed(store, patients=long_names)
    app = make_app(store=store, clock=clock)
    async with asyncio.timeout(120), app.run_test(size=size) as pilot:
        await settle(app, pilot)
        text = "\n".join(screen_lines(app))
        for _pnr, name, *_ in long_names:
            assert name in text, name
        assert (i18n.t("tui.col.added_by") in text) == (size[0] >= 120)
