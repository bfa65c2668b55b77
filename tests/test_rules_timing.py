"""Case time, the per-case timer and the meeting's time box: property tests over plain values."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from huddle.domain.clock import UTC
from huddle.domain.timing import (
    DEFAULT_TARGET_S,
    STALE_GRACE_S,
    Interval,
    TimerState,
    case_seconds,
    format_seconds,
    interval_end,
    interval_seconds,
    is_stale,
    recovered_stop,
    time_box,
    timer_state,
    whole_seconds,
)

T0 = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


def at(s: float) -> datetime:
    return T0 + timedelta(seconds=s)


# A meeting as a sequence of (case, seconds spoken, seconds of pause after): the facilitator
# switches between cases, pauses and resumes.  The naive model just adds the spoken seconds.
steps = st.lists(
    st.tuples(st.integers(0, 3), st.integers(0, 900), st.integers(0, 300)),
    min_size=1,
    max_size=30,
)


@settings(max_examples=300, deadline=None)
@given(steps=steps)
def test_case_time_is_the_sum_of_its_intervals_across_pauses_and_switching_back(steps):
    intervals: dict[int, list[Interval]] = {}
    spoken: dict[int, int] = {}
    t = 0
    for case, talk, pause in steps:
        intervals.setdefault(case, []).append(Interval(at(t), at(t + talk)))
        spoken[case] = spoken.get(case, 0) + talk
        t += talk + pause
    now = at(t + 10_000)  # long after: closed intervals do not grow
    for case, ivs in intervals.items():
        assert case_seconds(ivs, now) == spoken[case]
    assert sum(case_seconds(ivs, now) for ivs in intervals.values()) == sum(talk for _, talk, _ in steps)


@settings(deadline=None)
@given(start=st.integers(0, 10_000), elapsed=st.integers(0, 10_000), before=st.lists(st.integers(0, 600), max_size=5))
def test_a_running_interval_counts_up_to_now(start, elapsed, before):
    closed = [Interval(at(-10_000 + 700 * i), at(-10_000 + 700 * i + s)) for i, s in enumerate(before)]
    running = Interval(at(start), heartbeat=at(start + elapsed))  # the app beats while it runs
    assert case_seconds([*closed, running], at(start + elapsed)) == sum(before) + elapsed


def test_a_clock_before_the_start_never_gives_negative_time():
    assert interval_seconds(Interval(at(100)), at(50)) == 0.0
    assert interval_seconds(Interval(at(100), at(90)), at(200)) == 0.0


class TestCrashRecovery:
    def test_an_interval_left_open_by_a_crash_ends_at_its_last_heartbeat(self):
        iv = Interval(at(0), None, heartbeat=at(130))
        assert is_stale(iv, at(3600))
        assert recovered_stop(iv, at(3600)) == at(130)
        assert interval_seconds(Interval(iv.start, recovered_stop(iv, at(3600))), at(3600)) == 130

    def test_without_a_heartbeat_nothing_unproven_is_counted(self):
        iv = Interval(at(50))
        assert recovered_stop(iv, at(3600)) == at(50)

    def test_a_live_interval_is_not_stale(self):
        iv = Interval(at(0), None, heartbeat=at(100))
        assert not is_stale(iv, at(100 + STALE_GRACE_S))
        assert is_stale(iv, at(100.001 + STALE_GRACE_S))
        assert not is_stale(Interval(at(0), at(10)), at(10_000))

    @settings(deadline=None)
    @given(start=st.integers(0, 1000), beat=st.integers(-100, 5000), now=st.integers(0, 6000))
    def test_recovered_stop_lies_between_start_and_now(self, start, beat, now):
        iv = Interval(at(start), None, heartbeat=at(start + beat))
        stop = recovered_stop(iv, at(start + now))
        assert stop <= at(start + now)
        assert stop >= min(at(start), at(start + now))
        if 0 <= beat <= now:
            assert stop == at(start + beat)

    def test_a_closed_interval_keeps_its_stop(self):
        iv = Interval(at(0), at(42), heartbeat=at(40))
        assert recovered_stop(iv, at(100)) == at(42)


class TestOneRuleForACasesTime:
    """Every reader (screen, summary, rollup, stats, export, banner) counts with ``case_seconds``."""

    def test_an_open_interval_kept_alive_runs_to_now(self):
        iv = Interval(at(0), None, heartbeat=at(59.5))
        assert interval_end(iv, at(60)) == at(60)
        assert case_seconds([iv], at(60)) == 60

    def test_an_open_interval_whose_app_is_gone_ends_at_its_last_heartbeat(self):
        iv = Interval(at(0), None, heartbeat=at(43))
        assert [case_seconds([iv], at(now)) for now in (46, 52, 59, 3600)] == [43, 43, 43, 43]

    def test_seen_at_judges_the_heartbeat_when_it_was_read(self):
        # A screen that read the heartbeats at 100 (fresh then) counts on to its own now.
        iv = Interval(at(0), None, heartbeat=at(99.5))
        assert case_seconds([iv], at(104), seen_at=at(100)) == 104
        assert case_seconds([iv], at(104)) == 99.5

    @settings(deadline=None)
    @given(start=st.integers(0, 1000), beat=st.integers(0, 5000), gap=st.integers(0, 10_000),
           before=st.lists(st.integers(0, 600), max_size=4))
    def test_the_time_is_the_same_before_and_after_the_restart_closes_the_interval(self, start, beat, gap, before):
        closed = [Interval(at(-10_000 + 700 * i), at(-10_000 + 700 * i + s)) for i, s in enumerate(before)]
        left = Interval(at(start), None, heartbeat=at(start + beat))
        now = at(start + beat + STALE_GRACE_S + 0.001 + gap)  # the app is gone
        assert is_stale(left, now)
        restarted = Interval(left.start, recovered_stop(left, now), heartbeat=recovered_stop(left, now))
        assert case_seconds([*closed, left], now) == case_seconds([*closed, restarted], now) == sum(before) + beat

    @pytest.mark.parametrize("seconds, shown", [(0, 0), (0.49, 0), (0.5, 1), (17.5, 18), (18.4999, 18), (2.5, 3)])
    def test_whole_seconds_round_half_up(self, seconds, shown):
        assert whole_seconds(seconds) == shown


class TestTimerState:
    @pytest.mark.parametrize(
        "elapsed, state",
        [(0, "within"), (239, "within"), (239.999, "within"), (240, "warning"), (299, "warning"),
         (300, "warning"), (300.001, "over"), (301, "over"), (10_000, "over")],
    )
    def test_default_target_boundaries(self, elapsed, state):
        assert timer_state(elapsed) == TimerState(state)
        assert DEFAULT_TARGET_S == 300

    @settings(max_examples=500, deadline=None)
    @given(target=st.integers(1, 7200), elapsed=st.integers(0, 20_000))
    def test_warning_from_80_percent_and_over_past_100_percent_exactly(self, target, elapsed):
        # Exact integer arithmetic as the model: 80 % of 7 s is 5.6 s, so 5 s is within and 6 s is warning.
        if elapsed > target:
            expected = TimerState.OVER
        elif 5 * elapsed >= 4 * target:
            expected = TimerState.WARNING
        else:
            expected = TimerState.WITHIN
        assert timer_state(elapsed, target) is expected

    @settings(deadline=None)
    @given(target=st.integers(1, 7200), a=st.floats(0, 20_000), b=st.floats(0, 20_000))
    def test_state_never_goes_back_as_time_passes(self, target, a, b):
        order = [TimerState.WITHIN, TimerState.WARNING, TimerState.OVER]
        lo, hi = sorted((a, b))
        assert order.index(timer_state(lo, target)) <= order.index(timer_state(hi, target))

    def test_a_target_of_five_is_amber_at_four_seconds(self):
        assert timer_state(3, 5) is TimerState.WITHIN
        assert timer_state(4, 5) is TimerState.WARNING
        assert timer_state(5.6, 7) is TimerState.WARNING  # 0.8 * 7 in floating point is just above 5.6


class TestTimeBox:
    @settings(max_examples=300, deadline=None)
    @given(
        timebox=st.integers(60, 3 * 3600),
        since_start=st.integers(0, 4 * 3600),
        target=st.integers(30, 900),
        current=st.one_of(st.none(), st.integers(0, 2000)),
        waiting=st.integers(0, 30),
    )
    def test_time_left_is_shared_over_the_cases_left(self, timebox, since_start, target, current, waiting):
        now = at(since_start)
        tb = time_box(now=now, started_at=T0, timebox_s=timebox, target_s=target, current_elapsed_s=current, waiting=waiting)
        left = timebox - since_start
        cases_left = waiting + (current is not None)
        assert tb.time_left_s == left
        assert tb.cases_left == cases_left
        assert tb.planned_end == at(timebox)
        if cases_left:
            assert tb.per_case_s == pytest.approx(max(left, 0) / cases_left)
        assert tb.per_case_s >= 0
        rest = max(target - current, 0) if current is not None else 0
        assert tb.projected_end == now + timedelta(seconds=rest + target * waiting)
        assert tb.projected_over_s == pytest.approx(since_start + rest + target * waiting - timebox)

    def test_a_typical_meeting(self):
        # 90-minute box, 20 minutes in, current case 2 min in, 10 waiting at 5 min each.
        tb = time_box(now=at(1200), started_at=T0, timebox_s=5400, target_s=300, current_elapsed_s=120, waiting=10)
        assert tb.cases_left == 11
        assert tb.per_case_s == pytest.approx(4200 / 11)
        assert tb.projected_end == at(1200 + 180 + 3000)
        assert tb.projected_over_s == 4380 - 5400

    def test_an_over_run_box_projects_past_its_end_and_shares_nothing(self):
        tb = time_box(now=at(6000), started_at=T0, timebox_s=5400, target_s=300, current_elapsed_s=400, waiting=2)
        assert tb.time_left_s == -600
        assert tb.per_case_s == 0
        assert tb.projected_end == at(6600)
        assert tb.projected_over_s == 1200

    def test_nothing_left_to_discuss(self):
        tb = time_box(now=at(600), started_at=T0, timebox_s=5400, target_s=300, current_elapsed_s=None, waiting=0)
        assert tb.cases_left == 0
        assert tb.per_case_s == 4800
        assert tb.projected_end == at(600)


@pytest.mark.parametrize(
    "seconds, text",
    [(0, "0:00"), (59.9, "0:59"), (60, "1:00"), (300, "5:00"), (3599, "59:59"), (3600, "1:00:00"),
     (3661, "1:01:01"), (-30, "-0:30"), (-3700, "-1:01:40"), (-0.4, "0:00")],
)
def test_format_seconds(seconds, text):
    assert format_seconds(seconds) == text
