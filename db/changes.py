"""Which cases and huddles a write transaction changed, for the statistics rollup.

An ``after_flush`` hook on the store's write sessions (``db.engine.open_store`` installs it on its
own session factory, nothing at import) notes the changed cases while the flushed objects are still
in the session's collections; ``huddle.services.rollup.refresh`` takes the note before commit and
recomputes exactly those rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from db.models import Blocker, Case, CaseInterval, DayMark, Decision, Huddle, Readiness

_KEY = "huddle_rollup_pending"


@dataclass
class Pending:
    cases: set[int] = field(default_factory=set)
    huddles: set[int] = field(default_factory=set)
    sip_patients: set[int] = field(default_factory=set)


def _pending(session: Session) -> Pending:
    p = session.info.get(_KEY)
    if p is None:
        p = session.info[_KEY] = Pending()
    return p


def take(session: Session) -> Pending | None:
    """What this transaction changed since the last take (None: nothing noted)."""
    return session.info.pop(_KEY, None)


def note_changes(session: Session, _flush_context: Any) -> None:
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
