"""The store's meeting calendar: which days have a meeting, and local closed and extra days."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from sqlalchemy import func, select

from db import settings as settings_db
from db.models import Case, Huddle
from huddle.errors import InputError
from huddle.store import Store

CALENDAR_ROLES = ("facilitator", "admin")
MAX_RANGE_DAYS = 366


@dataclass(frozen=True)
class DayInfo:
    day: date
    meeting: bool
    reason: str | None  # why there is no meeting (a holiday's name, a weekend, closed), or "extra"
    extra: bool = False


def meeting_days(store: Store, start: date, end: date) -> list[DayInfo]:
    """Every day from ``start`` to ``end``: a meeting or not, and why not."""
    from huddle.i18n import t

    if end < start:
        start, end = end, start
    if (end - start).days + 1 > MAX_RANGE_DAYS:
        raise InputError("days.range_too_long", start=start.isoformat(), end=end.isoformat(),
                         days=(end - start).days + 1)
    with store.read() as s:
        cal = settings_db.load(s).calendar
    out = []
    day = start
    while day <= end:
        extra = day in cal.extra
        out.append(DayInfo(day, cal.is_meeting_day(day), t("days.extra") if extra else cal.why_not(day), extra))
        day += timedelta(days=1)
    return out


def set_day(store: Store, day: date, mode: str) -> str:
    """Make ``day`` closed (no meeting), an extra meeting day, or follow the calendar again ("default").

    A day with cases on its agenda is not closed: they would never be discussed. Logged."""
    store.require(*CALENDAR_ROLES)
    if mode not in ("closed", "extra", "default"):
        raise InputError("days.bad_mode", value=mode)
    with store.write() as s:
        cfg = settings_db.load(s)
        closed = set(cfg.closed_days) - {day.isoformat()}
        extra = set(cfg.extra_days) - {day.isoformat()}
        if mode == "closed":
            count = s.scalar(
                select(func.count(Case.id)).join(Huddle, Case.huddle_id == Huddle.id).where(Huddle.date == day)
            ) or 0
            if count:
                raise InputError("days.has_cases", date=day.isoformat(), count=count)
            closed.add(day.isoformat())
        elif mode == "extra":
            extra.add(day.isoformat())
        settings_db.save(s, replace(cfg, closed_days=tuple(sorted(closed)), extra_days=tuple(sorted(extra))))
        store.audit(s, "update", f"calendar.{mode} {day.isoformat()}")
    return mode
