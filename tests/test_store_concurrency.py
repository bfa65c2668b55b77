"""Several people writing at once: 8 processes add different patients to one agenda at the same moment.

Real processes on one real store (a SQLite file, and a real PostgreSQL server); a barrier
releases them together so that every "read the last position, then insert" and every
get-or-create of the day's huddle and the patient overlaps.  Nothing may be lost,
duplicated or refused, on either engine.
"""

from __future__ import annotations

import multiprocessing as mp
from datetime import date, datetime

import pytest

from huddle.domain.clock import UTC, FakeClock
from huddle.store import Store
from tests.conftest import fictitious_pnr

WRITERS = 8
DAY = date(2026, 12, 1)





def _writer(path: str, writer: int, count: int, barrier, results, create_at_barrier: bool = False) -> None:  # noqa: ANN001
    from huddle.services import agenda

    clock = FakeClock(datetime(2026, 11, 30, 8, 0, tzinfo=UTC))
    if create_at_barrier:
        barrier.wait(timeout=60)
        try:
            store = Store.open(path, clock=clock, create=True)
        except Exception as exc:  # noqa: BLE001
            for n in range(count):
                results.put(("error", writer, n, f"open: {type(exc).__name__}: {exc}"))
            return
    else:
        store = Store.open(path, clock=clock, create=False)
    try:
        if not create_at_barrier:
            barrier.wait(timeout=60)
        for n in range(count):
            try:
                row = agenda.add_patient(
                    store,
                    pnr=fictitious_pnr(writer * 100 + n),
                    name=f"Testperson {writer}-{n}",
                    unit="Avd 12 Oskarshamn",
                    municipality="Oskarshamn",
                    question=f"writer {writer}",
                    day=DAY,
                )
                results.put(("ok", writer, n, row.position))
            except Exception as exc:  # noqa: BLE001 - every failure is reported to the test
                results.put(("error", writer, n, f"{type(exc).__name__}: {exc}"))
    finally:
        store.close()


def _run_writers(target: str, count: int):
    Store.open(target).close()  # created and migrated before the race; no engine is inherited
    ctx = mp.get_context("fork")
    barrier = ctx.Barrier(WRITERS)
    results = ctx.Queue()
    procs = [ctx.Process(target=_writer, args=(target, w, count, barrier, results)) for w in range(WRITERS)]
    for p in procs:
        p.start()
    got = [results.get(timeout=120) for _ in range(WRITERS * count)]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    return got


def _stored(target: str):
    from sqlalchemy import Date, bindparam, text

    store = Store.open(target, create=False)
    try:
        with store.read() as s:
            day = bindparam("day", DAY, type_=Date)
            cases = s.execute(text(
                'SELECT c.position, p.pnr FROM "case" c JOIN huddle h ON h.id = c.huddle_id '
                "JOIN patient p ON p.id = c.patient_id WHERE h.date = :day ORDER BY c.position").bindparams(day)).all()
            huddles = s.scalar(text("SELECT count(*) FROM huddle WHERE date = :day").bindparams(day))
            audit = s.scalar(text("SELECT count(*) FROM audit_event WHERE action = 'create'"))
        return [tuple(r) for r in cases], huddles, audit
    finally:
        store.close()


def test_eight_processes_add_different_patients_at_the_same_moment(store_target):
    got = _run_writers(store_target, 1)
    assert [g for g in got if g[0] != "ok"] == []
    cases, huddles, audit = _stored(store_target)
    assert huddles == 1  # the huddle row made once, not once per writer
    assert [pos for pos, _ in cases] == list(range(1, WRITERS + 1))
    assert sorted(pnr for _, pnr in cases) == sorted(fictitious_pnr(w * 100 + 0) for w in range(WRITERS))
    assert sorted(g[3] for g in got) == list(range(1, WRITERS + 1))  # each writer was told its own position
    assert audit >= WRITERS  # every change logged


@pytest.mark.slow
def test_eight_processes_keep_writing_nothing_lost_or_duplicated(store_target):
    count = 15
    got = _run_writers(store_target, count)
    assert [g for g in got if g[0] != "ok"] == []
    cases, huddles, _ = _stored(store_target)
    total = WRITERS * count
    assert huddles == 1
    assert [pos for pos, _ in cases] == list(range(1, total + 1))
    assert len({pnr for _, pnr in cases}) == total


def test_the_same_patient_from_two_processes_stands_once(store_target):
    """Two nurses put the same patient on the agenda at the same moment: one succeeds, one is told why."""
    Store.open(store_target).close()
    ctx = mp.get_context("fork")
    barrier = ctx.Barrier(2)
    results = ctx.Queue()

    procs = [ctx.Process(target=_writer, args=(store_target, 0, 1, barrier, results)) for _ in range(2)]
    for p in procs:
        p.start()
    got = sorted(results.get(timeout=60) for _ in range(2))
    for p in procs:
        p.join(timeout=60)
    assert [g[0] for g in got] == ["error", "ok"]
    assert got[0][3].startswith("InputError") and "already on the agenda" in got[0][3]
    cases, _, _ = _stored(store_target)
    assert len(cases) == 1


def test_eight_processes_create_a_new_store_at_the_same_moment(db_path):
    """Nobody ran ``huddle init``: the first eight writers make the store together, and all succeed."""
    ctx = mp.get_context("fork")
    barrier = ctx.Barrier(WRITERS)
    results = ctx.Queue()
    procs = [ctx.Process(target=_writer, args=(str(db_path), w, 1, barrier, results, True)) for w in range(WRITERS)]
    for p in procs:
        p.start()
    got = [results.get(timeout=120) for _ in range(WRITERS)]
    for p in procs:
        p.join(timeout=60)
    assert [g for g in got if g[0] != "ok"] == []
    cases, huddles, _ = _stored(str(db_path))
    assert huddles == 1
    assert [pos for pos, _ in cases] == list(range(1, WRITERS + 1))
    assert sorted(p.name for p in db_path.parent.iterdir() if not p.name.endswith(("-wal", "-shm"))) == [db_path.name]
