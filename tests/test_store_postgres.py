"""PostgreSQL as a person meets it: the command line on a real server, its refusals, its guarantees.

The store tests elsewhere run on both engines through the ``store`` fixture; these are
about what only a server has: URLs, passwords, roles, pg_dump, VACUUM.
"""

from __future__ import annotations

import json
import os
import socket
import stat

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from huddle.room.control import RoomController
from tests import pg
from tests.conftest import run_huddle

pytestmark = pytest.mark.skipif(not pg.wanted(), reason="no PostgreSQL server for the tests (HUDDLE_TEST_PG)")


@pytest.fixture
def pg_url(pg_server, request) -> str:  # noqa: ANN001
    name = pg.new_database(pg_server)
    request.addfinalizer(lambda: pg.drop_database(pg_server, name))
    return pg_server.url(name)


def _env(url: str) -> dict:
    return {"HUDDLE_DB": url}


def _one_line(r) -> str:  # noqa: ANN001
    err = r.stderr.decode()
    assert r.returncode == 1 and err.count("\n") == 1 and r.stdout == b"", (r.returncode, err, r.stdout)
    return err


def test_a_plain_postgresql_url_runs_the_daily_commands_and_never_shows_the_password(pg_url):
    password = make_url(pg_url).password
    plain = pg_url.replace("postgresql+psycopg://", "postgresql://")
    r = run_huddle("init", env=_env(plain))
    assert r.returncode == 0, r.stderr
    assert password not in r.stdout.decode() and "***" in r.stdout.decode()
    r = run_huddle("patient", "add", "--pnr", "19121212-1212", "--name", "Tolvan Tolvansson", "--unit", "Avd 12",
                   "--municipality", "Oskarshamn", "--question", "Hemgång?", "--date", "2026-12-07", env=_env(plain))
    assert r.returncode == 0, r.stderr
    r = run_huddle("agenda", "--date", "2026-12-07", "--format", "json", env=_env(plain))
    assert r.returncode == 0, r.stderr
    assert [(c["pnr"], c["position"]) for c in json.loads(r.stdout)] == [("19121212-1212", 1)]
    r = run_huddle("stats", "--from", "2026-12-01", "--to", "2026-12-31", "--format", "json", env=_env(plain))
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["overall"]["agenda_cases"] == 1
    r = run_huddle("export", "--from", "2026-12-01", "--to", "2026-12-31", "--format", "json", env=_env(plain))
    assert r.returncode == 0 and len(json.loads(r.stdout)) == 1, r.stderr


def test_a_wrong_password_an_unknown_database_and_a_server_that_is_down_each_say_so(pg_url):
    url = make_url(pg_url)
    wrong = url.set(password="not-the-password").render_as_string(hide_password=False)
    err = _one_line(run_huddle("agenda", env=_env(wrong)))
    assert "refused the user name or password" in err and "not-the-password" not in err
    err = _one_line(run_huddle("agenda", env=_env(url.set(database="no_such_db").render_as_string(False))))
    assert "does not exist on that server" in err and url.password not in err
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        free = s.getsockname()[1]  # nobody listens here once the socket is closed
    err = _one_line(run_huddle("agenda", env=_env(url.set(port=free).render_as_string(False))))
    assert "Cannot reach the database server" in err and url.password not in err and "damaged" not in err


def test_the_room_and_the_browser_app_get_the_store_by_environment_not_on_the_command_line(pg_url):
    from datetime import date

    from huddle.cli import Context
    from huddle.cli.app import app_command

    room = RoomController(pg_url, date(2026, 12, 7), port=0)
    assert pg_url not in " ".join(room.command()) and "--db" not in room.command()
    ctx = Context(db=pg_url, lang="en", debug=False, user=None)
    assert make_url(pg_url).password not in app_command(ctx) and "--db" not in app_command(ctx)


def test_the_access_log_refuses_changes_even_from_the_role_that_owns_it(pg_server):
    """The role that ran the migrations owns audit_event: triggers refuse it UPDATE, DELETE and TRUNCATE."""
    import psycopg

    from huddle.services import agenda
    from huddle.store import Store

    name = f"own_{os.getpid()}"
    role = f"huddle_{os.getpid()}"
    admin_url = pg_server.admin_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin_url, autocommit=True) as con:
        con.execute(f"DROP DATABASE IF EXISTS {name}")
        con.execute(f"DROP ROLE IF EXISTS {role}")
        con.execute(f"CREATE ROLE {role} LOGIN PASSWORD 'owner-pw'")  # not a superuser
        con.execute(f"CREATE DATABASE {name} OWNER {role}")
    url = make_url(pg_server.url(name)).set(username=role, password="owner-pw").render_as_string(False)
    try:
        store = Store.open(url)  # migrates as the owner
        agenda.add_patient(store, pnr="19121212-1212", name="Tolvan", unit="Avd 12", municipality="Högsby")
        with store.read() as s:
            owner = s.scalar(text("SELECT tableowner FROM pg_tables WHERE tablename = 'audit_event'"))
            before = s.scalar(text("SELECT count(*) FROM audit_event"))
        assert owner == role and before >= 1
        for sql in ("UPDATE audit_event SET actor = 'someone else'", "DELETE FROM audit_event",
                    "TRUNCATE audit_event"):
            with pytest.raises(Exception, match="append-only"):
                with store.write() as s:
                    s.execute(text(sql))
        with store.read() as s:
            assert s.scalar(text("SELECT count(*) FROM audit_event")) == before
        store.close()
    finally:
        with psycopg.connect(admin_url, autocommit=True) as con:
            con.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            con.execute(f"DROP ROLE IF EXISTS {role}")


