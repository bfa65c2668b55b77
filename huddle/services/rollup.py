"""Statistics rollup, kept current in the same transaction as each case change.

Every service that changes a case's time, state, readiness, decisions,
blockers or day mark calls ``refresh(session, huddle_id)`` before its
transaction commits.  The rollup is the table ``case_stat``: one anonymous row
per case (no patient id, name or identity number) holding what the manager
figures need, already derived:

* ``duration_s``: the case's time by ``huddle.domain.timing.case_seconds`` as of the
  refresh, in whole seconds (rounded half up): an interval left open by an app
  that is gone counts to its last heartbeat, one still kept by a running app to
  the refresh (statistics refresh such cases before they read, see
  ``open_cases``); NULL when the case has no interval (never discussed: it is
  not counted in ``cases`` and in no time figure).
* ``deferred``: the case left its huddle unfinished: deferred, or not reached
  (still waiting/active when the huddle finished).
* ``readiness``: the newest readiness row recorded *on this case*.  Ready days
  and payment-liable days follow ``huddle.domain.readiness`` under the configured
  rule: for ``discharged`` from the notice to the discharge day, for ``ready``
  up to and including the huddle's day.  Because readiness counts on the case
  where it was recorded, a readiness episode recorded once counts once.
* ``sip_due``/``sip_met``: the case recorded a ready notice; met when a
  ``sip_meeting`` decision for the same patient was taken between the notice
  day and the SIP deadline (three days).
* ``organisation``: the registered organisation whose name equals the case's
  unit (ignoring case and surrounding blanks); a unit that names no registered
  organisation stands for itself.

Keeping it current is cheap: an ``after_flush`` hook notes which cases the
transaction touched, and ``refresh`` recomputes only those (the whole huddle
when the huddle itself changed, or when nothing was noted).  Every statement is
SQLAlchemy Core, the same on SQLite and PostgreSQL; the one construct that
differs (insert or replace) is ``db.dialect.upsert``.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from types import SimpleNamespace
from typing import Any

from sqlalchemy import bindparam, delete, func, select
from sqlalchemy.orm import Session

from db import changes
from db.models import (
    Blocker,
    Case,
    CaseInterval,
    CaseStat,
    DayMark,
    Decision,
    Huddle,
    Organisation,
    Readiness,
    Setting,
)
from huddle.domain.clock import default_clock, local_date, to_utc
from huddle.domain.readiness import LiabilityRule, liable_days, ready_days, sip_deadline
from huddle.domain.timing import IntervalLike, case_seconds, whole_seconds

_CTX_KEY = "huddle_rollup_context"
BLOCKER_SEP = "; "
# How far back a SIP decision can reach: a notice's deadline is three days on.
SIP_LOOKBACK_DAYS = 7
BATCH = 500


# -- reading the raw rows (SQLAlchemy Core: the same statements on SQLite and PostgreSQL) ----------


@functools.cache
def _q() -> SimpleNamespace:
    """The rollup's statements, built once (SQLAlchemy reuses their compiled forms); ``ids`` expands."""
    ids: Any = bindparam("ids", expanding=True)
    cases = select(
            Case.id, Case.huddle_id, Huddle.date, Case.position, Case.unit, Case.municipality, Case.state,
            Case.carried_from_id, Case.patient_id, Case.version, Huddle.target_s, Huddle.state,
            Huddle.started_at, Huddle.finished_at,
        ).join(Huddle, Huddle.id == Case.huddle_id)
    return SimpleNamespace(
        cases_by_id=cases.where(Case.id.in_(ids)),
        cases_of_huddles=cases.where(Case.huddle_id.in_(bindparam("hids", expanding=True))),
        intervals=select(
            CaseInterval.case_id, CaseInterval.started_at.label("start"), CaseInterval.stopped_at.label("stop"),
            CaseInterval.heartbeat_at.label("heartbeat"),
        ).where(CaseInterval.case_id.in_(ids)),
        readiness=select(
            Readiness.case_id, Readiness.recorded_at, Readiness.id, Readiness.state, Readiness.ready_at,
            Readiness.discharged_date,
        ).where(Readiness.case_id.in_(ids)),
        decisions=select(Decision.case_id, Decision.kind).where(Decision.case_id.in_(ids)),
        blockers=select(Blocker.case_id, Blocker.owner_org).where(Blocker.case_id.in_(ids)),
        marks=select(DayMark.case_id, DayMark.colour).where(DayMark.case_id.in_(ids)),
        sip=select(Decision.patient_id, Decision.created_at).where(
            Decision.kind == "sip_meeting", Decision.patient_id.in_(bindparam("pids", expanding=True))
        ),
        settings=select(Setting.key, Setting.value),
        orgs=select(Organisation.name),
    )


