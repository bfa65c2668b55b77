"""The command-line contract, as a new user (or a script) meets it.

Most cases run ``huddle.cli.main([...])`` in-process for speed; the ones marked "real process"
run the installed ``huddle`` entry point.  The store is always a real temporary SQLite file.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
import stat
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from huddle.domain.clock import SystemClock, local_date
from huddle.domain.days import next_meeting_day
from tests.conftest import HUDDLE_BIN, fictitious_pnr, huddle_here, run_huddle

KEYS = ["position", "pnr", "name", "unit", "municipality", "question", "state"]
DAY = "2030-01-07"  # a Monday, in the future whatever day the tests run
# Fictitious people; valid test numbers (12 digits and the 10-digit forms people also type).
P1, P1_SHORT = "19121212-1212", "121212+1212"
P2, P2_SHORT = "19700101-0011", "700101-0011"
P3 = "19450510-0018"
P4 = "19991231-0019"


@dataclass
class Result:
    code: int
    out: str
    err: str


def huddle(*args: str, db: Path | str | None = None) -> Result:
    """Run the command line in this process, as ``huddle [--db DB] ARGS``."""
    argv = (["--db", str(db)] if db is not None else []) + list(args)
    return Result(*huddle_here(*argv))


def add(db, pnr=P1, name="Tolvan Tolvansson", *extra: str) -> Result:
    return huddle("patient", "add", "--pnr", pnr, "--name", name, "--unit", "Avd 12 Oskarshamn",
                  "--municipality", "Oskarshamn", *extra, db=db)


def content(path: Path) -> dict:
    """Every row of every table (WAL included): what 'nothing was written' is checked against."""
    con = sqlite3.connect(path)
    try:
        names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        return {n: con.execute(f'SELECT * FROM "{n}"').fetchall() for n in names}
    finally:
        con.close()


def agenda_json(db, day=DAY) -> list[dict]:
    r = huddle("agenda", "--date", day, "--format", "json", db=db)
    assert r.code == 0, r.err
    return json.loads(r.out)


def one_error_line(r: Result, code: int, lang: str = "en") -> str:
    assert r.code == code, (r.code, r.out, r.err)
    assert r.err.count("\n") == 1 and r.err.endswith("\n"), repr(r.err)
    prefix = {"en": "huddle: error: ", "sv": "huddle: fel: "}[lang]
    assert r.err.startswith(prefix), r.err
    assert "Traceback" not in r.err
    return r.err[len(prefix):].strip()


# -- init -----------------------------------------------------------------------------------------------


def test_init_creates_the_store_and_says_where(tmp_path):
    db = tmp_path / "sub" / "dir" / "huddle.db"
    r = huddle("init", db=db)
    assert r.code == 0, r.err
    assert r.out.strip() == f"Created a new huddle store at {db}."
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    again = huddle("init", db=db)
    assert again.code == 0 and again.out.strip() == f"The huddle store at {db} is up to date."
    sv = huddle("--lang", "sv", "init", db=db)
    assert sv.out.strip() == f"Huddle-databasen i {db} är aktuell."


def test_init_without_db_uses_the_platform_data_directory(tmp_path, monkeypatch):
    monkeypatch.delenv("HUDDLE_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    r = huddle("init")
    assert r.code == 0, r.err
    expected = tmp_path / "xdg" / "huddle" / "huddle.db"
    assert r.out.strip() == f"Created a new huddle store at {expected}."
    assert expected.exists()


# -- patient add ---------------------------------------------------------------------------------------


def test_patient_add_defaults_to_the_next_meeting_day(tmp_path):
    db = tmp_path / "h.db"
    r = add(db, P1, "Tolvan Tolvansson", "--question", "Hemtjänst efter utskrivning?")
    assert r.code == 0, r.err
    expected_day = next_meeting_day(local_date(SystemClock().now()))
    assert r.out.strip() == f"Added {P1} Tolvan Tolvansson to the agenda for {expected_day.isoformat()} as number 1."
    rows = agenda_json(db, expected_day.isoformat())
    assert rows == [{"position": 1, "pnr": P1, "name": "Tolvan Tolvansson", "unit": "Avd 12 Oskarshamn",
                     "municipality": "Oskarshamn", "question": "Hemtjänst efter utskrivning?", "state": "waiting"}]
    # ``agenda`` without --date shows the same day
    default = huddle("agenda", "--format", "json", db=db)
    assert json.loads(default.out) == rows


def test_patient_add_normalises_every_written_form(tmp_path):
    db = tmp_path / "h.db"
    assert add(db, P1_SHORT, "A", "--date", DAY).code == 0
    assert add(db, P2_SHORT.replace("-", ""), "B", "--date", DAY).code == 0
    assert add(db, "  " + P3.replace("-", "") + " ", "C", "--date", DAY).code == 0
    rows = agenda_json(db)
    assert [r["pnr"] for r in rows] == [P1, P2, P3]
    assert [r["position"] for r in rows] == [1, 2, 3]
    assert list(rows[0]) == KEYS


def test_the_same_patient_twice_on_one_agenda_is_refused_and_nothing_is_written(tmp_path):
    db = tmp_path / "h.db"
    assert add(db, P1, "A", "--date", DAY).code == 0
    before = content(db)
    r = add(db, P1_SHORT, "A", "--date", DAY)
    msg = one_error_line(r, 2)
    assert msg == f"{P1} is already on the agenda for {DAY} (position 1); nothing was added."
    assert content(db) == before
    # another day is fine
    assert add(db, P1, "A", "--date", "2030-01-08").code == 0


# -- agenda formats --------------------------------------------------------------------------------------


@pytest.fixture
def filled(tmp_path):
    db = tmp_path / "filled.db"
    assert add(db, P1, "Tolvan Tolvansson", "--date", DAY, "--question", 'Behöver "trygg hemgång"; SIP?').code == 0
    assert add(db, P2, "Nilsson, Åsa", "--date", DAY, "--question", "rad ett\nrad två").code == 0
    assert add(db, P3, "[b]Ek[/b]", "--date", DAY).code == 0
    return db


def test_agenda_json_has_exactly_the_contract_keys(filled):
    rows = agenda_json(filled)
    assert [list(r) for r in rows] == [KEYS] * 3
    assert [r["position"] for r in rows] == [1, 2, 3]
    assert rows[1]["name"] == "Nilsson, Åsa" and rows[1]["question"] == "rad ett\nrad två"
    assert {r["state"] for r in rows} == {"waiting"}


def test_agenda_csv_reads_back_with_the_csv_module(filled):
    r = huddle("agenda", "--date", DAY, "--format", "csv", db=filled)
    assert r.code == 0, r.err
    table = list(csv.reader(io.StringIO(r.out)))
    assert table[0] == KEYS
    assert [row[1] for row in table[1:]] == [P1, P2, P3]
    assert table[1][5] == 'Behöver "trygg hemgång"; SIP?'
    assert table[2][2] == "Nilsson, Åsa" and table[2][5] == "rad ett\nrad två"
    assert table[1][6] == "waiting"


def test_agenda_table_in_both_languages(filled):
    en = huddle("agenda", "--date", DAY, db=filled)
    assert en.code == 0
    assert f"Agenda {DAY}" in en.out and "Identity no." in en.out and "waiting" in en.out
    for pnr in (P1, P2, P3):
        assert pnr in en.out  # never folded in two, even in 80 columns
    assert "[b]" in en.out  # what people typed is shown literally, not as markup
    sv = huddle("--lang", "sv", "agenda", "--date", DAY, db=filled)
    assert "Personnummer" in sv.out and "väntar" in sv.out and P1 in sv.out


def test_an_empty_agenda_in_every_format(tmp_path):
    db = tmp_path / "e.db"
    assert huddle("init", db=db).code == 0
    assert json.loads(huddle("agenda", "--date", DAY, "--format", "json", db=db).out) == []
    assert huddle("agenda", "--date", DAY, "--format", "csv", db=db).out == ",".join(KEYS) + "\n"
    assert huddle("agenda", "--date", DAY, db=db).out.strip() == f"The agenda for {DAY} is empty."


# -- import -------------------------------------------------------------------------------------------------


def _write_csv(path: Path, rows, *, delimiter=",", bom=False, header=("pnr", "name", "unit", "municipality", "question")) -> Path:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    w.writerow(header)
    w.writerows(rows)
    path.write_bytes((("\ufeff" if bom else "") + buf.getvalue()).encode("utf-8"))
    return path


ROWS = [
    (P1, "Tolvan Tolvansson", "Avd 12 Oskarshamn", "Oskarshamn", "Hemtjänst?"),
    (P2_SHORT, "Nilsson; Åsa", "Hemsjukvård Högsby", "Högsby", 'Kallas "Åsa", behöver SIP'),
    (P3, "Bertil Ek", "Vårdcentral Mönsterås", "Mönsterås", "rad ett\nrad två"),
]


@pytest.mark.parametrize("delimiter, bom", [(",", False), (",", True), (";", True), (";", False)])
def test_import_what_excel_writes(tmp_path, delimiter, bom):
    db = tmp_path / "i.db"
    f = _write_csv(tmp_path / "agenda.csv", ROWS, delimiter=delimiter, bom=bom)
    r = huddle("import", str(f), "--date", DAY, db=db)
    assert r.code == 0, r.err
    assert r.out.strip() == f"Imported 3 patients to the agenda for {DAY}."
    rows = agenda_json(db)
    assert [(x["pnr"], x["name"], x["municipality"], x["question"]) for x in rows] == [
        (P1, "Tolvan Tolvansson", "Oskarshamn", "Hemtjänst?"),
        (P2, "Nilsson; Åsa", "Högsby", 'Kallas "Åsa", behöver SIP'),
        (P3, "Bertil Ek", "Mönsterås", "rad ett\nrad två"),
    ]


def test_import_without_date_goes_to_the_next_meeting_day(tmp_path):
    db = tmp_path / "i.db"
    f = _write_csv(tmp_path / "a.csv", ROWS[:1])
    assert huddle("import", str(f), db=db).code == 0
    day = next_meeting_day(local_date(SystemClock().now())).isoformat()
    assert [r["pnr"] for r in agenda_json(db, day)] == [P1]


def test_one_bad_row_imports_nothing_and_names_the_line_and_reason(tmp_path):
    db = tmp_path / "i.db"
    bad = [*ROWS, ("19121212-1213", "Fel Kontrollsiffra", "Avd 3", "Västervik", "")]
    f = _write_csv(tmp_path / "bad.csv", bad, delimiter=";", bom=True)
    msg = one_error_line(huddle("import", str(f), "--date", DAY, db=db), 2)
    # header 1, rows 2..4 (the third spans two physical lines: 4-5), the bad one starts on line 6
    assert msg.startswith("Line 6: ") and "check digit" in msg and msg.endswith("Nothing was imported.")
    assert not db.exists()  # checked before the store is even made
    sv = one_error_line(huddle("--lang", "sv", "import", str(f), "--date", DAY, db=db), 2, "sv")
    assert sv.startswith("Rad 6: ") and "kontrollsiffra" in sv and sv.endswith("Inget importerades.")


def test_a_row_refused_by_the_store_imports_nothing(tmp_path):
    """The file is fine, but one patient already stands on that agenda: the whole import is undone."""
    db = tmp_path / "i.db"
    assert add(db, P3, "Bertil Ek", "--date", DAY).code == 0
    before = content(db)
    f = _write_csv(tmp_path / "a.csv", ROWS)
    msg = one_error_line(huddle("import", str(f), "--date", DAY, db=db), 2)
    assert msg.startswith("Line 4: ") and "already on the agenda" in msg
    assert content(db) == before
    assert [r["pnr"] for r in agenda_json(db)] == [P3]


@pytest.mark.parametrize(
    "data, words",
    [
        (b"", "empty"),
        (b"id;namn\r\n1;2\r\n", "header"),
        ("pnr,name,unit,municipality,question\r\n19121212-1212,Åsa,U,M,\r\n".encode("latin-1"), "UTF-8"),
        (b"pnr,name,unit,municipality,question\r\n19121212-1212,A,U\r\n", "Line 2: expected 5 columns, found 3"),
        (b'pnr,name,unit,municipality,question\r\n19121212-1212,"A,U,M,\r\n', "Line "),
        (b"pnr,name,unit,municipality,question\r\n19121212-1212,A,U,M,\r\n121212+1212,A,U,M,\r\n", "Line 3: the same identity number as line 2"),
    ],
)
def test_bad_csv_files_write_nothing(tmp_path, data, words):
    db = tmp_path / "i.db"
    f = tmp_path / "x.csv"
    f.write_bytes(data)
    msg = one_error_line(huddle("import", str(f), "--date", DAY, db=db), 2)
    assert words in msg
    assert not db.exists()


def test_import_of_a_missing_file(tmp_path):
    db = tmp_path / "i.db"
    msg = one_error_line(huddle("import", str(tmp_path / "nope.csv"), db=db), 2)
    assert "nope.csv" in msg
    assert not db.exists()


# -- bad input: one line, exit 2, nothing written, in the chosen language -------------------------------

BAD = {
    "identity number": (["patient", "add", "--pnr", "19121212-1213", "--name", "A", "--unit", "U", "--municipality", "M"],
                        "Identity number '19121212-1213' has a wrong check digit; check for a typo.",
                        "Personnumret '19121212-1213' har fel kontrollsiffra; kontrollera att det är rätt skrivet."),
    "impossible date in pnr": (["patient", "add", "--pnr", "19850230-0018", "--name", "A", "--unit", "U", "--municipality", "M"],
                               None, None),
    "date": (["agenda", "--date", "2026-02-30"],
             "--date: '2026-02-30' is not a date; write YYYY-MM-DD.",
             "--date: '2026-02-30' är inget datum; skriv ÅÅÅÅ-MM-DD."),
    "date on add": (["patient", "add", "--pnr", P1, "--name", "A", "--unit", "U", "--municipality", "M", "--date", "30/11"],
                    "--date: '30/11' is not a date; write YYYY-MM-DD.", "--date: '30/11' är inget datum; skriv ÅÅÅÅ-MM-DD."),
    "not a meeting day": (["patient", "add", "--pnr", P1, "--name", "A", "--unit", "U", "--municipality", "M",
                           "--date", "2026-12-05"],
                          "2026-12-05 is not a meeting day (a weekend); the next meeting day is 2026-12-07.",
                          "2026-12-05 är ingen mötesdag (helg); nästa mötesdag är 2026-12-07."),
    "unknown option": (["agenda", "--colour", "red"], "Unknown option --colour.", "Okänt alternativ --colour."),
    "missing option": (["patient", "add", "--pnr", P1, "--name", "A", "--unit", "U"], "Missing --municipality.", "--municipality saknas."),
    "empty required": (["patient", "add", "--pnr", P1, "--name", " ", "--unit", "U", "--municipality", "M"],
                       "The name is required.", "Fältet namn måste fyllas i."),
    "format": (["agenda", "--format", "xml"], "Bad value for --format; choose one of table, json, csv.",
               "Felaktigt värde för --format; välj ett av table, json, csv."),
    "option without value": (["agenda", "--date"], "--date needs a value.", "--date behöver ett värde."),
    "unknown command": (["agendas"], "Unknown command agendas.", "Okänt kommando agendas."),
    "group without command": (["patient"], "'huddle patient' needs a command: add (see 'huddle patient --help').",
                              "'huddle patient' behöver ett kommando: add (se 'huddle patient --help')."),
    "extra argument": (["agenda", "tomorrow"], "Unexpected extra argument: tomorrow (see 'huddle --help').",
                       "Oväntat extra argument: tomorrow (se 'huddle --help')."),
    "too long": (["patient", "add", "--pnr", P1, "--name", "x" * 500, "--unit", "U", "--municipality", "M"],
                 "The name is too long (at most 120 characters).", "Fältet namn är för långt (högst 120 tecken)."),
}


@pytest.mark.parametrize("lang", ["en", "sv"])
@pytest.mark.parametrize("case", list(BAD))
def test_bad_input_on_a_new_path_prints_one_line_exits_2_and_creates_nothing(tmp_path, case, lang):
    argv, en, sv = BAD[case]
    db = tmp_path / "never.db"
    msg = one_error_line(huddle("--lang", lang, *argv, db=db), 2, lang)
    expected = {"en": en, "sv": sv}[lang]
    if expected is not None:
        assert msg == expected
    assert not db.exists()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("case", list(BAD))
def test_bad_input_on_an_existing_store_writes_nothing(filled, case):
    argv, _, _ = BAD[case]
    before = content(filled)
    one_error_line(huddle(*argv, db=filled), 2)
    assert content(filled) == before


def test_language_from_the_environment_and_the_option(tmp_path, monkeypatch):
    argv = BAD["date"][0]
    monkeypatch.setenv("HUDDLE_LANG", "sv")
    assert one_error_line(huddle(*argv, db=tmp_path / "x.db"), 2, "sv") == BAD["date"][2]
    assert one_error_line(huddle("--lang", "en", *argv, db=tmp_path / "x.db"), 2, "en") == BAD["date"][1]
    monkeypatch.setenv("HUDDLE_LANG", "en")
    assert one_error_line(huddle("--lang", "sv", *argv, db=tmp_path / "x.db"), 2, "sv") == BAD["date"][2]


# -- choosing the store ------------------------------------------------------------------------------------


def test_huddle_db_environment_variable(tmp_path, monkeypatch):
    db = tmp_path / "env.db"
    monkeypatch.setenv("HUDDLE_DB", str(db))
    assert add(None, P1, "A", "--date", DAY).code == 0
    assert db.exists()
    assert [r["pnr"] for r in agenda_json(None)] == [P1]
    # --db wins over the environment (and a read on a path with no store makes none)
    other = tmp_path / "other.db"
    assert one_error_line(huddle("agenda", "--date", DAY, db=other), 1) == (
        f"There is no store at {other}; run 'huddle init' first.")
    assert not other.exists()


READS = [["agenda"], ["agenda", "--format", "json"], ["summary"], ["stats"], ["export"], ["user", "list"],
         ["audit", "--patient", P1], ["retention"], ["backup", "copy.db"]]


@pytest.mark.parametrize("argv", READS, ids=" ".join)
def test_a_command_that_reads_never_makes_a_store_a_typo_in_db_is_told(tmp_path, argv):
    typo = tmp_path / "huddel.db"
    assert "no store at" in one_error_line(huddle(*argv, db=typo), 1)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("argv", [
    ["user", "add", "bo", "--name", "Bo Berg", "--role", "nurse"],  # the first user must be an admin
    ["room", "--date", "2026-01-05"],  # a huddle that is over
    ["room", "--date", "2027-12-25"],  # Christmas Day: no meeting
], ids=" ".join)
def test_a_refused_command_on_a_new_path_leaves_no_file(tmp_path, monkeypatch, argv):
    monkeypatch.setenv("HUDDLE_NEW_PASSWORD", "a long enough password")
    db = tmp_path / "new.db"
    r = huddle(*argv, db=db)
    assert r.code == 2 and r.err.count("\n") == 1, r.err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("via", ["option", "env"])
def test_a_sqlalchemy_url_works_as_the_store(tmp_path, monkeypatch, via):
    path = tmp_path / "url.db"
    url = f"sqlite:///{path}"
    if via == "env":
        monkeypatch.setenv("HUDDLE_DB", url)
        db = None
    else:
        db = url
    assert add(db, P1, "A", "--date", DAY).code == 0
    assert [r["pnr"] for r in agenda_json(db)] == [P1]
    assert path.exists() and stat.S_IMODE(path.stat().st_mode) == 0o600


# -- real processes ----------------------------------------------------------------------------------------


def test_real_process_contract(tmp_path):
    db = tmp_path / "real.db"
    r = run_huddle("init", db=db)
    assert r.returncode == 0 and str(db).encode() in r.stdout
    r = run_huddle("patient", "add", "--pnr", P2_SHORT, "--name", "Åsa Nilsson", "--unit", "Avd 12",
                   "--municipality", "Västervik", "--date", DAY, db=db)
    assert r.returncode == 0, r.stderr
    r = run_huddle("agenda", "--date", DAY, "--format", "json", db=db)
    assert r.returncode == 0 and r.stderr == b""
    assert json.loads(r.stdout.decode("utf-8")) == [
        {"position": 1, "pnr": P2, "name": "Åsa Nilsson", "unit": "Avd 12", "municipality": "Västervik",
         "question": "", "state": "waiting"}
    ]


def test_real_process_bad_input_and_debug(tmp_path):
    db = tmp_path / "never.db"
    args = ("patient", "add", "--pnr", "19121212-1213", "--name", "A", "--unit", "U", "--municipality", "M")
    r = run_huddle(*args, db=db, env={"HUDDLE_LANG": "sv"})
    assert r.returncode == 2 and r.stdout == b""
    assert r.stderr.decode("utf-8") == "huddle: fel: " + BAD["identity number"][2] + "\n"
    assert not db.exists()
    r = run_huddle("--debug", *args, db=db)
    assert r.returncode != 0 and b"Traceback" in r.stderr and b"InputError" in r.stderr
    assert not db.exists()


def test_real_process_refuses_a_garbage_store(tmp_path):
    db = tmp_path / "garbage.db"
    db.write_bytes(os.urandom(2048))
    before = db.read_bytes(), db.stat().st_mtime_ns
    r = run_huddle("agenda", "--format", "json", db=db)
    assert r.returncode == 1 and r.stdout == b""
    assert r.stderr.decode().count("\n") == 1 and b"Traceback" not in r.stderr
    assert (db.read_bytes(), db.stat().st_mtime_ns) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["garbage.db"]


@pytest.mark.parametrize("init_first", [True, False], ids=["after init", "new store"])
def test_real_processes_add_eight_patients_at_once(tmp_path, init_first):
    """Eight people run ``huddle patient add`` at the same moment: all succeed, all are stored, no position twice."""
    db = tmp_path / "race.db"
    if init_first:
        assert run_huddle("init", db=db).returncode == 0

    env = {**os.environ, "HUDDLE_LANG": "en"}
    procs = [
        subprocess.Popen([HUDDLE_BIN, "--db", str(db), "patient", "add", "--pnr", fictitious_pnr(w * 100 + 7),
                          "--name", f"Testperson {w}", "--unit", "Avd 1", "--municipality", "Högsby", "--date", DAY],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        for w in range(8)
    ]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0] * 8, [e for _, e in outs]
    rows = agenda_json(db)
    assert [r["position"] for r in rows] == list(range(1, 9))
    assert sorted(r["pnr"] for r in rows) == sorted(fictitious_pnr(w * 100 + 7) for w in range(8))


def test_help_and_version(tmp_path):
    r = huddle("--help")
    assert r.code == 0 and "agenda" in r.out and "import" in r.out and "--db" in r.out
    r = huddle("agenda", "--help")
    assert r.code == 0 and "--format" in r.out
    r = huddle("--version")
    assert r.code == 0 and "huddle" in r.out


def test_a_store_refusal_after_a_multi_line_row_names_the_right_line(tmp_path):
    db = tmp_path / "i.db"
    assert add(db, P4, "Dora Dubblett", "--date", DAY).code == 0
    rows = [ROWS[2], ROWS[0], (P4, "Dora Dubblett", "Avd 3", "Västervik", "")]  # the first row spans lines 2-3
    f = _write_csv(tmp_path / "a.csv", rows)
    msg = one_error_line(huddle("import", str(f), "--date", DAY, db=db), 2)
    assert msg.startswith("Line 5: ") and "already on the agenda" in msg


def test_real_process_imports_from_standard_input(tmp_path):
    db = tmp_path / "stdin.db"
    buf = io.StringIO()
    csv.writer(buf, delimiter=";", lineterminator="\r\n").writerows([("pnr", "name", "unit", "municipality", "question"), *ROWS[:2]])
    r = run_huddle("import", "-", "--date", DAY, db=db, input=("\ufeff" + buf.getvalue()).encode("utf-8"))
    assert r.returncode == 0, r.stderr
    assert [x["pnr"] for x in agenda_json(db)] == [P1, P2]


def test_the_meeting_calendar_lists_holidays_and_takes_local_closed_and_extra_days(tmp_path):
    db = tmp_path / "c.db"
    assert huddle("init", db=db).code == 0
    listed = json.loads(huddle("calendar", "--from", "2026-12-23", "--to", "2026-12-28", "--format", "json", db=db).out)
    assert [(d["date"], d["meeting"], d["reason"]) for d in listed] == [
        ("2026-12-23", True, None), ("2026-12-24", False, "Christmas Eve"), ("2026-12-25", False, "Christmas Day"),
        ("2026-12-26", False, "Second Day of Christmas"), ("2026-12-27", False, "a weekend"),
        ("2026-12-28", True, None)]
    sv = huddle("--lang", "sv", "calendar", "--from", "2026-12-24", "--to", "2026-12-24", db=db).out
    assert "Julafton" in sv and "torsdag" in sv and "nej" in sv
    assert huddle("calendar", "--close", "2026-12-28", db=db).out.strip() == "2026-12-28 is now closed: no meeting that day."
    assert huddle("calendar", "--extra", "2026-12-27", db=db).code == 0
    r = add(db, P1, "A", "--date", "2026-12-28")
    assert one_error_line(r, 2) == "2026-12-28 is not a meeting day (closed by local decision); the next meeting day is 2026-12-29."
    assert add(db, P1, "A", "--date", "2026-12-27").code == 0  # the extra Sunday meeting
    csv_file = tmp_path / "in.csv"
    csv_file.write_text("pnr,name,unit,municipality,question\n19121212-1212,A,U,M,Q\n")
    assert one_error_line(huddle("import", str(csv_file), "--date", "2026-12-25", db=db), 2) == (
        "2026-12-25 is not a meeting day (Christmas Day); the next meeting day is 2026-12-27.")  # the extra Sunday
    # A closed day with patients on it is refused; one change at a time.
    assert "has 1 case" in one_error_line(huddle("calendar", "--close", "2026-12-27", db=db), 2)
    assert one_error_line(huddle("calendar", "--close", "2026-12-29", "--extra", "2026-12-30", db=db), 2) == (
        "Give one of --close, --extra or --reset at a time.")
    assert huddle("calendar", "--reset", "2026-12-28", db=db).out.strip() == (
        "2026-12-28 follows the calendar again (meeting day).")


def test_settings_are_listed_and_set_one_at_a_time_with_the_same_rules_the_store_reads_them_by(tmp_path):
    db = tmp_path / "s.db"
    assert huddle("init", db=db).code == 0
    assert huddle("settings", "room_port", "8800", db=db).out.strip() == "room_port is now 8800."
    assert huddle("settings", "needed_roles", "physician, ward_nurse", db=db).code == 0
    listed = {r["name"]: r["value"] for r in json.loads(huddle("settings", "--format", "json", db=db).out)}
    assert listed["room_port"] == "8800" and listed["needed_roles"] == '["physician", "ward_nurse"]'
    before = content(db)
    for name, value, message in (
        ("room_port", "99999", "99999 is not a valid value for room_port; nothing was changed."),
        ("target_s", "0", "0 is not a valid value for target_s; nothing was changed."),
        ("needed_roles", "boss", '["boss"] is not a valid value for needed_roles; nothing was changed.'),
        ("meeting_time", "25:00", "25:00 is not a valid value for meeting_time; nothing was changed."),
        ("banner_policy", "full names", '"full names" is not a valid value for banner_policy; nothing was changed.'),
    ):
        assert one_error_line(huddle("settings", name, value, db=db), 2) == message
    assert one_error_line(huddle("settings", "colour", "red", db=db), 2).startswith("There is no setting 'colour'")
    assert content(db) == before
    sv = huddle("--lang", "sv", "settings", db=db).out
    assert "Inställning" in sv and "8800" in sv
