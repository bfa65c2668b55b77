"""Shared fixtures: a real temporary SQLite store and a fake clock.  No mock of the store."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest

from huddle.domain.clock import UTC, FakeClock
from huddle.domain.pnr import luhn_digit
from tests import pg
from tests.oidc_provider import idp_client, idp_store, oidc_provider  # noqa: F401 - fixtures: a real OpenID provider

# A Monday morning in Sweden (08:00 local = 07:00 UTC in winter).
MONDAY_0800 = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)
# The days most tests meet on: the fake clock starts on MONDAY at 08:00 Swedish time.
MONDAY = date(2026, 11, 30)
TUESDAY = date(2026, 12, 1)


# -- factories: fictitious identity numbers, agendas, reopened stores ---------------------------
def pnr_with(yymmdd: str, serial: int, century: str = "19") -> str:
    """The identity number born ``yymmdd`` with birth number ``serial`` and its check digit.  Tests use
    Skatteverket's test series (birth numbers 980-999), which no person is given."""
    nine = f"{yymmdd}{serial:03d}"
    return f"{century}{yymmdd}-{serial:03d}{luhn_digit(nine)}"


def fictitious_pnr(i: int, *, year: int = 1940) -> str:
    """The ``i``-th fictitious identity number (distinct for every ``i`` below 6,720 per year): born
    in ``year``, in Skatteverket's test series (birth numbers 980-999)."""
    serial = 980 + i % 20
    day = i // 20
    yy, month, dom = (year + day // 336) % 100, day // 28 % 12 + 1, day % 28 + 1
    return pnr_with(f"{yy:02d}{month:02d}{dom:02d}", serial)


# The three patients of the service tests (Tolvan Tolvansson is Skatteverket's well-known test person).
PATIENTS = [
    ("19121212-1212", "Tolvan Tolvansson", "Avd 12 Oskarshamn", "Oskarshamn", "Hemgång med hemtjänst?"),
    (pnr_with("400101", 981), "Anna Andersson", "Geriatrik 16 Västervik", "Västervik", "SIP behövs?"),
    (pnr_with("350505", 992), "Karl Karlsson", "Ortopedavd 3", "Högsby", "Korttidsplats?"),
]


def put_on_agenda(store, day: date = MONDAY, patients=PATIENTS) -> list:  # noqa: ANN001
    """``patients`` on ``day``'s agenda, in order; their agenda rows."""
    from huddle.services import agenda

    return [
        agenda.add_patient(store, pnr=p, name=n, unit=u, municipality=m, question=q, day=day)
        for p, n, u, m, q in patients
    ]


def reopen(store):  # noqa: ANN001, ANN201
    """The store as a restarted app opens it: a new Store on the same file and clock."""
    from huddle.store import Store

    return Store.open(store.target, clock=store.clock)


@pytest.fixture(autouse=True)
def _english_by_default(monkeypatch):
    """Tests read English unless they ask for Swedish; the language is reset per test."""
    from huddle import i18n

    monkeypatch.setenv("HUDDLE_LANG", "en")
    i18n.set_language("en")
    yield
    i18n.set_language("en")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(MONDAY_0800)


@pytest.fixture
def db_path(tmp_path) -> Path:
    """A SQLite store's path. A test that asks for it works on the file itself: SQLite only."""
    return tmp_path / "huddle.db"


# -- the store on every engine -----------------------------------------------------------
# A test that uses ``store`` or ``store_target`` runs on SQLite and, where a PostgreSQL
# server can be had (tests/pg.py), again on PostgreSQL. Tests that read the SQLite file
# directly (``db_path``), compare screenshots, or are marked ``sqlite_only`` stay on SQLite.
ENGINES = ("sqlite", "postgresql") if pg.wanted() else ("sqlite",)


def pytest_generate_tests(metafunc) -> None:  # noqa: ANN001
    names = metafunc.fixturenames
    if len(ENGINES) == 1 or "engine" not in names:
        return
    if "db_path" in names or "snap_compare" in names or metafunc.definition.get_closest_marker("sqlite_only"):
        return
    metafunc.parametrize("engine", ENGINES)


@pytest.fixture
def engine() -> str:
    return "sqlite"


@pytest.fixture(scope="session")
def pg_server():  # noqa: ANN201
    try:
        server = pg.start()
        pg.make_template(server)
    except Exception as exc:  # noqa: BLE001
        if pg.setting() != "auto":
            pytest.fail(f"PostgreSQL for the store tests: {exc}")
        pytest.skip(f"no PostgreSQL server: {exc}")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def store_target(engine, tmp_path, request) -> str:  # noqa: ANN001
    """The store as ``--db`` takes it: a SQLite file path, or a PostgreSQL URL of a fresh database."""
    if engine == "sqlite":
        return str(tmp_path / "huddle.db")
    server = request.getfixturevalue("pg_server")
    name = pg.new_database(server)
    request.addfinalizer(lambda: pg.drop_database(server, name))
    return server.url(name)


@pytest.fixture
def store(store_target, clock):
    from huddle.store import Store

    s = Store.open(store_target, clock=clock)
    yield s
    s.close()


HUDDLE_BIN = str(Path(sys.executable).with_name("huddle"))
CHILD_CLOCK_DIR = str(Path(__file__).with_name("childclock"))


def child_env(clock, base: dict | None = None) -> dict:  # noqa: ANN001
    """Environment for a child process that reads ``clock``'s current time, then runs on.

    ``tests/childclock/sitecustomize.py`` installs it in the child (and in the children it
    starts), so a fake clock in the test and the child's clock agree on any real date.
    """
    base = dict(os.environ if base is None else base)
    path = base.get("PYTHONPATH")
    return {
        **base,
        "PYTHONPATH": CHILD_CLOCK_DIR + (os.pathsep + path if path else ""),
        "HUDDLE_TEST_CLOCK": clock.now().isoformat(),
    }


@pytest.fixture
def children_on_clock(monkeypatch, clock):  # noqa: ANN001, ANN201
    """Every child process this test starts (also the ones the app starts) begins at ``clock``'s time."""
    for key, value in child_env(clock, {}).items():
        monkeypatch.setenv(key, value)
    return clock


def huddle_here(*args: str) -> tuple[int, str, str]:
    """``huddle ARGS`` in this process (fast, no subprocess): exit code, stdout, stderr.

    A ``SystemExit`` without a code is 0, one with a message is 1. Standard input is empty and no
    terminal, even under ``pytest -s``: a command that would read it, or open the app, gets nothing."""
    from huddle.cli import main

    out, err = io.StringIO(), io.StringIO()
    code = 0
    stdin, sys.stdin = sys.stdin, io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                main(list(args))
            except SystemExit as e:
                code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    finally:
        sys.stdin = stdin
    return code, out.getvalue(), err.getvalue()


def run_huddle(*args: str, db: Path | None = None, env: dict | None = None, input: bytes | None = None,
               clock=None):  # noqa: ANN001
    """Run the installed ``huddle`` entry point as a user would, in a subprocess.

    With ``clock``, the child starts at that clock's time (see ``child_env``)."""
    full_env = {**os.environ, "HUDDLE_LANG": "en", **(env or {})}
    if clock is not None:
        full_env = child_env(clock, full_env)
    cmd = [HUDDLE_BIN]
    if db is not None:
        cmd += ["--db", str(db)]
    cmd += list(args)
    return subprocess.run(cmd, capture_output=True, env=full_env, input=input, timeout=120)
