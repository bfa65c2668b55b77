"""The access log (Patientdatalagen): a patient's log extract and spot-check samples.

Events are written by ``Store.audit`` in the same transaction as the read or
change they describe.  They are append-only: no huddle code updates or deletes
them, and the store refuses it (triggers installed by ``db.migrate``).  Only an
admin reads the log, and reading it is itself logged.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select

from db import settings as settings_db
from db.models import AuditEvent, Case, Huddle, Patient, Staff
from huddle.domain.clock import to_utc
from huddle.domain.text import ShownText
from huddle.errors import InputError
from huddle.store import Store

MAX_SAMPLE = 10_000


@dataclass(frozen=True)
class AuditRow(ShownText):
    event_id: int
    at: datetime  # aware UTC
    actor: str
    username: str | None
    organisation: str | None
    action: str
    what: str
    patient_id: int | None
    patient: str | None  # identity number, or the pseudonym after retention
    case_id: int | None
    huddle_date: date | None

    def to_json(self, tz: str = "Europe/Stockholm") -> dict:
        return {
            "at": self.at.astimezone(ZoneInfo(tz)).isoformat(timespec="seconds"),
            "actor": self.actor,
            "username": self.username,
            "organisation": self.organisation,
            "action": self.action,
            "what": self.what,
            "patient": self.patient,
            "case_id": self.case_id,
            "huddle_date": self.huddle_date.isoformat() if self.huddle_date else None,
        }


@dataclass(frozen=True)
class Extract:
    who: str  # the identity number or pseudonym asked for
    name: str | None
    rows: tuple[AuditRow, ...]
    tz: str


@dataclass(frozen=True)
class Sample:
    start: date
    end: date
    total: int
    rows: tuple[AuditRow, ...]
    tz: str


def _find_patient(s, value: str, today: date) -> Patient:  # noqa: ANN001
    from huddle.domain.pnr import normalise

    text = (value or "").strip()
    if text:
        patient = s.scalar(select(Patient).where(Patient.pseudonym == text))
        if patient is not None:
            return patient
    pnr = normalise(text, today)  # InputError when it is neither
    patient = s.scalar(select(Patient).where(Patient.pnr == pnr))
    if patient is None:
        raise InputError("audit.no_patient", value=pnr)
    return patient


def _rows(s, events) -> list[AuditRow]:  # noqa: ANN001
    events = list(events)
    staff_ids = {e.actor_id for e in events if e.actor_id is not None}
    patient_ids = {e.patient_id for e in events if e.patient_id is not None}
    case_ids = {e.case_id for e in events if e.case_id is not None}
    usernames = dict(s.execute(select(Staff.id, Staff.username).where(Staff.id.in_(staff_ids))).all()) if staff_ids else {}
    patients = (
        {pid: pnr or pseudo for pid, pnr, pseudo in s.execute(
            select(Patient.id, Patient.pnr, Patient.pseudonym).where(Patient.id.in_(patient_ids)))}
        if patient_ids else {}
    )
    dates = (
        dict(s.execute(select(Case.id, Huddle.date).join(Huddle, Case.huddle_id == Huddle.id).where(Case.id.in_(case_ids))).all())
        if case_ids else {}
    )
    return [
        AuditRow(
            event_id=e.id,
            at=to_utc(e.at),
            actor=e.actor,
            # A person signed in at the identity provider has no user name: their HSA-id stands there.
            username=usernames.get(e.actor_id) or e.actor_hsa,
            organisation=e.actor_org,
            action=e.action,
            what=e.what,
            patient_id=e.patient_id,
            patient=patients.get(e.patient_id),
            case_id=e.case_id,
            huddle_date=dates.get(e.case_id),
        )
        for e in events
    ]


def patient_extract(store: Store, pnr_or_pseudonym: str) -> Extract:
    """Every access-log event about one patient, oldest first (admin only; logged)."""
    store.require("admin")
    with store.write() as s:
        tz = settings_db.load(s).tz
        patient = _find_patient(s, pnr_or_pseudonym, store.now().astimezone(ZoneInfo(tz)).date())
        events = s.scalars(select(AuditEvent).where(AuditEvent.patient_id == patient.id).order_by(AuditEvent.at, AuditEvent.id))
        rows = _rows(s, events)
        store.audit(s, "read", "audit.extract", patient_id=patient.id)
        return Extract(who=patient.pnr or patient.pseudonym or str(patient.id), name=patient.name, rows=tuple(rows), tz=tz)


def _utc_bounds(start: date, end: date, tz: str) -> tuple[datetime, datetime]:
    zone = ZoneInfo(tz)
    lo = datetime.combine(start, time(0), zone).astimezone(ZoneInfo("UTC")).replace(tzinfo=None)
    hi = datetime.combine(end + timedelta(days=1), time(0), zone).astimezone(ZoneInfo("UTC")).replace(tzinfo=None)
    return lo, hi


def sample(store: Store, n: int, start: date, end: date, *, seed: int | None = None) -> Sample:
    """``n`` events about patients between two local dates (inclusive), drawn at random for the spot check."""
    store.require("admin")
    if not 1 <= n <= MAX_SAMPLE:
        raise InputError("audit.sample_size", max=MAX_SAMPLE)
    if start > end:
        raise InputError("date.range", start=start.isoformat(), end=end.isoformat())
    with store.write() as s:
        tz = settings_db.load(s).tz
        lo, hi = _utc_bounds(start, end, tz)
        ids = list(
            s.scalars(
                select(AuditEvent.id)
                .where(AuditEvent.at >= lo, AuditEvent.at < hi, or_(AuditEvent.patient_id.is_not(None), AuditEvent.case_id.is_not(None)))
                .order_by(AuditEvent.id)
            )
        )
        rng = random.Random(seed) if seed is not None else random.SystemRandom()
        chosen = sorted(rng.sample(ids, min(n, len(ids))))
        events = []
        for i in range(0, len(chosen), 500):
            events += list(s.scalars(select(AuditEvent).where(AuditEvent.id.in_(chosen[i : i + 500]))))
        events.sort(key=lambda e: (e.at, e.id))
        rows = _rows(s, events)
        store.audit(s, "read", f"audit.sample {len(rows)} {start.isoformat()}..{end.isoformat()}")
        return Sample(start=start, end=end, total=len(ids), rows=tuple(rows), tz=tz)


def count_events(store: Store) -> int:
    with store.read() as s:
        return s.scalar(select(func.count()).select_from(AuditEvent)) or 0
