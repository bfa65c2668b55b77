"""One engine factory for the store.

SQLite: foreign keys on every connection, WAL set once when the file is made,
synchronous NORMAL, a busy timeout, and every transaction started with
BEGIN IMMEDIATE (the recipe from SQLAlchemy's SQLite dialect docs), so that
"read the max position, then insert" from several processes cannot interleave.
"""

from __future__ import annotations

import os
import random
import secrets
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import sessionmaker

from db import SCHEMA_HEAD, changes

BUSY_TIMEOUT_MS = 5000
# A writer waits this long in total for the write lock (polling every few ms, see begin_immediate).
WRITE_WAIT_S = 30.0
WRITE_POLL_MS = 5
SQLITE_MAGIC = b"SQLite format 3\x00"
# File systems on which SQLite's WAL (shared memory) is unsafe.
NETWORK_FS = {"nfs", "nfs4", "cifs", "smb", "smbfs", "smb3", "afs", "9p", "fuse.sshfs", "davfs", "ncpfs"}


class StoreOpenError(Exception):
    """Raised with a reason code: not_huddle, corrupt, newer_schema, network_fs, cannot_create, and for a
    database server no_driver, bad_url, pg_auth, pg_no_database, pg_unreachable, pg_error.  ``path`` is
    what may be shown: a file's path or the URL without its password."""

    def __init__(self, reason: str, path: str, detail: str = "") -> None:
        self.reason = reason
        self.path = path
        self.detail = detail
        super().__init__(f"{reason}: {path} {detail}".strip())


def url_for(target: str) -> str:
    """--db takes a path or a SQLAlchemy URL; ``postgresql://`` (and ``postgres://``) mean psycopg 3."""
    if "://" in target:
        scheme, rest = target.split("://", 1)
        if scheme in ("postgresql", "postgres"):
            return "postgresql+psycopg://" + rest
        return target
    return "sqlite:///" + str(Path(target).expanduser().resolve())


def shown(target: str) -> str:
    """The store as people may see it (messages, logs): a path, or the URL without its password."""
    if "://" not in target:
        return target
    try:
        return make_url(url_for(target)).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - not even a URL: show nothing of it that could be a secret
        return target.split("://", 1)[0] + "://…"


# PostgreSQL's SQLSTATE codes for what a person can act on (the server's own words are kept as detail).
_PG_REASONS = {"28P01": "pg_auth", "28000": "pg_auth", "3D000": "pg_no_database"}


def sqlite_path(url: str) -> Path | None:
    u = make_url(url)
    if u.get_backend_name() != "sqlite" or not u.database or u.database == ":memory:":
        return None
    return Path(u.database)


def _on_network_fs(path: Path) -> bool:
    try:
        mounts = Path("/proc/mounts").read_text().splitlines()
    except OSError:
        return False
    target = str(path.resolve().parent)
    best, best_fs = "", ""
    for line in mounts:
        parts = line.split()
        if len(parts) < 3:
            continue
        mount = parts[1].replace("\\040", " ")
        if (target == mount or target.startswith(mount.rstrip("/") + "/")) and len(mount) > len(best):
            best, best_fs = mount, parts[2]
    return best_fs in NETWORK_FS


def check_sqlite_file(path: Path) -> str:
    """'missing', 'empty' or 'sqlite'; raises StoreOpenError for anything else.  Never writes."""
    if not path.exists():
        return "missing"
    if path.is_dir():
        raise StoreOpenError("not_huddle", str(path))
    size = path.stat().st_size
    if size == 0:
        return "empty"
    with path.open("rb") as fh:
        head = fh.read(len(SQLITE_MAGIC))
    if head != SQLITE_MAGIC:
        raise StoreOpenError("not_huddle", str(path))
    return "sqlite"


