"""Alembic, driven from code: migrations ship inside the package (db/migrations)."""

from __future__ import annotations

from importlib.resources import files

from sqlalchemy.engine import Engine


def alembic_config():
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(files("db") / "migrations"))
    return cfg


def script_directory():
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str:
    return script_directory().get_current_head()


def is_known_revision(revision: str) -> bool:
    try:
        return script_directory().get_revision(revision) is not None
    except Exception:
        return False


def upgrade_to_head(engine: Engine) -> bool:
    """Bring the store to the newest schema; True when anything was applied.

    The revision is read again under the write lock: another process may have
    upgraded the store between our first look and getting the lock.
    """
    from alembic import command
    from alembic.migration import MigrationContext

    cfg = alembic_config()
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # SQLite's BEGIN IMMEDIATE serialises two upgraders; PostgreSQL needs a lock of its own.
            conn.exec_driver_sql("SELECT pg_advisory_xact_lock(4855270)")  # "huddle" upgrade lock
        before = MigrationContext.configure(conn).get_current_revision()
        cfg.attributes["connection"] = conn
        # The access log's append-only triggers come with migration 0002 (both engines).
        command.upgrade(cfg, "head")
        return before != MigrationContext.configure(conn).get_current_revision()
