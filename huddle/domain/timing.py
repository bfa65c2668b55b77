"""Case time, the per-case timer and the meeting's time box: plain functions over plain values.

Time is never accumulated from ticks: every value is computed from stored
interval timestamps and the clock's ``now``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from typing import Protocol

DEFAULT_TARGET_S = 300
WARNING_SHARE = 0.8


class IntervalLike(Protocol):
    """What the rules read of an interval: an ``Interval``, or a row of the store with these columns."""

    @property
    def start(self) -> datetime: ...
    @property
    def stop(self) -> datetime | None: ...
    @property
    def heartbeat(self) -> datetime | None: ...


@dataclass(frozen=True)
class Interval:
    start: datetime
    stop: datetime | None = None  # None: running, or left open by a crash
    heartbeat: datetime | None = None  # last moment the running app saw it open


# An open interval whose heartbeat is older than this was left by an app that is gone
# (killed, crashed, lost power).  The app beats every second; two seconds keep a
# killed case's time right to within two seconds.
STALE_GRACE_S = 2.0


def is_stale(iv: IntervalLike, now: datetime, grace_s: float = STALE_GRACE_S) -> bool:
    """An open interval whose app stopped beating: it was left by a crash or kill."""
    if iv.stop is not None:
        return False
    seen = iv.heartbeat or iv.start
    return (now - seen).total_seconds() > grace_s


def recovered_stop(iv: IntervalLike, now: datetime) -> datetime:
    """Where an interval left open by a crash ends: its last heartbeat.

    Without a heartbeat the interval never got one tick, so it ends where it
    started (time not proven is not counted).  Never after ``now``.
    """
    if iv.stop is not None:
        return iv.stop
    end = iv.heartbeat if iv.heartbeat is not None else iv.start
    return min(max(end, iv.start), now)


def interval_end(iv: IntervalLike, now: datetime, seen_at: datetime | None = None, *, kept: bool = False) -> datetime:
    """Where an interval's time ends as of ``now``: THE rule for a case's time.

    Closed: at its stop.  Open and kept by a living app: at ``now``, the case runs on.
    The app is alive when its heartbeat was fresh at ``seen_at`` (when the heartbeats
    were read; default ``now``), or when the caller is that app itself (``kept``: it
    opened the interval or beats it).  Open and left by an app that is gone (stale
    heartbeat): at its last heartbeat, exactly where the restarted app will close it,
    so every reader gives the same time before and after a restart.
    """
    if iv.stop is not None:
        return iv.stop
    if not kept and is_stale(iv, seen_at if seen_at is not None else now):
        return recovered_stop(iv, now)
    return now


def interval_seconds(iv: IntervalLike, now: datetime, seen_at: datetime | None = None, *, kept: bool = False) -> float:
    return max(0.0, (interval_end(iv, now, seen_at, kept=kept) - iv.start).total_seconds())


def case_seconds(
    intervals: Iterable[IntervalLike], now: datetime, seen_at: datetime | None = None, *, kept: bool = False
) -> float:
    """A case's time as of ``now``: its intervals summed, each ending where ``interval_end`` says.

    The times may be aware, or all naive UTC as the store keeps them (rows of the store
    with ``start``/``stop``/``heartbeat`` columns, and ``now`` naive too): the same seconds.

    The live screen, the agenda, ``summary``, the rollup (and so ``stats`` and
    ``export``) and the room banner all count a case's time with this function.
    """
    total = 0.0
    for iv in intervals:  # a loop, not interval_seconds per interval: this runs on every screen update
        stop = iv.stop if iv.stop is not None else interval_end(iv, now, seen_at, kept=kept)
        seconds = (stop - iv.start).total_seconds()
        if seconds > 0:
            total += seconds
    return total


def whole_seconds(seconds: float) -> int:
    """A case's time as shown and stored: whole seconds, rounded half up (17.5 s is 18 s)."""
    return int(math.floor(seconds + 0.5))


class TimerState(str, Enum):
    WITHIN = "within"
    WARNING = "warning"
    OVER = "over"


def timer_state(elapsed_s: float, target_s: float = DEFAULT_TARGET_S) -> TimerState:
    """Within target; warning from 80 %; over-run past 100 %."""
    if target_s <= 0:
        return TimerState.OVER if elapsed_s > 0 else TimerState.WITHIN
    if elapsed_s > target_s:
        return TimerState.OVER
    # 5 * elapsed >= 4 * target, not elapsed >= 0.8 * target: 0.8 * 7 is
    # 5.6000000000000005 in binary floating point, which would turn the timer
    # amber one tick late for targets that are not multiples of five.
    if elapsed_s * 5 >= target_s * 4:
        return TimerState.WARNING
    return TimerState.WITHIN


@dataclass(frozen=True)
class TimeBox:
    time_left_s: float  # of the meeting's time box; negative once over
    cases_left: int  # the current case (if any) and the waiting ones
    per_case_s: float  # time left shared over the cases left (0 once the box is spent)
    projected_end: datetime
    planned_end: datetime

    @property
    def projected_over_s(self) -> float:
        return (self.projected_end - self.planned_end).total_seconds()


def time_box(
    *,
    now: datetime,
    started_at: datetime,
    timebox_s: float,
    target_s: float,
    current_elapsed_s: float | None,
    waiting: int,
) -> TimeBox:
    """Share what is left of the time box over the cases left, and project the end.

    The projection gives the current case what is left of its target (at least
    nothing) and every waiting case the full target.
    """
    planned_end = started_at + timedelta(seconds=timebox_s)
    left = (planned_end - now).total_seconds()
    cases_left = waiting + (1 if current_elapsed_s is not None else 0)
    # Once the box is spent there is nothing left to share: 0, never a negative share.
    per_case = max(left, 0.0) / cases_left if cases_left else max(left, 0.0)
    current_rest = max(target_s - current_elapsed_s, 0.0) if current_elapsed_s is not None else 0.0
    projected_end = now + timedelta(seconds=current_rest + target_s * waiting)
    return TimeBox(left, cases_left, per_case, projected_end, planned_end)


def format_seconds(seconds: float) -> str:
    """m:ss, or h:mm:ss past an hour; negative with a leading minus."""
    total = int(abs(seconds))
    sign = "-" if seconds < 0 and total else ""  # never "-0:00"
    h, rest = divmod(total, 3600)
    m, s = divmod(rest, 60)
    if h:
        return f"{sign}{h}:{m:02d}:{s:02d}"
    return f"{sign}{m}:{s:02d}"
