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
        before = MigrationContext.configure(conn).get_current_revision()
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
        install_audit_guards(conn)
        return before != MigrationContext.configure(conn).get_current_revision()


# The access log is append-only: the store itself refuses to change or delete an event.
AUDIT_GUARDS = (
    "CREATE TRIGGER IF NOT EXISTS audit_event_no_update BEFORE UPDATE ON audit_event "
    "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS audit_event_no_delete BEFORE DELETE ON audit_event "
    "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END",
)


def install_audit_guards(conn) -> None:  # noqa: ANN001
    """Triggers (SQLite) that make audit_event append-only; kept out of the regenerated migration 0001."""
    if conn.dialect.name != "sqlite":
        return
    for ddl in AUDIT_GUARDS:
        conn.exec_driver_sql(ddl)