def _case_rows(session: Session, *, ids: Sequence[int] = (), huddle_ids: Sequence[int] = ()) -> list:
    """The case and huddle columns of the cases ``ids``, or of every case of ``huddle_ids``."""
    q, conn = _q(), session.connection()
    if huddle_ids:
        return list(conn.execute(q.cases_of_huddles, {"hids": list(huddle_ids)}))
    return list(conn.execute(q.cases_by_id, {"ids": list(ids)}))


@dataclass
class _Facts:
    """What the rollup reads per case besides the case row, for a batch of cases (a few IN queries)."""

    intervals: dict[int, list[IntervalLike]] = field(default_factory=dict)
    readiness: dict[int, tuple] = field(default_factory=dict)  # newest (state, ready_at, discharged_date)
    decisions: dict[int, list[str]] = field(default_factory=dict)  # kinds
    blockers: dict[int, list[str]] = field(default_factory=dict)  # owning organisations
    marks: dict[int, str] = field(default_factory=dict)


def _facts(session: Session, case_ids: Sequence[int]) -> _Facts:
    f = _Facts()
    q, conn = _q(), session.connection()
    newest: dict[int, tuple] = {}
    for i in range(0, len(case_ids), BATCH):
        chunk = {"ids": list(case_ids[i : i + BATCH])}
        for row in conn.execute(q.intervals, chunk):  # rows with start/stop/heartbeat, naive UTC
            f.intervals.setdefault(row.case_id, []).append(row)
        for cid, recorded, rid, state, ready_at, discharged in conn.execute(q.readiness, chunk):
            if cid not in newest or (recorded, rid) > newest[cid][0]:
                newest[cid] = ((recorded, rid), (state, ready_at, discharged))
        for cid, kind in conn.execute(q.decisions, chunk):
            f.decisions.setdefault(cid, []).append(kind)
        for cid, owner in conn.execute(q.blockers, chunk):
            f.blockers.setdefault(cid, []).append(owner)
        for cid, colour in conn.execute(q.marks, chunk):
            f.marks[cid] = colour
    f.readiness = {cid: value for cid, (_, value) in newest.items()}
    return f


def duration_of(intervals: Sequence[IntervalLike], now: datetime) -> int | None:
    """The rollup's case time as of ``now``: ``huddle.domain.timing.case_seconds`` (the one rule: an
    interval left open by an app that is gone ends at its last heartbeat) in whole seconds;
    None when the case has no interval (never discussed)."""
    if not intervals:
        return None
    return whole_seconds(case_seconds(intervals, now))


def _now(session: Session) -> datetime:
    """Now as the store keeps times (naive UTC), from the clock of the Store that opened the session."""
    return session.info.get("clock", default_clock()).now().replace(tzinfo=None)


def iso_week(d: date) -> str:
    y, w, _ = d.isocalendar()
    return f"{y}-W{w:02d}"


