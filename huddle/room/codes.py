"""Join codes and the brake on guessing them: plain functions and one small class, no network.

A code is six characters from an alphabet without look-alikes (0/O, 1/I/L),
shown as ``ABC-DEF``; typing is forgiving (case, spaces, dashes).  It expires at
the end of the meeting's local day, or earlier when the meeting is finished.
"""

from __future__ import annotations

import hmac
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from huddle.clock import DEFAULT_TZ, UTC

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalise(text: str | None) -> str:
    return "".join(ch for ch in (text or "").upper() if ch.isalnum())


def display(code: str) -> str:
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"


def matches(code: str, typed: str | None) -> bool:
    return hmac.compare_digest(normalise(code).encode(), normalise(typed).encode())


def end_of_day(day: date, tz: str = DEFAULT_TZ) -> datetime:
    """The first moment after ``day`` in the meeting's local time zone, as aware UTC."""
    local_midnight = datetime.combine(day + timedelta(days=1), datetime.min.time(), ZoneInfo(tz))
    return local_midnight.astimezone(UTC)


@dataclass
class Throttle:
    """Slows down repeated wrong codes from one address.

    Each failure within ``window_s`` doubles the wait before the answer
    (``base_s``, 2x, 4x ... up to ``max_s``); after ``lock_after`` failures the
    address is refused without checking for ``lock_s``.
    """

    base_s: float = 0.5
    max_s: float = 8.0
    lock_after: int = 5
    lock_s: float = 60.0
    window_s: float = 600.0
    now: Callable[[], float] = time.monotonic
    _fails: dict[str, list[float]] = field(default_factory=dict)

    def _recent(self, who: str) -> list[float]:
        t = self.now()
        fails = [f for f in self._fails.get(who, []) if t - f < self.window_s]
        if fails:
            self._fails[who] = fails
        else:
            self._fails.pop(who, None)
        return fails

    def locked_for(self, who: str) -> float:
        """Seconds this address must still wait before it may try again (0: may try)."""
        fails = self._recent(who)
        if len(fails) < self.lock_after:
            return 0.0
        return max(0.0, self.lock_s - (self.now() - fails[-1]))

    def fail(self, who: str) -> float:
        """Record a wrong code; returns how long to hold the answer back."""
        if len(self._fails) > 10_000:  # many addresses: forget the ones whose window has passed
            for other in list(self._fails):
                self._recent(other)
        fails = self._recent(who)
        fails.append(self.now())
        self._fails[who] = fails
        return min(self.max_s, self.base_s * 2 ** (len(fails) - 1))

    def succeed(self, who: str) -> None:
        self._fails.pop(who, None)
