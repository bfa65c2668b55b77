"""Backups while others keep writing: SQLite's online backup API, or pg_dump on PostgreSQL.

The copy is written to a temporary file next to the destination (mode 0600
from the moment it exists), checked (SQLite: ``PRAGMA integrity_check``;
PostgreSQL: ``pg_restore --list`` reads the whole archive's table of contents),
and only then renamed into place: a destination file either is a checked backup
or does not exist.  Restoring is in the README.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from huddle.errors import InputError, StoreError
from huddle.store import Store


@dataclass(frozen=True)
class BackupResult:
    source: str
    dest: str
    size: int
    integrity: str  # "ok"


def integrity_check(path: Path | str) -> str:
    """``ok``, or the first problems SQLite reports."""
    try:
        con = sqlite3.connect(Path(path))
    except sqlite3.Error as exc:
        return str(exc)
    try:
        rows = [r[0] for r in con.execute("PRAGMA integrity_check")]
    except sqlite3.DatabaseError as exc:
        return str(exc)
    finally:
        con.close()
    return "ok" if rows == ["ok"] else "; ".join(rows[:3])


def backup(store: Store, dest: str | os.PathLike) -> BackupResult:
    """Copy the store to ``dest`` (a new file) and check the copy; admin only, logged."""
    store.require("admin")
    source = store.path
    dest_path = Path(dest).expanduser()
    if str(dest).strip() == "" or dest_path.is_dir():
        raise InputError("backup.cannot_write", dest=str(dest), reason="not a file name")
    dest_path = dest_path.absolute()
    if dest_path.exists() or dest_path.is_symlink():
        try:
            same = source is not None and dest_path.resolve() == Path(source).resolve()
        except OSError:
            same = False
        if same:
            raise InputError("backup.same_file")
        raise InputError("backup.exists", dest=str(dest_path))
    tmp = dest_path.with_name(f".{dest_path.name}.{os.getpid()}.partial")
    try:
        fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        os.close(fd)
    except OSError as exc:
        raise InputError("backup.cannot_write", dest=str(dest_path), reason=exc.strerror or str(exc)) from exc
    try:
        if source is not None:
            _copy(Path(source), tmp)
            problem = integrity_check(tmp)
        else:
            problem = _pg_dump(store.opened.url, tmp)
        if problem != "ok":
            raise StoreError("backup.failed_check", dest=str(dest_path), detail=problem[:160])
        os.chmod(tmp, 0o600)
        _place(tmp, dest_path)
    except FileExistsError as exc:
        raise InputError("backup.exists", dest=str(dest_path)) from exc
    except OSError as exc:
        raise InputError("backup.cannot_write", dest=str(dest_path), reason=exc.strerror or str(exc)) from exc
    finally:
        for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm"), Path(f"{tmp}-journal")):
            try:
                leftover.unlink()
            except FileNotFoundError:
                pass
    size = dest_path.stat().st_size
    with store.write() as s:
        store.audit(s, "export", f"backup {str(dest_path)[-180:]}")
    from db.engine import shown

    where = str(source) if source is not None else shown(store.opened.url)
    return BackupResult(source=where, dest=str(dest_path), size=size, integrity="ok")


def _pg_tool(name: str) -> str | None:
    import glob
    import shutil

    # Debian keeps the versioned tools off PATH; the newest can dump every older server.
    for bindir in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda d: int(d.split("/")[-2]), reverse=True):
        if os.path.exists(os.path.join(bindir, name)):
            return os.path.join(bindir, name)
    return shutil.which(name)


def _pg_env(url: str) -> dict[str, str]:
    """libpq's own variables for the connection: the password never goes on a command line."""
    from sqlalchemy.engine import make_url

    u = make_url(url)
    env = {**os.environ, "PGCONNECT_TIMEOUT": "10"}
    for var, value in (("PGHOST", u.host), ("PGPORT", u.port), ("PGUSER", u.username),
                       ("PGPASSWORD", u.password), ("PGDATABASE", u.database)):
        if value is not None:
            env[var] = str(value)
    return env


def _pg_dump(url: str, tmp: Path) -> str:
    """pg_dump in custom format into ``tmp``, then ``pg_restore --list`` over it; "ok" or the problem."""
    import subprocess

    dump, restore = _pg_tool("pg_dump"), _pg_tool("pg_restore")
    if dump is None or restore is None:
        raise InputError("backup.no_pg_dump")
    env = _pg_env(url)
    r = subprocess.run([dump, "--format=custom", "--no-password", f"--file={tmp}"], env=env,
                       capture_output=True, text=True, timeout=3600)
    if r.returncode != 0:
        raise StoreError("backup.pg_dump_failed", detail=" ".join(r.stderr.split())[:200])
    r = subprocess.run([restore, "--list", str(tmp)], capture_output=True, text=True, timeout=600)
    if r.returncode != 0:
        return " ".join(r.stderr.split())[:200] or "pg_restore --list failed"
    listed = r.stdout
    for table in ("audit_event", "patient", "case"):
        if f"TABLE DATA public {table} " not in listed and f'TABLE DATA public "{table}" ' not in listed:
            return f"the archive has no data for {table}"
    return "ok"


def _place(tmp: Path, dest: Path) -> None:
    """Rename the checked copy into place, never replacing a file that appeared meanwhile."""
    try:
        os.link(tmp, dest)
    except FileExistsError:
        raise
    except OSError:  # no hard links on this file system
        if dest.exists():
            raise FileExistsError(str(dest)) from None
        os.rename(tmp, dest)


def _copy(source: Path, tmp: Path) -> None:
    src = sqlite3.connect(source, timeout=30)
    try:
        src.execute("PRAGMA busy_timeout=30000")
        dst = sqlite3.connect(tmp)
        try:
            # One step: in WAL mode the copy is a consistent snapshot and writers go on meanwhile.
            # The copy keeps WAL mode, so a restored store is like the original; closing it
            # checkpoints, so the backup is one self-contained file.
            src.backup(dst, pages=-1)
        finally:
            dst.close()
    finally:
        src.close()
