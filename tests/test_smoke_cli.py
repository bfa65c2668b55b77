from tests.conftest import run_huddle


def test_add_then_list_as_json(tmp_path):
    db = tmp_path / "s.db"
    r = run_huddle("patient", "add", "--pnr", "121212-1212", "--name", "Tolvan Tolvansson",
                   "--unit", "Avd 12 Oskarshamn", "--municipality", "Oskarshamn", "--date", "2026-12-01", db=db)
    assert r.returncode == 0, r.stderr
    r = run_huddle("agenda", "--date", "2026-12-01", "--format", "json", db=db)
    import json

    rows = json.loads(r.stdout)
    assert rows[0]["pnr"] == "20121212-1212"
    assert set(rows[0]) == {"position", "pnr", "name", "unit", "municipality", "question", "state"}


def test_readding_a_patient_with_a_new_name_is_logged_as_a_patient_change(tmp_path):
    import sqlite3

    db = tmp_path / "s.db"
    common = ["--unit", "Avd 1", "--municipality", "Högsby"]
    r = run_huddle("patient", "add", "--pnr", "19121212-1212", "--name", "Tolvan Tolvansson", *common,
                   "--date", "2026-12-01", db=db)
    assert r.returncode == 0, r.stderr
    r = run_huddle("patient", "add", "--pnr", "19121212-1212", "--name", "Tolvan Tolvsson", *common,
                   "--date", "2026-12-02", db=db)
    assert r.returncode == 0, r.stderr
    events = [w for (w,) in sqlite3.connect(db).execute("SELECT what FROM audit_event ORDER BY id")]
    assert events == ["case.add+patient.create", "case.add+patient.update"]


def test_piped_tables_are_not_cut_to_80_columns(tmp_path):
    db = tmp_path / "s.db"
    question = "Hemgång med hemtjänst och hembesök av distriktssköterska inom två dagar?"
    r = run_huddle("patient", "add", "--pnr", "19121212-1212", "--name", "Tolvan Tolvansson", "--unit",
                   "Oskarshamns sjukhus, medicinavdelning 1", "--municipality", "Oskarshamn",
                   "--question", question, "--date", "2026-12-01", db=db)
    assert r.returncode == 0, r.stderr
    out = run_huddle("agenda", "--date", "2026-12-01", db=db).stdout.decode()
    assert question in out and "Oskarshamns sjukhus, medicinavdelning 1" in out


def test_the_app_without_a_terminal_is_one_line_and_writes_nothing(tmp_path):
    """``huddle --`` or ``huddle demo`` from a script (stdin not a terminal) used to spin in Textual's input thread."""
    import subprocess

    from tests.conftest import HUDDLE_BIN

    db = tmp_path / "s.db"
    for args in (["--"], [], ["demo"], ["--lang", "sv", "--"]):
        r = subprocess.run([HUDDLE_BIN, "--db", str(db), *args], capture_output=True, stdin=subprocess.DEVNULL,
                           timeout=60, env={**__import__("os").environ, "HUDDLE_LANG": "en"})
        err = r.stderr.decode()
        assert r.returncode == 2 and err.count("\n") == 1, (args, r.returncode, err)
        assert ("needs a terminal" in err) or ("behöver en terminal" in err), err
        assert not db.exists(), args
