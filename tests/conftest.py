"""Shared fixtures: a real temporary SQLite store and a fake clock.  No mock of the store."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from huddle.clock import UTC, FakeClock

# A Monday morning in Sweden (08:00 local = 07:00 UTC in winter).
MONDAY_0800 = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _english_by_default(monkeypatch):
    """Tests read English unless they ask for Swedish; the language is reset per test."""
    from huddle import i18n

    monkeypatch.setenv("HUDDLE_LANG", "en")
    i18n.set_language("en")
    yield
    i18n.set_language("en")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(MONDAY_0800)


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "huddle.db"


@pytest.fixture
def store(db_path, clock):
    from huddle.store import Store

    s = Store.open(str(db_path), clock=clock)
    yield s
    s.close()


HUDDLE_BIN = str(Path(sys.executable).with_name("huddle"))


def run_huddle(*args: str, db: Path | None = None, env: dict | None = None, input: bytes | None = None):
    """Run the installed ``huddle`` entry point as a user would, in a subprocess."""
    full_env = {**os.environ, "HUDDLE_LANG": "en", **(env or {})}
    cmd = [HUDDLE_BIN]
    if db is not None:
        cmd += ["--db", str(db)]
    cmd += list(args)
    return subprocess.run(cmd, capture_output=True, env=full_env, input=input, timeout=120)
