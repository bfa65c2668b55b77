"""Typed SQLAlchemy 2 models for the whole domain of DESIGN.md.

All datetimes are stored as naive UTC (SQLite has no time zones); services
convert with ``huddle.domain.clock.to_utc``.  Columns that statistics need (unit,
municipality, target) are copied onto the case, so that the figures survive
when a patient's identity is removed.
"""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Organisation(Base):
    """A hospital ward / unit, a primary-care centre, a municipality (home care)."""

    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    # ward | primary_care | municipality | other
    kind: Mapped[str] = mapped_column(String(20), default="other")
    municipality: Mapped[str | None] = mapped_column(String(80))


class Staff(Base):
    """A staff member; with a password hash once the store has users."""

    __tablename__ = "staff"
    # Unique as an index (migration 0003 adds it to existing stores without rebuilding the table).
    __table_args__ = (Index("uq_staff_hsa_id", "hsa_id", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    username: Mapped[str | None] = mapped_column(String(60), unique=True)
    # The HSA-id of a person who signs in at the identity provider (OpenID Connect); NULL for local users.
    hsa_id: Mapped[str | None] = mapped_column(String(40))
    profession: Mapped[str | None] = mapped_column(String(80))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    # comma-separated subset of nurse, facilitator, manager, admin
    roles: Mapped[str] = mapped_column(String(80), default="")
    password_hash: Mapped[str | None] = mapped_column(String(200))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime)

    organisation: Mapped[Organisation | None] = relationship()


class Patient(Base):
    __tablename__ = "patient"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Normalised YYYYMMDD-NNNN; NULL once pseudonymised.
    pnr: Mapped[str | None] = mapped_column(String(13), unique=True)
    name: Mapped[str | None] = mapped_column(String(120))
    # A random token that replaces identity after retention.
    pseudonym: Mapped[str | None] = mapped_column(String(40), unique=True)
    municipality: Mapped[str | None] = mapped_column(String(80))
    unit: Mapped[str | None] = mapped_column(String(120))
    admission_date: Mapped[date | None] = mapped_column(Date)
    care_contact: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    pseudonymised_at: Mapped[datetime | None] = mapped_column(DateTime)


class Huddle(Base):
    """One meeting of the group, one per date."""

    __tablename__ = "huddle"

    id: Mapped[int] = mapped_column(primary_key=True)
    date: Mapped[date] = mapped_column(Date, unique=True)
    planned_start: Mapped[time | None] = mapped_column(Time)
    target_s: Mapped[int] = mapped_column(Integer, default=300)
    timebox_s: Mapped[int] = mapped_column(Integer, default=5400)
    facilitator_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    # planned | running | finished
    state: Mapped[str] = mapped_column(String(12), default="planned")
    started_at: Mapped[datetime | None] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)

    cases: Mapped[list[Case]] = relationship(back_populates="huddle", order_by="Case.position")


class Case(Base):
    """A patient on one huddle's agenda."""

    __tablename__ = "case"
    __table_args__ = (
        UniqueConstraint("huddle_id", "patient_id", name="uq_case_huddle_patient"),
        # Unique: two writers can never give two cases the same place (migration 0002).
        Index("uq_case_huddle_position", "huddle_id", "position", unique=True),
        Index("ix_case_patient", "patient_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    huddle_id: Mapped[int] = mapped_column(ForeignKey("huddle.id"))
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"))
    position: Mapped[int] = mapped_column(Integer)
    question: Mapped[str] = mapped_column(Text, default="")
    added_by: Mapped[str | None] = mapped_column(String(120))
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    added_at: Mapped[datetime] = mapped_column(DateTime)
    # waiting | active | done | deferred
    state: Mapped[str] = mapped_column(String(10), default="waiting")
    defer_reason: Mapped[str | None] = mapped_column(Text)
    # The case on an earlier huddle this one was carried over from.
    carried_from_id: Mapped[int | None] = mapped_column(ForeignKey("case.id"))
    # Snapshot for statistics (survives pseudonymisation).
    unit: Mapped[str | None] = mapped_column(String(120))
    municipality: Mapped[str | None] = mapped_column(String(80))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Optimistic concurrency: bumped on every change.
    version: Mapped[int] = mapped_column(Integer, default=1)

    huddle: Mapped[Huddle] = relationship(back_populates="cases")
    patient: Mapped[Patient] = relationship()
    intervals: Mapped[list[CaseInterval]] = relationship(
        back_populates="case", order_by="CaseInterval.started_at", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}


class CaseInterval(Base):
    """A stretch of time a case was discussed; ``stopped_at`` NULL while running (or after a crash)."""

    __tablename__ = "case_interval"
    __table_args__ = (Index("ix_case_interval_case", "case_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"))
    started_at: Mapped[datetime] = mapped_column(DateTime)
    stopped_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Written every second or so while the interval runs: a crash or kill
    # leaves the interval open, and it is closed at its last heartbeat.
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime)

    case: Mapped[Case] = relationship(back_populates="intervals")


class Decision(Base):
    __tablename__ = "decision"
    __table_args__ = (Index("ix_decision_patient", "patient_id"), Index("ix_decision_case", "case_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"))
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"))
    text: Mapped[str] = mapped_column(Text)
    responsible_org: Mapped[str | None] = mapped_column(String(120))
    responsible_person: Mapped[str | None] = mapped_column(String(120))
    due_date: Mapped[date | None] = mapped_column(Date)
    # home_visit | sip_meeting | medication_review | other
    kind: Mapped[str] = mapped_column(String(30), default="other")
    done: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by: Mapped[str | None] = mapped_column(String(120))


class Readiness(Base):
    """Discharge readiness, with history: the newest row per patient is the current state."""

    __tablename__ = "readiness"
    __table_args__ = (Index("ix_readiness_patient", "patient_id", "recorded_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case.id"))
    # not_ready | expected | ready | discharged
    state: Mapped[str] = mapped_column(String(12))
    expected_date: Mapped[date | None] = mapped_column(Date)
    ready_at: Mapped[datetime | None] = mapped_column(DateTime)
    discharged_date: Mapped[date | None] = mapped_column(Date)
    recorded_at: Mapped[datetime] = mapped_column(DateTime)
    recorded_by: Mapped[str | None] = mapped_column(String(120))


class Blocker(Base):
    """What the patient is waiting for ("väntar på") and which organisation owns it."""

    __tablename__ = "blocker"
    __table_args__ = (Index("ix_blocker_patient", "patient_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case.id"))
    what: Mapped[str] = mapped_column(Text)
    owner_org: Mapped[str] = mapped_column(String(120))
    opened_at: Mapped[datetime] = mapped_column(DateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime)


class DayMark(Base):
    """Red/green day per patient per huddle (green: everything planned happened)."""

    __tablename__ = "day_mark"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), unique=True)
    colour: Mapped[str] = mapped_column(String(5))  # red | green
    note: Mapped[str | None] = mapped_column(Text)
    marked_at: Mapped[datetime] = mapped_column(DateTime)


