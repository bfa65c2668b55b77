"""Helpers for the app tests: wait for the app's store workers, type into inputs."""

from __future__ import annotations

from datetime import date

from tests.conftest import MONDAY

# Fictitious identity numbers with valid check digits (19121212-1212 is Skatteverket's well-known test number).
PATIENTS = [
    ("19400101-1230", "Astrid Andersson", "Avd 12 Medicin", "Kalmar", "Hemtjänst fyra gånger om dagen?"),
    ("19351224-4561", "Bertil [bold]Berg[/bold]", "Avd 7 Ortopedi", "Nybro", "Korttidsplats efter höftfraktur"),
    ("19500607-7894", "Cecilia Carlsson", "Vårdcentralen Berga", "Borgholm", "Rehab i hemmet"),
]


def seed(store, day: date = MONDAY, patients=PATIENTS) -> list:  # noqa: ANN001
    from huddle.services import agenda

    return [
        agenda.add_patient(store, pnr=p, name=n, unit=u, municipality=m, question=q, day=day)
        for p, n, u, m, q in patients
    ]


async def settle(app, pilot, rounds: int = 20) -> None:  # noqa: ANN001
    """Wait until every queued store job has run and its result has been shown."""
    from textual.worker import WorkerCancelled

    for _ in range(rounds):
        try:
            await app.workers.wait_for_complete()
        except WorkerCancelled:
            pass  # a worker replaced by a newer one (e.g. an exclusive reload): the newer one is awaited next round
        await pilot.pause()
        if not app._jobs and not app._draining:
            await pilot.pause()
            if not app._jobs and not app._draining and await _tables_measured(app, pilot):
                return
    raise AssertionError("the app's store jobs did not settle")


async def type_text(pilot, text: str) -> None:  # noqa: ANN001
    keys = []
    for ch in text:
        keys.append({" ": "space", "-": "minus", "[": "left_square_bracket", "]": "right_square_bracket", "/": "slash", "?": "question_mark", ":": "colon", ".": "full_stop", ",": "comma"}.get(ch, ch))
    await pilot.press(*keys)


async def press(app, pilot, *keys: str) -> None:  # noqa: ANN001
    await pilot.press(*keys)
    await settle(app, pilot)


async def _tables_measured(app, pilot) -> bool:  # noqa: ANN001
    """DataTables measure their columns when idle: wait for that so screenshots are stable."""
    from textual.widgets import DataTable

    for _ in range(50):
        tables = list(app.screen.query(DataTable))
        if not any(t._require_update_dimensions or t._updated_cells for t in tables):
            await pilot.pause()
            return True
        await pilot.pause(0.02)
    return False


async def wait_until(pilot, predicate, what: str, rounds: int = 500) -> None:  # noqa: ANN001
    """Wait for something the app shows (an event), never for a fixed time: poll between frames."""
    for _ in range(rounds):
        await pilot.pause()
        if predicate():
            return
        await pilot.pause(0.01)
    raise AssertionError(f"the app never showed {what}")


def screen_lines(app) -> list[str]:  # noqa: ANN001
    """The screen as a person reads it, one string per row, each text at its own column (from the
    app's own screenshot, whose cells are 12.2 units wide)."""
    import html
    import re

    rows: dict[float, list[tuple[float, str]]] = {}
    pattern = r'<text class="[^"]*" x="([\d.]+)" y="([\d.]+)" textLength="[\d.]+" clip-path="[^"]*">([^<]*)</text>'
    for x, y, text in re.findall(pattern, app.export_screenshot()):
        rows.setdefault(float(y), []).append((float(x), html.unescape(text).replace("\xa0", " ")))
    lines = []
    for y in sorted(rows):
        line = ""
        for x, text in sorted(rows[y]):
            line = line.ljust(round(x / 12.2)) + text
        lines.append(line.rstrip())
    return lines
