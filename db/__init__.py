"""The store: SQLAlchemy 2 models, the engine factory and Alembic migrations.

ORM objects stay inside ``db`` and ``huddle.services``; screens and the command
line receive frozen dataclasses.
"""

# The newest migration this code knows.  A test keeps it equal to Alembic's head,
# so that opening a store can check its version without importing Alembic.
SCHEMA_HEAD = "0003"
