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
