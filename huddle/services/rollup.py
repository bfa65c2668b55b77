"""Statistics rollup, kept current in the same transaction as each case change.

Every service that changes a case's time, state, readiness, decisions,
blockers or day mark calls ``refresh(session, huddle_id)`` before its
transaction commits.  The rollup is the table ``case_stat``: one anonymous row
per case (no patient id, name or identity number) holding what the manager
figures need, already derived:

* ``duration_s``: the case's time by ``huddle.timing.case_seconds`` as of the
  refresh, in whole seconds (rounded half up): an interval left open by an app
  that is gone counts to its last heartbeat, one still kept by a running app to
  the refresh (statistics refresh such cases before they read, see
  ``open_cases``); NULL when the case has no interval (never discussed: it is
  not counted in ``cases`` and in no time figure).
* ``deferred``: the case left its huddle unfinished: deferred, or not reached
  (still waiting/active when the huddle finished).
* ``readiness``: the newest readiness row recorded *on this case*.  Ready days
  and payment-liable days follow ``huddle.readiness`` under the configured
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
when the huddle itself changed, or when nothing was noted).  SQL here is
SQLite's (``group_concat``, ``INSERT OR REPLACE``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from db.models import Blocker, Case, CaseInterval, DayMark, Decision, Huddle, Readiness
from huddle.clock import UTC, default_clock, local_date
from huddle.readiness import LiabilityRule, liable_days, ready_days, sip_deadline
from huddle.timing import Interval, case_seconds, whole_seconds

_KEY = "huddle_rollup_pending"
_SEP = "\x1f"
BLOCKER_SEP = "; "
# How far back a SIP decision can reach: a notice's deadline is three days on.
SIP_LOOKBACK_DAYS = 7
BATCH = 500


@dataclass
class _Pending:
    cases: set[int] = field(default_factory=set)
    huddles: set[int] = field(default_factory=set)
    sip_patients: set[int] = field(default_factory=set)


def _pending(session: Session) -> _Pending:
    p = session.info.get(_KEY)
    if p is None:
        p = session.info[_KEY] = _Pending()
    return p


@event.listens_for(Session, "after_flush")
def _note_changes(session: Session, _ctx) -> None:  # noqa: ANN001
    """Remember which cases this transaction changed (the collections still hold the flushed objects)."""
    p = None
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Case):
            p = p or _pending(session)
            p.cases.add(obj.id)
        elif isinstance(obj, (CaseInterval, Readiness, Blocker, DayMark)):
            if obj.case_id is not None:
                p = p or _pending(session)
                p.cases.add(obj.case_id)
        elif isinstance(obj, Decision):
            p = p or _pending(session)
            p.cases.add(obj.case_id)
            if obj.kind == "sip_meeting":
                p.sip_patients.add(obj.patient_id)
        elif isinstance(obj, Huddle):
            if obj.id is not None:
                p = p or _pending(session)
                p.huddles.add(obj.id)


# -- reading the raw rows -------------------------------------------------------------

_SELECT = """
SELECT c.id, c.huddle_id, h.date, c.position, c.unit, c.municipality, c.state, c.carried_from_id,
       c.patient_id, c.version, h.target_s, h.state, h.started_at, h.finished_at,
       (SELECT r.state || '|' || coalesce(r.ready_at, '') || '|' || coalesce(r.discharged_date, '')
          FROM readiness r WHERE r.case_id = c.id ORDER BY r.recorded_at DESC, r.id DESC LIMIT 1),
       (SELECT count(*) FROM decision d WHERE d.case_id = c.id),
       (SELECT count(*) FROM decision d WHERE d.case_id = c.id AND d.kind = 'home_visit'),
       (SELECT count(*) FROM blocker b WHERE b.case_id = c.id),
       (SELECT group_concat(o, char(31)) FROM
          (SELECT DISTINCT b.owner_org AS o FROM blocker b WHERE b.case_id = c.id ORDER BY b.owner_org)),
       (SELECT m.colour FROM day_mark m WHERE m.case_id = c.id)
  FROM "case" c JOIN huddle h ON h.id = c.huddle_id
