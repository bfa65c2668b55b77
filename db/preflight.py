"""A quick look at a store file before the app starts, with the standard library only.

The app opens its store after the first paint (importing SQLAlchemy first would double the
start-up time), so a file that can never be a huddle store would otherwise only be reported
inside the app.  This check runs before the app: it reads, never writes, and answers with the
same reasons as ``db.engine.open_store`` (not_huddle, corrupt, newer_schema).  Anything it
cannot judge (a server URL, a missing file that init will create) it leaves to open_store.
"""

from __future__ import annotations

import re
from importlib.resources import files
from pathlib import Path

SQLITE_MAGIC = b"SQLite format 3\x00"


def known_revisions() -> set[str]:
    """Revision ids of the migrations shipped with this code (read from the files, without Alembic)."""
    out = set()
    for entry in (files("db") / "migrations" / "versions").iterdir():
        if entry.name.endswith(".py") and not entry.name.startswith("__"):
            m = re.search(r"^revision\s*(?::[^=]*)?=\s*['\"]([^'\"]+)['\"]", entry.read_text(encoding="utf-8"), re.M)
            if m:
                out.add(m.group(1))
    return out


def check(target: str) -> tuple[str, str, str] | None:
    """``(reason, path, detail)`` when the store at ``target`` can certainly not be opened, else None."""
    if "://" in target:
        if not target.startswith("sqlite:///"):
            return None
        raw = target[len("sqlite:///"):].split("?", 1)[0]
        if not raw or raw == ":memory:":
            return None
        path = Path(raw)
    else:
        path = Path(target).expanduser()
    try:
        path = path.resolve()
    except OSError:
        return None
    if not path.exists():
        return None
    where = str(path)
    if path.is_dir():
        return ("not_huddle", where, "")
    try:
        with path.open("rb") as fh:
            head = fh.read(len(SQLITE_MAGIC))
    except OSError:
        return None  # unreadable: open_store gives the precise reason
    if head != SQLITE_MAGIC:
        return ("not_huddle", where, "")
    import sqlite3

    try:
        # immutable=1: no locks, no -wal/-shm side files (a read-only connection to a WAL file would
        # leave both behind).  It may read a slightly stale view of a store in use, so only what
        # is certain is refused here; a damaged-looking read is left to open_store to judge.
        con = sqlite3.connect(f"{path.as_uri()}?mode=ro&immutable=1", uri=True)
    except sqlite3.Error:
        return None
    try:
        names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "alembic_version" not in names:
            return ("not_huddle", where, "") if names - {"sqlite_sequence"} else None
        row = con.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError as exc:
        # "file is not a database" comes from the header itself, which a concurrent writer never
        # makes invalid: certain.  Anything else (malformed pages) may be a torn read: not certain.
        if "not a database" in str(exc):
            return ("corrupt", where, str(exc))
        return None
    finally:
        con.close()
    if row and row[0] not in known_revisions():
        return ("newer_schema", where, row[0])
    return None
