"""The real terminal: ``huddle`` in tmux, driven with send-keys, read with capture-pane.

The process is killed with SIGKILL in the middle of a case; the command line
reports the case's time up to the app's last heartbeat (and it does not grow);
started again, the app shows the meeting where it was with that same time.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import time

import pytest

from tests.conftest import HUDDLE_BIN, run_huddle
from tests.tmux_helpers import Tmux

pytestmark = [
    pytest.mark.tmux,
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]


@pytest.fixture
def tmux(tmp_path):
    t = Tmux(tmp_path)
    yield t
    t.kill_server()


def _timer_seconds(screen: str, name: str) -> int | None:
    """The time the agenda list shows for ``name`` (m:ss), in seconds."""
    for line in screen.splitlines():
        if name in line:
            for word in reversed(line.replace("│", " ").replace("┃", " ").split()):
                if ":" in word and word.replace(":", "").isdigit():
                    m, s = word.split(":")
                    return int(m) * 60 + int(s)
    return None


def test_kill_mid_case_and_restart_keeps_the_case_and_its_time(tmp_path, tmux):
    db = tmp_path / "huddle.db"
    for pnr, name in (("19121212-1212", "Tolvan Tolvansson"), ("19400101-1230", "Astrid Andersson")):
        r = run_huddle("patient", "add", "--pnr", pnr, "--name", name, "--unit", "Avd 12", "--municipality", "Kalmar", db=db)
        assert r.returncode == 0, r.stderr
    # COLUMNS/LINES from the test runner would override the terminal's size in Textual
    command = f"env -u COLUMNS -u LINES HUDDLE_LANG=en TERM=xterm-256color {HUDDLE_BIN} --db {db}"
    tmux.start(command)
    tmux.wait_for(lambda s: "Agenda for" in s and "Tolvan Tolvansson" in s, "the agenda")
    tmux.keys("l")
    tmux.wait_for(lambda s: "Huddle " in s and "Meeting: planned" in s, "the live screen")
    tmux.start_meeting()
    # let the case run a few seconds of real time (watched on screen, not slept)
    tmux.wait_for(lambda s: (_timer_seconds(s, "Tolvan") or 0) >= 3, "three seconds on the timer")

    from huddle.services import agenda, meeting
    from huddle.store import Store

    store = Store.open(str(db), create=False)
    try:
        day = agenda.default_date(store)
        for pid in tmux.pane_pids():
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        tmux.kill_server()
        killed_at = store.now()
        iv = meeting.load_live(store, day, recover=False, audit=False).current_intervals[0]
        assert iv.stop is None and iv.heartbeat is not None
        expected = round((iv.heartbeat - iv.start).total_seconds())  # the time up to the last beat

        def reported() -> tuple[int, int, int]:
            """The killed case's time as summary, export and stats report it from the command line."""
            summary = json.loads(run_huddle("summary", "--date", day.isoformat(), "--format", "json", db=db).stdout)
            export = json.loads(run_huddle("export", "--from", day.isoformat(), "--to", day.isoformat(),
                                           "--format", "json", db=db).stdout)
            stats = json.loads(run_huddle("stats", "--from", day.isoformat(), "--to", day.isoformat(),
                                          "--format", "json", db=db).stdout)
            by_name = {item["name"]: item for item in summary}
            return (by_name["Tolvan Tolvansson"]["seconds"], export[0]["duration_s"],
                    stats["overall"]["median_s"])  # the one discussed case

        # Once the app's heartbeat is stale (it is gone), every reader counts to the last beat: the
        # time does not grow with the clock while nobody has the app open...
        while (store.now() - killed_at).total_seconds() < 3.0:
            time.sleep(0.1)
        before = reported()
        assert before == (expected, expected, expected), before
        assert reported() == before, "the killed case's time grew with the clock"
        # ...and it is the same once the app is started again (as a person would) and closes the
        # interval: it opens on the live meeting, the killed case current and paused.
        tmux.start(command)
        screen = tmux.wait_for(
            lambda s: "Huddle " in s and "⏸ paused" in s and "PAUSED" in s, "the live screen after restart, paused"
        )
        rows = {r.name: r for r in agenda.list_agenda(store, day, with_identity=False)}
        assert rows["Tolvan Tolvansson"].state == "active"
        assert round(rows["Tolvan Tolvansson"].seconds) == expected
        assert _timer_seconds(screen, "Tolvan") == expected
        assert reported() == before

        # the meeting goes on by keyboard: resume, next case
        tmux.keys("space")
        tmux.wait_for(lambda s: "PAUSED" not in s, "the case to resume")
        tmux.keys("n")
        tmux.wait_for(lambda s: "Astrid Andersson" in s and "▶ active" in s.split("Astrid Andersson")[1][:40], "next case")
        tmux.keys("C-q")
    finally:
        store.close()
    assert expected >= 2  # the screen showed 3 s; the last beat before the kill is at least 2 s in