"""

_INSERT = (
    "INSERT OR REPLACE INTO case_stat (case_id, huddle_id, huddle_date, week, position, unit, municipality,"
    " organisation, state, case_version, target_s, duration_s, deferred, carried, meeting_s, huddle_held,"
    " readiness, ready_days, liable_days, sip_due, sip_met, decisions, home_visits, blockers, blocker_owner,"
    " day_mark) VALUES (" + ", ".join("?" * 26) + ")"
)


def _dt(text: str | None) -> datetime | None:
    if not text:
        return None
    return datetime.fromisoformat(text)


def _whole_seconds(delta: timedelta) -> int:
    """Whole seconds, rounded half up, computed exactly on microseconds."""
    return (delta + timedelta(microseconds=500_000)) // timedelta(seconds=1)


def duration_of(intervals: Sequence[Interval], now: datetime) -> int | None:
    """The rollup's case time as of ``now``: ``huddle.timing.case_seconds`` (the one rule: an
    interval left open by an app that is gone ends at its last heartbeat) in whole seconds;
    None when the case has no interval (never discussed)."""
    if not intervals:
        return None
    return whole_seconds(case_seconds(intervals, now))


def _intervals(session: Session, case_ids: Sequence[int]) -> dict[int, list[Interval]]:
    from huddle.services.agenda import stored_interval

    out: dict[int, list[Interval]] = {}
    for i in range(0, len(case_ids), BATCH):
        chunk = case_ids[i : i + BATCH]
        q = select(CaseInterval.case_id, CaseInterval.started_at, CaseInterval.stopped_at, CaseInterval.heartbeat_at)
        for cid, started, stopped, beat in session.execute(q.where(CaseInterval.case_id.in_(chunk))):
            out.setdefault(cid, []).append(stored_interval(started, stopped, beat))
    return out


def _now(session: Session) -> datetime:
    return session.info.get("clock", default_clock()).now()


def iso_week(d: date) -> str:
    y, w, _ = d.isocalendar()
    return f"{y}-W{w:02d}"


class _Context:
    """What every row needs once per refresh: the rule, the zone, the organisation names."""

    def __init__(self, conn) -> None:  # noqa: ANN001
        from huddle import settings as settings_mod

        rows = dict(conn.exec_driver_sql("SELECT key, value FROM setting").fetchall())
        cfg = settings_mod.Settings.from_rows(rows)
        self.rule: LiabilityRule = cfg.liability
        self.tz: str = cfg.tz
        self.orgs = {
            name.strip().casefold(): name for (name,) in conn.exec_driver_sql("SELECT name FROM organisation")
        }

    def organisation(self, unit: str | None) -> str | None:
        if unit is None:
            return None
        return self.orgs.get(unit.strip().casefold(), unit)


def _compute(session: Session, rows: Sequence[tuple], ctx: _Context) -> list[tuple]:
    conn = session.connection()
    spans = _intervals(session, [r[0] for r in rows])
    now = _now(session)
    # SIP decisions for the patients whose case recorded a ready notice.
    ready_patients = {r[8] for r in rows if r[14] and r[14].split("|")[1]}
    sip: dict[int, list[date]] = {}
    if ready_patients:
        ids = list(ready_patients)
        for i in range(0, len(ids), BATCH):
            chunk = ids[i : i + BATCH]
            q = (
                "SELECT patient_id, created_at FROM decision WHERE kind = 'sip_meeting' AND patient_id IN ("
                + ",".join("?" * len(chunk))
                + ")"
            )
            for pid, created in conn.exec_driver_sql(q, tuple(chunk)):
                sip.setdefault(pid, []).append(local_date(_dt(created).replace(tzinfo=UTC), ctx.tz))
    out = []
    for (
        case_id, huddle_id, hdate, position, unit, municipality, state, carried_from, patient_id, version,
        target_s, huddle_state, started, finished, ready, n_dec, n_home, n_block, owners, mark,
    ) in rows:
        day = date.fromisoformat(hdate)
        duration = duration_of(spans.get(case_id, ()), now)
        deferred = state == "deferred" or (huddle_state == "finished" and state in ("waiting", "active"))
        meeting_s = None
        if started and finished:
            meeting_s = _whole_seconds(max(_dt(finished) - _dt(started), timedelta(0)))
        readiness = r_days = l_days = None
        sip_due = sip_met = False
        if ready:
            readiness, ready_at_s, discharged_s = ready.split("|")
            ready_at = _dt(ready_at_s).replace(tzinfo=UTC) if ready_at_s else None
            end = None
            if readiness == "ready":
                end = day + timedelta(days=1)
            elif readiness == "discharged" and discharged_s:
                end = date.fromisoformat(discharged_s)
            if ready_at is not None and end is not None:
                r_days = ready_days(ready_at, end, ctx.tz)
                l_days = liable_days(ready_at, end, ctx.rule, ctx.tz)
            if ready_at is not None and readiness in ("ready", "discharged"):
                sip_due = True
                notice = local_date(ready_at, ctx.tz)
                deadline = sip_deadline(ready_at, ctx.tz)
                sip_met = any(notice <= d <= deadline for d in sip.get(patient_id, ()))
        out.append(
            (
                case_id, huddle_id, hdate, iso_week(day), position, unit, municipality, ctx.organisation(unit),
                state, version, target_s, duration, deferred, carried_from is not None, meeting_s,
                started is not None, readiness, r_days, l_days, sip_due, sip_met, n_dec, n_home, n_block,
                BLOCKER_SEP.join(owners.split(_SEP)) if owners else None, mark,
            )
        )
    return out


def _recompute(session: Session, where: str, params: tuple) -> int:
    conn = session.connection()
    rows = conn.exec_driver_sql(_SELECT + " WHERE " + where, params).fetchall()
    if not rows:
        return 0
    out = _compute(session, rows, _Context(conn))
    conn.exec_driver_sql(_INSERT, out)
    return len(out)


def _recompute_cases(session: Session, case_ids: Iterable[int]) -> int:
    ids = sorted(set(case_ids))
    n = 0
    for i in range(0, len(ids), BATCH):
        chunk = tuple(ids[i : i + BATCH])
        n += _recompute(session, "c.id IN (" + ",".join("?" * len(chunk)) + ")", chunk)
    return n


def refresh(session: Session, huddle_id: int) -> None:
    """Bring the rollup rows of what this transaction changed up to date (at least huddle ``huddle_id``'s)."""
    session.flush()
    p: _Pending | None = session.info.pop(_KEY, None)
    conn = session.connection()
    if p is None or not p.cases or huddle_id in p.huddles:
        _recompute(session, "c.huddle_id = ?", (huddle_id,))
        done_huddles = {huddle_id}
    else:
        done_huddles = set()
    if p is None:
        return
    for other in p.huddles - done_huddles:
        _recompute(session, "c.huddle_id = ?", (other,))
        done_huddles.add(other)
    cases = set(p.cases)
    if p.sip_patients:
        # An earlier ready notice may have had its SIP deadline met by this decision.
        pids = tuple(p.sip_patients)
        day = conn.exec_driver_sql("SELECT date FROM huddle WHERE id = ?", (huddle_id,)).scalar()
        since = (date.fromisoformat(day) - timedelta(days=SIP_LOOKBACK_DAYS)).isoformat() if day else "0000"
        q = (
            'SELECT c.id FROM "case" c JOIN huddle h ON h.id = c.huddle_id WHERE h.date >= ? AND c.patient_id IN ('
            + ",".join("?" * len(pids))
            + ")"
        )
        cases.update(cid for (cid,) in conn.exec_driver_sql(q, (since, *pids)))
    if done_huddles:
        placeholders = ",".join("?" * len(done_huddles))
        done = {
            cid
            for (cid,) in conn.exec_driver_sql(
                f'SELECT id FROM "case" WHERE huddle_id IN ({placeholders})', tuple(done_huddles)
            )
        }
        cases -= done
    if cases:
        _recompute_cases(session, cases)


def open_cases(session: Session, start: date, end: date) -> list[int]:
    """Cases in the period with an interval still open (running now, or left by an app that is gone):
    their time moves with the clock, so readers refresh them (``refresh_cases``) before they count."""
    q = (
        select(Case.id)
        .join(Huddle, Huddle.id == Case.huddle_id)
        .where(Huddle.date.between(start, end), Case.id.in_(select(CaseInterval.case_id).where(CaseInterval.stopped_at.is_(None))))
    )
    return list(session.scalars(q))


def refresh_cases(session: Session, case_ids: Iterable[int]) -> int:
    """Recompute the rollup rows of these cases as of now."""
    session.info.pop(_KEY, None)
    return _recompute_cases(session, case_ids)


def refresh_huddles(session: Session, huddle_ids: Iterable[int]) -> None:
    """Recompute whole huddles (catching up after changes made without ``refresh``)."""
    for hid in huddle_ids:
        _recompute(session, "c.huddle_id = ?", (hid,))
    session.info.pop(_KEY, None)


def rebuild_all(session: Session) -> int:
    """Recompute the whole rollup (after bulk seeding, a demo, or a rule change); returns the rows written."""
    session.flush()
    session.info.pop(_KEY, None)
    conn = session.connection()
    conn.exec_driver_sql("DELETE FROM case_stat")
    huddles = [hid for (hid,) in conn.exec_driver_sql("SELECT id FROM huddle ORDER BY date")]
    ctx = _Context(conn)
    n = 0
    step = 20
    for i in range(0, len(huddles), step):
        chunk = tuple(huddles[i : i + step])
        rows = conn.exec_driver_sql(
            _SELECT + " WHERE c.huddle_id IN (" + ",".join("?" * len(chunk)) + ")", chunk
        ).fetchall()
        if rows:
            conn.exec_driver_sql(_INSERT, _compute(session, rows, ctx))
            n += len(rows)
    return n


def stale_huddles(session: Session, start: date, end: date) -> list[int]:
    """Huddles in the period whose cases and rollup rows differ in number (cases added or removed without
    ``refresh``, e.g. inserted directly)."""
    conn = session.connection()
    q = """
    SELECT h.id FROM huddle h
     WHERE h.date BETWEEN ? AND ?
       AND (SELECT count(*) FROM "case" c WHERE c.huddle_id = h.id)
           != (SELECT count(*) FROM case_stat cs WHERE cs.huddle_id = h.id)
    """
    return [hid for (hid,) in conn.exec_driver_sql(q, (start.isoformat(), end.isoformat()))]
