"""Running a huddle: the live meeting's every action is one short transaction, stored when it happens.

Time is kept as persisted intervals (start, stop) per case; an open interval
carries a heartbeat written while the app runs, so a crash or kill loses at
most one heartbeat of time.  Every function that changes a case calls
``rollup.refresh`` in the same transaction and writes an audit event.

API contract used by the screens (``screens/``), the command line and the video room.
"""

from __future__ import annotations

from datetime import date, datetime

from huddle.dto import (
    AttendanceInfo,
    BlockerInfo,
    DecisionInfo,
    FinishResult,
    LiveState,
    ReadinessInfo,
)
from huddle.store import Store

DECISION_KINDS = ("home_visit", "sip_meeting", "medication_review", "other")
READINESS_STATES = ("not_ready", "expected", "ready", "discharged")


def load_live(store: Store, day: date) -> LiveState:
    """The huddle of ``day`` (created empty if missing), after recovering stale open intervals."""
    raise NotImplementedError


def start_meeting(store: Store, day: date) -> LiveState:
    """planned -> running; the first waiting case becomes active with an open interval."""
    raise NotImplementedError


def next_case(store: Store, day: date) -> LiveState:
    """Close the current case as done and activate the next waiting one (by position)."""
    raise NotImplementedError


def toggle_pause(store: Store, day: date) -> LiveState:
    """Close the current case's open interval, or open a new one."""
    raise NotImplementedError


def back(store: Store, day: date) -> LiveState:
    """Return to the previous case (by position): the current goes back to waiting (or done if
    it had been done before); the previous becomes active with a new interval."""
    raise NotImplementedError


def select_case(store: Store, day: date, case_id: int) -> LiveState:
    """Make any non-deferred case of this huddle the current one."""
    raise NotImplementedError


def defer_case(store: Store, day: date, reason: str) -> LiveState:
    """The current case becomes deferred with ``reason``; the next waiting case becomes active."""
    raise NotImplementedError


def finish_meeting(store: Store, day: date) -> FinishResult:
    """running -> finished.  Cases not reached move to the next meeting day with the reason
    "not reached"; deferred ones move with their reason; both keep their history (carried_from_id)."""
    raise NotImplementedError


def heartbeat(store: Store, day: date) -> None:
    """Stamp the open interval of the running case with now (called about once a second)."""
    raise NotImplementedError


def add_decision(
    store: Store,
    case_id: int,
    *,
    text: str,
    responsible_org: str | None,
    responsible_person: str | None = None,
    due_date: date | None = None,
    kind: str = "other",
) -> DecisionInfo:
    raise NotImplementedError


def set_decision_done(store: Store, decision_id: int, done: bool = True) -> DecisionInfo:
    raise NotImplementedError


def set_readiness(
    store: Store,
    case_id: int,
    *,
    state: str,
    expected_date: date | None = None,
    ready_at: datetime | None = None,
    discharged_date: date | None = None,
) -> ReadinessInfo:
    raise NotImplementedError


def add_blocker(store: Store, case_id: int, *, what: str, owner_org: str) -> BlockerInfo:
    raise NotImplementedError


def resolve_blocker(store: Store, blocker_id: int) -> BlockerInfo:
    raise NotImplementedError


def mark_day(store: Store, case_id: int, colour: str, note: str | None = None) -> str:
    """Red or green day for this patient on this huddle (one mark per case, last one wins)."""
    raise NotImplementedError


def attendance_join(
    store: Store,
    day: date,
    *,
    name: str,
    organisation: str | None,
    role: str | None,
    source: str = "manual",
    staff_id: int | None = None,
) -> AttendanceInfo:
    raise NotImplementedError


def attendance_leave(store: Store, attendance_id: int) -> AttendanceInfo:
    raise NotImplementedError


def update_huddle_settings(store: Store, day: date, *, target_s: int | None = None, timebox_s: int | None = None) -> None:
    raise NotImplementedError


def case_summary(store: Store, case_id: int) -> str:
    """Plain text, in the current language, ready to paste into the record system."""
    raise NotImplementedError


def huddle_summaries(store: Store, day: date) -> list[dict]:
    """One dict per case (for --format json) with a "text" key holding case_summary's text."""
    raise NotImplementedError