class _Context:
    """What every row needs once per refresh: the rule, the zone, the organisation names."""

    def __init__(self, session: Session) -> None:
        from huddle.domain import settings as settings_mod

        q, conn = _q(), session.connection()
        cfg = settings_mod.Settings.from_rows(dict(conn.execute(q.settings).all()))
        self.rule: LiabilityRule = cfg.liability
        self.tz: str = cfg.tz
        self.orgs = {name.strip().casefold(): name for (name,) in conn.execute(q.orgs)}

    @classmethod
    def of(cls, session: Session) -> _Context:
        """One per transaction: a transaction that refreshes several times reads the settings once."""
        ctx = session.info.get(_CTX_KEY)
        if ctx is None:
            ctx = session.info[_CTX_KEY] = cls(session)
        return ctx

    def organisation(self, unit: str | None) -> str | None:
        if unit is None:
            return None
        return self.orgs.get(unit.strip().casefold(), unit)


def _compute(session: Session, rows: Sequence, ctx: _Context) -> list[dict]:
    facts = _facts(session, [r[0] for r in rows])
    now = _now(session)
    # SIP decisions for the patients whose case recorded a ready notice.
    ready_patients = sorted({r[8] for r in rows if (facts.readiness.get(r[0]) or (None, None))[1] is not None})
    sip: dict[int, list[date]] = {}
    for i in range(0, len(ready_patients), BATCH):
        chunk = ready_patients[i : i + BATCH]
        for pid, created in session.connection().execute(_q().sip, {"pids": chunk}):
            sip.setdefault(pid, []).append(local_date(to_utc(created), ctx.tz))
    out = []
    for (
        case_id, huddle_id, day, position, unit, municipality, state, carried_from, patient_id, version,
        target_s, huddle_state, started, finished,
    ) in rows:
        duration = duration_of(facts.intervals.get(case_id, ()), now)
        deferred = state == "deferred" or (huddle_state == "finished" and state in ("waiting", "active"))
        meeting_s = None
        if started and finished:
            meeting_s = whole_seconds(max((finished - started).total_seconds(), 0.0))
        readiness = r_days = l_days = None
        sip_due = sip_met = False
        ready = facts.readiness.get(case_id)
        if ready is not None:
            readiness, ready_at_naive, discharged = ready
            ready_at = to_utc(ready_at_naive) if ready_at_naive is not None else None
            end = None
            if readiness == "ready":
                end = day + timedelta(days=1)
            elif readiness == "discharged" and discharged is not None:
                end = discharged
            if ready_at is not None and end is not None:
                r_days = ready_days(ready_at, end, ctx.tz)
                l_days = liable_days(ready_at, end, ctx.rule, ctx.tz)
            if ready_at is not None and readiness in ("ready", "discharged"):
                sip_due = True
                notice = local_date(ready_at, ctx.tz)
                deadline = sip_deadline(ready_at, ctx.tz)
                sip_met = any(notice <= d <= deadline for d in sip.get(patient_id, ()))
        kinds = facts.decisions.get(case_id, [])
        owners = facts.blockers.get(case_id, [])
        out.append(
            {
                "case_id": case_id, "huddle_id": huddle_id, "huddle_date": day, "week": iso_week(day),
                "position": position, "unit": unit, "municipality": municipality,
                "organisation": ctx.organisation(unit), "state": state, "case_version": version,
                "target_s": target_s, "duration_s": duration, "deferred": deferred,
                "carried": carried_from is not None, "meeting_s": meeting_s, "huddle_held": started is not None,
                "readiness": readiness, "ready_days": r_days, "liable_days": l_days, "sip_due": sip_due,
                "sip_met": sip_met, "decisions": len(kinds), "home_visits": kinds.count("home_visit"),
                "blockers": len(owners), "blocker_owner": BLOCKER_SEP.join(sorted({o for o in owners if o is not None})) or None,
                "day_mark": facts.marks.get(case_id),
            }
        )
    return out


def _store(session: Session, out: list[dict]) -> None:
    """Insert or replace the rollup rows (one upsert per dialect, see ``db.dialect``)."""
    from db.dialect import upsert

    if out:
        upsert(session, CaseStat.__table__, out, key=("case_id",))