def test_backup_is_a_checked_owner_only_pg_dump_archive_that_restores(pg_server, pg_url, tmp_path):
    import subprocess

    from huddle.services import agenda, backup
    from huddle.store import Store

    store = Store.open(pg_url)
    agenda.add_patient(store, pnr="19121212-1212", name="Tolvan Tolvansson", unit="Avd 12", municipality="Högsby")
    dest = tmp_path / "huddle.dump"
    result = backup.backup(store, dest)
    assert result.integrity == "ok" and make_url(pg_url).password not in result.source
    assert stat.S_IMODE(dest.stat().st_mode) == 0o600
    with pytest.raises(Exception, match="already exists"):
        backup.backup(store, dest)  # never overwritten
    store.close()
    # The README's restore steps: a new, empty database, pg_restore into it, huddle init.
    restored = pg.new_empty_database(pg_server)
    try:
        env = backup._pg_env(pg_server.url(restored))
        r = subprocess.run([backup._pg_tool("pg_restore"), "--no-owner", f"--dbname={restored}", str(dest)],
                           env=env, capture_output=True, text=True, timeout=120)
        assert r.returncode == 0, r.stderr
        r = run_huddle("init", env=_env(pg_server.url(restored)))
        assert r.returncode == 0 and b"up to date" in r.stdout, r.stderr
        r = run_huddle("agenda", "--format", "json", env=_env(pg_server.url(restored)))
        assert [c["name"] for c in json.loads(r.stdout)] == ["Tolvan Tolvansson"]
    finally:
        pg.drop_database(pg_server, restored)


def test_retention_vacuums_the_tables_it_scrubbed(pg_url, clock):
    from datetime import timedelta

    from huddle.services import agenda, meeting, retention
    from huddle.store import Store

    store = Store.open(pg_url, clock=clock)
    day = agenda.default_date(store)
    agenda.add_patient(store, pnr="19121212-1212", name="Tolvan Tolvansson", unit="Avd 12", municipality="Högsby",
                       day=day)
    meeting.start_meeting(store, day)
    meeting.next_case(store, day)  # discussed and done: nothing is carried over
    meeting.finish_meeting(store, day)
    clock.advance(timedelta(days=400).total_seconds())
    with store.read() as s:
        before = s.scalar(text("SELECT coalesce(vacuum_count, 0) FROM pg_stat_user_tables WHERE relname = 'patient'"))
    assert retention.pseudonymise(store, 90) == 1
    with store.read() as s:
        assert s.scalar(text("SELECT count(*) FROM patient WHERE name IS NOT NULL")) == 0
    # The statistics collector reports asynchronously: wait for the count to move (bounded).
    for _ in range(100):
        with store.read() as s:
            s.execute(text("SELECT pg_stat_clear_snapshot()"))
            after = s.scalar(text("SELECT coalesce(vacuum_count, 0) FROM pg_stat_user_tables WHERE relname = 'patient'"))
        if after > before:
            break
        __import__("time").sleep(0.05)
    assert after > before
    store.close()


def test_the_demo_gives_byte_for_byte_the_same_figures_and_export_on_both_engines(pg_url, tmp_path, clock):
    """The same data on SQLite and PostgreSQL: every grouping's JSON and the export are identical."""
    from huddle.demo import seed_demo
    from huddle.services import stats
    from huddle.store import Store

    sqlite_target = str(tmp_path / "demo.db")
    for target in (sqlite_target, pg_url):
        seed_demo(target, seed=7, weeks=3, clock=clock)
    out = []
    for target in (sqlite_target, pg_url):
        store = Store.open(target, clock=clock)
        try:
            end = stats.today(store)
            start = end - __import__("datetime").timedelta(days=30)
            figures = [json.dumps(stats.figures(store, start, end, by).to_json(), sort_keys=True)
                       for by in (None, *stats.GROUPINGS)]
            export = json.dumps([r.to_json() for r in stats.export_rows(store, start, end)], sort_keys=True)
            out.append((figures, export))
        finally:
            store.close()
    assert out[0] == out[1]
    assert '"cases": 0' not in out[0][0][0]  # the demo has discussed cases: the comparison is not empty