class Attendance(Base):
    __tablename__ = "attendance"
    __table_args__ = (Index("ix_attendance_huddle", "huddle_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    huddle_id: Mapped[int] = mapped_column(ForeignKey("huddle.id"))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    name: Mapped[str] = mapped_column(String(120))
    organisation: Mapped[str | None] = mapped_column(String(120))
    # e.g. needs_assessor, ward_nurse, physician, home_care_nurse, rehab, other
    role: Mapped[str | None] = mapped_column(String(40))
    # manual | room
    source: Mapped[str] = mapped_column(String(10), default="manual")
    joined_at: Mapped[datetime] = mapped_column(DateTime)
    left_at: Mapped[datetime | None] = mapped_column(DateTime)


class AuditEvent(Base):
    """Who read or changed which patient or case, when and what (Patientdatalagen).

    Append-only: no service updates or deletes these rows.
    """

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_patient", "patient_id", "at"), Index("ix_audit_at", "at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    actor: Mapped[str] = mapped_column(String(120))
    actor_id: Mapped[int | None] = mapped_column(Integer)
    actor_org: Mapped[str | None] = mapped_column(String(120))
    # The acting person's HSA-id when they signed in at the identity provider (migration 0003).
    actor_hsa: Mapped[str | None] = mapped_column(String(40))
    patient_id: Mapped[int | None] = mapped_column(Integer)
    case_id: Mapped[int | None] = mapped_column(Integer)
    # read | create | update | delete | export ... plus the service verb in ``what``
    action: Mapped[str] = mapped_column(String(20))
    what: Mapped[str] = mapped_column(String(200))


class Setting(Base):
    """Local configuration kept in the store (rules, targets, retention)."""

    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class CaseStat(Base):
    """Statistics rollup: one anonymous row per case, kept current by ``huddle.services.rollup``.

    No patient id, name or identity number: the figures a manager reads come
    only from here (plus the huddle's attendance), so they survive
    pseudonymisation and never carry identity.
    """

    __tablename__ = "case_stat"
    __table_args__ = (Index("ix_case_stat_date", "huddle_date"), Index("ix_case_stat_huddle", "huddle_id"))

    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), primary_key=True)
    huddle_id: Mapped[int] = mapped_column(ForeignKey("huddle.id", ondelete="CASCADE"))
    huddle_date: Mapped[date] = mapped_column(Date)
    week: Mapped[str] = mapped_column(String(8))  # ISO week, e.g. 2026-W48
    position: Mapped[int] = mapped_column(Integer)
    unit: Mapped[str | None] = mapped_column(String(120))
    municipality: Mapped[str | None] = mapped_column(String(80))
    organisation: Mapped[str | None] = mapped_column(String(120))
    state: Mapped[str] = mapped_column(String(10))
    case_version: Mapped[int] = mapped_column(Integer)
    target_s: Mapped[int] = mapped_column(Integer)
    # Whole seconds of closed intervals; NULL when the case was never discussed.
    duration_s: Mapped[int | None] = mapped_column(Integer)
    deferred: Mapped[bool] = mapped_column(Boolean)
    carried: Mapped[bool] = mapped_column(Boolean)
    meeting_s: Mapped[int | None] = mapped_column(Integer)
    huddle_held: Mapped[bool] = mapped_column(Boolean)
    readiness: Mapped[str | None] = mapped_column(String(12))
    ready_days: Mapped[int | None] = mapped_column(Integer)
    liable_days: Mapped[int | None] = mapped_column(Integer)
    sip_due: Mapped[bool] = mapped_column(Boolean)
    sip_met: Mapped[bool] = mapped_column(Boolean)
    decisions: Mapped[int] = mapped_column(Integer)
    home_visits: Mapped[int] = mapped_column(Integer)
    blockers: Mapped[int] = mapped_column(Integer)
    blocker_owner: Mapped[str | None] = mapped_column(String(400))
    day_mark: Mapped[str | None] = mapped_column(String(5))


# Look-ups the statistics rollup makes per case (kept here, beside the tables they serve).
Index("ix_readiness_case", Readiness.case_id)
Index("ix_blocker_case", Blocker.case_id)
