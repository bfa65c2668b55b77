"""What the access log costs: a patient read and a case change, with and without the audit event.

    /work/venv/bin/python bench/audit.py [--n 200]

* patient read (one patient): ``meeting.load_live`` for the current patient, logged (one "read"
  event, write transaction) against the same call with ``audit=False`` (read-only transaction).
* agenda read (20 patients): ``agenda.list_agenda`` logged (20 events) against ``with_identity=False``.
* case change: ``agenda.edit_question`` on a normal store against a store whose ``audit`` does nothing.
* raw reference: one sqlite3 INSERT of an audit row + COMMIT on the same file (WAL, synchronous NORMAL).

Prints medians in milliseconds and the ratio logged / unlogged (goal <= 1.2).
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from huddle.services import agenda, meeting  # noqa: E402
from huddle.store import Store  # noqa: E402

DAY = date(2026, 12, 1)


class NoAuditStore(Store):
    def audit(self, session, action, what, *, patient_id=None, case_id=None):  # noqa: ANN001, ARG002
        return None


def pnr(i: int) -> str:
    from huddle.domain.pnr import luhn_digit

    nine = f"50{(i % 12) + 1:02d}{(i % 28) + 1:02d}{980 + i:03d}"
    return f"19{nine[:6]}-{nine[6:]}{luhn_digit(nine)}"


def timed(fn, n: int) -> list[float]:  # noqa: ANN001
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=200)
    n = ap.parse_args().n
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        store = Store.open(str(path))
        cases = [
            agenda.add_patient(store, pnr=pnr(i), name=f"Test Testsson {i}", unit="Avd 12",
                               municipality="Kalmar", question="Hemgång?", day=DAY)
            for i in range(20)
        ]
        meeting.start_meeting(store, DAY)
        quiet = NoAuditStore(store.opened, clock=store.clock, actor=store.actor)
        case_id = cases[5].case_id
        counter = iter(range(10**9))

        def forget_shown() -> None:
            # load_live logs a card once per app until another case is shown; make every call a new showing.
            memo = getattr(meeting, "_memo", None)
            if memo is not None:
                memo(store).shown.clear()

        def edit(st: Store) -> None:
            agenda.edit_question(st, case_id, f"Fråga {next(counter)}")

        pairs = {
            "patient read (load_live, 1 patient)": (
                lambda: (forget_shown(), meeting.load_live(store, DAY, recover=False, audit=True)),
                lambda: meeting.load_live(store, DAY, recover=False, audit=False),
            ),
            "agenda read (list_agenda, 20 patients)": (
                lambda: agenda.list_agenda(store, DAY),
                lambda: agenda.list_agenda(store, DAY, with_identity=False),
            ),
            "case change (edit_question)": (lambda: edit(store), lambda: edit(quiet)),
        }
        # warm up
        for logged, plain in pairs.values():
            timed(logged, 5)
            timed(plain, 5)
        results = {}
        for name, (logged, plain) in pairs.items():
            a, b = [], []
            for _ in range(n // 20):  # interleave so drift hits both alike
                a += timed(logged, 20)
                b += timed(plain, 20)
            results[name] = (statistics.median(a), statistics.median(b))
        store.close()

        raw = sqlite3.connect(path, isolation_level=None)
        raw.execute("PRAGMA synchronous=NORMAL")

        def raw_insert() -> None:
            raw.execute("BEGIN IMMEDIATE")
            raw.execute(
                "INSERT INTO audit_event (at, actor, action, what, patient_id) VALUES (datetime('now'), 'x', 'read', 'bench', 1)"
            )
            raw.execute("COMMIT")

        raw_ms = statistics.median(timed(raw_insert, n))
        raw.close()

    print(f"access-log cost, median of {n} runs each (ms)")
    print(f"{'operation':42s} {'logged':>8s} {'unlogged':>9s} {'ratio':>6s}")
    for name, (a, b) in results.items():
        print(f"{name:42s} {a:8.3f} {b:9.3f} {a / b:6.2f}")
    print(f"{'raw sqlite3: INSERT audit row + COMMIT':42s} {raw_ms:8.3f}")
    print("goal: ratio <= 1.2")


if __name__ == "__main__":
    main()
