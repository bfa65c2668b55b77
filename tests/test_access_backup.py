"""Backups while others write, checked and readable by the owner only; restoring as the README says."""

from __future__ import annotations

import multiprocessing as mp
import os
import shutil
import sqlite3
import stat
from datetime import date

import pytest

from huddle.errors import InputError, StoreError
from huddle.services import agenda, backup
from huddle.store import Store
from tests.conftest import fictitious_pnr, run_huddle

DAY = date(2026, 12, 1)



def _writer(path: str, stop, started) -> None:  # noqa: ANN001
    """Another huddle process: puts patients on agendas and edits questions until told to stop."""
    store = Store.open(path)
    i = 0
    try:
        while not stop.is_set():
            row = agenda.add_patient(store, pnr=fictitious_pnr(i, year=1945), name=f"Skrivare {i}", unit="Avd 1", municipality="Kalmar",
                                     question="x" * 500, day=date(2026, 12, 1 + (i // 500) % 20))
            agenda.edit_question(store, row.case_id, f"ändrad {i}", version=row.version)
            i += 1
            if i == 5:
                started.set()
    finally:
        store.close()


def _patients(path) -> int:
    con = sqlite3.connect(path)
    try:
        return con.execute("SELECT count(*) FROM patient").fetchone()[0]
    finally:
        con.close()


def test_backup_while_another_process_writes_gives_a_checked_owner_only_copy(store, db_path, tmp_path):
    ctx = mp.get_context("fork")
    stop, started = ctx.Event(), ctx.Event()
    proc = ctx.Process(target=_writer, args=(str(db_path), stop, started))
    proc.start()
    try:
        assert started.wait(60)
        results = [backup.backup(store, tmp_path / f"copy{n}.db") for n in range(3)]
    finally:
        stop.set()
        proc.join(60)
    assert proc.exitcode == 0
    counts = []
    for r in results:
        dest = tmp_path / os.path.basename(r.dest)
        assert r.integrity == "ok" and backup.integrity_check(dest) == "ok"
        assert stat.S_IMODE(dest.stat().st_mode) == 0o600
        assert not (tmp_path / (dest.name + "-wal")).exists()
        copy = Store.open(str(dest), create=False)  # opens as a huddle store
        copy.close()
        counts.append(_patients(dest))
    assert counts == sorted(counts) and counts[0] >= 5  # snapshots taken while the writer went on
    assert _patients(db_path) >= counts[-1]
    assert sorted(p.name for p in tmp_path.iterdir() if "partial" in p.name) == []


def test_backup_refuses_to_overwrite_and_is_logged(store, tmp_path):
    agenda.add_patient(store, pnr=fictitious_pnr(1, year=1945), name="Test", unit="Avd 1", municipality="Kalmar", day=DAY)
    dest = tmp_path / "b.db"
    dest.write_bytes(b"something precious")
    with pytest.raises(InputError, match="already exists"):
        backup.backup(store, dest)
    assert dest.read_bytes() == b"something precious"
    if store.path is not None:  # a SQLite file: the store itself is no place for its backup
        with pytest.raises(InputError, match="cannot be the store itself"):
            backup.backup(store, store.path)
    with pytest.raises(InputError, match="Cannot write"):
        backup.backup(store, tmp_path / "no" / "such" / "dir" / "b.db")
    backup.backup(store, tmp_path / "ok.db")
    with store.read() as s:
        from sqlalchemy import text

        assert s.scalar(text("SELECT what FROM audit_event WHERE action = 'export'")).startswith("backup ")


def test_restore_as_documented(tmp_path):
    """README: stop huddle, keep the damaged file aside, copy the backup in place (owner-only), run huddle init."""
    db = tmp_path / "huddle.db"
    r = run_huddle("patient", "add", "--pnr", "19121212-1212", "--name", "Tolvan Tolvansson", "--unit", "Avd 12",
                   "--municipality", "Oskarshamn", "--date", "2026-12-01", db=db)
    assert r.returncode == 0, r.stderr
    r = run_huddle("backup", str(tmp_path / "backup.db"), db=db)
    assert r.returncode == 0 and b"check: ok" in r.stdout, r.stderr
    # Later changes, then the store is damaged.
    run_huddle("patient", "add", "--pnr", "19400101-9816", "--name", "Efter Backup", "--unit", "Avd 1",
               "--municipality", "Kalmar", "--date", "2026-12-01", db=db)
    with open(db, "r+b") as fh:
        fh.seek(0)
        fh.write(b"\0" * 4096)
    r = run_huddle("agenda", "--date", "2026-12-01", db=db)
    assert r.returncode != 0 and r.stderr.count(b"\n") == 1
    # The restore procedure.
    damaged = tmp_path / "damaged"
    damaged.mkdir()
    for p in tmp_path.glob("huddle.db*"):
        shutil.move(p, damaged / p.name)
    shutil.copyfile(tmp_path / "backup.db", db)
    os.chmod(db, 0o600)
    r = run_huddle("init", db=db)
    assert r.returncode == 0 and b"up to date" in r.stdout, r.stderr
    r = run_huddle("agenda", "--date", "2026-12-01", "--format", "json", db=db)
    assert r.returncode == 0
    assert b"Tolvan Tolvansson" in r.stdout and b"Efter Backup" not in r.stdout
    # Restored in WAL mode like the original.
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    con.close()


@pytest.mark.sqlite_only  # PostgreSQL's archive check (pg_restore --list): tests/test_store_postgres.py
def test_a_damaged_copy_is_never_left_in_place(store, tmp_path, monkeypatch):
    monkeypatch.setattr(backup, "integrity_check", lambda path: "*** in database main *** Page 3: never used")
    with pytest.raises(StoreError, match="failed the integrity check"):
        backup.backup(store, tmp_path / "bad.db")
    assert list(tmp_path.iterdir()) == [] or all(p.name != "bad.db" for p in tmp_path.iterdir())
