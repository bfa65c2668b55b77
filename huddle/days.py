"""Meeting days: the group meets every weekday."""

from __future__ import annotations

from datetime import date, timedelta


def is_meeting_day(d: date) -> bool:
    return d.weekday() < 5


def next_meeting_day(d: date, *, include_today: bool = True) -> date:
    """The first weekday on or after ``d`` (after ``d`` when include_today is False)."""
    day = d if include_today else d + timedelta(days=1)
    while not is_meeting_day(day):
        day += timedelta(days=1)
    return day


def previous_meeting_day(d: date) -> date:
    day = d - timedelta(days=1)
    while not is_meeting_day(day):
        day -= timedelta(days=1)
    return day
