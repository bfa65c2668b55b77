"""One room per meeting: a lease row in the store says where the meeting's room runs.

A room claims ``room.<date>`` in the ``setting`` table when it starts, renews it
while it runs and removes it when it stops.  A second start for the same
meeting (by hand, or another app's ``v``) finds a live lease and is refused
with the first room's link.  A lease is stale when it has not been renewed for
``STALE_S`` or when its process is gone from this host (a killed room).

Works on SQLite and PostgreSQL alike: the row's key is the primary key, so of
two rooms claiming at once one insert fails and that room is refused; a stale
lease is taken over under ``SELECT ... FOR UPDATE``.
"""

from __future__ import annotations

import json
import os
import socket
import time
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from huddle.errors import InputError

if TYPE_CHECKING:
    from huddle.store import Store

STALE_S = 45.0
RENEW_S = 10.0


def lease_key(day: date) -> str:
    return f"room.{day.isoformat()}"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@dataclass
class RoomLease:
    store: Store
    day: date
    link: str | None = None
    _renewed: float = 0.0

    def _value(self) -> str:
        return json.dumps({"link": self.link, "host": socket.gethostname(), "pid": os.getpid(),
                           "beat": self.store.now().isoformat()})

    def _live(self, raw: str) -> dict | None:
        """The other room's lease, when it still holds."""
        try:
            held = json.loads(raw)
            beat = datetime.fromisoformat(held["beat"])
        except (ValueError, KeyError, TypeError):
            return None
        if held.get("host") == socket.gethostname() and isinstance(held.get("pid"), int):
            if held["pid"] == os.getpid() or not _alive(held["pid"]):
                return None
        age = (self.store.now() - beat).total_seconds()
        return held if age < STALE_S else None

    def claim(self) -> None:
        """Take the meeting's lease, or raise ``InputError`` saying where its room already runs."""
        from sqlalchemy import select
        from sqlalchemy.exc import IntegrityError

        from db.models import Setting

        key = lease_key(self.day)
        try:
            with self.store.write() as s:
                row = s.scalars(select(Setting).where(Setting.key == key).with_for_update()).first()
                if row is not None:
                    held = self._live(row.value)
                    if held is not None:
                        raise _running(self.day, held)
                    row.value = self._value()
                else:
                    s.add(Setting(key=key, value=self._value()))
        except IntegrityError:  # another room claimed it this very moment
            with self.store.read() as s:
                raw = s.scalar(select(Setting.value).where(Setting.key == key))
            raise _running(self.day, json.loads(raw or "{}")) from None
        self._renewed = time.monotonic()

    def set_link(self, link: str) -> None:
        self.link = link
        self.renew(force=True)

    def renew(self, force: bool = False) -> None:
        """Keep the lease (called from the room's store poll; writes at most every ``RENEW_S``)."""
        if not force and time.monotonic() - self._renewed < RENEW_S:
            return
        from db.models import Setting

        with self.store.write() as s:
            s.merge(Setting(key=lease_key(self.day), value=self._value()))
        self._renewed = time.monotonic()

    def release(self) -> None:
        """Give the lease back, if it is still ours."""
        from sqlalchemy import select

        from db.models import Setting

        with self.store.write() as s:
            row = s.scalars(select(Setting).where(Setting.key == lease_key(self.day)).with_for_update()).first()
            if row is None:
                return
            try:
                held = json.loads(row.value)
            except ValueError:
                held = {}
            if held.get("pid") == os.getpid() and held.get("host") == socket.gethostname():
                s.delete(row)


def _running(day: date, held: dict) -> InputError:
    return InputError("room.already_running", date=day.isoformat(), link=held.get("link") or "…",
                      host=held.get("host") or "?")
