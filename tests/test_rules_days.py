"""The meeting calendar: weekdays minus Swedish public holidays, plus local closed and extra days."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from huddle.domain.days import SWEDISH, MeetingCalendar, holiday_name
from huddle.errors import InputError

DATES = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))


@settings(deadline=None)
@given(d=DATES)
def test_the_next_meeting_day_is_the_first_weekday_on_or_after_that_is_no_holiday(d):
    n = SWEDISH.next(d)
    assert n >= d and n.weekday() < 5 and holiday_name(n, "en") is None
    # The longest gap in a Swedish year is Easter (Good Friday to Easter Monday) and Christmas.
    assert (n - d).days <= 5
    assert all(not SWEDISH.is_meeting_day(d + timedelta(days=i)) for i in range((n - d).days))
    later = SWEDISH.next(d, include_today=False)
    assert later > d and SWEDISH.is_meeting_day(later)
    p = SWEDISH.previous(d)
    assert p < d and SWEDISH.is_meeting_day(p)
    assert all(not SWEDISH.is_meeting_day(p + timedelta(days=i)) for i in range(1, (d - p).days))
    assert SWEDISH.next(p, include_today=False) >= (d if SWEDISH.is_meeting_day(d) else n)


@settings(deadline=None)
@given(d=DATES, closed=st.sets(DATES, max_size=5), extra=st.sets(DATES, max_size=5))
def test_local_closed_and_extra_days_win_over_the_calendar(d, closed, extra):
    cal = MeetingCalendar.of(closed, extra)
    if d in extra:
        assert cal.is_meeting_day(d) and cal.why_not(d) is None
    elif d in closed:
        assert not cal.is_meeting_day(d) and cal.why_not(d, "en") == "closed by local decision"
    else:
        assert cal.is_meeting_day(d) == SWEDISH.is_meeting_day(d)
    assert cal.is_meeting_day(cal.next(d))


# Worked out by hand from the Swedish calendar (Lag 1989:253 om allmänna helgdagar, and the
# eves workplaces treat as holidays).
@pytest.mark.parametrize("day, after, why", [
    (date(2026, 12, 23), date(2026, 12, 28), None),  # Wednesday: next is Monday after Christmas
    (date(2026, 12, 30), date(2027, 1, 4), None),  # New Year's Eve (Thu), New Year's Day (Fri), weekend
    (date(2026, 4, 2), date(2026, 4, 7), None),  # Maundy Thursday: Good Friday, Easter, Easter Monday
    (date(2026, 6, 18), date(2026, 6, 22), None),  # Midsummer Eve is a Friday
    (date(2026, 5, 13), date(2026, 5, 15), None),  # Ascension Day (Thu); the squeeze day Friday is a meeting day
    (date(2028, 6, 5), date(2028, 6, 7), None),  # National Day on a Tuesday
    (date(2027, 1, 5), date(2027, 1, 7), None),  # Epiphany on a Wednesday
])
def test_worked_examples(day, after, why):
    assert SWEDISH.is_meeting_day(day)
    assert SWEDISH.next(day, include_today=False) == after
    assert SWEDISH.previous(after) == day


def test_why_a_day_has_no_meeting_in_both_languages():
    assert SWEDISH.why_not(date(2026, 12, 24), "sv") == "Julafton"
    assert SWEDISH.why_not(date(2026, 12, 24), "en") == "Christmas Eve"
    assert SWEDISH.why_not(date(2026, 6, 19), "sv") == "Midsommarafton"
    assert SWEDISH.why_not(date(2026, 12, 5), "sv") == "helg"
    assert SWEDISH.why_not(date(2026, 12, 7), "en") is None
    with pytest.raises(InputError) as e:
        SWEDISH.check(date(2026, 12, 25))
    assert str(e.value) == "2026-12-25 is not a meeting day (Christmas Day); the next meeting day is 2026-12-28."


def test_a_squeeze_day_closed_locally_moves_the_next_meeting():
    cal = MeetingCalendar.of(closed=[date(2026, 5, 15)])
    assert cal.next(date(2026, 5, 13), include_today=False) == date(2026, 5, 18)
    sunday = MeetingCalendar.of(extra=[date(2026, 12, 27)])
    assert sunday.next(date(2026, 12, 23), include_today=False) == date(2026, 12, 27)
