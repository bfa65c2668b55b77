"""The few statements that differ between SQLite and PostgreSQL, one function each.

Everything else the store does is SQLAlchemy Core or ORM and runs unchanged on both.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session


def _insert(session: Session) -> Any:
    """The dialect's own ``insert`` (both have ``on_conflict_do_nothing/update``)."""
    name = session.get_bind().dialect.name
    if name == "sqlite":
        from sqlalchemy.dialects import sqlite

        return sqlite.insert
    if name == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql.insert
    raise NotImplementedError(f"no INSERT ... ON CONFLICT for {name}")  # pragma: no cover - huddle has two


def insert_if_missing(session: Session, table: Any, values: dict, *, key: Sequence[str]) -> bool:
    """INSERT one row unless a row with the same unique ``key`` exists (``ON CONFLICT DO NOTHING``).

    True when this call inserted it. Two writers doing get-or-create at once both succeed:
    one inserts, the other finds the row (no unique-constraint error, no duplicate).
    """
    stmt = _insert(session)(table).values(values).on_conflict_do_nothing(index_elements=list(key))
    return bool(cast(CursorResult, session.execute(stmt)).rowcount)


def upsert(session: Session, table: Any, rows: Sequence[dict], *, key: Sequence[str]) -> None:
    """INSERT the rows; where a row with the same ``key`` exists, overwrite its other columns.

    One statement per dialect (``INSERT … ON CONFLICT (key) DO UPDATE``, which both
    SQLite and PostgreSQL have): safe when two writers refresh the same row at once.
    """
    name = session.get_bind().dialect.name
    columns = tuple(rows[0])
    cache_key = (name, table.name, columns, tuple(key))
    stmt = _UPSERTS.get(cache_key)
    if stmt is None:  # building ON CONFLICT's "excluded" columns costs ~1.5 ms: once per shape
        insert = _insert(session)(table)
        stmt = insert.on_conflict_do_update(
            index_elements=list(key), set_={c: insert.excluded[c] for c in columns if c not in key}
        )
        _UPSERTS[cache_key] = stmt
    session.connection().execute(stmt, list(rows))


_UPSERTS: dict[tuple, Any] = {}


def date_text_sql(dialect: str, column: str, part: str) -> str:
    """SQL text of a Date column as ``YYYY-MM-DD`` (``part="day"``) or ``YYYY-MM`` (``"month"``).

    SQLite keeps dates as that text already; PostgreSQL formats them with ``to_char``.
    """
    if dialect == "postgresql":
        return f"to_char({column}, '{'YYYY-MM-DD' if part == 'day' else 'YYYY-MM'}')"
    return column if part == "day" else f"substr({column}, 1, 7)"
