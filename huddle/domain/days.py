"""Meeting days: weekdays that are not Swedish public holidays, with local exceptions.

The group meets Monday to Friday, except on the public holidays of Sweden and the days
Swedish workplaces treat as such (Midsummer Eve, Christmas Eve, New Year's Eve), as the
maintained ``holidays`` package lists them (no hand-kept list to go stale).  A region adds
its own exceptions as settings: ``closed_days`` (a weekday without a meeting, e.g. a
squeeze day) and ``extra_days`` (a meeting on a day that would otherwise have none).

Carry-over, "the next meeting day", the agenda's n/p keys and the command line's
``--date`` all ask the one ``MeetingCalendar``.  ``holidays`` costs ~0.16 s to import, so
it is imported the first time a date is looked up, not when this module is.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

# Far enough for a holiday season or a long closure; a calendar with no meeting day within a
# year is refused rather than searched for ever.
_SEARCH_DAYS = 366


@lru_cache(maxsize=64)
def _holidays(year: int, lang: str) -> dict[date, str]:
    from holidays.countries.sweden import Sweden

    language = "sv" if lang == "sv" else "en_US"
    found = Sweden(years=year, include_sundays=False, language=language, categories=("public", "de_facto"))
    return dict(found.items())


def holiday_name(d: date, lang: str | None = None) -> str | None:
    """The Swedish public holiday (or de facto one) on ``d``, named in ``lang``; None if none."""
    if lang is None:
        from huddle.i18n import get_language

        lang = get_language()
    return _holidays(d.year, lang).get(d)


@dataclass(frozen=True)
class MeetingCalendar:
    closed: frozenset[date] = frozenset()
    extra: frozenset[date] = frozenset()

    @classmethod
    def of(cls, closed: Iterable[date] = (), extra: Iterable[date] = ()) -> MeetingCalendar:
        return cls(frozenset(closed), frozenset(extra))

    def why_not(self, d: date, lang: str | None = None) -> str | None:
        """Why ``d`` is no meeting day, as a person reads it; None when it is one."""
        from huddle.i18n import t

        if d in self.extra:
            return None
        if d in self.closed:
            return t("days.closed", lang=lang)
        name = holiday_name(d, lang)
        if name is not None:
            return name
        if d.weekday() >= 5:
            return t("days.weekend", lang=lang)
        return None

    def is_meeting_day(self, d: date) -> bool:
        if d in self.extra:
            return True
        return d.weekday() < 5 and d not in self.closed and d not in _holidays(d.year, "en")

    def next(self, d: date, *, include_today: bool = True) -> date:
        """The first meeting day on or after ``d`` (after ``d`` when include_today is False)."""
        day = d if include_today else d + timedelta(days=1)
        for _ in range(_SEARCH_DAYS):
            if self.is_meeting_day(day):
                return day
            day += timedelta(days=1)
        raise ValueError(f"no meeting day within a year after {d.isoformat()}")

    def previous(self, d: date) -> date:
        """The last meeting day before ``d``."""
        day = d - timedelta(days=1)
        for _ in range(_SEARCH_DAYS):
            if self.is_meeting_day(day):
                return day
            day -= timedelta(days=1)
        raise ValueError(f"no meeting day within a year before {d.isoformat()}")

    def check(self, d: date) -> date:
        """``d`` if it is a meeting day; otherwise InputError saying why and which day is next."""
        from huddle.errors import InputError

        reason = self.why_not(d)
        if reason is None:
            return d
        raise InputError("days.not_a_meeting_day", date=d.isoformat(), reason=reason, next=self.next(d).isoformat())


SWEDISH = MeetingCalendar()


# The calendar without local exceptions (for callers with no store at hand).
def is_meeting_day(d: date) -> bool:
    return SWEDISH.is_meeting_day(d)


def next_meeting_day(d: date, *, include_today: bool = True) -> date:
    return SWEDISH.next(d, include_today=include_today)
