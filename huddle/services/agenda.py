"""The agenda: putting patients on a huddle, listing, editing, reordering, removing, importing."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db import settings as settings_db
from db.models import Case, Huddle, Patient
from huddle.domain.clock import local_date, to_utc
from huddle.domain.days import MeetingCalendar
from huddle.domain.dto import CaseRow
from huddle.domain.fields import validate_field, validate_patient
from huddle.domain.timing import Interval, case_seconds
from huddle.errors import ConflictError, InputError
from huddle.services import rollup
from huddle.store import Store


def today(store: Store) -> date:
    with store.read() as s:
        tz = settings_db.load(s).tz
    return local_date(store.now(), tz)


def default_date(store: Store) -> date:
    """The next meeting day: today if it is a meeting day whose meeting has not finished, else the next one."""
    with store.read() as s:
        cfg = settings_db.load(s)
        return _default_day(s, local_date(store.now(), cfg.tz), cfg.calendar)


def calendar(store: Store) -> MeetingCalendar:
    """The store's meeting calendar: Swedish public holidays and its local closed and extra days."""
    with store.read() as s:
        return settings_db.load(s).calendar


def huddle_state(store: Store, day: date) -> str | None:
    """The state of ``day``'s huddle (planned, running, finished), or None when it has none."""
    with store.read() as s:
        return s.scalar(select(Huddle.state).where(Huddle.date == day))


def _default_day(s: Session, today_: date, cal: MeetingCalendar) -> date:
    day = cal.next(today_)
    if s.scalar(select(Huddle.state).where(Huddle.date == day)) == "finished":
        day = cal.next(day, include_today=False)
    return day


def _today_and_day(store: Store, day: date | None) -> tuple[date, date]:
    """Today (for identity numbers) and the huddle's day, from one read of the settings.

    A day asked for must be a meeting day: a patient put on a Saturday's or Christmas Day's
    agenda would never be discussed (the app's n/p keys skip such days)."""
    with store.read() as s:
        cfg = settings_db.load(s)
        today_ = local_date(store.now(), cfg.tz)
        return today_, cfg.calendar.check(day) if day else _default_day(s, today_, cfg.calendar)


def get_or_create_huddle(session: Session, day: date) -> Huddle:
    """The huddle of ``day``, made if missing, and locked for this transaction.

    Safe when several writers ask at once, on every engine: the row is inserted with
    ``ON CONFLICT DO NOTHING`` on its unique date, then read ``FOR UPDATE`` (PostgreSQL
    waits there for the other writers of this huddle; SQLite's BEGIN IMMEDIATE already
    serialises writers). So "max position + 1" and the agenda's order are decided by
    one writer at a time.
    """
    from db.dialect import insert_if_missing

    huddle = session.scalar(select(Huddle).where(Huddle.date == day).with_for_update())
    if huddle is None:
        cfg = settings_db.load(session)
        values = {"date": day, "target_s": cfg.target_s, "timebox_s": cfg.timebox_s,
                  "planned_start": cfg.meeting_time}
        insert_if_missing(session, Huddle.__table__, values, key=("date",))
        huddle = session.scalars(select(Huddle).where(Huddle.date == day).with_for_update()).one()
    return huddle


def lock_huddle(session: Session, huddle_id: int) -> None:
    """Hold the huddle's row for this transaction before its agenda's positions change."""
    session.execute(select(Huddle.id).where(Huddle.id == huddle_id).with_for_update())


def find_or_create_patient(store: Store, session: Session, values: dict[str, str]) -> Patient:
    from db.dialect import insert_if_missing

    patient = session.scalar(select(Patient).where(Patient.pnr == values["pnr"]))
    created = False
    if patient is None:
        created = insert_if_missing(
            session,
            Patient.__table__,
            {"pnr": values["pnr"], "name": values["name"], "unit": values["unit"],
             "municipality": values["municipality"], "created_at": store.now_db()},
            key=("pnr",),
        )
        patient = session.scalars(select(Patient).where(Patient.pnr == values["pnr"])).one()
    if created:
        # Logged by the caller's one event for the whole change (case.add names the new patient).
        patient.is_new = True  # type: ignore[attr-defined]
    else:
        # The newest information a nurse gives wins: a patient moves between units.
        before = (patient.name, patient.unit, patient.municipality)
        patient.name = values["name"] or patient.name
        patient.unit = values["unit"] or patient.unit
        patient.municipality = values["municipality"] or patient.municipality
        # The caller's one event names the change, so a corrected name is never an unlogged change.
        patient.is_updated = before != (patient.name, patient.unit, patient.municipality)  # type: ignore[attr-defined]
    return patient


def _next_position(session: Session, huddle_id: int) -> int:
    return (session.scalar(select(func.max(Case.position)).where(Case.huddle_id == huddle_id)) or 0) + 1


