"""A real terminal for the tests: one private tmux server, driven with send-keys, read with capture-pane."""

from __future__ import annotations

import subprocess
import time
import uuid
from pathlib import Path


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

    def start_meeting(self) -> str:
        """``s`` on the live screen, confirmed when the app asks (the meeting is not today's when the
        suite runs on a day without a meeting, e.g. CI's Easter Sunday): the screen with a case running."""
        self.keys("s")
        screen = self.wait_for(lambda s: "▶ active" in s or "Start anyway?" in s, "the meeting to start")
        if "▶ active" not in screen:
            self.keys("y")
            screen = self.wait_for(lambda s: "▶ active" in s, "the first case to run")
        return screen

    def kill_server(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True, timeout=20)
