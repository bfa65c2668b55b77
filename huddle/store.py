"""The store as services see it: sessions, the clock, the acting person, the audit log.

``Store.open`` is the one way in.  Writes are short: ``with store.write() as s``
opens a transaction that starts with BEGIN IMMEDIATE and commits (or rolls
back) on leaving; nothing holds the write lock while a person types.
"""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from huddle.domain.clock import Clock, default_clock
from huddle.errors import AccessDenied, StoreError

ALL_ROLES = frozenset({"nurse", "facilitator", "manager", "admin"})


@dataclass(frozen=True)
class Actor:
    """Who is acting: a signed-in staff member, or the local user in single-user mode."""

    name: str
    staff_id: int | None = None
    organisation: str | None = None
    roles: frozenset[str] = field(default_factory=lambda: ALL_ROLES)
    single_user: bool = True
    # The HSA-id of a person signed in at the identity provider (on every access-log event).
    hsa_id: str | None = None

    @classmethod
    def local(cls) -> Actor:
        try:
            name = getpass.getuser()
        except Exception:  # no passwd entry (containers)
            name = "local"
        return cls(name=name)


class Store:
    def __init__(self, opened, clock: Clock | None = None, actor: Actor | None = None) -> None:  # noqa: ANN001
        self.opened = opened
        self.engine = opened.engine
        self.clock: Clock = clock or default_clock()
        self.actor: Actor = actor or Actor.local()

    # -- opening -----------------------------------------------------------------
    @classmethod
    def open(
        cls,
        target: str,
        *,
        clock: Clock | None = None,
        actor: Actor | None = None,
        create: bool = True,
        upgrade: bool = True,
    ) -> Store:
        from db.engine import StoreOpenError, open_store

        try:
            opened = open_store(target, create=create, upgrade=upgrade)
        except StoreOpenError as exc:
            raise StoreError(f"store.{exc.reason}", path=exc.path, detail=exc.detail) from exc
        return cls(opened, clock=clock, actor=actor)

    def with_actor(self, actor: Actor) -> Store:
        return Store(self.opened, clock=self.clock, actor=actor)

    @property
    def path(self):  # noqa: ANN201
        return self.opened.path

    @property
    def target(self) -> str:
        """What ``--db`` takes to open this store again: the file's path, or the database URL."""
        return str(self.opened.path) if self.opened.path is not None else self.opened.url

    @property
    def created(self) -> bool:
        return self.opened.created

    def close(self) -> None:
        self.engine.dispose()

    # -- time ----------------------------------------------------------------------
    def now(self) -> datetime:
        return self.clock.now()

    def now_db(self) -> datetime:
        """Now as stored: naive UTC."""
        return self.clock.now().replace(tzinfo=None)

    # -- sessions ------------------------------------------------------------------
    @contextmanager
    def write(self) -> Iterator[Session]:
        """One short write transaction (BEGIN IMMEDIATE); commits on success, rolls back on error."""
        with self.opened.Session.begin() as session:
            session.info["clock"] = self.clock  # the rollup counts open intervals as of this Store's now
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only transaction that never takes the write lock."""
        with self.opened.ReadSession() as session:
            with session.begin():
                yield session
                session.rollback()

    # -- access and audit ----------------------------------------------------------
    def require(self, *roles: str) -> None:
        """Refuse unless the actor has one of ``roles``.  Checked in services, not screens."""
        if self.actor.single_user:
            return
        if not self.actor.roles & set(roles):
            raise AccessDenied("access.denied", roles=", ".join(roles))

    def audit_many(self, session: Session, action: str, what: str, targets) -> None:  # noqa: ANN001
        """One event per ``(patient_id, case_id)`` in ``targets``, as a single INSERT (a list read)."""
        self._append_events(session, action, what, list(targets))

    def audit(
        self,
        session: Session,
        action: str,
        what: str,
        *,
        patient_id: int | None = None,
        case_id: int | None = None,
    ) -> None:
        """Append an access-log event inside the caller's transaction."""
        self._append_events(session, action, what, [(patient_id, case_id)])

    def _append_events(self, session: Session, action: str, what: str, targets: list) -> None:
        """The access log's INSERT (one executemany of a Core statement, the same on every engine),
        run at once in the caller's transaction, so nothing is read or changed without its event."""
        if not targets:
            return
        base = {
            "at": self.now_db(), "actor": self.actor.name, "actor_id": self.actor.staff_id,
            "actor_org": self.actor.organisation,
            "actor_hsa": self.actor.hsa_id, "action": action, "what": what[:200],
        }
        # On the transaction's connection: a Core executemany, without the ORM session's per-call work.
        session.connection().execute(_audit_insert(), [{**base, "patient_id": p, "case_id": c} for p, c in targets])


_AUDIT_INSERT = None


def _audit_insert():  # noqa: ANN202
    """The access log's INSERT, built once (SQLAlchemy then reuses its compiled form)."""
    global _AUDIT_INSERT
    if _AUDIT_INSERT is None:
        from db.models import AuditEvent

        _AUDIT_INSERT = AuditEvent.__table__.insert()
    return _AUDIT_INSERT
