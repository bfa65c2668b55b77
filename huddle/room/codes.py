"""Join codes and the brake on guessing them: plain functions and one small class, no network.

A code is six characters from an alphabet without look-alikes (0/O, 1/I/L),
shown as ``ABC-DEF``; typing is forgiving (case, spaces, dashes).  It expires at
the end of the meeting's local day, or earlier when the meeting is finished.
"""

from __future__ import annotations

import hmac
import math
import secrets
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from huddle.domain.clock import DEFAULT_TZ, UTC

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


ENTROPY_BITS = CODE_LENGTH * math.log2(len(ALPHABET))  # 31**6 codes: about 29.7 bits


@dataclass
class Throttle:
    """The brake on guessing codes, which never locks out colleagues who type the right one.

    Two levels, because many colleagues may share one network address (a
    hospital's or a municipality's NAT):

    * per connection: the websocket that typed wrong codes waits longer for each
      answer (``delay``: ``base_s``, 2x, 4x ... up to ``max_s``) and keeps its socket
      for the next try.  Nobody else on the address waits for it.
    * per address: ``address_budget`` wrong codes within ``window_s`` are checked at
      once; beyond that the address is *slowed*, never shut: its joins go through a
      narrow lane (``lane_width`` at a time, ``lane_queue`` waiting at most), each
      held ``max_s`` before its code is checked, right or wrong (so a flood of
      parallel guesses learns nothing sooner, and a colleague with the right code
      is let in after the wait).  Generous: colleagues' typos (one a minute is 15
      in a window) never reach it, and a right code is never counted.
    * room-wide: past ``room_budget`` wrong codes within ``window_s`` (many
      addresses guessing together), an address with a wrong code in the window is
      refused; an address that has typed nothing wrong is still checked.

    So one address gets at most ``address_budget`` guesses per ``window_s`` plus
    ``lane_width`` per ``max_s``: ``guesses_per_hour`` and ``expected_hours_to_guess``
    say what that means.
    """

    base_s: float = 0.5
    max_s: float = 16.0
    address_budget: int = 50
    room_budget: int = 1000
    window_s: float = 900.0
    lane_width: int = 2
    lane_queue: int = 20
    now: Callable[[], float] = time.monotonic
    _fails: dict[str, list[float]] = field(default_factory=dict)
    _room: deque[float] = field(default_factory=deque)
    _lanes: dict[str, _Lane] = field(default_factory=dict)

    def _recent(self, who: str) -> list[float]:
        t = self.now()
        fails = [f for f in self._fails.get(who, []) if t - f < self.window_s]
        if fails:
            self._fails[who] = fails
        else:
            self._fails.pop(who, None)
        return fails

    def _room_recent(self) -> int:
        t = self.now()
        while self._room and t - self._room[0] >= self.window_s:
            self._room.popleft()
        return len(self._room)

    def locked_for(self, who: str) -> float:
        """Seconds this address is refused for (0: its code is checked): only while many addresses
        guess together, and only an address that has typed a wrong code in the window."""
        fails = self._recent(who)
        if not fails or self._room_recent() < self.room_budget:
            return 0.0
        return max(0.0, self.window_s - (self.now() - fails[-1]))

    def slowed(self, who: str) -> bool:
        """This address has used its budget of wrong codes: its joins go through the lane."""
        return len(self._recent(who)) >= self.address_budget

    def lane(self, who: str) -> _Lane | None:
        """The address's narrow lane, or None when too many of its joins already wait (refuse those)."""
        lane = self._lanes.get(who)
        if lane is None:
            if len(self._lanes) > 1000:  # forget idle lanes
                for other in [k for k, v in self._lanes.items() if v.idle()]:
                    del self._lanes[other]
            lane = self._lanes[who] = _Lane(self.lane_width)
        return None if lane.waiting >= self.lane_queue else lane

    def delay(self, tries: int) -> float:
        """How long the answer to a connection's ``tries``-th wrong code is held back."""
        return min(self.max_s, self.base_s * 2 ** max(0, tries - 1))

    def fail(self, who: str, tries: int = 1) -> float:
        """Record a wrong code from ``who`` (the connection's ``tries``-th); returns how long to hold the answer."""
        if len(self._fails) > 10_000:  # many addresses: forget the ones whose window has passed
            for other in list(self._fails):
                self._recent(other)
        fails = self._recent(who)
        fails.append(self.now())
        self._fails[who] = fails[-self.address_budget:]
        self._room_recent()
        self._room.append(self.now())
        return self.delay(tries)

    def guesses_per_hour(self) -> float:
        """The most codes one address can have checked in an hour (its budget, then the lane)."""
        return self.address_budget * 3600.0 / self.window_s + self.lane_width * 3600.0 / self.max_s

    def expected_hours_to_guess(self) -> float:
        """Expected hours for one address to hit a code, guessing at the highest rate it is allowed."""
        return (len(ALPHABET) ** CODE_LENGTH / 2) / self.guesses_per_hour()


class _Lane:
    """At most ``width`` joins of one slowed address at a time; how many wait for a place."""

    def __init__(self, width: int) -> None:
        import asyncio

        self._places = asyncio.Semaphore(width)
        self._width = width
        self.waiting = 0

    def idle(self) -> bool:
        return self.waiting == 0 and not self._places.locked()

    async def __aenter__(self) -> _Lane:
        self.waiting += 1
        try:
            await self._places.acquire()
        finally:
            self.waiting -= 1
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._places.release()
