"""The agenda says where a carried-over case came from and marks it "↻", as the live list does
(issue 13: it said "Added by: root", the person who ran the meeting, and had no mark)."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Static

from huddle import i18n
from huddle.store import Actor
from screens.app import make_app
from tests.conftest import MONDAY, TUESDAY
from tests.tui_helpers import seed, settle

FACILITATOR = Actor(name="Sara Sjöberg", organisation="Avd 12")


@pytest.mark.parametrize(("lang", "size", "carried_from", "legend"), [
    ("en", (140, 45), "From Monday 2026-11-30", "↻ carried over"),
    ("sv", (140, 45), "Från måndag 2026-11-30", "↻ överflyttad"),
])
async def test_carried_case_says_from_which_meeting_with_the_mark(store, clock, lang, size, carried_from, legend):
    from huddle.services import meeting

    s = store.with_actor(FACILITATOR)
    seed(s)
    meeting.start_meeting(s, MONDAY)
    meeting.next_case(s, MONDAY)
    meeting.finish_meeting(s, MONDAY)  # the cases not reached move to Tuesday
    i18n.set_language(lang)
    app = make_app(store=s, clock=clock, day=TUESDAY, start="agenda")
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        assert app.screen.day == TUESDAY
        table = app.screen.query_one(DataTable)
        rows = [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]
        assert rows, "Tuesday's agenda holds the carried cases"
        for row in rows:
            assert row[0].startswith("↻")
            assert row[6] == carried_from
            assert "Sara Sjöberg" not in row
        assert legend in str(app.screen.query_one("#agenda-status", Static).render())


async def test_a_case_added_by_a_person_keeps_their_name_and_no_mark(store, clock):
    seed(store.with_actor(FACILITATOR))
    app = make_app(store=store, clock=clock, day=MONDAY, start="agenda")
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one(DataTable)
        first = [str(cell) for cell in table.get_row_at(0)]
        assert first[0] == "1" and first[6] == "Sara Sjöberg"
        assert "↻" not in str(app.screen.query_one("#agenda-status", Static).render())