def create_store_file(path: Path) -> bool:
    """Make a new store file readable by its owner only, in WAL mode.

    The file is made complete under a temporary name and then linked into place, so
    that another process starting at the same moment never sees a half-made (empty)
    file: it either finds no file, or a valid SQLite file in WAL mode.  Returns False
    when another process created the store first (which is fine: it is opened as is).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    if _on_network_fs(path):
        raise StoreOpenError("network_fs", str(path))
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.new")
    fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)
    try:
        os.chmod(tmp, 0o600)
        con = sqlite3.connect(tmp)
        try:
            con.execute("PRAGMA journal_mode=WAL")
        finally:
            con.close()
        try:
            os.link(tmp, path)  # atomic; refuses to replace a file that appeared meanwhile
        except FileExistsError:
            return False
        except OSError:
            # A file system without hard links: claim the name exclusively, then fill it.
            try:
                fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
            except FileExistsError:
                return False
            os.close(fd)
            con = sqlite3.connect(path)
            try:
                con.execute("PRAGMA journal_mode=WAL")
            finally:
                con.close()
        return True
    finally:
        for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
            leftover.unlink(missing_ok=True)


def _sqlite_hooks(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn, _record):  # noqa: ANN001
        # Let SQLAlchemy, not pysqlite, decide when a transaction starts.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        # Changed or deleted text (a corrected name, a pseudonymised patient) is overwritten, not left in free space.
        cur.execute("PRAGMA secure_delete=ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn):  # noqa: ANN001
        # Writers take the write lock up front; readers (an engine with
        # ``huddle_read=True``) begin deferred so they never block writers.
        if conn.get_execution_options().get("huddle_read"):
            conn.exec_driver_sql("BEGIN")
        else:
            begin_immediate(conn.connection.dbapi_connection)


def begin_immediate(dbapi_conn: sqlite3.Connection) -> None:
    """BEGIN IMMEDIATE, waiting up to WRITE_WAIT_S for the write lock, fairly.

    SQLite's own busy handler backs off to polling every 100 ms, so a writer that has
    waited a while keeps losing the lock to newcomers that poll every 1-5 ms: with 8
    busy writers one of them starved past the 5 s busy timeout ("database is locked",
    2 in 4000 writes in bench/store.py).  Here every waiter polls every few ms with
    jitter, for up to WRITE_WAIT_S in total.
    """
    from sqlalchemy.exc import OperationalError

    deadline = time.monotonic() + WRITE_WAIT_S
    dbapi_conn.execute(f"PRAGMA busy_timeout={WRITE_POLL_MS}")
    try:
        while True:
            try:
                dbapi_conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                text_ = str(exc)
                if ("locked" not in text_ and "busy" not in text_) or time.monotonic() >= deadline:
                    raise OperationalError("BEGIN IMMEDIATE", None, exc) from exc
            time.sleep(random.uniform(0.0005, 0.004))
    finally:
        dbapi_conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
        )
        _sqlite_hooks(engine)
        return engine
    try:
        # A server that does not answer is reported after 10 s instead of hanging the app.
        return create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 10})
    except (ImportError, ModuleNotFoundError) as exc:  # the driver is an extra: huddle-tui[postgres]
        raise StoreOpenError("no_driver", shown(url), str(exc)) from exc
    except Exception as exc:  # noqa: BLE001 - sqlalchemy.exc.NoSuchModuleError / ArgumentError: a bad URL
        raise StoreOpenError("bad_url", shown(url), str(exc).splitlines()[0]) from exc


def _server_reason(exc: BaseException) -> tuple[str, str] | None:
    """(reason, detail) for a database server that refused or could not be reached; None for others."""
    orig = getattr(exc, "orig", None) or exc
    module = type(orig).__module__ or ""
    if not module.startswith("psycopg"):
        return None
    detail = " ".join(str(orig).split())[:200]
    state = getattr(orig, "sqlstate", None)
    if state in _PG_REASONS:
        return _PG_REASONS[state], detail
    # A refusal while connecting carries no SQLSTATE in psycopg: the server's FATAL line says it.
    low = detail.lower()
    if "authentication failed" in low or "no password supplied" in low:
        return "pg_auth", detail
    if "database" in low and "does not exist" in low:
        return "pg_no_database", detail
    if state is None:  # no answer from a server: refused, timed out, unknown host
        return "pg_unreachable", detail
    return "pg_error", detail


def schema_revision(engine: Engine, where: str | None = None) -> str | None:
    """The store's Alembic revision, None for a database with no huddle tables.

    ``where`` names the store in a refusal (the file path people typed, not the URL).
    """
    with engine.execution_options(huddle_read=True).connect() as conn:
        if engine.dialect.name == "sqlite":
            names = {r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type='table'")}
        else:
            from sqlalchemy import inspect

            names = set(inspect(conn).get_table_names())
        if "alembic_version" not in names:
            if names - {"sqlite_sequence"}:
                raise StoreOpenError("not_huddle", where or str(engine.url))
            return None
        row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
        return row[0] if row else None


@dataclass
class OpenedStore:
    engine: Engine
    Session: sessionmaker[OrmSession]
    ReadSession: sessionmaker[OrmSession]
    url: str
    path: Path | None
    created: bool
    upgraded: bool


def open_store(target: str, *, create: bool = True, upgrade: bool = True) -> OpenedStore:
    """Open (and if asked create or upgrade) the store at a path or URL.

    A file that is not a huddle store, is corrupt or has a newer schema is
    left byte-for-byte untouched and StoreOpenError is raised.
    """
    url = url_for(target)
    path = sqlite_path(url)
    created = False
    if path is not None:
        state = check_sqlite_file(path)
        if state == "missing":
            if not create:
                raise StoreOpenError("missing", str(path))
            try:
                created = create_store_file(path)
            except OSError as exc:
                raise StoreOpenError("cannot_create", str(path), str(exc)) from exc
            if not created:  # another process made it a moment ago: open it like any existing store
                check_sqlite_file(path)
        elif state == "empty":
            raise StoreOpenError("not_huddle", str(path))
        elif _on_network_fs(path):
            raise StoreOpenError("network_fs", str(path))
    engine = make_engine(url)
    try:
        revision = _read_revision(engine, path)
    except StoreOpenError:
        engine.dispose()
        raise
    upgraded = False
    if revision != SCHEMA_HEAD:
        from db.migrate import is_known_revision, upgrade_to_head

        if revision is not None and not is_known_revision(revision):
            engine.dispose()
            raise StoreOpenError("newer_schema", str(path or shown(url)), revision)
        if not upgrade:
            engine.dispose()
            raise StoreOpenError("needs_upgrade", str(path or shown(url)), revision or "")
        upgraded = upgrade_to_head(engine)
    factory = sessionmaker(engine, expire_on_commit=False)
    # The statistics rollup's change notes, on this store's write sessions only (db.changes).
    event.listen(factory, "after_flush", changes.note_changes)
    read_factory = sessionmaker(engine.execution_options(huddle_read=True), expire_on_commit=False)
    return OpenedStore(engine, factory, read_factory, url, path, created, upgraded)


def _read_revision(engine: Engine, path: Path | None) -> str | None:
    try:
        if path is not None:
            # Integrity at a glance before anything else touches the file.
            with engine.execution_options(huddle_read=True).connect() as conn:
                conn.exec_driver_sql("PRAGMA schema_version").scalar()
        return schema_revision(engine, str(path) if path is not None else None)
    except StoreOpenError:
        raise
    except Exception as exc:  # sqlite3.DatabaseError: file is not a database / malformed
        server = _server_reason(exc)
        if server is not None:  # a wrong password or a server that is down is not a damaged store
            raise StoreOpenError(server[0], shown(str(engine.url)), server[1]) from exc
        reason = getattr(exc, "orig", None) or exc  # the driver's words, without SQLAlchemy's wrapping
        raise StoreOpenError("corrupt", str(path or shown(str(engine.url))), str(reason).splitlines()[0]) from exc
