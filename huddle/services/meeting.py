"""Running a huddle: the live meeting's every action is one short transaction, stored when it happens.

Time is kept as persisted intervals (start, stop) per case; an open interval
carries a heartbeat written while the app runs, so a crash or kill loses at
most one heartbeat of time.  Every function that changes a case calls
``rollup.refresh`` in the same transaction and writes an audit event.

API contract used by the screens (``screens/``), the command line and the video room.

Choices worth knowing:

* The current case is the huddle's one case in state ``active``; ``running``
  means it has an open interval (not paused).
* ``load_live`` closes open intervals whose heartbeat is stale (a crash or
  kill; the case stays active but paused) on a Store's first load of a day: a
  restarted app is a new Store.  Later loads through the same Store (a screen
  reloading after a dialog) trust its own heartbeat and never pause a case.
* Reads of patient data: every action that makes a case current logs a "read"
  event for that patient (its card is shown).  ``load_live`` logs one when the
  current case differs from the last one this Store logged for the day (opening
  the screen, or another process moved the meeting on); reloads that show the
  same card log nothing.  ``recover=False, audit=False`` never writes.
* ``heartbeat`` writes no audit event and does not refresh the rollup (it runs
  every second; the interval's time is refreshed at the next real change).
* Cases not reached when the meeting finishes keep the state ``waiting`` on
  the finished huddle with ``defer_reason`` = ``"not_reached"`` (a code,
  translated by ``reason_text``); a new case on the next meeting day points
  back with ``carried_from_id`` and carries the same reason.
* Roles: the meeting itself (start, next, pause, back, select, defer, finish,
  attendance, settings) needs ``facilitator``; what is recorded on a case
  (decisions, readiness, blockers, day mark) ``facilitator`` or ``nurse``;
  summaries (with identity) ``facilitator`` or ``nurse``; the live view
  ``facilitator``, ``nurse`` or ``admin``; the heartbeat ``facilitator`` (only
  the facilitator's app keeps the time).
* Optimistic concurrency: functions that take ``version`` refuse with
  ConflictError when the case changed since the client read it.
"""

from __future__ import annotations

import functools
import threading
import weakref
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, cast

from huddle.domain.dto import (
    AttendanceInfo,
    BlockerInfo,
    CaseRow,
    DecisionInfo,
    FinishResult,
    HuddleInfo,
    LiveState,
    PatientCard,
    ReadinessInfo,
)
from huddle.domain.summary import decision_json, readiness_alerts, readiness_json, summary_text
from huddle.domain.timing import whole_seconds
from huddle.domain.vocab import DayColour, DecisionKind, DeferReason, ReadinessState, parse_role
from huddle.errors import ConflictError, InputError
from huddle.store import Store

if TYPE_CHECKING:
    from sqlalchemy.engine import CursorResult

DECISION_KINDS = DecisionKind.values()
READINESS_STATES = ReadinessState.values()
DAY_COLOURS = DayColour.values()
ATTENDANCE_SOURCES = ("manual", "room")
NOT_REACHED = DeferReason.NOT_REACHED.value
MAX_TEXT = 2000
MAX_SHORT = 120
TARGET_RANGE = (30, 3600)
TIMEBOX_RANGE = (60, 8 * 3600)

MEETING_ROLES = ("facilitator",)
RECORD_ROLES = ("facilitator", "nurse")
SUMMARY_ROLES = ("facilitator", "nurse")  # they carry identity: not for managers' figures
VIEW_ROLES = ("facilitator", "nurse", "admin")


# -- plumbing ------------------------------------------------------------------------


@contextmanager
def _write(store: Store) -> Iterator:
    """store.write(), with a concurrent change of a case turned into ConflictError."""
    from sqlalchemy.orm.exc import StaleDataError

    try:
        with store.write() as s:
            yield s
    except StaleDataError as exc:
        raise ConflictError("case.conflict") from exc


def _refresh(s, huddle_id: int) -> None:  # noqa: ANN001
    from huddle.services import rollup

    rollup.refresh(s, huddle_id)


def _today(s, store: Store) -> date:  # noqa: ANN001
    from db import settings as settings_db
    from huddle.domain.clock import local_date

    return local_date(store.now(), settings_db.load(s).tz)


def _clean(text: str | None, *, field: str, required: bool = True, limit: int = MAX_TEXT) -> str | None:
    from huddle.domain.text import checked

    # Long texts (a decision, a blocker, a note) may span lines; names and short fields do not.
    return checked(text, label=_label(field), limit=limit, required=required, lines=limit > MAX_SHORT)


def _label(field: str) -> str:
    from huddle.i18n import t

    return t(f"meeting.field.{field}")


@dataclass
class _Memo:
    """What one Store (one running app) has done already: recovered days, cards logged as read."""

    recovered: set = field(default_factory=set)
    shown: dict = field(default_factory=dict)
    listed: dict = field(default_factory=dict)  # day -> case ids whose names this app has shown (logged)
    kept: set = field(default_factory=set)  # days whose running case this app keeps (opened or beat it)


_MEMOS: weakref.WeakKeyDictionary[Store, _Memo] = weakref.WeakKeyDictionary()
_MEMO_LOCK = threading.Lock()


def _memo(store: Store) -> _Memo:
    with _MEMO_LOCK:
        memo = _MEMOS.get(store)
        if memo is None:
            memo = _MEMOS[store] = _Memo()
        return memo