def add_patient(
    store: Store,
    *,
    pnr: str,
    name: str,
    unit: str,
    municipality: str,
    question: str = "",
    day: date | None = None,
) -> CaseRow:
    """Put a patient on a huddle's agenda; the same patient cannot stand twice on one agenda."""
    store.require("nurse", "facilitator")
    today_, day = _today_and_day(store, day)
    values = validate_patient(
        {"pnr": pnr, "name": name, "unit": unit, "municipality": municipality, "question": question},
        today_,
    )
    with store.write() as s:
        case = _add(store, s, values, day)
        return _row(case, store)


def _add(store: Store, s: Session, values: dict[str, str], day: date) -> Case:
    huddle = get_or_create_huddle(s, day)
    if huddle.state == "finished":
        raise InputError("agenda.finished", date=day.isoformat())
    patient = find_or_create_patient(store, s, values)
    existing = s.scalar(select(Case).where(Case.huddle_id == huddle.id, Case.patient_id == patient.id))
    if existing is not None:
        raise InputError("agenda.duplicate", pnr=values["pnr"], date=day.isoformat(), position=existing.position)
    case = Case(
        huddle_id=huddle.id,
        patient_id=patient.id,
        position=_next_position(s, huddle.id),
        question=values["question"],
        added_by=store.actor.name,
        added_by_id=store.actor.staff_id,
        added_at=store.now_db(),
        state="waiting",
        unit=values["unit"],
        municipality=values["municipality"],
    )
    s.add(case)
    s.flush()
    case.patient = patient
    case.huddle = huddle
    if getattr(patient, "is_new", False):
        what = "case.add+patient.create"
    elif getattr(patient, "is_updated", False):
        what = "case.add+patient.update"
    else:
        what = "case.add"
    store.audit(s, "create", what, patient_id=patient.id, case_id=case.id)
    rollup.refresh(s, huddle.id)
    return case


def import_rows(store: Store, rows: list[dict[str, str]], day: date | None = None) -> list[CaseRow]:
    """All or nothing: every row goes on the agenda, or (on any refusal) none does."""
    store.require("nurse", "facilitator")
    day = calendar(store).check(day) if day else default_date(store)
    with store.write() as s:
        out = []
        for number, values in enumerate(rows, start=2):
            line = values.get("_line", number)  # the file's line when the rows came from huddle.domain.csvimport
            try:
                out.append(_row(_add(store, s, values, day), store))
            except InputError as exc:
                raise InputError("csv.row", line=line, reason=str(exc)) from exc
        return out


def import_csv(store: Store, data: bytes, day: date | None = None) -> list[CaseRow]:
    from huddle.domain.csvimport import decode, parse_agenda_csv

    rows = parse_agenda_csv(decode(data), today(store))
    return import_rows(store, rows, day)


def list_agenda(store: Store, day: date | None = None, *, with_identity: bool = True) -> list[CaseRow]:
    """The agenda of ``day``; each patient's read is logged.  ``with_identity=False`` logs nothing and is
    for code that does not show the rows to a person (tests, internal re-reads)."""
    day = day or default_date(store)
    store.require("nurse", "facilitator", "admin")
    if not with_identity:
        with store.read() as s:
            return _day_rows(s, day, store)
    # Read and log in one transaction: nobody sees an identity the access log does not hold.
    with store.write() as s:
        rows = _day_rows(s, day, store)
        store.audit_many(s, "read", "agenda.list", [(c.patient_id, c.case_id) for c in rows])
    return rows


def _day_rows(s: Session, day: date, store: Store) -> list[CaseRow]:
    """A day's agenda as rows, read as plain columns (two queries, no ORM objects).

    Loading every case, patient and interval as ORM objects made a 20-case agenda
    cost ~7 ms, mostly in building ~190 objects that were thrown away at once.
    """
    from sqlalchemy.orm import aliased

    from db.models import CaseInterval

    earlier_case, earlier_huddle = aliased(Case), aliased(Huddle)
    on_day = select(Case.id).join(Huddle, Huddle.id == Case.huddle_id).where(Huddle.date == day)
    cases = s.execute(
        select(
            Case.id, Case.position, Case.patient_id, Patient.pnr, Patient.name,
            Case.unit, Patient.unit.label("patient_unit"), Case.municipality,
            Patient.municipality.label("patient_municipality"), Case.question, Case.state, Case.added_by,
            Case.added_at, Case.version, Case.defer_reason, Case.carried_from_id,
            earlier_huddle.date.label("carried_from_date"),
        )
        .join(Patient, Patient.id == Case.patient_id)
        .outerjoin(earlier_case, earlier_case.id == Case.carried_from_id)
        .outerjoin(earlier_huddle, earlier_huddle.id == earlier_case.huddle_id)
        .where(Case.id.in_(on_day))
        .order_by(Case.position)
    ).all()
    spans: dict[int, list[Interval]] = {}
    if cases:
        for case_id, started, stopped, beat in s.execute(
            select(
                CaseInterval.case_id, CaseInterval.started_at, CaseInterval.stopped_at, CaseInterval.heartbeat_at
            ).where(CaseInterval.case_id.in_(on_day))
        ):
            spans.setdefault(case_id, []).append(stored_interval(started, stopped, beat))
    now = store.now()
    return [case_row(c, day, case_seconds(spans.get(c.id, ()), now)) for c in cases]


