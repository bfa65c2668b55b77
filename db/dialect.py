"""The few statements that differ between SQLite and PostgreSQL, one function each.

Everything else the store does is SQLAlchemy Core or ORM and runs unchanged on both.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Table
from sqlalchemy.orm import Session


def _insert(session: Session):  # noqa: ANN202
    name = session.get_bind().dialect.name
    if name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    elif name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:  # pragma: no cover - huddle supports these two
        raise NotImplementedError(f"no INSERT ... ON CONFLICT for {name}")
    return insert


def insert_if_missing(session: Session, table: Table, values: dict, *, key: Sequence[str]) -> bool:
    """INSERT one row unless a row with the same unique ``key`` exists (``ON CONFLICT DO NOTHING``).

    True when this call inserted it. Two writers doing get-or-create at once both succeed:
    one inserts, the other finds the row (no unique-constraint error, no duplicate).
    """
    stmt = _insert(session)(table).values(values).on_conflict_do_nothing(index_elements=list(key))
    return bool(session.execute(stmt).rowcount)


def upsert(session: Session, table: Table, rows: Sequence[dict], *, key: Sequence[str]) -> None:
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


_UPSERTS: dict[tuple, object] = {}


def date_text_sql(dialect: str, column: str, part: str) -> str:
    """SQL text of a Date column as ``YYYY-MM-DD`` (``part="day"``) or ``YYYY-MM`` (``"month"``).

    SQLite keeps dates as that text already; PostgreSQL formats them with ``to_char``.
    """
    width = {"day": 10, "month": 7}[part]
    if dialect == "postgresql":
        return f"to_char({column}, '{'YYYY-MM-DD' if part == 'day' else 'YYYY-MM'}')"
    return column if part == "day" else f"substr({column}, 1, {width})"