def _recompute(session: Session, *, ids: Sequence[int] = (), huddle_ids: Sequence[int] = ()) -> int:
    rows = _case_rows(session, ids=ids, huddle_ids=huddle_ids)
    if not rows:
        return 0
    _store(session, _compute(session, rows, _Context.of(session)))
    return len(rows)


def _recompute_cases(session: Session, case_ids: Iterable[int]) -> int:
    ids = sorted(set(case_ids))
    n = 0
    for i in range(0, len(ids), BATCH):
        n += _recompute(session, ids=ids[i : i + BATCH])
    return n


def refresh(session: Session, huddle_id: int) -> None:
    """Bring the rollup rows of what this transaction changed up to date (at least huddle ``huddle_id``'s)."""
    session.flush()
    p = changes.take(session)
    if p is None or not p.cases or huddle_id in p.huddles:
        _recompute(session, huddle_ids=[huddle_id])
        done_huddles = {huddle_id}
    else:
        done_huddles = set()
    if p is None:
        return
    for other in p.huddles - done_huddles:
        _recompute(session, huddle_ids=[other])
        done_huddles.add(other)
    cases = set(p.cases)
    if p.sip_patients:
        # An earlier ready notice may have had its SIP deadline met by this decision.
        day = session.scalar(select(Huddle.date).where(Huddle.id == huddle_id))
        q = select(Case.id).join(Huddle, Huddle.id == Case.huddle_id).where(Case.patient_id.in_(sorted(p.sip_patients)))
        if day is not None:
            q = q.where(Huddle.date >= day - timedelta(days=SIP_LOOKBACK_DAYS))
        cases.update(session.scalars(q))
    if done_huddles:
        cases -= set(session.scalars(select(Case.id).where(Case.huddle_id.in_(sorted(done_huddles)))))
    if cases:
        _recompute_cases(session, cases)


def open_cases(session: Session, start: date, end: date) -> list[int]:
    """Cases in the period with an interval still open (running now, or left by an app that is gone):
    their time moves with the clock, so readers refresh them (``refresh_cases``) before they count."""
    # From the period's huddles down their indexes (not a scan of every interval: ~80 ms at a million cases).
    q = (
        select(Case.id)
        .join(Huddle, Huddle.id == Case.huddle_id)
        .join(CaseInterval, CaseInterval.case_id == Case.id)
        .where(Huddle.date.between(start, end), CaseInterval.stopped_at.is_(None))
        .distinct()
    )
    return list(session.scalars(q))


def refresh_cases(session: Session, case_ids: Iterable[int]) -> int:
    """Recompute the rollup rows of these cases as of now."""
    changes.take(session)
    return _recompute_cases(session, case_ids)


def refresh_huddles(session: Session, huddle_ids: Iterable[int]) -> None:
    """Recompute whole huddles (catching up after changes made without ``refresh``)."""
    for hid in huddle_ids:
        _recompute(session, huddle_ids=[hid])
    changes.take(session)


def rebuild_all(session: Session) -> int:
    """Recompute the whole rollup (after bulk seeding, a demo, or a rule change); returns the rows written."""
    session.flush()
    changes.take(session)
    session.execute(delete(CaseStat))
    huddles = list(session.scalars(select(Huddle.id).order_by(Huddle.date)))
    ctx = _Context(session)
    n = 0
    step = 20
    for i in range(0, len(huddles), step):
        rows = _case_rows(session, huddle_ids=huddles[i : i + step])
        if rows:
            _store(session, _compute(session, rows, ctx))
            n += len(rows)
    return n


def stale_huddles(session: Session, start: date, end: date) -> list[int]:
    """Huddles in the period whose cases and rollup rows differ in number (cases added or removed without
    ``refresh``, e.g. inserted directly)."""
    cases = select(func.count()).select_from(Case).where(Case.huddle_id == Huddle.id).scalar_subquery()
    stats = select(func.count()).select_from(CaseStat).where(CaseStat.huddle_id == Huddle.id).scalar_subquery()
    q = select(Huddle.id).where(Huddle.date.between(start, end), cases != stats)
    return list(session.scalars(q))
