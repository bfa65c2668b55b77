"""Arbitrary text in every command-line input: never a traceback, always a known exit code, one line on
error, and a refused command leaves the store exactly as it was (not even an access-log event)."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from huddle.services import agenda
from huddle.store import Store
from tests.conftest import huddle_here

EXIT_CODES = {0, 1, 2, 3, 4}
DAY = "2026-12-01"

# Each command with its text inputs as slots {0}, {1}, ...
COMMANDS = [
    ["patient", "add", "--pnr", "{0}", "--name", "{1}", "--unit", "{2}", "--municipality", "{3}", "--question", "{4}",
     "--date", "{5}"],
    ["patient", "add", "--pnr", "19121212-1212", "--name", "{0}", "--unit", "{1}", "--municipality", "{2}",
     "--question", "{3}", "--date", DAY],
    ["agenda", "--date", "{0}"],
    ["agenda", "--date", DAY, "--format", "{0}"],
    ["summary", "--date", "{0}"],
    ["stats", "--from", "{0}", "--to", "{1}"],
    ["stats", "--by", "{0}"],
    ["export", "--from", "{0}", "--to", "{1}"],
    ["user", "add", "{0}", "--name", "{1}", "--org", "{2}", "--profession", "{3}", "--role", "{4}"],
    ["user", "disable", "{0}"],
    ["user", "enable", "{0}"],
    ["audit", "--patient", "{0}"],
    ["audit", "--sample", "{0}", "--from", "{1}", "--to", "{2}"],
    ["audit", "--sample", "3", "--from", "{0}", "--to", "{1}", "--seed", "{2}"],
    ["retention", "--days", "{0}"],
    ["backup", "{0}"],
    ["import", "{0}", "--date", DAY],
    ["{0}"],
    ["--lang", "{0}", "agenda"],
]

SLOT_TEXT = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["", " ", "-", "--", "--help", "2026-02-30", "19121212-1212", "121212+1212", "0", "-1",
                     "99999999999999999999", "[bold]x[/bold]", "[link=https://x]y[/link]", "nurse,admin", "admin",
                     "table", "json", "csv", "week", "ada", "\x00", "a\nb", "'; DROP TABLE patient; --", "é" * 300]),
    # What a terminal would obey: a title, the clipboard, a clear screen, a C1 CSI, a bidi override.
    st.sampled_from(["Eva\x1b]2;HIJACKED\x07 Ek", "\x1b]52;c;SGlqYWNr\x07", "x\x1b[2J\x1b[H", "\x9b31mRöd",
                     "Åsa\u202eNilsson", "19121212-1212\x1b[8m", "Oskarshamn\x1bP+q\x1b\\"]),
)

# Characters a terminal acts on instead of showing (a table's line breaks aside).
OBEYED = {chr(c) for c in [*range(0x20), *range(0x7F, 0xA0)]} - {"\n"} | set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def obeyed(text: str) -> set[str]:
    return {ch for ch in text if ch in OBEYED}


def snapshot(db: Path) -> str:
    """Every row of every table (the access log included)."""
    con = sqlite3.connect(db)
    try:
        h = hashlib.sha256()
        for line in con.iterdump():
            h.update(line.encode("utf-8", "surrogatepass"))
        return h.hexdigest()
    finally:
        con.close()


def run(db: Path, args: list[str]) -> tuple[int, str, str]:
    # stdin is no terminal here even under ``pytest -s`` (huddle_here): an input that reaches the app
    # (e.g. ``--``) must be refused in one line, never open it.
    return huddle_here("--db", str(db), *args)


@pytest.mark.parametrize("args", [["--"], [], ["--lang", "sv", "--"], ["demo"]])
def test_input_that_reaches_the_app_is_refused_without_a_terminal(workdir, args):
    """``--`` as a value once opened the whole app in-process, and Textual's input thread spun for ever."""
    root, db = workdir
    before = snapshot(db)
    code, out, err = run(db, args)
    assert code == 2 and err.count("\n") == 1 and ("terminal" in err), (args, err)
    assert snapshot(db) == before


@pytest.fixture(scope="module")
def workdir():
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        db = root / "fuzz.db"
        store = Store.open(str(db))
        agenda.add_patient(store, pnr="19121212-1212", name="Tolvan", unit="Avd 12", municipality="Oskarshamn",
                           day=__import__("datetime").date(2026, 12, 1))
        store.close()
        cwd = os.getcwd()
        os.chdir(root)  # relative backup names land here
        try:
            yield root, db
        finally:
            os.chdir(cwd)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(template=st.sampled_from(COMMANDS), slots=st.lists(SLOT_TEXT, min_size=6, max_size=6))
