"""Discharge readiness: ready days, the first payment-liable day under a configured rule, the SIP deadline.

Local days are checked against an independent model of Swedish time (CET/CEST switch at 01:00 UTC on
the last Sundays of March and October), so daylight-saving changes and the 12:00 cut-off are tested
without trusting the code's own time-zone handling.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from huddle.domain.clock import UTC
from huddle.domain.readiness import (
    PRESETS,
    SIP_DAYS,
    LiabilityRule,
    first_liable_day,
    liable_days,
    ready_days,
    sip_deadline,
)
from huddle.domain.settings import Settings
from huddle.errors import InputError

NATIONAL = PRESETS["national"]
STOCKHOLM = PRESETS["stockholm"]


def _last_sunday(year: int, month: int) -> date:
    d = date(year, month + 1, 1) - timedelta(days=1)
    return d - timedelta(days=(d.weekday() - 6) % 7)


def swedish_local(utc: datetime) -> datetime:
    """Naive local time in Sweden, by the EU rule, without zoneinfo."""
    start = datetime.combine(_last_sunday(utc.year, 3), time(1), UTC)
    end = datetime.combine(_last_sunday(utc.year, 10), time(1), UTC)
    offset = 2 if start <= utc < end else 1
    return (utc + timedelta(hours=offset)).replace(tzinfo=None)


def local(y, mo, d, h, mi=0, *, summer: bool) -> datetime:
    """An aware UTC instant for a Swedish wall-clock time."""
    return datetime(y, mo, d, h, mi, tzinfo=UTC) - timedelta(hours=2 if summer else 1)


instants = st.datetimes(min_value=datetime(2019, 1, 1), max_value=datetime(2035, 12, 31)).map(
    lambda d: d.replace(tzinfo=UTC)
)


class TestDocumentedInterpretation:
    """The examples written in huddle/domain/readiness.py's docstring, literally."""

    def test_national_three_grace_days_after_the_notice_day(self):
        # Lag (2017:612), no local agreement: notice on day D, grace D+1..D+3, liable from D+4.
        monday = date(2026, 11, 30)
        for hour in (0, 8, 11, 12, 16, 23):
            assert first_liable_day(local(2026, 11, 30, hour, summer=False), NATIONAL) == monday + timedelta(days=4)

    def test_stockholm_notice_monday_morning_liable_from_wednesday(self):
        assert first_liable_day(local(2026, 11, 30, 10, summer=False), STOCKHOLM) == date(2026, 12, 2)

    def test_stockholm_notice_monday_afternoon_liable_from_thursday(self):
        assert first_liable_day(local(2026, 11, 30, 14, summer=False), STOCKHOLM) == date(2026, 12, 3)

    def test_stockholm_noon_itself_is_not_before_noon(self):
        assert first_liable_day(local(2026, 11, 30, 11, 59, summer=False), STOCKHOLM) == date(2026, 12, 2)
        assert first_liable_day(local(2026, 11, 30, 12, 0, summer=False), STOCKHOLM) == date(2026, 12, 3)


class TestAroundNoonAndDaylightSaving:
    @pytest.mark.parametrize(
        "utc, local_day, before_noon",
        [
            # Spring forward (Sunday 2026-03-29 02:00 CET -> 03:00 CEST)
            (datetime(2026, 3, 28, 10, 59), date(2026, 3, 28), True),  # 11:59 CET
            (datetime(2026, 3, 29, 10, 59), date(2026, 3, 29), False),  # 12:59 CEST: same UTC, after noon
            (datetime(2026, 3, 29, 9, 59), date(2026, 3, 29), True),  # 11:59 CEST
            (datetime(2026, 3, 29, 10, 0), date(2026, 3, 29), False),  # 12:00 CEST
            (datetime(2026, 3, 28, 23, 30), date(2026, 3, 29), True),  # 00:30 local, the UTC date is the day before
            # Fall back (Sunday 2026-10-25 03:00 CEST -> 02:00 CET)
            (datetime(2026, 10, 25, 10, 59), date(2026, 10, 25), True),  # 11:59 CET
            (datetime(2026, 10, 25, 11, 0), date(2026, 10, 25), False),  # 12:00 CET
            (datetime(2026, 10, 24, 9, 59), date(2026, 10, 24), True),  # 11:59 CEST
            (datetime(2026, 10, 24, 22, 30), date(2026, 10, 25), True),  # 00:30 CEST on the 25th
            (datetime(2026, 10, 25, 0, 30), date(2026, 10, 25), True),  # 02:30 CEST, first pass
            (datetime(2026, 10, 25, 1, 30), date(2026, 10, 25), True),  # 02:30 CET, second pass
            (datetime(2026, 10, 25, 22, 59), date(2026, 10, 25), False),  # 23:59 CET
            (datetime(2026, 10, 25, 23, 0), date(2026, 10, 26), True),  # 00:00 on the 26th
        ],
    )
    def test_days_are_counted_on_the_swedish_wall_clock(self, utc, local_day, before_noon):
        at = utc.replace(tzinfo=UTC)
        assert swedish_local(at).date() == local_day  # the model agrees with the table
        stockholm_grace = 2 if before_noon else 3
        assert first_liable_day(at, STOCKHOLM) == local_day + timedelta(days=stockholm_grace)
        assert first_liable_day(at, NATIONAL) == local_day + timedelta(days=4)
        assert sip_deadline(at) == local_day + timedelta(days=3)

    def test_a_naive_timestamp_from_the_store_is_read_as_utc(self):
        naive = datetime(2026, 3, 29, 10, 59)
        assert first_liable_day(naive, STOCKHOLM) == first_liable_day(naive.replace(tzinfo=UTC), STOCKHOLM)


