"""A case's position is unique in its huddle; the access log is append-only on every engine.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03 14:30:00

* ``uq_case_huddle_position`` replaces the plain index on (huddle_id, position): two
  writers can no longer give two cases the same place on an agenda (PostgreSQL's READ
  COMMITTED let "max position + 1" race: 375 duplicates with 8 writers). Duplicates an
  older store may hold are renumbered first, in (position, id) order.
* ``audit_event`` refuses UPDATE, DELETE (and on PostgreSQL TRUNCATE) by triggers, for
  every database role including the one that owns the table: the store itself keeps the
  log append-only (Patientdatalagen), not only huddle's code.
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

SQLITE_GUARDS = (
    "CREATE TRIGGER IF NOT EXISTS audit_event_no_update BEFORE UPDATE ON audit_event "
    "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS audit_event_no_delete BEFORE DELETE ON audit_event "
    "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END",
)
PG_GUARDS = (
    """CREATE OR REPLACE FUNCTION huddle_audit_event_append_only() RETURNS trigger
       LANGUAGE plpgsql AS $$
       BEGIN
         RAISE EXCEPTION 'audit_event is append-only' USING ERRCODE = 'insufficient_privilege';
       END $$""",
    "DROP TRIGGER IF EXISTS audit_event_no_change ON audit_event",
    "CREATE TRIGGER audit_event_no_change BEFORE UPDATE OR DELETE ON audit_event "
    "FOR EACH ROW EXECUTE FUNCTION huddle_audit_event_append_only()",
    "DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_event",
    "CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event "
    "FOR EACH STATEMENT EXECUTE FUNCTION huddle_audit_event_append_only()",
)


def _renumber_duplicates(conn) -> None:  # noqa: ANN001
    case = sa.table("case", sa.column("id"), sa.column("huddle_id"), sa.column("position"))
    dup = (
        sa.select(case.c.huddle_id)
        .group_by(case.c.huddle_id, case.c.position)
        .having(sa.func.count() > 1)
        .distinct()
    )
    for (huddle_id,) in conn.execute(dup).all():
        ids = [r[0] for r in conn.execute(
            sa.select(case.c.id).where(case.c.huddle_id == huddle_id).order_by(case.c.position, case.c.id))]
        for sign in (-1, 1):  # two passes: no two rows ever share a position on the way
            for pos, cid in enumerate(ids, start=1):
                conn.execute(sa.update(case).where(case.c.id == cid).values(position=sign * pos))


def upgrade() -> None:
    conn = op.get_bind()
    _renumber_duplicates(conn)
    op.drop_index("ix_case_huddle_position", table_name="case")
    op.create_index("uq_case_huddle_position", "case", ["huddle_id", "position"], unique=True)
    for ddl in SQLITE_GUARDS if conn.dialect.name == "sqlite" else PG_GUARDS:
        op.execute(ddl)


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_change ON audit_event")
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_event")
        op.execute("DROP FUNCTION IF EXISTS huddle_audit_event_append_only()")
    op.drop_index("uq_case_huddle_position", table_name="case")
    op.create_index("ix_case_huddle_position", "case", ["huddle_id", "position"])