def test_arbitrary_text_in_any_input_never_gives_a_traceback_or_a_partial_write(workdir, template, slots):
    root, db = workdir
    args = [a.format(*slots) if "{" in a else a for a in template]
    if template[0] == "backup":
        assume(not args[1].startswith(("/", "~")) and ".." not in args[1])
    if args[0] in {"room", "serve", "demo"} or args[-1] in {"room", "serve", "demo"} or "" in args[:1]:
        assume(False)  # these start servers or the app; not a printing command
    before = snapshot(db)
    old_env = {k: os.environ.get(k) for k in ("HUDDLE_NEW_PASSWORD", "COLUMNS")}
    os.environ["HUDDLE_NEW_PASSWORD"] = "a long enough password"
    os.environ["COLUMNS"] = "200"
    try:
        code, out, err = run(db, args)
    finally:
        for k, v in old_env.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    assert code in EXIT_CODES, (args, code, err)
    assert "Traceback" not in err + out, (args, err)
    assert not obeyed(out + err), (args, out, err)  # shown, never obeyed: no ESC byte reaches the terminal
    if code != 0:
        assert err.endswith("\n") and err.count("\n") == 1, (args, err)
        assert snapshot(db) == before, f"{args} failed with {err!r} but wrote"
    if template[0] == "user" and template[1] == "add" and code == 0:
        # Keep the store in single-user mode for the next example: a store with users would refuse the rest.
        con = sqlite3.connect(db)
        con.execute("DELETE FROM staff")
        con.commit()
        con.close()


def test_a_bad_csv_import_writes_nothing(workdir):
    root, db = workdir
    before = snapshot(db)
    for content in (b"", b"pnr,name\n", b"\xff\xfe garbage", b"pnr,name,unit,municipality,question\n1,2,3,4,5\n",
                    b"pnr,name,unit,municipality,question\n19121212-1212,A,B,C,D\n19121212-1212,A,B,C,D\n"):
        f = root / "in.csv"
        f.write_bytes(content)
        code, out, err = run(db, ["import", str(f), "--date", DAY])
        assert code == 2 and "Traceback" not in err and err.count("\n") == 1
        assert snapshot(db) == before


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(user=SLOT_TEXT, password=SLOT_TEXT)
def test_arbitrary_user_and_password_are_refused_on_one_line_and_only_the_refusal_is_logged(tmp_path_factory, user,
                                                                                           password):
    from huddle.services import access

    assume("\x00" not in password)  # the environment cannot carry NUL
    root = tmp_path_factory.mktemp("users")
    db = root / "u.db"
    store = Store.open(str(db))
    access.add_user(store, username="ada", name="Ada", password="the right password", roles=["admin"])
    store.close()

    def rows(sql: str) -> list:
        con = sqlite3.connect(db)
        try:
            return con.execute(sql).fetchall()
        finally:
            con.close()

    before = rows("SELECT * FROM audit_event WHERE action != 'sign_in'"), rows("SELECT * FROM staff")
    old = os.environ.get("HUDDLE_PASSWORD")
    os.environ["HUDDLE_PASSWORD"] = password
    try:
        code, out, err = run(db, ["--user", user, "user", "list"])
    finally:
        if old is None:
            os.environ.pop("HUDDLE_PASSWORD", None)
        else:
            os.environ["HUDDLE_PASSWORD"] = old
    assert "Traceback" not in out + err
    assert code in {2, 3} or (code == 0 and user.strip() == "ada" and password == "the right password"), (code, err)
    if code:
        assert err.count("\n") == 1, err
        if len(password.strip()) >= 8:
            assert password not in out + err  # a typed password is never echoed back
    assert (rows("SELECT * FROM audit_event WHERE action != 'sign_in'"), rows("SELECT * FROM staff")) == before


CSV_HEAD = b"pnr,name,unit,municipality,question\n"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(body=st.one_of(st.binary(max_size=300), st.text(max_size=300).map(lambda x: CSV_HEAD + x.encode())))
def test_arbitrary_csv_imports_all_or_nothing(workdir, body):
    root, db = workdir
    f = root / "fuzz.csv"
    f.write_bytes(body)
    before = snapshot(db)
    code, out, err = run(db, ["import", str(f), "--date", DAY])
    assert code in EXIT_CODES and "Traceback" not in out + err, (body, err)
    if code:
        assert err.count("\n") == 1 and snapshot(db) == before, (body, err)


def test_a_store_holding_escape_sequences_prints_them_as_text_in_every_command(tmp_path):
    """A store written by hand or by an older version: every command that prints shows its text, never obeys it."""
    db = tmp_path / "hostile.db"
    store = Store.open(str(db))
    day = __import__("datetime").date(2026, 12, 1)
    case = agenda.add_patient(store, pnr="19121212-1212", name="Tolvan", unit="Avd 12", municipality="Oskarshamn",
                              question="Hemtjänst?", day=day)
    store.close()
    hostile = "Eva\x1b]52;c;SGlqYWNr\x07\x1b]2;HIJACKED\x07\x1b[2J Ek\x9b31m\u202e"
    con = sqlite3.connect(db)
    con.execute("UPDATE patient SET name = ?", (hostile,))
    con.execute("UPDATE \"case\" SET unit = ?, municipality = ?, question = ?", (hostile, hostile, hostile))
    con.commit()
    con.close()
    for args in (["agenda", "--date", DAY], ["agenda", "--date", DAY, "--format", "json"],
                 ["agenda", "--date", DAY, "--format", "csv"], ["summary", "--date", DAY],
                 ["summary", "--date", DAY, "--format", "json"], ["stats", "--from", DAY, "--to", DAY, "--by", "unit"],
                 ["export", "--from", DAY, "--to", DAY], ["audit", "--patient", "19121212-1212"]):
        code, out, err = run(db, args)
        assert code == 0, (args, err)
        assert not obeyed(out + err), (args, out)
        if args[0] in {"agenda", "summary"}:
            assert "Eva" in out and "Ek" in out, (args, out)  # the text itself is still there
    assert case.name == "Tolvan"