HOSTILE = "\x1b]2;HIJACKED\x07\x1b]52;c;SGlqYWNrZWQ=\x07\x1b[2J\x9b31m\u202e"


def test_text_from_the_store_is_shown_not_obeyed_by_the_terminal(tmp_path, tmux):
    """A name with a title, a clipboard write and a clear screen in it (an old store, an edit by hand):
    the real terminal shows the name and keeps its title and clipboard."""
    import sqlite3

    from huddle.services import agenda, meeting
    from huddle.store import Store

    db = tmp_path / "huddle.db"
    r = run_huddle("patient", "add", "--pnr", "19121212-1212", "--name", "Tolvan Tolvansson", "--unit", "Avd 12",
                   "--municipality", "Kalmar", "--question", "Hemtjänst?", db=db)
    assert r.returncode == 0, r.stderr
    store = Store.open(str(db), create=False)
    try:
        day = agenda.default_date(store)
        case_id = agenda.list_agenda(store, day, with_identity=False)[0].case_id
        meeting.add_decision(store, case_id, text="Hembesök", responsible_org="Kalmar")
        meeting.attendance_join(store, day, name="Eva Ek", organisation="Kalmar", role=None)
    finally:
        store.close()
    con = sqlite3.connect(db)
    con.execute("UPDATE patient SET name = ?", (f"Tolvan{HOSTILE} Tolvansson",))
    con.execute('UPDATE "case" SET unit = ?, question = ?', (f"Avd{HOSTILE} 12", f"Hemtjänst{HOSTILE}?"))
    con.execute("UPDATE decision SET text = ?", (f"Hembesök{HOSTILE} i morgon",))
    con.execute("UPDATE attendance SET name = ?", (f"Eva{HOSTILE} Ek",))
    con.commit()
    con.close()

    conf = tmp_path / "tmux.conf"
    conf.write_text("set -g set-clipboard on\n")  # an OSC 52 would land in tmux's paste buffers
    command = f"env -u COLUMNS -u LINES HUDDLE_LANG=en TERM=xterm-256color {HUDDLE_BIN} --db {db}"
    tmux.run("-f", str(conf), "new-session", "-d", "-s", tmux.session, "-x", "140", "-y", "45", command)
    tmux.wait_for(lambda s: "Agenda for" in s and "Tolvan Tolvansson" in s, "the agenda with the cleaned name")
    tmux.keys("l")
    tmux.wait_for(lambda s: "Meeting: planned" in s and "Eva Ek" in s, "the live screen with the attendance")
    tmux.start_meeting()
    screen = tmux.wait_for(lambda s: "▶ active" in s and "Hembesök i morgon" in s, "the card with the decision")
    assert "Avd 12" in screen
    title = tmux.run("display-message", "-p", "-t", tmux.session, "#{pane_title}")
    buffers = tmux.run("list-buffers")
    tmux.keys("C-q")
    assert "HIJACKED" not in title, title
    assert buffers == "", buffers