@functools.cache
def _q() -> SimpleNamespace:
    """The live meeting's hot statements, built once with bound parameters.

    A state change runs about fifteen statements; building each anew (column
    coercion, cache key) cost more than running it.  Built on first use, not at
    import (command-line paths import this module without needing them).
    """
    from sqlalchemy import bindparam, select

    from db.models import (
        Attendance,
        Blocker,
        Case,
        CaseInterval,
        DayMark,
        Decision,
        Huddle,
        Patient,
        Readiness,
        Setting,
    )

    huddle_id: Any = bindparam("huddle_id")
    pid: Any = bindparam("pid")
    cid: Any = bindparam("cid")
    newest_readiness = (
        select(Readiness.id)
        .where(Readiness.patient_id == pid)
        .order_by(Readiness.recorded_at.desc(), Readiness.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    return SimpleNamespace(
        settings=select(Setting.key, Setting.value),
        huddle=select(Huddle).where(Huddle.date == bindparam("day")),
        states=select(Case.id, Case.position, Case.state, Case.closed_at, Case.patient_id, Case.version)
        .where(Case.huddle_id == huddle_id)
        .order_by(Case.position),
        open_intervals=select(CaseInterval).where(CaseInterval.case_id == cid, CaseInterval.stopped_at.is_(None)),
        cases=select(
            Case.id, Case.position, Case.patient_id, Patient.pnr, Patient.name,
            Case.unit, Patient.unit.label("patient_unit"), Case.municipality,
            Patient.municipality.label("patient_municipality"), Case.question, Case.state, Case.added_by,
            Case.added_at, Case.version, Case.defer_reason, Case.carried_from_id,
        )
        .join(Patient, Patient.id == Case.patient_id)
        .where(Case.huddle_id == huddle_id)
        .order_by(Case.position),
        intervals=select(
            CaseInterval.case_id, CaseInterval.started_at.label("start"), CaseInterval.stopped_at.label("stop"),
            CaseInterval.heartbeat_at.label("heartbeat"),
        )
        .join(Case, Case.id == CaseInterval.case_id)
        .where(Case.huddle_id == huddle_id)
        .order_by(CaseInterval.case_id, CaseInterval.started_at, CaseInterval.id),
        attendance=select(
            Attendance.id, Attendance.name, Attendance.organisation, Attendance.role, Attendance.source,
            Attendance.joined_at, Attendance.left_at,
        )
        .where(Attendance.huddle_id == huddle_id)
        .order_by(Attendance.joined_at, Attendance.id),
        card_head=select(
            Patient.admission_date,
            Patient.care_contact,
            select(DayMark.colour).where(DayMark.case_id == cid).scalar_subquery().label("mark"),
            select(DayMark.note).where(DayMark.case_id == cid).scalar_subquery().label("mark_note"),
            Readiness.id.label("readiness_id"),
            Readiness.state,
            Readiness.expected_date,
            Readiness.ready_at,
            Readiness.discharged_date,
            Readiness.recorded_at,
        )
        .outerjoin(Readiness, Readiness.id == newest_readiness)
        .where(Patient.id == pid),
        decisions=select(
            Decision.id,
            Decision.case_id,
            Huddle.date.label("day"),
            Decision.text,
            Decision.responsible_org,
            Decision.responsible_person,
            Decision.due_date,
            Decision.kind,
            Decision.done,
            Decision.created_at,
        )
        .join(Case, Case.id == Decision.case_id)
        .join(Huddle, Huddle.id == Case.huddle_id)
        .where(Decision.patient_id == pid)
        .order_by(Huddle.date, Decision.created_at, Decision.id),
        blockers=select(Blocker.id, Blocker.what, Blocker.owner_org, Blocker.opened_at, Blocker.resolved_at)
        .where(Blocker.patient_id == pid, Blocker.resolved_at.is_(None))
        .order_by(Blocker.opened_at, Blocker.id),
    )


def _settings(s):  # noqa: ANN001, ANN202
    """``huddle.domain.settings.load`` through the prebuilt statement (read once per call)."""
    from huddle.domain import settings as settings_mod

    return settings_mod.Settings.from_rows(dict(s.execute(_q().settings).all()))


def _huddle(s, day: date, *, create: bool = True):  # noqa: ANN001, ANN202
    from huddle.services.agenda import get_or_create_huddle

    if create:
        return get_or_create_huddle(s, day)
    return s.scalar(_q().huddle, {"day": day})


def _cases(s, huddle_id: int) -> list:  # noqa: ANN001
    """Every case of the huddle as ORM objects with patient and intervals (finishing, summaries: rare)."""
    from sqlalchemy import select
    from sqlalchemy.orm import selectinload

    from db.models import Case

    return list(
        s.scalars(
            select(Case)
            .where(Case.huddle_id == huddle_id)
            .options(selectinload(Case.patient), selectinload(Case.intervals), selectinload(Case.huddle))
            .order_by(Case.position)
        )
    )


def _states(s, huddle_id: int) -> list:  # noqa: ANN001
    """The huddle's cases as plain rows (id, position, state, closed_at, patient_id, version), by position.

    What the meeting's moves decide on; only the one or two cases a move changes are
    then loaded as ORM objects (loading the whole agenda with patients and intervals
    as objects was most of a state change's cost)."""
    return s.execute(_q().states, {"huddle_id": huddle_id}).all()


def _load(s, row):  # noqa: ANN001, ANN202
    from db.models import Case

    return s.get(Case, row.id)


def _current(cases: Sequence):  # noqa: ANN202
    return next((c for c in cases if c.state == "active"), None)


def _open_intervals(s, case_id: int) -> list:  # noqa: ANN001
    return list(s.scalars(_q().open_intervals, {"cid": case_id}))


def _start_interval(store: Store, s, case_id: int, day: date) -> None:  # noqa: ANN001
    from db.models import CaseInterval

    _memo(store).kept.add(day)  # this app keeps the case's time now: it counts on to now

    now = store.now_db()
    s.add(CaseInterval(case_id=case_id, started_at=now, heartbeat_at=now))


def _close(store: Store, intervals) -> None:  # noqa: ANN001
    now = store.now_db()
    for iv in intervals:
        if iv.stopped_at is None:
            iv.stopped_at = max(now, iv.started_at)
            iv.heartbeat_at = iv.stopped_at


def _stop_interval(store: Store, s, case_id: int) -> None:  # noqa: ANN001
    _close(store, _open_intervals(s, case_id))


def _activate(store: Store, s, case, day: date) -> None:  # noqa: ANN001
    case.state = "active"
    _start_interval(store, s, case.id, day)
    # One event for the case becoming current: its card is shown (the access the log is for).
    store.audit(s, "read", "case.card", patient_id=case.patient_id, case_id=case.id)
    _memo(store).shown[day] = case.id


def _leave(store: Store, s, case) -> None:  # noqa: ANN001
    """The current case stops being current without being closed: back to waiting, or done if it was."""
    _stop_interval(store, s, case.id)
    case.state = "done" if case.closed_at is not None else "waiting"
    store.audit(s, "update", "case.leave", patient_id=case.patient_id, case_id=case.id)


def _next_waiting(cases: list, after_position: int | None):  # noqa: ANN202
    waiting = [c for c in cases if c.state == "waiting"]
    if after_position is not None:
        later = [c for c in waiting if c.position > after_position]
        if later:
            return later[0]
    return waiting[0] if waiting else None


def _running_huddle(s, day: date):  # noqa: ANN001, ANN202
    huddle = _huddle(s, day, create=False)
    if huddle is None or huddle.state != "running":
        raise InputError(
            "meeting.finished" if huddle is not None and huddle.state == "finished" else "meeting.not_running",
            date=day.isoformat(),
        )
    return huddle


def _check_version(case, version: int | None) -> None:  # noqa: ANN001
    if version is not None and case.version != version:
        raise ConflictError("case.conflict")


def _intervals(case) -> tuple:  # noqa: ANN001
    return tuple(_interval(iv.started_at, iv.stopped_at, iv.heartbeat_at) for iv in case.intervals)


def _interval(started: datetime, stopped: datetime | None, heartbeat: datetime | None):  # noqa: ANN202
    from huddle.services.agenda import stored_interval

    return stored_interval(started, stopped, heartbeat)


def _recover(store: Store, s, huddle_id: int) -> list:  # noqa: ANN001
    """Close open intervals left by a crash or kill at their last heartbeat; returns (case_id, patient_id)
    once per interval closed, in agenda order."""
    from sqlalchemy import select

    from db.models import Case, CaseInterval
    from huddle.domain.timing import is_stale, recovered_stop

    now = store.now()
    touched = []
    open_ = s.execute(
        select(CaseInterval, Case.patient_id)
        .join(Case, Case.id == CaseInterval.case_id)
        .where(Case.huddle_id == huddle_id, CaseInterval.stopped_at.is_(None))
        .order_by(Case.position, CaseInterval.started_at, CaseInterval.id)
    ).all()
    for iv, patient_id in open_:
        value = _interval(iv.started_at, None, iv.heartbeat_at)
        if is_stale(value, now):
            stop = recovered_stop(value, now).replace(tzinfo=None)
            iv.stopped_at = stop
            iv.heartbeat_at = stop
            touched.append((iv.case_id, patient_id))
    return touched


# -- DTOs ----------------------------------------------------------------------------


def _row(case, store: Store) -> CaseRow:  # noqa: ANN001
    """An agenda line from an ORM case: the agenda service's own builder, so both read the same."""
    from huddle.services.agenda import _row as agenda_row

    return agenda_row(case, store)


def _huddle_info(huddle, rows: tuple) -> HuddleInfo:  # noqa: ANN001
    from huddle.domain.clock import to_utc

    return HuddleInfo(
        huddle_id=huddle.id,
        date=huddle.date,
        state=huddle.state,
        target_s=huddle.target_s,
        timebox_s=huddle.timebox_s,
        started_at=to_utc(huddle.started_at) if huddle.started_at else None,
        finished_at=to_utc(huddle.finished_at) if huddle.finished_at else None,
        cases=rows,
    )


def _decision_info(d, day: date) -> DecisionInfo:  # noqa: ANN001
    from huddle.domain.clock import to_utc

    return DecisionInfo(
        decision_id=d.id,
        case_id=d.case_id,
        huddle_date=day,
        text=d.text,
        responsible_org=d.responsible_org,
        responsible_person=d.responsible_person,
        due_date=d.due_date,
        kind=d.kind,
        done=bool(d.done),
        created_at=to_utc(d.created_at),
    )


def _blocker_info(b) -> BlockerInfo:  # noqa: ANN001
    from huddle.domain.clock import to_utc

    return BlockerInfo(
        blocker_id=b.id,
        what=b.what,
        owner_org=b.owner_org,
        opened_at=to_utc(b.opened_at),
        resolved_at=to_utc(b.resolved_at) if b.resolved_at else None,
    )


def _attendance_info(a) -> AttendanceInfo:  # noqa: ANN001
    from huddle.domain.clock import to_utc

    return AttendanceInfo(
        attendance_id=a.id,
        name=a.name,
        organisation=a.organisation,
        role=a.role,
        source=a.source,
        joined_at=to_utc(a.joined_at),
        left_at=to_utc(a.left_at) if a.left_at else None,
    )


def _readiness_info(r, store: Store, s, cfg=None, day: date | None = None) -> ReadinessInfo:  # noqa: ANN001
    """``r`` is a Readiness row or any row with its columns; ``cfg`` the settings when the caller has them.

    Days are counted by the rule statistics and export use (README): discharged, from the notice
    day up to the discharge day; still ready, up to and including ``day`` (the huddle's day on a
    card or summary, else today)."""
    from db import settings as settings_db
    from huddle.domain import readiness as rules
    from huddle.domain.clock import local_date, to_utc

    if cfg is None:
        cfg = settings_db.load(s)
    ready_at = to_utc(r.ready_at) if r.ready_at else None
    info = ReadinessInfo(
        state=r.state,
        expected_date=r.expected_date,
        ready_at=ready_at,
        discharged_date=r.discharged_date,
        recorded_at=to_utc(r.recorded_at) if r.recorded_at else None,
    )
    if ready_at is not None and r.state in ("ready", "discharged"):
        if r.state == "discharged" and r.discharged_date:
            end = r.discharged_date
        else:
            end = (day or local_date(store.now(), cfg.tz)) + timedelta(days=1)
        info = replace(
            info,
            ready_days=rules.ready_days(ready_at, end, cfg.tz),
            liable_days=rules.liable_days(ready_at, end, cfg.liability, cfg.tz),
            first_liable_day=rules.first_liable_day(ready_at, cfg.liability, cfg.tz),
            sip_deadline=rules.sip_deadline(ready_at, cfg.tz),
        )
    return info


def _current_readiness(s, patient_id: int):  # noqa: ANN001, ANN202
    from sqlalchemy import select

    from db.models import Readiness

    return s.scalar(
        select(Readiness)
        .where(Readiness.patient_id == patient_id)
        .order_by(Readiness.recorded_at.desc(), Readiness.id.desc())
        .limit(1)
    )


def _card(s, store: Store, row: CaseRow, cfg) -> PatientCard:  # noqa: ANN001
    """The current patient's card from plain columns: one row for the patient, newest readiness and
    day mark, then the patient's decisions and open blockers."""
    q = _q()
    params = {"pid": row.patient_id, "cid": row.case_id}
    head = s.execute(q.card_head, params).one()
    decisions = s.execute(q.decisions, params).all()
    day = row.huddle_date
    open_earlier = tuple(
        _decision_info(d, d.day) for d in decisions if d.case_id != row.case_id and not d.done and d.day < day
    )
    here = tuple(_decision_info(d, d.day) for d in decisions if d.case_id == row.case_id)
    blockers = s.execute(q.blockers, params).all()
    return PatientCard(
        case=row,
        admission_date=head.admission_date,
        care_contact=head.care_contact,
        open_decisions=open_earlier,
        decisions=here,
        readiness=_readiness_info(head, store, s, cfg, day) if head.readiness_id is not None else None,
        blockers=tuple(_blocker_info(b) for b in blockers),
        day_mark=head.mark,
        day_note=head.mark_note,
        **(_carried_from(s, store, row.case_id) if row.carried else {}),
    )


def _carried_from(s, store: Store, case_id: int) -> dict:  # noqa: ANN001
    """Where a carried case came from: that huddle's day and the time the case had there
    (``carried_from``, ``carried_seconds``: discussed there, or never reached)."""
    from sqlalchemy import select
    from sqlalchemy.orm import aliased

    from db.models import Case, CaseInterval, Huddle
    from huddle.domain.timing import case_seconds

    earlier = aliased(Case)
    found = s.execute(
        select(Huddle.date, earlier.id)
        .join(earlier, earlier.huddle_id == Huddle.id)
        .join(Case, Case.carried_from_id == earlier.id)
        .where(Case.id == case_id)
    ).first()
    if found is None:
        return {}
    spans = s.execute(
        select(
            CaseInterval.started_at.label("start"), CaseInterval.stopped_at.label("stop"),
            CaseInterval.heartbeat_at.label("heartbeat"),
        ).where(CaseInterval.case_id == found[1])
    ).all()
    return {"carried_from": found[0], "carried_seconds": case_seconds(spans, store.now_db())}


def _agenda(s, store: Store, huddle_id: int, day: date) -> tuple[tuple[CaseRow, ...], dict]:  # noqa: ANN001
    """The huddle's agenda rows and every case's stored intervals, read as plain columns (two queries).

    Each case's time is ``huddle.domain.timing.case_seconds`` as of now (the one rule)."""
    from huddle.domain.timing import case_seconds
    from huddle.services.agenda import case_row

    q = _q()
    params = {"huddle_id": huddle_id}
    cases = s.execute(q.cases, params).all()
    spans: dict[int, list] = {}
    if cases:
        # Rows with start/stop/heartbeat columns, naive UTC as stored: counted as they are (no
        # objects built for the ~hundreds of intervals of a long meeting).
        for row in s.connection().execute(q.intervals, params):
            spans.setdefault(row.case_id, []).append(row)
    now, kept = store.now_db(), day in _memo(store).kept
    rows = tuple(case_row(c, day, case_seconds(spans.get(c.id, ()), now, kept=kept)) for c in cases)
    return rows, spans


def _live(s, store: Store, huddle) -> LiveState:  # noqa: ANN001
    """The live state from plain columns (call after the session's changes are flushed).

    Settings are read once here and shared by the card and the missing roles."""
    cfg = _settings(s)
    rows, spans = _agenda(s, store, huddle.id, huddle.date)
    current = _current(rows)
    intervals = tuple(_interval(*iv[1:]) for iv in spans.get(current.case_id, ())) if current is not None else ()
    attendance = _attendance(s, huddle.id)
    present = {a.role for a in attendance if a.left_at is None and a.role}
    return LiveState(
        huddle=_huddle_info(huddle, rows),
        cases=rows,
        current_case_id=current.case_id if current is not None else None,
        running=any(iv.stop is None for iv in intervals),
        current_intervals=intervals,
        card=_card(s, store, current, cfg) if current is not None else None,
        attendance=attendance,
        missing_roles=tuple(r for r in cfg.needed_roles if r not in present),
        alerts=_alerts(s, store, rows, cfg),
        as_of=store.now(),
        kept=huddle.date in _memo(store).kept,
    )


def _alerts(s, store: Store, rows: tuple[CaseRow, ...], cfg) -> tuple[tuple[int, tuple[str, ...]], ...]:  # noqa: ANN001
    """(case id, what has arrived) for the agenda's patients whose SIP deadline or first
    payment-liable day is today or past (``readiness_alerts``), one query for the newest readiness."""
    from sqlalchemy import func, select

    from db.models import Readiness
    from huddle.domain.clock import local_date

    if not rows:
        return ()
    pids = {r.patient_id for r in rows}
    newest = (
        select(Readiness.patient_id, func.max(Readiness.recorded_at).label("at"))
        .where(Readiness.patient_id.in_(pids))
        .group_by(Readiness.patient_id)
        .subquery()
    )
    found = s.execute(
        select(Readiness)
        .join(newest, (newest.c.patient_id == Readiness.patient_id) & (newest.c.at == Readiness.recorded_at))
        .order_by(Readiness.id)
    ).scalars()
    by_patient = {r.patient_id: r for r in found}  # the last id wins a tie, as on the card
    today = local_date(store.now(), cfg.tz)
    out = []
    for row in rows:
        r = by_patient.get(row.patient_id)
        if r is None:
            continue
        marks = readiness_alerts(_readiness_info(r, store, s, cfg, row.huddle_date), today)
        if marks:
            out.append((row.case_id, marks))
    return tuple(out)


def _attendance(s, huddle_id: int) -> tuple[AttendanceInfo, ...]:  # noqa: ANN001
    return tuple(_attendance_info(a) for a in s.execute(_q().attendance, {"huddle_id": huddle_id}))


# -- the meeting ----------------------------------------------------------------------


def load_live(store: Store, day: date, *, recover: bool = True, audit: bool = True) -> LiveState:
    """The huddle of ``day`` (created empty if missing), after recovering stale open intervals.

    Recovery runs on this Store's first load of ``day``: a restarted app (a new
    Store) closes what a killed one left open, at its last heartbeat.  Later
    loads through the same Store trust that Store's own heartbeat, so reloading
    the screen after a dialog never pauses a running case.

    A "read" event for the current patient is logged when the current case
    differs from the last one this Store logged for ``day`` (the card is shown
    anew); a reload showing the same card logs nothing.  The other patients' names in the
    agenda column are logged once per Store and day ("live.list").  ``recover=False,
    audit=False`` is a plain read that never writes.
    """
    store.require(*VIEW_ROLES)
    memo = _memo(store)
    need_recover = recover and day not in memo.recovered
    if not need_recover:
        with store.read() as s:
            huddle = _huddle(s, day, create=False)
            live = _live(s, store, huddle) if huddle is not None else None
        if live is not None:
            if audit and _unlogged(memo, day, live):
                with store.write() as s:
                    _log_shown(store, s, memo, day, live)
            return live
    with _write(store) as s:
        huddle = _huddle(s, day)
        if need_recover:
            touched = _recover(store, s, huddle.id)
            for case_id, patient_id in touched:
                store.audit(s, "update", "case.recover", patient_id=patient_id, case_id=case_id)
            if touched:
                _refresh(s, huddle.id)
        s.flush()
        live = _live(s, store, huddle)
        if audit:
            _log_shown(store, s, memo, day, live)
    if need_recover:
        memo.recovered.add(day)
    return live


def _unlogged(memo: _Memo, day: date, live: LiveState) -> bool:
    listed = memo.listed.get(day, set())
    return (live.card is not None and memo.shown.get(day) != live.current_case_id) or any(
        c.case_id not in listed and c.case_id != live.current_case_id for c in live.cases
    )


def _log_shown(store: Store, s, memo: _Memo, day: date, live: LiveState) -> None:  # noqa: ANN001
    """One "read" event per patient this app shows anew: the current card (``case.card``) and every other
    name in the live agenda column (``live.list``), once per app and day."""
    listed = memo.listed.setdefault(day, set())
    current = live.current_case_id
    if live.card is not None and memo.shown.get(day) != current:
        c = live.card.case
        store.audit(s, "read", "case.card", patient_id=c.patient_id, case_id=c.case_id)
        memo.shown[day] = current
        listed.add(current)
    new = [(c.patient_id, c.case_id) for c in live.cases if c.case_id not in listed and c.case_id != current]
    if new:
        store.audit_many(s, "read", "live.list", new)
        listed.update(case_id for _, case_id in new)


def start_meeting(store: Store, day: date) -> LiveState:
    """planned -> running; the first waiting case becomes active with an open interval."""
    store.require(*MEETING_ROLES)
    with _write(store) as s:
        huddle = _huddle(s, day)
        if huddle.state == "running":
            raise InputError("meeting.already_running", date=day.isoformat())
        if huddle.state == "finished":
            raise InputError("meeting.finished", date=day.isoformat())
        huddle.state = "running"
        huddle.started_at = store.now_db()
        if store.actor.staff_id is not None:
            huddle.facilitator_id = store.actor.staff_id
        first = _next_waiting(_states(s, huddle.id), None)
        if first is not None:
            _activate(store, s, _load(s, first), day)
        _refresh(s, huddle.id)
        s.flush()
        return _live(s, store, huddle)


def next_case(store: Store, day: date, *, case_id: int | None = None) -> LiveState:
    """Close the current case as done and activate the next waiting one (by position).

    With ``case_id`` (the case the client shows as current), ConflictError when
    another app moved the meeting on meanwhile."""
    store.require(*MEETING_ROLES)
    with _write(store) as s:
        huddle = _running_huddle(s, day)
        cases = _states(s, huddle.id)
        current = _current(cases)
        if case_id is not None and (current.id if current is not None else None) != case_id:
            raise ConflictError("meeting.moved_on")
        after = None
        if current is not None:
            case = _load(s, current)
            _stop_interval(store, s, case.id)
            case.state = "done"
            case.closed_at = store.now_db()
            after = current.position
            store.audit(s, "update", "case.done", patient_id=case.patient_id, case_id=case.id)
        nxt = _next_waiting(cases, after)
        if nxt is not None:
            _activate(store, s, _load(s, nxt), day)
        _refresh(s, huddle.id)
        s.flush()
        return _live(s, store, huddle)


def toggle_pause(store: Store, day: date) -> LiveState:
    """Close the current case's open interval, or open a new one."""
    store.require(*MEETING_ROLES)
    with _write(store) as s:
        huddle = _running_huddle(s, day)
        current = _current(_states(s, huddle.id))
        if current is None:
            raise InputError("meeting.no_current")
        running = _open_intervals(s, current.id)
        if running:
            _close(store, running)
            store.audit(s, "update", "case.pause", patient_id=current.patient_id, case_id=current.id)
        else:
            _start_interval(store, s, current.id, day)
            store.audit(s, "update", "case.resume", patient_id=current.patient_id, case_id=current.id)
        _refresh(s, huddle.id)
        s.flush()
        return _live(s, store, huddle)


def back(store: Store, day: date) -> LiveState:
    """Return to the previous case (by position): the current goes back to waiting (or done if
    it had been done before); the previous becomes active with a new interval."""
    store.require(*MEETING_ROLES)
    with _write(store) as s:
        huddle = _running_huddle(s, day)
        cases = _states(s, huddle.id)
        current = _current(cases)
        limit = current.position if current is not None else None
        earlier = [c for c in cases if c.state != "deferred" and c is not current and (limit is None or c.position < limit)]
        if not earlier:
            raise InputError("meeting.no_previous")
        if current is not None:
            _leave(store, s, _load(s, current))
        _activate(store, s, _load(s, earlier[-1]), day)
        _refresh(s, huddle.id)
        s.flush()
        return _live(s, store, huddle)


def select_case(store: Store, day: date, case_id: int, *, version: int | None = None) -> LiveState:
    """Make any non-deferred case of this huddle the current one."""
    store.require(*MEETING_ROLES)
    with _write(store) as s:
        huddle = _running_huddle(s, day)
        cases = _states(s, huddle.id)
        chosen = next((c for c in cases if c.id == case_id), None)
        if chosen is None:
            raise InputError("meeting.not_on_huddle", case_id=case_id, date=day.isoformat())
        _check_version(chosen, version)
        if chosen.state == "deferred":
            raise InputError("meeting.select_deferred")
        current = _current(cases)
        if chosen is not current:
            if current is not None:
                _leave(store, s, _load(s, current))
            _activate(store, s, _load(s, chosen), day)
            _refresh(s, huddle.id)
            s.flush()
        return _live(s, store, huddle)


def defer_case(
    store: Store, day: date, reason: str, *, case_id: int | None = None, version: int | None = None
) -> LiveState:
    """The current case becomes deferred with ``reason``; the next waiting case becomes active.

    A client that passes the ``case_id`` (and ``version``) it shows as current gets
    ConflictError when the meeting has moved on meanwhile."""
    store.require(*MEETING_ROLES)
    text = _clean(reason, field="reason", limit=500)
    with _write(store) as s:
        huddle = _running_huddle(s, day)
        cases = _states(s, huddle.id)
        current = _current(cases)
        if current is None:
            raise InputError("meeting.no_current")
        if case_id is not None and current.id != case_id:
            raise ConflictError("meeting.moved_on")
        _check_version(current, version)
        case = _load(s, current)
        _stop_interval(store, s, case.id)
        case.state = "deferred"
        case.defer_reason = text
        case.closed_at = store.now_db()
        store.audit(s, "update", "case.defer", patient_id=case.patient_id, case_id=case.id)
        nxt = _next_waiting(cases, current.position)
        if nxt is not None:
            _activate(store, s, _load(s, nxt), day)
        _refresh(s, huddle.id)
        s.flush()
        return _live(s, store, huddle)


def finish_meeting(store: Store, day: date) -> FinishResult:
    """running -> finished.  Cases not reached move to the next meeting day with the reason
    "not reached"; deferred ones move with their reason; both keep their history (carried_from_id).

    The current case moves as not reached too, unless it had been closed as done
    before (taken up again with back or select): then it stays done.
    A patient already on the next agenda is not added twice: that case is linked
    (carried_from_id, reason) when it has no earlier link.  ``carried`` lists the
    cases on the next huddle that came from this one, new or linked.
    """
    from sqlalchemy import select

    from db.models import Case
    from huddle.services.agenda import _next_position

    store.require(*MEETING_ROLES)
    with _write(store) as s:
        huddle = _running_huddle(s, day)
        cases = _cases(s, huddle.id)
        now = store.now_db()
        # Carried to the next meeting day of the store's calendar (never to a holiday or a closed day).
        cal = _settings(s).calendar
        next_day = cal.next(day, include_today=False)
        target = _huddle(s, next_day)
        while target.state == "finished":
            next_day = cal.next(next_day, include_today=False)
            target = _huddle(s, next_day)
        moved = []
        for case in cases:
            if case.state == "active" and case.closed_at is not None:
                # Done earlier and taken up again (back/select): it was reached.
                _close(store, case.intervals)
                case.state = "done"
                case.closed_at = now
                store.audit(s, "update", "case.done", patient_id=case.patient_id, case_id=case.id)
            elif case.state in ("waiting", "active"):
                _close(store, case.intervals)
                case.state = "waiting"
                case.defer_reason = NOT_REACHED
                case.closed_at = now
                store.audit(s, "update", "case.not_reached", patient_id=case.patient_id, case_id=case.id)
                moved.append(case)
            elif case.state == "deferred":
                moved.append(case)
        huddle.state = "finished"
        huddle.finished_at = now
        carried = []
        for old in moved:
            existing = s.scalar(select(Case).where(Case.huddle_id == target.id, Case.patient_id == old.patient_id))
            if existing is not None:
                if existing.carried_from_id is None:
                    existing.carried_from_id = old.id
                    existing.defer_reason = existing.defer_reason or old.defer_reason
                    store.audit(s, "update", "case.carry_link", patient_id=old.patient_id, case_id=existing.id)
                if existing.carried_from_id == old.id:
                    carried.append(existing)
                continue
            new = Case(
                huddle_id=target.id,
                patient_id=old.patient_id,
                position=_next_position(s, target.id),
                question=old.question,
                added_by=store.actor.name,
                added_by_id=store.actor.staff_id,
                added_at=now,
                state="waiting",
                defer_reason=old.defer_reason,
                carried_from_id=old.id,
                unit=old.unit,
                municipality=old.municipality,
            )
            s.add(new)
            s.flush()
            store.audit(s, "create", "case.carry", patient_id=old.patient_id, case_id=new.id)
            carried.append(new)
        _refresh(s, huddle.id)
        _refresh(s, target.id)
        s.flush()
        rows = []
        for c in carried:
            s.refresh(c)
            rows.append(_row(c, store))
        return FinishResult(huddle_date=day, next_date=next_day, carried=tuple(rows))


def heartbeat(store: Store, day: date) -> bool:
    """Stamp the open interval of the running case with now (called about once a second).

    One UPDATE, no audit event (see the module notes).  True while a case of
    ``day`` is running, False when there is nothing to stamp (paused, or closed
    elsewhere)."""
    from sqlalchemy import select, update

    from db.models import Case, CaseInterval, Huddle

    active = (
        select(Case.id)
        .join(Huddle, Huddle.id == Case.huddle_id)
        .where(Huddle.date == day, Huddle.state == "running", Case.state == "active")
    )
    store.require(*MEETING_ROLES)
    with store.write() as s:
        result = s.execute(
            update(CaseInterval)
            .where(CaseInterval.stopped_at.is_(None), CaseInterval.case_id.in_(active))
            .values(heartbeat_at=store.now_db())
            .execution_options(synchronize_session=False)
        )
        stamped = bool(cast("CursorResult", result).rowcount)
        if stamped:
            _memo(store).kept.add(day)
        return stamped


# -- what is recorded on a case -------------------------------------------------------------


def _record_case(s, case_id: int, version: int | None):  # noqa: ANN001, ANN202
    from db.models import Case

    case = s.get(Case, case_id)
    if case is None:
        raise InputError("case.missing", case_id=case_id)
    _check_version(case, version)
    return case


def _decision_fields(
    text: str,
    responsible_org: str | None,
    responsible_person: str | None,
    due_date: date | None,
    kind: str,
) -> tuple[str | None, str | None, str | None]:
    """A decision's fields checked and cleaned (adding and editing use the same rules)."""
    body = _clean(text, field="decision")
    org = _clean(responsible_org, field="responsible_org", required=False, limit=MAX_SHORT)
    person = _clean(responsible_person, field="responsible_person", required=False, limit=MAX_SHORT)
    if kind not in DECISION_KINDS:
        raise InputError("meeting.bad_kind", value=kind, allowed=", ".join(DECISION_KINDS))
    if due_date is not None and not isinstance(due_date, date):
        raise InputError("date.bad", what=_label("due_date"), value=str(due_date))
    return body, org, person


def _check_due(s, store: Store, case, due_date: date | None) -> None:  # noqa: ANN001
    if due_date is not None and due_date < min(case.huddle.date, _today(s, store)):
        raise InputError("meeting.due_past", date=due_date.isoformat())


def add_decision(
    store: Store,
    case_id: int,
    *,
    text: str,
    responsible_org: str | None,
    responsible_person: str | None = None,
    due_date: date | None = None,
    kind: str = "other",
    version: int | None = None,
) -> DecisionInfo:
    """Record a decision taken on this case (for this patient)."""
    from db.models import Decision

    store.require(*RECORD_ROLES)
    body, org, person = _decision_fields(text, responsible_org, responsible_person, due_date, kind)
    with _write(store) as s:
        case = _record_case(s, case_id, version)
        _check_due(s, store, case, due_date)
        d = Decision(
            case_id=case.id,
            patient_id=case.patient_id,
            text=body,
            responsible_org=org,
            responsible_person=person,
            due_date=due_date,
            kind=kind,
            done=False,
            created_at=store.now_db(),
            created_by=store.actor.name,
        )
        s.add(d)
        s.flush()
        store.audit(s, "create", "decision.add", patient_id=case.patient_id, case_id=case.id)
        _refresh(s, case.huddle_id)
        return _decision_info(d, case.huddle.date)


def _stored_decision(s, decision_id: int):  # noqa: ANN001, ANN202
    from db.models import Case, Decision

    d = s.get(Decision, decision_id)
    if d is None:
        raise InputError("meeting.decision_missing", decision_id=decision_id)
    return d, s.get(Case, d.case_id)


def edit_decision(
    store: Store,
    decision_id: int,
    *,
    text: str,
    responsible_org: str | None,
    responsible_person: str | None = None,
    due_date: date | None = None,
    kind: str = "other",
) -> DecisionInfo:
    """Correct a recorded decision (what, who, by when, kind), with add_decision's rules; logged.

    A due date kept as it was is accepted even once it has passed (only a new one must not be)."""
    store.require(*RECORD_ROLES)
    body, org, person = _decision_fields(text, responsible_org, responsible_person, due_date, kind)
    with _write(store) as s:
        d, case = _stored_decision(s, decision_id)
        if due_date != d.due_date:
            _check_due(s, store, case, due_date)
        d.text, d.responsible_org, d.responsible_person, d.due_date, d.kind = body, org, person, due_date, kind
        store.audit(s, "update", "decision.edit", patient_id=d.patient_id, case_id=d.case_id)
        _refresh(s, case.huddle_id)
        s.flush()
        return _decision_info(d, case.huddle.date)


def withdraw_decision(store: Store, decision_id: int) -> DecisionInfo:
    """Take back a decision recorded by mistake: it is removed; the access log keeps that it was
    made and withdrawn (who, when, which patient).  Returns the decision as it was."""
    store.require(*RECORD_ROLES)
    with _write(store) as s:
        d, case = _stored_decision(s, decision_id)
        info = _decision_info(d, case.huddle.date)
        store.audit(s, "delete", "decision.withdraw", patient_id=d.patient_id, case_id=d.case_id)
        s.delete(d)
        s.flush()
        _refresh(s, case.huddle_id)
        return info


def set_decision_done(store: Store, decision_id: int, done: bool = True) -> DecisionInfo:
    from db.models import Case, Decision

    store.require(*RECORD_ROLES)
    with _write(store) as s:
        d = s.get(Decision, decision_id)
        if d is None:
            raise InputError("meeting.decision_missing", decision_id=decision_id)
        d.done = bool(done)
        case = s.get(Case, d.case_id)
        store.audit(s, "update", "decision.done" if done else "decision.reopen", patient_id=d.patient_id, case_id=d.case_id)
        _refresh(s, case.huddle_id)
        s.flush()
        return _decision_info(d, case.huddle.date)


def set_readiness(
    store: Store,
    case_id: int,
    *,
    state: str,
    expected_date: date | None = None,
    ready_at: datetime | None = None,
    discharged_date: date | None = None,
    version: int | None = None,
) -> ReadinessInfo:
    """Record the patient's discharge readiness (a new history row; the newest is current).

    ``ready`` without ``ready_at`` keeps the notice time of a patient already
    ready, else means ready now; ``discharged`` without a date means today, and
    keeps the ready time recorded before (for ready days).
    """
    from db import settings as settings_db
    from db.models import Readiness
    from huddle.domain.clock import local_date, to_utc

    store.require(*RECORD_ROLES)
    if state not in READINESS_STATES:
        raise InputError("meeting.bad_readiness", value=state, allowed=", ".join(READINESS_STATES))
    with _write(store) as s:
        case = _record_case(s, case_id, version)
        cfg = settings_db.load(s)
        tz = cfg.tz
        now = store.now()
        today = local_date(now, tz)
        previous = _current_readiness(s, case.patient_id)
        if state != "expected":
            expected_date = None
        if state not in ("ready", "discharged"):
            ready_at = None
        if state != "discharged":
            discharged_date = None
        if state == "expected":
            if expected_date is None:
                raise InputError("meeting.expected_missing")
            if expected_date < today:
                raise InputError("meeting.expected_past", date=expected_date.isoformat())
        if state == "ready" and ready_at is None:
            # Saving "ready" again keeps the notice time (ready days count from it).
            kept = previous.ready_at if previous is not None and previous.state == "ready" else None
            ready_at = kept if kept is not None else now
        if state == "ready" and ready_at is not None:
            ready_at = to_utc(ready_at)
        if state == "discharged":
            discharged_date = discharged_date or today
            if discharged_date > today:
                raise InputError("meeting.discharged_future", date=discharged_date.isoformat())
            if ready_at is None and previous is not None and previous.ready_at is not None:
                ready_at = previous.ready_at
            ready_at = to_utc(ready_at) if ready_at is not None else None
            if ready_at is not None and discharged_date < local_date(ready_at, tz):
                raise InputError(
                    "meeting.discharged_before_ready",
                    date=discharged_date.isoformat(),
                    ready=local_date(ready_at, tz).isoformat(),
                )
        if ready_at is not None and ready_at > now + timedelta(minutes=1):
            raise InputError("meeting.ready_future")
        adm = case.patient.admission_date
        if ready_at is not None and adm is not None and local_date(ready_at, tz) < adm:
            raise InputError("meeting.ready_before_admission", date=adm.isoformat())
        r = Readiness(
            patient_id=case.patient_id,
            case_id=case.id,
            state=state,
            expected_date=expected_date,
            ready_at=ready_at.replace(tzinfo=None) if ready_at is not None else None,
            discharged_date=discharged_date,
            recorded_at=store.now_db(),
            recorded_by=store.actor.name,
        )
        s.add(r)
        s.flush()
        store.audit(s, "update", f"readiness.{state}", patient_id=case.patient_id, case_id=case.id)
        _refresh(s, case.huddle_id)
        return _readiness_info(r, store, s, cfg)


def readiness_history(store: Store, patient_id: int) -> list[ReadinessInfo]:
    """Every readiness row of a patient, newest first (audited as a read)."""
    from sqlalchemy import select

    from db import settings as settings_db
    from db.models import Readiness

    store.require(*SUMMARY_ROLES)
    with _write(store) as s:
        cfg = settings_db.load(s)
        rows = s.scalars(
            select(Readiness)
            .where(Readiness.patient_id == patient_id)
            .order_by(Readiness.recorded_at.desc(), Readiness.id.desc())
        ).all()
        store.audit(s, "read", "readiness.history", patient_id=patient_id)
        return [_readiness_info(r, store, s, cfg) for r in rows]


def add_blocker(store: Store, case_id: int, *, what: str, owner_org: str, version: int | None = None) -> BlockerInfo:
    """What the patient waits for ("väntar på") and which organisation owns it."""
    from db.models import Blocker

    store.require(*RECORD_ROLES)
    body = _clean(what, field="blocker")
    owner = _clean(owner_org, field="owner_org", limit=MAX_SHORT)
    with _write(store) as s:
        case = _record_case(s, case_id, version)
        b = Blocker(patient_id=case.patient_id, case_id=case.id, what=body, owner_org=owner, opened_at=store.now_db())
        s.add(b)
        s.flush()
        store.audit(s, "create", "blocker.add", patient_id=case.patient_id, case_id=case.id)
        _refresh(s, case.huddle_id)
        return _blocker_info(b)


def resolve_blocker(store: Store, blocker_id: int) -> BlockerInfo:
    from db.models import Blocker, Case

    store.require(*RECORD_ROLES)
    with _write(store) as s:
        b = s.get(Blocker, blocker_id)
        if b is None:
            raise InputError("meeting.blocker_missing", blocker_id=blocker_id)
        if b.resolved_at is None:
            b.resolved_at = store.now_db()
            store.audit(s, "update", "blocker.resolve", patient_id=b.patient_id, case_id=b.case_id)
            case = s.get(Case, b.case_id) if b.case_id else None
            if case is not None:
                _refresh(s, case.huddle_id)
            s.flush()
        return _blocker_info(b)


def mark_day(store: Store, case_id: int, colour: str, note: str | None = None, *, version: int | None = None) -> str:
    """Red or green day for this patient on this huddle (one mark per case, last one wins)."""
    from sqlalchemy import select

    from db.models import DayMark

    store.require(*RECORD_ROLES)
    if colour not in DAY_COLOURS:
        raise InputError("meeting.bad_colour", value=colour)
    text = _clean(note, field="note", required=False)
    with _write(store) as s:
        case = _record_case(s, case_id, version)
        mark = s.scalar(select(DayMark).where(DayMark.case_id == case.id))
        if mark is None:
            mark = DayMark(case_id=case.id, colour=colour, note=text, marked_at=store.now_db())
            s.add(mark)
        else:
            mark.colour, mark.note, mark.marked_at = colour, text, store.now_db()
        store.audit(s, "update", f"daymark.{colour}", patient_id=case.patient_id, case_id=case.id)
        _refresh(s, case.huddle_id)
        return colour


# -- attendance and settings ---------------------------------------------------------------


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
    """Someone joined.  Adding a present person again by hand returns the same row; the room
    records each connection (its own join and leave), so two tabs never share one row."""
    from sqlalchemy import select

    from db.models import Attendance

    store.require(*MEETING_ROLES)
    who = _clean(name, field="name", limit=MAX_SHORT)
    org = _clean(organisation, field="organisation", required=False, limit=MAX_SHORT)
    rol = parse_role(_clean(role, field="role", required=False, limit=40))  # the vocabulary only
    if source not in ATTENDANCE_SOURCES:
        raise InputError("meeting.bad_source", value=source)
    with _write(store) as s:
        huddle = _huddle(s, day)
        present = s.scalars(
            select(Attendance).where(Attendance.huddle_id == huddle.id, Attendance.left_at.is_(None))
        ).all()
        for a in present:
            same_person = (staff_id is not None and a.staff_id == staff_id) or (
                a.name == who and a.organisation == org
            )
            if source == "manual" and same_person and a.role == rol and a.source == source:
                return _attendance_info(a)
        a = Attendance(
            huddle_id=huddle.id,
            staff_id=staff_id,
            name=who,
            organisation=org,
            role=rol,
            source=source,
            joined_at=store.now_db(),
        )
        s.add(a)
        s.flush()
        store.audit(s, "create", "attendance.join", case_id=None)
        _refresh(s, huddle.id)
        return _attendance_info(a)


def attendance_leave(store: Store, attendance_id: int) -> AttendanceInfo:
    from db.models import Attendance

    store.require(*MEETING_ROLES)
    with _write(store) as s:
        a = s.get(Attendance, attendance_id)
        if a is None:
            raise InputError("meeting.attendance_missing", attendance_id=attendance_id)
        if a.left_at is None:
            a.left_at = store.now_db()
            store.audit(s, "update", "attendance.leave")
            _refresh(s, a.huddle_id)
            s.flush()
        return _attendance_info(a)


def update_huddle_settings(store: Store, day: date, *, target_s: int | None = None, timebox_s: int | None = None) -> None:
    store.require(*MEETING_ROLES)
    for value, (lo, hi), key in ((target_s, TARGET_RANGE, "target"), (timebox_s, TIMEBOX_RANGE, "timebox")):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi):
            raise InputError(f"meeting.bad_{key}", value=value, min=lo, max=hi)
    with _write(store) as s:
        huddle = _huddle(s, day)
        if target_s is not None:
            huddle.target_s = target_s
        if timebox_s is not None:
            huddle.timebox_s = timebox_s
        store.audit(s, "update", "huddle.settings")
        _refresh(s, huddle.id)


def extend_target(store: Store, day: date, seconds: int = 60) -> LiveState:
    """The "+1 min" key: the huddle's per-case target (every case of this huddle, not one case)
    made ``seconds`` longer, within the allowed range; logged as ``huddle.target_plus``."""
    store.require(*MEETING_ROLES)
    with _write(store) as s:
        huddle = _huddle(s, day)
        if huddle.state == "finished":
            raise InputError("meeting.finished", date=day.isoformat())
        lo, hi = TARGET_RANGE
        value = huddle.target_s + seconds
        if not lo <= value <= hi:
            raise InputError("meeting.bad_target", value=value, min=lo, max=hi)
        huddle.target_s = value
        store.audit(s, "update", "huddle.target_plus")
        _refresh(s, huddle.id)
        s.flush()
        return _live(s, store, huddle)


# -- summaries ----------------------------------------------------------------------------


def _summary_data(s, store: Store, case, cfg) -> dict:  # noqa: ANN001
    from sqlalchemy import select

    from db.models import Case, Huddle

    row = _row(case, store)
    card = _card(s, store, row, cfg)
    seconds = row.seconds
    # The reason belongs to this case when it was deferred or not reached here;
    # otherwise it is why the case was carried over to this huddle.
    left_here = case.state == "deferred" or (case.state in ("waiting", "active") and case.huddle.state == "finished")
    carried_from = None
    if case.carried_from_id is not None:
        carried_from = s.scalar(
            select(Huddle.date).join(Case, Case.huddle_id == Huddle.id).where(Case.id == case.carried_from_id)
        )
    return {
        "case_id": case.id,
        "huddle_date": case.huddle.date.isoformat(),
        "position": case.position,
        "pnr": row.pnr,
        "name": row.name,
        "unit": row.unit,
        "municipality": row.municipality,
        "question": row.question,
        "state": case.state,
        "defer_reason": case.defer_reason,
        "deferred_here": bool(left_here and case.defer_reason),
        "carried": row.carried,
        "carried_from_date": carried_from.isoformat() if carried_from else None,
        "carried_seconds": whole_seconds(card.carried_seconds),
        "seconds": whole_seconds(seconds),
        "target_s": case.huddle.target_s,
        "decisions": [decision_json(d) for d in card.decisions],
        "open_decisions": [decision_json(d) for d in card.open_decisions],
        "readiness": readiness_json(card.readiness),
        "blockers": [{"what": b.what, "owner_org": b.owner_org, "opened_at": b.opened_at.isoformat()} for b in card.blockers],
        "day_mark": card.day_mark,
        "day_mark_note": _day_note(s, case.id),
    }


def _day_note(s, case_id: int) -> str | None:  # noqa: ANN001
    from sqlalchemy import select

    from db.models import DayMark

    return s.scalar(select(DayMark.note).where(DayMark.case_id == case_id))


def case_summary(store: Store, case_id: int) -> str:
    """Plain text, in the current language, ready to paste into the record system."""
    from db import settings as settings_db

    store.require(*SUMMARY_ROLES)
    with _write(store) as s:
        case = _record_case(s, case_id, None)
        cfg = settings_db.load(s)
        data = _summary_data(s, store, case, cfg)
        store.audit(s, "export", "case.summary", patient_id=case.patient_id, case_id=case.id)
        return summary_text(data, cfg.tz)


def huddle_summaries(store: Store, day: date) -> list[dict]:
    """One dict per case (for --format json) with a "text" key holding case_summary's text."""
    from db import settings as settings_db

    store.require(*SUMMARY_ROLES)
    with _write(store) as s:
        huddle = _huddle(s, day, create=False)
        if huddle is None:
            return []
        cfg = settings_db.load(s)
        out = []
        for case in _cases(s, huddle.id):
            data = _summary_data(s, store, case, cfg)
            data["text"] = summary_text(data, cfg.tz)
            store.audit(s, "export", "case.summary", patient_id=case.patient_id, case_id=case.id)
            out.append(data)
        return out