@settings(max_examples=500, deadline=None)
@given(at=instants, grace=st.integers(0, 10), cutoff=st.one_of(st.none(), st.times().map(lambda t: t.replace(microsecond=0))))
def test_first_liable_day_against_the_model(at, grace, cutoff):
    rule = LiabilityRule("custom", grace, cutoff)
    wall = swedish_local(at)
    counts_day0 = cutoff is not None and wall.time() < cutoff
    expected = wall.date() + timedelta(days=grace if counts_day0 else grace + 1)
    assert first_liable_day(at, rule) == expected


@settings(max_examples=300, deadline=None)
@given(at=instants, days=st.integers(-5, 60))
def test_ready_and_liable_days_against_the_model(at, days):
    notice_day = swedish_local(at).date()
    end = notice_day + timedelta(days=days)  # the discharge day (not a day in hospital) or today
    assert ready_days(at, end) == max(0, days)
    for rule in (NATIONAL, STOCKHOLM):
        first = first_liable_day(at, rule)
        assert liable_days(at, end, rule) == max(0, (end - first).days)
        assert 0 <= liable_days(at, end, rule) <= ready_days(at, end)


def test_a_patient_discharged_within_the_grace_days_costs_nothing():
    notice = local(2026, 11, 30, 9, summer=False)  # Monday 09:00
    assert ready_days(notice, date(2026, 12, 4)) == 4
    assert liable_days(notice, date(2026, 12, 4), NATIONAL) == 0  # discharged Friday, the first liable day
    assert liable_days(notice, date(2026, 12, 7), NATIONAL) == 3  # Fri, Sat, Sun
    assert liable_days(notice, date(2026, 12, 7), STOCKHOLM) == 5  # Wed..Sun


@settings(deadline=None)
@given(at=instants)
def test_sip_deadline_is_three_local_days_after_the_notice(at):
    assert SIP_DAYS == 3
    assert sip_deadline(at) == swedish_local(at).date() + timedelta(days=3)


class TestRuleAsConfiguration:
    @settings(deadline=None)
    @given(grace=st.integers(0, 365), cutoff=st.one_of(st.none(), st.times().map(lambda t: t.replace(second=0, microsecond=0))))
    def test_json_round_trip(self, grace, cutoff):
        rule = LiabilityRule("local", grace, cutoff)
        assert LiabilityRule.from_json(rule.to_json()) == rule

    @pytest.mark.parametrize(
        "text",
        ["", "not json", "[]", "[1, 2]", "3", '{"name": "x"}', '{"grace_days": -1}', '{"grace_days": "three"}',
         '{"grace_days": 2.5}', '{"grace_days": true}', '{"grace_days": 2, "day0_before": "noon"}', '{"grace_days": 9999}'],
    )
    def test_a_broken_rule_is_refused_with_a_reason(self, text):
        with pytest.raises(InputError) as e:
            LiabilityRule.from_json(text)
        assert e.value.key == "rule.bad"

    def test_settings_keep_the_rule_and_fall_back_on_broken_values(self):
        s = Settings(liability=STOCKHOLM, target_s=240)
        back = Settings.from_rows(s.to_rows())
        assert back == s
        assert Settings.from_rows({"liability": "stockholm"}).liability == STOCKHOLM
        assert Settings.from_rows({"liability": '{"grace_days": 5}'}).liability.grace_days == 5
        broken = Settings.from_rows(
            {"liability": "[]", "tz": '"Mars/Olympus_Mons"', "target_s": "-5", "timebox_s": "true",
             "needed_roles": '"needs_assessor"', "meeting_time": "25:00", "retention_days": '"ninety"'}
        )
        assert broken == Settings()
