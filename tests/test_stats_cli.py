"""``huddle stats`` and ``huddle export`` as a manager runs them, on the demo store."""

from __future__ import annotations

import csv
import io
import json
import math
import sqlite3
from fractions import Fraction

import pytest

from tests.conftest import run_huddle

WIDE = ("--from", "2000-01-01", "--to", "2100-12-31")


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("demo") / "demo.db"
    r = run_huddle("demo", "--no-tui", db=db)
    assert r.returncode == 0, r.stderr.decode()
    return db


def _json(*args: str, db) -> dict | list:  # noqa: ANN001
    r = run_huddle(*args, db=db)
    assert r.returncode == 0, r.stderr.decode()
    return json.loads(r.stdout)


def nearest(values: list[int], p: int) -> int | None:
    v = sorted(values)
    return v[math.ceil(Fraction(p * len(v), 100)) - 1] if v else None


def figures_from_export(rows: list[dict]) -> dict:
    times = [r["duration_s"] for r in rows if r["duration_s"] is not None]
    within = sum(1 for r in rows if r["duration_s"] is not None and r["duration_s"] <= r["target_s"])
    return {
        "agenda_cases": len(rows),
        "cases": len(times),
        "mean_s": sum(times) / len(times) if times else None,
        "median_s": nearest(times, 50),
        "p90_s": nearest(times, 90),
        "within_target_share": within / len(times) if times else None,
        "over_target": sum(1 for r in rows if r["over_target"]),
        "deferred": sum(r["deferred"] for r in rows),
        "carried": sum(r["carried"] for r in rows),
        "discharge_ready_days": sum(r["discharge_ready_days"] or 0 for r in rows),
        "payment_liable_days": sum(r["payment_liable_days"] or 0 for r in rows),
        "decisions": sum(r["decisions"] for r in rows),
        "home_visits": sum(r["home_visits"] for r in rows),
        "red_days": sum(r["day_mark"] == "red" for r in rows),
        "sip_met": sum(r["sip_met"] for r in rows),
    }


def test_stats_and_export_agree_exactly(demo_db) -> None:
    stats = _json("stats", *WIDE, "--format", "json", db=demo_db)
    rows = _json("export", *WIDE, "--format", "json", db=demo_db)
    overall = stats["overall"]
    assert overall["cases"] > 100  # the demo's discussed cases are all there
    assert overall["agenda_cases"] > overall["cases"]  # the upcoming agenda and cases not reached
    assert figures_from_export(rows) == {k: overall[k] for k in figures_from_export(rows)}
    assert stats["groups"] == []


@pytest.mark.parametrize("by", ["municipality", "week", "organisation"])
def test_grouped_figures_agree_with_the_export(demo_db, by) -> None:
    stats = _json("stats", *WIDE, "--by", by, "--format", "json", db=demo_db)
    rows = _json("export", *WIDE, "--format", "json", db=demo_db)
    from datetime import date

    def key(r: dict) -> str:
        if by == "week":
            y, w, _ = date.fromisoformat(r["huddle_date"]).isocalendar()
            return f"{y}-W{w:02d}"
        return r[by]

    keys = sorted({key(r) for r in rows})
    assert [g["key"] for g in stats["groups"]] == keys
    for g in stats["groups"]:
        mine = figures_from_export([r for r in rows if key(r) == g["key"]])
        assert mine == {k: g[k] for k in mine}, g["key"]
    if by == "municipality":
        assert set(keys) == {"Oskarshamn", "Högsby", "Mönsterås", "Västervik"}


def test_a_period_limits_both_the_same_way(demo_db) -> None:
    rows = _json("export", *WIDE, "--format", "json", db=demo_db)
    days = sorted({r["huddle_date"] for r in rows})
    start, end = days[3], days[12]
    part = _json("export", "--from", start, "--to", end, "--format", "json", db=demo_db)
    assert part and all(start <= r["huddle_date"] <= end for r in part)
    assert len(part) == sum(1 for r in rows if start <= r["huddle_date"] <= end)
    stats = _json("stats", "--from", start, "--to", end, "--format", "json", db=demo_db)
    assert stats["from"] == start and stats["to"] == end
    assert stats["overall"]["cases"] == figures_from_export(part)["cases"]
    assert stats["overall"]["median_s"] == figures_from_export(part)["median_s"]


def test_export_csv_for_swedish_excel(demo_db) -> None:
    plain = run_huddle("export", *WIDE, db=demo_db)
    assert plain.returncode == 0
    text = plain.stdout.decode()
    reader = list(csv.DictReader(io.StringIO(text)))
    header = text.splitlines()[0].split(",")
    assert header[:14] == [
        "huddle_date", "position", "unit", "municipality", "state", "duration_s", "target_s", "over_target",
        "readiness", "discharge_ready_days", "payment_liable_days", "deferred", "decisions", "blocker_owner",
    ]
    never = [r for r in reader if r["duration_s"] == ""]
    assert never, "cases never discussed are exported with an empty time"
    assert all(r["over_target"] == "" for r in never)
    excel = run_huddle("export", *WIDE, "--excel", db=demo_db).stdout
    assert excel.startswith("\ufeff".encode())
    lines = excel.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("huddle_date;position;unit;municipality;")
    assert len(lines) == len(reader) + 1


