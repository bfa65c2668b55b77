"""Users and sign-in: single-user mode, argon2 passwords, the command line asking who you are."""

from __future__ import annotations

import sqlite3

import pytest

from huddle.errors import AccessDenied, InputError
from huddle.services import access
from huddle.store import Actor
from tests.conftest import run_huddle

PW = "correct horse 1"


def admin(store):
    return access.add_user(store, username="ada", name="Ada Admin", password=PW, roles=["admin"],
                           organisation="Region Kalmar", profession="systemförvaltare")


def test_store_without_users_is_single_user_and_says_so(store, db_path):
    assert not access.has_users(store)
    said: list[str] = []
    actor = access.actor_for_cli(store, None, ask_password=lambda prompt: pytest.fail(prompt), say=said.append)
    assert said == []
    assert actor.single_user and actor.roles == {"nurse", "facilitator", "manager", "admin"}
    r = run_huddle("user", "list", db=db_path)
    assert r.returncode == 0
    assert b"single-user mode" in r.stdout


def test_first_user_must_be_admin_and_nothing_is_added_otherwise(store):
    with pytest.raises(InputError) as err:
        access.add_user(store, username="nina", name="Nina", password=PW, roles=["nurse"])
    assert "first user must have the admin role" in str(err.value)
    assert not access.has_users(store)
    admin(store)
    assert access.has_users(store)


def test_password_is_stored_as_argon2id_hash_never_in_clear(store, db_path):
    admin(store)
    con = sqlite3.connect(db_path)
    (hash_,) = con.execute("SELECT password_hash FROM staff WHERE username='ada'").fetchone()
    con.close()
    assert hash_.startswith("$argon2id$") and PW not in hash_
    raw = db_path.read_bytes() + (db_path.with_name(db_path.name + "-wal").read_bytes()
                                  if db_path.with_name(db_path.name + "-wal").exists() else b"")
    assert PW.encode() not in raw


def test_authenticate_gives_the_users_roles_and_organisation(store):
    admin(store)
    access.add_user(store.with_actor(access.authenticate(store, "ada", PW)), username="nina", name="Nina Nurse",
                    password=PW, roles="nurse,facilitator", organisation="Avd 12")
    actor = access.authenticate(store, "nina", PW)
    assert actor == Actor(name="Nina Nurse", staff_id=actor.staff_id, organisation="Avd 12",
                          roles=frozenset({"nurse", "facilitator"}), single_user=False)


@pytest.mark.parametrize("username,password", [("ada", "wrong password"), ("nobody", PW), ("", PW), ("ada", "")])
def test_wrong_password_or_unknown_user_is_refused_with_one_message(store, username, password):
    admin(store)
    with pytest.raises(AccessDenied) as err:
        access.authenticate(store, username, password)
    assert str(err.value) == "Unknown user or wrong password; nothing was done."


def test_disabled_user_cannot_sign_in_and_last_admin_cannot_be_disabled(store):
    admin(store)
    as_admin = store.with_actor(access.authenticate(store, "ada", PW))
    with pytest.raises(InputError, match="last active admin"):
        access.set_disabled(as_admin, "ada")
    access.add_user(as_admin, username="nina", name="Nina", password=PW, roles=["nurse"])
    access.set_disabled(as_admin, "nina")
    with pytest.raises(AccessDenied, match="disabled"):
        access.authenticate(store, "nina", PW)
    assert [u.active for u in access.list_users(as_admin)] == [True, False]
    access.set_disabled(as_admin, "nina", False)
    assert access.authenticate(store, "nina", PW).name == "Nina"


def test_only_an_admin_manages_users(store):
    admin(store)
    as_admin = store.with_actor(access.authenticate(store, "ada", PW))
    access.add_user(as_admin, username="mia", name="Mia Manager", password=PW, roles=["manager"])
    as_manager = store.with_actor(access.authenticate(store, "mia", PW))
    for call in (
        lambda: access.list_users(as_manager),
        lambda: access.add_user(as_manager, username="x", name="X", password=PW, roles=["admin"]),
        lambda: access.set_disabled(as_manager, "ada"),
        lambda: access.set_password(as_manager, "ada", "another password"),
    ):
        with pytest.raises(AccessDenied, match="needs the role admin"):
            call()
    # ...but anyone may change their own password.
    access.set_password(as_manager, "mia", "another password")
    assert access.authenticate(store, "mia", "another password").name == "Mia Manager"


def test_bad_user_input_is_refused_before_anything_is_written(store):
    admin(store)
    as_admin = store.with_actor(access.authenticate(store, "ada", PW))
    bad = [
        dict(username="has space", name="N", password=PW, roles=["nurse"]),
        dict(username="ok", name="", password=PW, roles=["nurse"]),
        dict(username="ok", name="N", password="short", roles=["nurse"]),
        dict(username="ok", name="N", password=PW, roles=["boss"]),
        dict(username="ok", name="N", password=PW, roles=[]),
        dict(username="ADA", name="N", password=PW, roles=["nurse"]),
    ]
    for kwargs in bad:
        with pytest.raises(InputError):
            access.add_user(as_admin, **kwargs)
    assert [u.username for u in access.list_users(as_admin)] == ["ada"]


