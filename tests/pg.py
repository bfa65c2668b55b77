"""A throw-away PostgreSQL server for the store tests: a real server, never a mock.

``HUDDLE_TEST_PG`` decides:

* unset or ``auto``: start a server when PostgreSQL's ``initdb`` is installed (Debian's
  ``postgresql`` package), otherwise run the store tests on SQLite only;
* ``off``: SQLite only;
* ``require``: start a server, and fail (not skip) when that is impossible (CI);
* a URL such as ``postgresql+psycopg://postgres@127.0.0.1:5432/postgres``: use that
  server (its role must be allowed to create databases).

The server runs in a temporary folder on 127.0.0.1, as the unprivileged ``postgres``
user when the tests run as root (``initdb`` refuses root), and is stopped at the end
of the session, also when tests fail. Each test gets a database of its own, copied
from a migrated template (``CREATE DATABASE … TEMPLATE``), which takes milliseconds.
"""

from __future__ import annotations

import glob
import os
import secrets
import shutil
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

from tests.net_helpers import free_port

TEMPLATE = "huddle_template"


def setting() -> str:
    return os.environ.get("HUDDLE_TEST_PG", "auto").strip() or "auto"


def pg_bindir() -> str | None:
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if os.path.exists(os.path.join(candidate, "initdb")):
            return candidate
    found = shutil.which("initdb")
    return os.path.dirname(found) if found else None


def wanted() -> bool:
    """Whether the store tests run on PostgreSQL too."""
    value = setting()
    if value == "off":
        return False
    if "://" in value or value == "require":
        return True
    return pg_bindir() is not None



@dataclass
class Server:
    admin_url: str  # a superuser on the maintenance database
    stop: "callable"  # noqa: UP037

    def url(self, database: str) -> str:
        base, _, _ = self.admin_url.rpartition("/")
        return f"{base}/{database}"


def start() -> Server:
    value = setting()
    if "://" in value:
        return Server(value, lambda: None)
    bindir = pg_bindir()
    if bindir is None:
        raise RuntimeError("PostgreSQL is not installed (apt-get install postgresql), or set HUDDLE_TEST_PG=off")
    root = Path(tempfile.mkdtemp(prefix="huddle-pg-"))
    data = root / "data"
    port = free_port()
    as_root = os.geteuid() == 0
    if as_root:
        shutil.chown(root, "postgres")
        os.chmod(root, 0o700)

    def run(*args: str) -> None:
        cmd = list(args)
        if as_root:
            cmd = ["su", "postgres", "-s", "/bin/sh", "-c", " ".join(_quote(a) for a in cmd)]
        # The server runs on the real clock, outside libfaketime: under CI's shifted clocks its shared
        # semaphore belongs to root (mode 0600), and the postgres user's pg_ctl failed to open it.
        # No SQL here reads the server's clock (every time comes from the app's clock).
        env = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD" and not k.startswith("FAKETIME")}
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=120, env=env)
        if r.returncode != 0:
            raise RuntimeError(f"{args[0]} failed: {r.stderr.strip() or r.stdout.strip()}")

    # Passwords are checked on 127.0.0.1 (scram), so a wrong password can be tested; the socket trusts.
    password = secrets.token_urlsafe(16)
    pwfile = root / "pw"
    pwfile.write_text(password + "\n")
    if as_root:
        shutil.chown(pwfile, "postgres")
    run(f"{bindir}/initdb", "-D", str(data), "--auth-local=trust", "--auth-host=scram-sha-256",
        f"--pwfile={pwfile}", "-U", "postgres", "--no-sync", "-E", "UTF8", "--locale=C.UTF-8")
    pwfile.unlink()
    # fsync off: a test server's data need not survive a power cut.
    run(f"{bindir}/pg_ctl", "-D", str(data), "-w", "-t", "60", "-l", str(root / "log"), "-o",
        f"-k {root} -h 127.0.0.1 -p {port} -F -c max_connections=200", "start")

    def stop() -> None:
        try:
            run(f"{bindir}/pg_ctl", "-D", str(data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(root, ignore_errors=True)

    return Server(f"postgresql+psycopg://postgres:{password}@127.0.0.1:{port}/postgres", stop)


def _quote(arg: str) -> str:
    import shlex

    return shlex.quote(arg)


def _admin(server: Server):  # noqa: ANN202
    import psycopg

    url = server.admin_url.replace("postgresql+psycopg://", "postgresql://")
    return psycopg.connect(url, autocommit=True)


def make_template(server: Server) -> None:
    """A database at the schema's head that every test database is copied from."""
    from huddle.store import Store

    with _admin(server) as con:
        con.execute(f'DROP DATABASE IF EXISTS "{TEMPLATE}"')
        con.execute(f'CREATE DATABASE "{TEMPLATE}"')
    store = Store.open(server.url(TEMPLATE), create=True)
    store.close()


def new_database(server: Server) -> str:
    name = f"t_{uuid.uuid4().hex[:12]}"
    with _admin(server) as con:
        con.execute(f'CREATE DATABASE "{name}" TEMPLATE "{TEMPLATE}"')
    return name


def drop_database(server: Server, name: str) -> None:
    with _admin(server) as con:
        con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def new_empty_database(server: Server) -> str:
    """A database with no tables (from template0), e.g. to restore a backup into."""
    name = f"r_{uuid.uuid4().hex[:12]}"
    with _admin(server) as con:
        con.execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
    return name