def test_stats_csv_and_table(demo_db) -> None:
    r = run_huddle("stats", *WIDE, "--by", "municipality", "--format", "csv", db=demo_db)
    assert r.returncode == 0
    rows = list(csv.DictReader(io.StringIO(r.stdout.decode())))
    assert rows[0]["key"] == "overall" and len(rows) == 5
    assert {"cases", "median_s", "p90_s", "within_target_share"} <= set(rows[0])
    table = run_huddle("stats", *WIDE, "--by", "municipality", db=demo_db)
    out = table.stdout.decode()
    assert table.returncode == 0 and "Median" in out and "Högsby" in out and "nearest-rank" in out
    sv = run_huddle("stats", *WIDE, db=demo_db, env={"HUDDLE_LANG": "sv"})
    assert "Totalt" in sv.stdout.decode() and "Föreslaget mål" in sv.stdout.decode()


@pytest.mark.parametrize(
    "args, words",
    [
        (("stats", "--from", "2026-13-01", "--to", "2026-12-31"), "--from"),
        (("stats", "--from", "2026-12-01", "--to", "2026-11-01"), "starts after it ends"),
        (("export", "--from", "2026-12-01", "--to", "2026-11-01"), "starts after it ends"),
        (("export", "--from", "yesterday", "--to", "2026-11-01"), "not a date"),
        (("stats", *WIDE, "--by", "ward"), "--by"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(demo_db, args, words) -> None:
    r = run_huddle(*args, db=demo_db)
    err = r.stderr.decode()
    assert r.returncode == 2, err
    assert words in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert r.stdout == b""


def _identities(db) -> tuple[set[str], set[str]]:  # noqa: ANN001
    con = sqlite3.connect(db)
    pnrs = {p for (p,) in con.execute("SELECT pnr FROM patient WHERE pnr IS NOT NULL")}
    names = {n for (n,) in con.execute("SELECT name FROM patient WHERE name IS NOT NULL")}
    con.close()
    return pnrs, names


def test_manager_views_carry_no_identity(demo_db) -> None:
    pnrs, names = _identities(demo_db)
    assert len(pnrs) > 50 and len(names) > 20
    outputs = []
    for fmt in ("table", "json", "csv"):
        for by in (None, "unit", "day"):
            extra = ("--by", by) if by else ()
            outputs.append(run_huddle("stats", *WIDE, *extra, "--format", fmt, db=demo_db).stdout.decode())
    for fmt in ("csv", "json"):
        outputs.append(run_huddle("export", *WIDE, "--format", fmt, db=demo_db).stdout.decode())
    text = "\n".join(outputs)
    for pnr in pnrs:
        assert pnr not in text and pnr.replace("-", "") not in text and pnr[2:] not in text
    for name in names:
        assert name not in text
    for field in ('"pnr"', '"name"', '"patient_id"', '"case_id"', "pnr,", "name,"):
        assert field not in text


def test_export_is_logged_without_patient_ids(demo_db) -> None:
    con = sqlite3.connect(demo_db)
    before = con.execute("SELECT count(*) FROM audit_event WHERE action = 'export'").fetchone()[0]
    con.close()
    assert run_huddle("export", "--from", "2026-01-01", "--to", "2026-12-31", db=demo_db).returncode == 0
    con = sqlite3.connect(demo_db)
    rows = con.execute("SELECT patient_id, case_id, what FROM audit_event WHERE action = 'export'").fetchall()
    con.close()
    assert len(rows) == before + 1
    patient_id, case_id, what = rows[-1]
    assert patient_id is None and case_id is None and "2026-01-01" in what


def test_stats_and_export_import_neither_textual_nor_aiortc(demo_db) -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from huddle.cli import main\n"
        "for args in (['stats', '--from', '2026-01-01', '--to', '2026-12-31', '--format', 'json'],"
        " ['export', '--from', '2026-01-01', '--to', '2026-12-31']):\n"
        "    try:\n"
        f"        main(['--db', {str(demo_db)!r}, *args])\n"
        "    except SystemExit as e:\n"
        "        assert not e.code, e.code\n"
        "bad = [m for m in ('textual', 'aiortc', 'textual_plotext') if m in sys.modules]\n"
        "sys.stderr.write(repr(bad))\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=120)
    assert r.returncode == 0, r.stderr.decode()
    assert r.stderr.decode().strip().endswith("[]")
