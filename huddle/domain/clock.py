"""The one clock every rule and service reads time through.

All datetimes are timezone-aware UTC.  The local zone (for meeting days and for
"before 12:00" rules) is a setting, applied where a rule needs local time.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

DEFAULT_TZ = "Europe/Stockholm"


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware (UTC)."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


_process_clock: Clock | None = None


def default_clock() -> Clock:
    """The clock this process reads when nobody handed one in: the system's.

    Every default in the product (the store, the command line, the room, the app)
    goes through here, so one call to ``install_process_clock`` moves them all.
    """
    return _process_clock if _process_clock is not None else SystemClock()


def install_process_clock(clock: Clock | None) -> None:
    """Make ``clock`` this process's default (None: the system clock again).

    Only the test harness calls this: ``tests/childclock/sitecustomize.py`` runs it at
    interpreter start in the child processes a test starts, so a child ``huddle room``
    or ``huddle user`` reads the same (fake) time as the test.  Nothing in the product
    reads an environment variable or a setting for the time: production always runs on
    the system clock, and nobody can backdate what the access log records.
    """
    global _process_clock
    _process_clock = clock


@dataclass
class FakeClock:
    """A clock tests move by hand.  Thread-safe, because workers read it."""

    current: datetime = field(default_factory=lambda: datetime(2026, 11, 30, 8, 0, tzinfo=UTC))
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def now(self) -> datetime:
        with self._lock:
            return self.current

    def advance(self, seconds: float = 0.0, **kwargs: float) -> datetime:
        with self._lock:
            self.current = self.current + timedelta(seconds=seconds, **kwargs)
            return self.current

    def set(self, when: datetime) -> None:
        if when.tzinfo is None:
            raise ValueError("FakeClock needs an aware datetime")
        with self._lock:
            self.current = when.astimezone(UTC)


def to_utc(when: datetime) -> datetime:
    """SQLite gives back naive datetimes: they are UTC by convention."""
    if when.tzinfo is None:
        return when.replace(tzinfo=UTC)
    return when.astimezone(UTC)


def local_date(when: datetime, tz: str = DEFAULT_TZ) -> date:
    return to_utc(when).astimezone(ZoneInfo(tz)).date()


def local_time(when: datetime, tz: str = DEFAULT_TZ) -> datetime:
    return to_utc(when).astimezone(ZoneInfo(tz))
