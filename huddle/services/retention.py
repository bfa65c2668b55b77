"""Retention: the store keeps identities only as long as they are needed.

A patient whose last case closed more than N days ago (N = the setting
``retention_days``, or ``huddle retention --days N``) loses identity number,
name and care contact; a random token in ``Patient.pseudonym`` takes their
place, and the free-text working notes go (case question, defer reason,
decision text and responsible person, blocker text, day-mark note).

Only identity and free-text columns are touched: times, states, units,
municipalities, readiness, decision kinds, blocker owners and day colours
stay, so every statistic is exactly the same before and after.  No rollup
refresh is needed because nothing the rollup reads changes.

A case counts as closed when it has ``closed_at`` or its huddle is finished
(a deferred case lives on as a new case on a later huddle).
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import cast

from sqlalchemy import Table, and_, exists, func, select, update
from sqlalchemy.sql import functions

from db import settings as settings_db
from db.models import Blocker, Case, DayMark, Decision, Huddle, Patient
from huddle.errors import InputError
from huddle.store import Store

MAX_DAYS = 36_500
BATCH = 500
# Defer reasons huddle writes itself (not free text); kept so deferral statistics by reason stay equal.
SYSTEM_DEFER_REASONS: frozenset[str] = frozenset({"not reached", "not_reached"})


def new_pseudonym() -> str:
    return "P-" + secrets.token_hex(8)


def due_patients(session, cutoff) -> list[int]:  # noqa: ANN001
    """Patients with an identity whose every case is closed, the last one before ``cutoff`` (naive UTC)."""
    closed_at = functions.coalesce(Case.closed_at, Huddle.finished_at)
    open_case = (
        select(Case.id)
        .join(Huddle, Case.huddle_id == Huddle.id)
        .where(Case.patient_id == Patient.id, Case.closed_at.is_(None), Huddle.finished_at.is_(None))
    )
    last_closed = (
        select(func.max(closed_at))
        .select_from(Case)
        .join(Huddle, Case.huddle_id == Huddle.id)
        .where(Case.patient_id == Patient.id)
        .scalar_subquery()
    )
    q = (
        select(Patient.id)
        .where(
            Patient.pseudonymised_at.is_(None),
            ~exists(open_case),
            functions.coalesce(last_closed, Patient.created_at) < cutoff,
        )
        .order_by(Patient.id)
    )
    return list(session.scalars(q))


def pseudonymise(store: Store, days: int) -> int:
    """Pseudonymise every patient due under ``days``; returns how many (admin only)."""
    store.require("admin")
    if not isinstance(days, int) or not 0 <= days <= MAX_DAYS:
        raise InputError("retention.days_bad", min=0, max=MAX_DAYS)
    cutoff = store.now_db() - timedelta(days=days)
    done = 0
    while True:
        with store.write() as s:
            ids = due_patients(s, cutoff)[:BATCH]
            if not ids:
                break
            if store.engine.dialect.name == "sqlite":
                # Overwrite the old text on the page with zeros instead of leaving it in free space.
                s.connection().exec_driver_sql("PRAGMA secure_delete=ON")
            _scrub(store, s, ids)
            done += len(ids)
    if done and store.engine.dialect.name == "sqlite":
        _checkpoint(store)
    elif done and store.engine.dialect.name == "postgresql":
        _vacuum(store)
    return done


# The tables whose text retention overwrites (PostgreSQL keeps old row versions until VACUUM).
_SCRUBBED = ("patient", '"case"', "decision", "blocker", "day_mark")


def _vacuum(store: Store) -> None:
    """PostgreSQL has no secure_delete: the old row versions (with the identities) stay in the table
    files until VACUUM frees them. Plain VACUUM takes no lock that stops the meeting; what it leaves
    (free space not yet reused, WAL not yet recycled) is in the README, with the VACUUM FULL to run."""
    with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for table in _SCRUBBED:
            conn.exec_driver_sql(f"VACUUM {table}")


def _checkpoint(store: Store) -> None:
    """Copy the WAL into the file and empty it, so the old pages do not linger in the -wal file."""
    raw = store.engine.raw_connection()  # outside any transaction (the driver runs in autocommit)
    try:
        raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    except Exception:  # noqa: BLE001  (a busy reader: SQLite's next automatic checkpoint does it)
        pass
    finally:
        raw.close()


def _scrub(store: Store, s, ids: list[int]) -> None:  # noqa: ANN001
    now = store.now_db()
    pt, ct, dt, bt, mt = (cast(Table, m.__table__) for m in (Patient, Case, Decision, Blocker, DayMark))
    for pid in ids:
        s.execute(
            update(pt)
            .where(pt.c.id == pid)
            .values(pnr=None, name=None, care_contact=None, pseudonym=new_pseudonym(), pseudonymised_at=now)
        )
    case_ids = select(ct.c.id).where(ct.c.patient_id.in_(ids))
    s.execute(update(ct).where(ct.c.patient_id.in_(ids)).values(question=""))
    s.execute(
        update(ct)
        .where(and_(ct.c.patient_id.in_(ids), ct.c.defer_reason.is_not(None), ct.c.defer_reason.not_in(SYSTEM_DEFER_REASONS)))
        .values(defer_reason=None)
    )
    s.execute(update(dt).where(dt.c.patient_id.in_(ids)).values(text="", responsible_person=None))
    s.execute(update(bt).where(bt.c.patient_id.in_(ids)).values(what=""))
    s.execute(update(mt).where(mt.c.case_id.in_(case_ids)).values(note=None))
    for pid in ids:
        store.audit(s, "update", "retention.pseudonymise", patient_id=pid)


def run_retention(store: Store, days: int | None = None) -> int:
    """Retention as huddle runs it by itself at start (N from the settings); returns how many were pseudonymised.

    Runs as the system, whatever the signed-in person's roles; each patient's
    pseudonymisation is an event in the access log.
    """
    from huddle.services.access import system_actor

    if days is None:
        with store.read() as s:
            days = settings_db.load(s).retention_days
    return pseudonymise(store.with_actor(system_actor("retention")), days)
