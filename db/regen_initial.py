"""Developer tool (pre-release only): rewrite migration 0001 from the models.

    python -m db.regen_initial

Until the first release the schema has one migration; after it, add new
revisions with Alembic instead of running this.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from alembic import command

from db.engine import make_engine
from db.migrate import alembic_config


def main() -> None:
    versions = Path(__file__).parent / "migrations" / "versions"
    for old in versions.glob("0001_*.py"):
        old.unlink()
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{tmp}/empty.db")
        cfg = alembic_config()
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.revision(cfg, message="initial schema", autogenerate=True, rev_id="0001")
        engine.dispose()
    for new in versions.glob("0001_*.py"):
        print(f"wrote {new}")


if __name__ == "__main__":
    main()
