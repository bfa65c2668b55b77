"""Small frozen values that services hand to screens and the command line (never ORM objects)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from huddle.domain.text import ShownText


@dataclass(frozen=True)
class CaseRow(ShownText):
    """One line of an agenda."""

    case_id: int
    huddle_date: date
    position: int
    patient_id: int
    pnr: str | None
    name: str | None
    unit: str | None
    municipality: str | None
    question: str
    state: str
    added_by: str | None
    added_at: datetime
    version: int
    seconds: float = 0.0
    defer_reason: str | None = None
    carried: bool = False
    carried_from: date | None = None  # the day of the huddle it was carried over from (agenda rows)

    def to_json(self) -> dict:
        return {
            "position": self.position,
            "pnr": self.pnr,
            "name": self.name,
            "unit": self.unit,
            "municipality": self.municipality,
            "question": self.question,
            "state": self.state,
        }


@dataclass(frozen=True)
class HuddleInfo:
    huddle_id: int
    date: date
    state: str
    target_s: int
    timebox_s: int
    started_at: datetime | None
    finished_at: datetime | None
    cases: tuple[CaseRow, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class DecisionInfo(ShownText):
    decision_id: int
    case_id: int
    huddle_date: date
    text: str
    responsible_org: str | None
    responsible_person: str | None
    due_date: date | None
    kind: str  # home_visit | sip_meeting | medication_review | other
    done: bool
    created_at: datetime


@dataclass(frozen=True)
class ReadinessInfo:
    state: str  # not_ready | expected | ready | discharged
    expected_date: date | None
    ready_at: datetime | None
    discharged_date: date | None
    recorded_at: datetime | None
    # Derived under the configured liability rule (None unless ready/discharged):
    ready_days: int | None = None
    liable_days: int | None = None
    first_liable_day: date | None = None
    sip_deadline: date | None = None


@dataclass(frozen=True)
class BlockerInfo(ShownText):
    blocker_id: int
    what: str
    owner_org: str
    opened_at: datetime
    resolved_at: datetime | None


@dataclass(frozen=True)
class AttendanceInfo(ShownText):
    attendance_id: int
    name: str
    organisation: str | None
    role: str | None
    source: str  # manual | room
    joined_at: datetime
    left_at: datetime | None


@dataclass(frozen=True)
class PatientCard(ShownText):
    """Everything the live screen shows about the current patient."""

    case: CaseRow
    admission_date: date | None
    care_contact: str | None
    open_decisions: tuple[DecisionInfo, ...]  # open ones from earlier huddles
    decisions: tuple[DecisionInfo, ...]  # taken on this case
    readiness: ReadinessInfo | None
    blockers: tuple[BlockerInfo, ...]  # unresolved
    day_mark: str | None  # red | green | None
    day_note: str | None = None  # what the red/green mark says ("Väntar på hemtjänstbeslut")
    carried_from: date | None = None  # the day of the huddle this case was carried over from
    carried_seconds: float = 0.0  # the time it had there (discussed, or never reached)


@dataclass(frozen=True)
class LiveState(ShownText):
    """A huddle as the live screen needs it; the timer is computed from ``current_intervals`` and the clock."""

    huddle: HuddleInfo
    cases: tuple[CaseRow, ...]
    current_case_id: int | None
    running: bool  # the current case has an open interval
    current_intervals: tuple  # tuple[huddle.domain.timing.Interval, ...]
    card: PatientCard | None
    attendance: tuple[AttendanceInfo, ...]
    missing_roles: tuple[str, ...]
    # (case id, ("sip", "liable")): a patient still ready whose SIP deadline or first payment-liable
    # day has arrived (``huddle.domain.summary.readiness_alerts``).
    alerts: tuple[tuple[int, tuple[str, ...]], ...] = ()
    # When the store was read: the heartbeats in ``current_intervals`` are judged as of then
    # (``huddle.domain.timing.case_seconds(..., seen_at=as_of)``), so a screen between reloads counts on.
    as_of: datetime | None = None
    kept: bool = False  # this app keeps the running case's time (it counts on to now, whatever the heartbeat)


@dataclass(frozen=True)
class FinishResult:
    huddle_date: date
    next_date: date
    carried: tuple[CaseRow, ...]  # the new cases on the next huddle
