"""Test harness only: a child process reads the time of the test that started it.

A test puts this folder on the child's ``PYTHONPATH`` and the test's current
(fake) time in ``HUDDLE_TEST_CLOCK`` (see ``tests.conftest.child_env``).  Python
imports ``sitecustomize`` at start-up, before ``huddle`` runs, so every clock
default in the child (the store, the command line, the room) starts at the
test's time and runs on at the real pace from there, like ``faketime -f @T``.

The product itself never reads ``HUDDLE_TEST_CLOCK``: outside the tests this
file is not on any path, and the access log keeps the system's time.
"""

from __future__ import annotations

import os


def _install() -> None:
    when = os.environ.get("HUDDLE_TEST_CLOCK")
    if not when:
        return
    import time
    from datetime import datetime, timedelta

    from huddle.domain.clock import UTC, install_process_clock

    start = datetime.fromisoformat(when).astimezone(UTC)
    t0 = time.monotonic()

    class RunningClock:
        def now(self) -> datetime:
            return start + timedelta(seconds=time.monotonic() - t0)

    install_process_clock(RunningClock())


_install()
