"""The real terminal: ``huddle`` in tmux, driven with send-keys, read with capture-pane.

The process is killed with SIGKILL in the middle of a case; started again, the
app shows the meeting where it was and the case's time is right to within two
seconds of the moment of the kill.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest

from tests.conftest import HUDDLE_BIN, run_huddle

pytestmark = [
    pytest.mark.tmux,
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]


class Tmux:
    """One private tmux server (its own socket), so other sessions on the machine are never touched."""

    def __init__(self, tmp: Path) -> None:
        self.socket = f"huddle-test-{uuid.uuid4().hex[:8]}"
        self.session = "huddle"

    def run(self, *args: str) -> str:
        out = subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True, timeout=20)
        return out.stdout

    def start(self, command: str) -> None:
        self.run("new-session", "-d", "-s", self.session, "-x", "120", "-y", "40", command)

    def keys(self, *keys: str) -> None:
        self.run("send-keys", "-t", self.session, *keys)

    def screen(self) -> str:
        return self.run("capture-pane", "-t", self.session, "-p")

    def wait_for(self, predicate, what: str, timeout: float = 30.0) -> str:  # noqa: ANN001
        deadline = time.monotonic() + timeout
        text = ""
        while time.monotonic() < deadline:
            text = self.screen()
            if predicate(text):
                return text
            time.sleep(0.1)
        raise AssertionError(f"waited for {what}; the screen shows:\n{text}")

    def pane_pids(self) -> list[int]:
        pids = [int(p) for p in self.run("list-panes", "-t", self.session, "-F", "#{pane_pid}").split()]
        children = []
        for pid in pids:
            try:
                kids = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
            except OSError:
                kids = []
            children += [int(k) for k in kids]
        return pids + children

    def kill_server(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True, timeout=20)


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
    tmux.keys("s")
    tmux.wait_for(lambda s: "▶ active" in s, "the first case to run")
    # let the case run a few seconds of real time (watched on screen, not slept)
    tmux.wait_for(lambda s: (_timer_seconds(s, "Tolvan") or 0) >= 3, "three seconds on the timer")

    from huddle.services import agenda, meeting
    from huddle.store import Store

    store = Store.open(str(db), create=False)
    try:
        day = agenda.default_date(store)
        live = meeting.load_live(store, day, recover=False, audit=False)
        started = live.current_intervals[0].start
        killed_at = store.now()
        for pid in tmux.pane_pids():
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        expected = (killed_at - started).total_seconds()
        tmux.kill_server()
        # Start it again a few seconds later (as a person would): it opens on the live meeting,
        # the killed case current and paused, its time kept up to the last heartbeat.
        while (store.now() - killed_at).total_seconds() < 3.0:
            time.sleep(0.1)
        tmux.start(command)
        screen = tmux.wait_for(
            lambda s: "Huddle " in s and "▶ active" in s and "PAUSED" in s, "the live screen after restart, paused"
        )
        shown = _timer_seconds(screen, "Tolvan")
        rows = {r.name: r for r in agenda.list_agenda(store, day, with_identity=False)}
        stored = rows["Tolvan Tolvansson"].seconds
        assert rows["Tolvan Tolvansson"].state == "active"
        assert abs(stored - expected) <= 2.0, (stored, expected)
        assert shown is not None and abs(shown - stored) <= 1.0, (shown, stored)

        # the meeting goes on by keyboard: resume, next case
        tmux.keys("space")
        tmux.wait_for(lambda s: "PAUSED" not in s, "the case to resume")
        tmux.keys("n")
        tmux.wait_for(lambda s: "Astrid Andersson" in s and "▶ active" in s.split("Astrid Andersson")[1][:40], "next case")
        tmux.keys("C-q")
        time.sleep(0)  # nothing to wait for: the server is killed in the fixture
    finally:
        store.close()
    assert timedelta(seconds=expected) > timedelta(seconds=2)
