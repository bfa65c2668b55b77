"""The store file: how it is made, how it is opened, and what happens to files that are not a huddle store."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest

import db
from db.engine import open_store
from huddle.errors import StoreError
from huddle.store import Store


def _pragma(store: Store, name: str):
    with store.engine.connect() as conn:
        return conn.exec_driver_sql(f"PRAGMA {name}").scalar()


def test_a_new_store_file_is_readable_by_its_owner_only(tmp_path):
    old = os.umask(0o022)  # the usual umask would give 0644
    try:
        store = Store.open(str(tmp_path / "new.db"))
    finally:
        os.umask(old)
    try:
        assert stat.S_IMODE(os.stat(tmp_path / "new.db").st_mode) == 0o600
        assert store.created
    finally:
        store.close()


@pytest.mark.sqlite_only
def test_wal_foreign_keys_synchronous_and_busy_timeout(store):
    assert _pragma(store, "journal_mode") == "wal"
    assert _pragma(store, "foreign_keys") == 1
    assert _pragma(store, "synchronous") == 1  # NORMAL
    assert _pragma(store, "busy_timeout") == 5000


def test_wal_is_a_property_of_the_file(store, db_path):
    con = sqlite3.connect(db_path)
    try:
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        con.close()


def test_foreign_keys_are_enforced(store):
    from sqlalchemy.exc import IntegrityError

    from db.models import Case

    with pytest.raises(IntegrityError):
        with store.write() as s:
            s.add(Case(huddle_id=999, patient_id=999, position=1, question="", state="waiting", added_at=store.now_db()))
            s.flush()


def test_write_transactions_begin_immediate_and_reads_do_not_lock(store, db_path):
    # While one write transaction is open, another connection cannot write, but can read.
    from sqlalchemy import text

    with store.write() as s:
        s.execute(text("SELECT 1"))  # the transaction has begun: with BEGIN IMMEDIATE it holds the write lock
        other = sqlite3.connect(db_path, timeout=0.05)
        try:
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
            assert other.execute("SELECT count(*) FROM patient").fetchone()[0] == 0
        finally:
            other.close()


def test_schema_head_constant_is_alembics_head():
    from db.migrate import head_revision

    assert db.SCHEMA_HEAD == head_revision()


def test_migrations_ship_inside_the_package():
    from importlib.resources import files

    root = files("db") / "migrations"
    assert (root / "env.py").is_file()
    assert (root / "script.py.mako").is_file()
    assert any(p.name.startswith("0001_") and p.name.endswith(".py") for p in (root / "versions").iterdir())


def test_models_and_migrations_do_not_drift(store):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from db.models import Base

    with store.engine.connect() as conn:
        mc = MigrationContext.configure(conn, opts={"compare_type": True, "compare_server_default": True})
        diff = compare_metadata(mc, Base.metadata)
    assert diff == [], f"models and migrations differ; run python -m db.regen_initial: {diff}"


def test_reopening_a_current_store_does_not_upgrade_or_write(store, db_path):
    store.close()
    before = db_path.read_bytes()
    again = open_store(str(db_path))
    try:
        assert not again.created and not again.upgraded
    finally:
        again.engine.dispose()
    assert db_path.read_bytes() == before


def test_an_old_store_is_upgraded_on_open(tmp_path):
    """A store at no revision (an empty huddle file made by an older init) is brought to head."""
    path = tmp_path / "old.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)")
    con.commit()
    con.close()
    s = Store.open(str(path))
    try:
        assert s.opened.upgraded
        with s.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == db.SCHEMA_HEAD
    finally:
        s.close()


def test_a_sqlalchemy_url_is_accepted(tmp_path):
    url = f"sqlite:///{tmp_path / 'by-url.db'}"
    s = Store.open(url)
    try:
        assert s.path == tmp_path / "by-url.db"
        assert _pragma(s, "journal_mode") == "wal"
    finally:
        s.close()


# -- files that are not a huddle store ----------------------------------------------------------------


def _make_random(path: Path) -> None:
    path.write_bytes(os.urandom(8192))


def _make_other_sqlite(path: Path) -> None:
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, amount REAL)")
    con.execute("INSERT INTO invoices (amount) VALUES (12.5)")
    con.commit()
    con.close()


def _make_newer(path: Path) -> None:
    Store.open(str(path)).close()
    con = sqlite3.connect(path)
    con.execute("UPDATE alembic_version SET version_num = '9999'")
    con.commit()
    con.close()


def _make_corrupt(path: Path) -> None:
    path.write_bytes(b"SQLite format 3\x00" + os.urandom(4096))


def _make_truncated(path: Path) -> None:
    Store.open(str(path)).close()
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])


def _make_empty(path: Path) -> None:
    path.write_bytes(b"")


KINDS = {
    "random bytes": (_make_random, "not a huddle store"),
    "another program's SQLite": (_make_other_sqlite, "not a huddle store"),
    "newer schema": (_make_newer, "newer huddle (schema 9999)"),
    "corrupt": (_make_corrupt, "damaged"),
    "truncated store": (_make_truncated, ""),
    "empty file": (_make_empty, "not a huddle store"),
}


def _snapshot(path: Path):
    st = path.stat()
    return path.read_bytes(), st.st_mtime_ns, stat.S_IMODE(st.st_mode), sorted(p.name for p in path.parent.iterdir())


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("command", [["agenda", "--format", "json"], ["init"], ["patient", "add", "--pnr", "19121212-1212", "--name", "A", "--unit", "U", "--municipality", "M"]])
def test_a_file_that_is_not_a_usable_store_is_left_byte_for_byte_untouched(tmp_path, capsys, kind, command):
    from huddle.cli import main

    make, words = KINDS[kind]
    path = tmp_path / "store.db"
    make(path)
    for side in ("-wal", "-shm", "-journal"):
        Path(f"{path}{side}").unlink(missing_ok=True)
    before = _snapshot(path)
    with pytest.raises(SystemExit) as e:
        main(["--db", str(path), *command])
    out, err = capsys.readouterr()
    assert e.value.code == 1
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("huddle: error:"), err
    assert str(path) in err and "sqlite://" not in err
    assert words in err
    assert "Traceback" not in err
    assert _snapshot(path) == before  # same bytes, same mtime, same mode, no -wal/-shm/-journal left


def test_refusals_are_in_swedish_too(tmp_path, capsys):
    from huddle.cli import main

    path = tmp_path / "store.db"
    _make_newer(path)
    with pytest.raises(SystemExit) as e:
        main(["--lang", "sv", "--db", str(path), "agenda"])
    err = capsys.readouterr().err
    assert e.value.code == 1
    assert err == f"huddle: fel: {path} skrevs av en nyare huddle (schema 9999); uppgradera huddle. Filen lämnades orörd.\n"


def test_a_directory_is_not_a_store(tmp_path, capsys):
    from huddle.cli import main

    with pytest.raises(SystemExit) as e:
        main(["--db", str(tmp_path), "agenda"])
    assert e.value.code == 1
    assert capsys.readouterr().err.count("\n") == 1


def test_store_open_raises_store_error_with_the_path(tmp_path):
    path = tmp_path / "x.db"
    _make_random(path)
    with pytest.raises(StoreError) as e:
        Store.open(str(path))
    assert e.value.key == "store.not_huddle" and e.value.params["path"] == str(path)


def test_a_store_that_is_missing_is_not_made_when_not_asked(tmp_path):
    with pytest.raises(StoreError) as e:
        Store.open(str(tmp_path / "nope.db"), create=False)
    assert e.value.key == "store.missing"
    assert not (tmp_path / "nope.db").exists()


def test_a_writer_that_cannot_get_the_lock_gets_one_line_and_nothing_is_written(db_path, store, monkeypatch, capsys):
    """Someone holds the write lock past the wait: a clear 'busy, try again' line, exit 1, no partial write."""
    import db.engine
    from huddle.cli import main

    monkeypatch.setattr(db.engine, "WRITE_WAIT_S", 0.3)
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(SystemExit) as e:
            main(["--db", str(db_path), "patient", "add", "--pnr", "19121212-1212", "--name", "A", "--unit", "U",
                  "--municipality", "M", "--date", "2030-01-07"])
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    err = capsys.readouterr().err
    assert e.value.code == 1
    assert err == "huddle: error: The store is busy (another writer held it too long); nothing was written, try again.\n"
    con = sqlite3.connect(db_path)
    try:
        assert con.execute("SELECT count(*) FROM patient").fetchone()[0] == 0
    finally:
        con.close()


@pytest.mark.parametrize("kind", list(KINDS))
def test_the_quick_check_agrees_with_opening(tmp_path, kind):
    """db.preflight (standard library only, before the app starts) refuses what open_store refuses."""
    from db import preflight

    make, _ = KINDS[kind]
    path = tmp_path / "store.db"
    make(path)
    before = _snapshot(path)
    quick = preflight.check(str(path))
    with pytest.raises(StoreError) as e:
        Store.open(str(path))
    if quick is not None:
        assert f"store.{quick[0]}" == e.value.key and quick[1] == str(path)
    else:
        assert kind == "truncated store"  # damaged pages are judged by a full open only
    assert _snapshot(path) == before


def test_the_quick_check_passes_good_and_missing_stores(store, db_path, tmp_path):
    from db import preflight

    assert preflight.check(str(db_path)) is None
    assert preflight.check(f"sqlite:///{db_path}") is None
    assert preflight.check(str(tmp_path / "not-yet.db")) is None
    assert preflight.check("postgresql://huddle@localhost/huddle") is None
    assert db.SCHEMA_HEAD in preflight.known_revisions()


@pytest.mark.parametrize("kind", [k for k in KINDS if k != "truncated store"])
def test_the_app_is_not_started_on_a_file_that_is_not_a_store(tmp_path, kind):
    """``huddle --db FILE`` (the app) refuses such a file with one line and exit 1, before any screen."""
    import subprocess

    from tests.conftest import HUDDLE_BIN

    make, words = KINDS[kind]
    path = tmp_path / "store.db"
    make(path)
    before = _snapshot(path)
    r = subprocess.run([HUDDLE_BIN, "--db", str(path)], capture_output=True, stdin=subprocess.DEVNULL, timeout=60,
                       env={**os.environ, "HUDDLE_LANG": "en"})
    assert r.returncode == 1 and r.stdout == b""
    err = r.stderr.decode()
    assert err.count("\n") == 1 and err.startswith("huddle: error:") and words in err
    assert _snapshot(path) == before