def stored_interval(started: datetime, stopped: datetime | None, heartbeat: datetime | None) -> Interval:
    """An interval as the store keeps it (naive UTC columns), for ``huddle.domain.timing``."""
    return Interval(to_utc(started), to_utc(stopped) if stopped else None, to_utc(heartbeat) if heartbeat else None)


def case_row(c, day: date, seconds: float) -> CaseRow:  # noqa: ANN001
    """An agenda line from one row of plain case + patient columns (labels as in ``_day_rows``)."""
    return CaseRow(
        case_id=c.id,
        huddle_date=day,
        position=c.position,
        patient_id=c.patient_id,
        pnr=c.pnr,
        name=c.name,
        unit=c.unit or c.patient_unit,
        municipality=c.municipality or c.patient_municipality,
        question=c.question or "",
        state=c.state,
        added_by=c.added_by,
        added_at=to_utc(c.added_at),
        version=c.version,
        seconds=seconds,
        defer_reason=c.defer_reason,
        carried=c.carried_from_id is not None,
        carried_from=getattr(c, "carried_from_date", None),
    )


def _cases(s: Session, day: date) -> list[Case]:
    from sqlalchemy.orm import selectinload

    return list(
        s.scalars(
            select(Case)
            .join(Huddle)
            .where(Huddle.date == day)
            .options(selectinload(Case.patient), selectinload(Case.intervals), selectinload(Case.huddle))
            .order_by(Case.position)
        )
    )


def _row(case: Case, store: Store) -> CaseRow:
    p = case.patient
    now = store.now()
    intervals = [stored_interval(iv.started_at, iv.stopped_at, iv.heartbeat_at) for iv in case.intervals]
    return CaseRow(
        case_id=case.id,
        huddle_date=case.huddle.date,
        position=case.position,
        patient_id=case.patient_id,
        pnr=p.pnr,
        name=p.name,
        unit=case.unit or p.unit,
        municipality=case.municipality or p.municipality,
        question=case.question or "",
        state=case.state,
        added_by=case.added_by,
        added_at=to_utc(case.added_at),
        version=case.version,
        seconds=case_seconds(intervals, now),
        defer_reason=case.defer_reason,
        carried=case.carried_from_id is not None,
    )


def _load_case(s: Session, case_id: int, version: int | None) -> Case:
    case = s.get(Case, case_id)
    if case is None:
        raise InputError("case.missing", case_id=case_id)
    if version is not None and case.version != version:
        raise ConflictError("case.conflict")
    return case


def edit_question(store: Store, case_id: int, question: str, *, version: int | None = None) -> CaseRow:
    store.require("nurse", "facilitator")
    # A question needs no "today" (only identity numbers do): no extra read of the settings.
    text = validate_field("question", question, local_date(store.now()))
    with store.write() as s:
        case = _load_case(s, case_id, version)
        case.question = text
        s.flush()
        store.audit(s, "update", "case.question", patient_id=case.patient_id, case_id=case.id)
        return _row(case, store)


def move_case(store: Store, case_id: int, offset: int) -> list[CaseRow]:
    """Move a case up (negative) or down (positive) among its huddle's cases."""
    store.require("nurse", "facilitator")
    with store.write() as s:
        case = _load_case(s, case_id, None)
        lock_huddle(s, case.huddle_id)
        siblings = list(s.scalars(select(Case).where(Case.huddle_id == case.huddle_id).order_by(Case.position)))
        idx = next(i for i, c in enumerate(siblings) if c.id == case.id)
        new = max(0, min(len(siblings) - 1, idx + offset))
        if new != idx:
            siblings.insert(new, siblings.pop(idx))
            # Two passes so a unique (huddle, position) index never sees a clash.
            for i, c in enumerate(siblings, start=1):
                c.position = -i
            s.flush()
            for c in siblings:
                c.position = -c.position
            store.audit(s, "update", "case.move", patient_id=case.patient_id, case_id=case.id)
            rollup.refresh(s, case.huddle_id)
        day = case.huddle.date
    # The new order without identities: the move was logged for the moved case only.
    return [replace(r, pnr=None, name=None) for r in list_agenda(store, day, with_identity=False)]


def remove_case(store: Store, case_id: int) -> None:
    """Take a case off the agenda (only while it has not been discussed)."""
    store.require("nurse", "facilitator")
    with store.write() as s:
        case = _load_case(s, case_id, None)
        if case.state != "waiting" or case.intervals:
            raise InputError("case.remove_started")
        store.audit(s, "delete", "case.remove", patient_id=case.patient_id, case_id=case.id)
        huddle_id, pos = case.huddle_id, case.position
        lock_huddle(s, huddle_id)
        s.delete(case)
        s.flush()
        later = list(s.scalars(select(Case).where(Case.huddle_id == huddle_id, Case.position > pos)))
        # Two passes, so the unique (huddle, position) index never sees two cases in one place.
        for c in later:
            c.position = -c.position
        s.flush()
        for c in later:
            c.position = -c.position - 1
        rollup.refresh(s, huddle_id)
