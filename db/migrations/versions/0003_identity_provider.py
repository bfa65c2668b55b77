"""Sign-in at the region's identity provider: the HSA-id of staff and of every access-log event.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04 19:20:00

* ``staff.hsa_id``: the HSA-id a person signed in with at the identity provider (OpenID
  Connect). huddle keeps one staff row per HSA-id, made or updated at each sign-in, so the
  attendance and the delegation to a child process point at a person. Unique (an index,
  which SQLite adds without rebuilding the table).
* ``audit_event.actor_hsa``: the acting person's HSA-id on every event (Patientdatalagen
  asks who; in production that is the HSA-id). A plain ADD COLUMN: the table's
  append-only triggers (0002) stay as they are.
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("staff", sa.Column("hsa_id", sa.String(length=40), nullable=True))
    op.create_index("uq_staff_hsa_id", "staff", ["hsa_id"], unique=True)
    op.add_column("audit_event", sa.Column("actor_hsa", sa.String(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("audit_event") as batch:
        batch.drop_column("actor_hsa")
    op.drop_index("uq_staff_hsa_id", table_name="staff")
    with op.batch_alter_table("staff") as batch:
        batch.drop_column("hsa_id")
