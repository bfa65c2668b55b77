"""Case time, the per-case timer and the meeting's time box: plain functions over plain values.

Time is never accumulated from ticks: every value is computed from stored
interval timestamps and the clock's ``now``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from typing import Iterable

DEFAULT_TARGET_S = 300
WARNING_SHARE = 0.8


@dataclass(frozen=True)
class Interval:
    start: datetime
    stop: datetime | None = None  # None: running, or left open by a crash
    heartbeat: datetime | None = None  # last moment the running app saw it open


def interval_seconds(iv: Interval, now: datetime) -> float:
    end = iv.stop if iv.stop is not None else now
    return max(0.0, (end - iv.start).total_seconds())


def case_seconds(intervals: Iterable[Interval], now: datetime) -> float:
    """Total discussed time: closed intervals plus a running one up to ``now``."""
    return sum(interval_seconds(iv, now) for iv in intervals)


def recovered_stop(iv: Interval, now: datetime) -> datetime:
    """Where an interval left open by a crash ends: its last heartbeat.

    Without a heartbeat the interval never got one tick, so it ends where it
    started (time not proven is not counted).  Never after ``now``.
    """
    if iv.stop is not None:
        return iv.stop
    end = iv.heartbeat if iv.heartbeat is not None else iv.start
    return min(max(end, iv.start), now)


def is_stale(iv: Interval, now: datetime, grace_s: float = 5.0) -> bool:
    """An open interval whose app stopped beating: it was left by a crash or kill."""
    if iv.stop is not None:
        return False
    seen = iv.heartbeat or iv.start
    return (now - seen).total_seconds() > grace_s


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
