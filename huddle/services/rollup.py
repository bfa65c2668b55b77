"""Statistics rollup, kept current in the same transaction as each case change.

Every service that changes a case's time, state, readiness, decisions,
blockers or day mark calls ``refresh(session, huddle_id)`` before its
transaction commits.  (Filled in by the statistics work.)
"""

from __future__ import annotations

from sqlalchemy.orm import Session


def refresh(session: Session, huddle_id: int) -> None:
    """Recompute the rollup rows for one huddle day."""
    return None