def test_command_line_asks_who_you_are_once_the_store_has_users(tmp_path):
    db = tmp_path / "s.db"
    r = run_huddle("user", "add", "ada", "--name", "Ada Admin", "--role", "admin", db=db,
                   env={"HUDDLE_NEW_PASSWORD": PW})
    assert r.returncode == 0, r.stderr
    assert b"Sign-in is now required" in r.stdout
    # No --user: one line, exit 3.
    r = run_huddle("agenda", db=db)
    assert r.returncode == 3
    assert r.stderr.decode().count("\n") == 1 and b"--user" in r.stderr
    # Wrong password from the environment: one line, exit 3, no traceback.
    r = run_huddle("--user", "ada", "user", "list", db=db, env={"HUDDLE_PASSWORD": "nope nope"})
    assert r.returncode == 3 and b"wrong password" in r.stderr and b"Traceback" not in r.stderr
    # The password from a prompt on stdin (hidden input).
    r = run_huddle("--user", "ada", "user", "list", "--format", "json", db=db, input=(PW + "\n").encode())
    assert r.returncode == 0, r.stderr
    assert b'"username": "ada"' in r.stdout
    assert PW.encode() not in r.stdout + r.stderr
    # Right password from the environment.
    r = run_huddle("--user", "ada", "user", "add", "nina", "--name", "Nina", "--role", "nurse", db=db,
                   env={"HUDDLE_PASSWORD": PW, "HUDDLE_NEW_PASSWORD": "nina's password"})
    assert r.returncode == 0, r.stderr
    r = run_huddle("--user", "nina", "user", "list", db=db, env={"HUDDLE_PASSWORD": "nina's password"})
    assert r.returncode == 3 and b"needs the role admin" in r.stderr
    r = run_huddle("--user", "ada", "user", "disable", "nina", db=db, env={"HUDDLE_PASSWORD": PW})
    assert r.returncode == 0
    r = run_huddle("--user", "nina", "agenda", db=db, env={"HUDDLE_PASSWORD": "nina's password"})
    assert r.returncode == 3 and b"disabled" in r.stderr


def test_sign_ins_and_refusals_are_in_the_access_log(store):
    from sqlalchemy import select

    from db.models import AuditEvent

    admin(store)
    access.authenticate(store, "ada", PW)
    with pytest.raises(AccessDenied):
        access.authenticate(store, "ada", "bad password")
    with store.read() as s:
        whats = [w for (w,) in s.execute(select(AuditEvent.what).where(AuditEvent.action == "sign_in"))]
    assert whats == ["sign_in", "sign_in.refused ada"]


def test_the_app_hands_its_sign_in_to_a_child_process_without_the_password(store, db_path, clock):
    """The video room runs as a child `huddle room`: it acts as the signed-in person through a single-use token."""
    admin(store)
    ada = store.with_actor(access.authenticate(store, "ada", PW))
    assert access.delegation_env(store) == {}  # single-user: nothing to hand over
    env = access.delegation_env(ada)
    assert set(env) == {"HUDDLE_DELEGATION"} and PW not in env["HUDDLE_DELEGATION"]
    # The child reads the test's clock: the token was issued "now" for both.
    r = run_huddle("user", "list", "--format", "json", db=db_path, env=env, clock=clock)
    assert r.returncode == 0, r.stderr
    assert b'"username": "ada"' in r.stdout
    r = run_huddle("user", "list", db=db_path, env=env, clock=clock)  # used up
    assert r.returncode == 3 and b"Unknown user or wrong password" in r.stderr
    r = run_huddle("user", "list", db=db_path, env={"HUDDLE_DELEGATION": "made-up"}, clock=clock)
    assert r.returncode == 3
    import sqlite3

    con = sqlite3.connect(db_path)
    assert con.execute("SELECT count(*) FROM setting WHERE key LIKE 'delegation:%'").fetchone()[0] == 0
    assert con.execute("SELECT what FROM audit_event WHERE what LIKE 'sign_in.deleg%' ORDER BY id").fetchall() == [
        ("sign_in.delegate",), ("sign_in.delegated",)]
    con.close()
    # A token is good for 12 hours of the child's time, which is the test's time.
    late = access.delegation_env(ada)
    clock.advance(hours=access.DELEGATION_TTL_H, seconds=1)
    r = run_huddle("user", "list", db=db_path, env=late, clock=clock)
    assert r.returncode == 3 and b"Unknown user or wrong password" in r.stderr


def test_repeated_wrong_passwords_lock_the_user_name_for_a_while(store, clock):
    admin(store)
    for _ in range(access.MAX_REFUSALS):
        with pytest.raises(AccessDenied, match="wrong password"):
            access.authenticate(store, "ada", "guess guess")
    with pytest.raises(AccessDenied, match="Too many wrong passwords"):
        access.authenticate(store, "ada", PW)  # even the right one, for now
    clock.advance(minutes=access.LOCK_MINUTES + 1)
    assert access.authenticate(store, "ada", PW).name == "Ada Admin"
