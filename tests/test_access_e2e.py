"""The issue's acceptance walk, as the README tells it: set up users, a nurse prepares, a facilitator runs the
meeting, an admin prints a patient's log extract, and a manager's views hold no identities."""

from __future__ import annotations

import json
from datetime import date

from huddle.services import access, meeting
from huddle.store import Store
from tests.conftest import run_huddle

DAY = "2026-12-01"
PNR, NAME = "19121212-1212", "Tolvan Tolvansson"
PASSWORDS = {"ada": "ada's password", "nina": "nina's password", "fia": "fia's password", "mia": "mia's password"}


def as_user(db, user: str, *args: str, **env):
    return run_huddle("--user", user, *args, db=db, env={"HUDDLE_PASSWORD": PASSWORDS[user], **env})


def test_users_meeting_log_extract_and_a_managers_anonymous_views(tmp_path):
    db = tmp_path / "huddle.db"
    assert run_huddle("init", db=db).returncode == 0
    r = run_huddle("user", "add", "ada", "--name", "Ada Admin", "--org", "Region Kalmar", "--role", "admin",
                   db=db, env={"HUDDLE_NEW_PASSWORD": PASSWORDS["ada"]})
    assert r.returncode == 0, r.stderr
    for user, name, org, role in (("nina", "Nina Nurse", "Avd 12 Oskarshamn", "nurse"),
                                  ("fia", "Fia Facilitator", "Oskarshamns kommun", "facilitator"),
                                  ("mia", "Mia Manager", "Region Kalmar", "manager")):
        r = as_user(db, "ada", "user", "add", user, "--name", name, "--org", org, "--role", role,
                    HUDDLE_NEW_PASSWORD=PASSWORDS[user])
        assert r.returncode == 0, r.stderr
    r = as_user(db, "ada", "user", "list", "--format", "json")
    assert [u["roles"] for u in json.loads(r.stdout)] == ["admin", "facilitator", "manager", "nurse"]

    # The nurse prepares the agenda.
    r = as_user(db, "nina", "patient", "add", "--pnr", PNR, "--name", NAME, "--unit", "Avd 12 Oskarshamn",
                "--municipality", "Oskarshamn", "--question", "Hemgång med hemtjänst?", "--date", DAY)
    assert r.returncode == 0, r.stderr
    # The facilitator runs the meeting (the app's live screen calls these services).
    store = Store.open(str(db), create=False)
    try:
        fia = store.with_actor(access.authenticate(store, "fia", PASSWORDS["fia"]))
        day = date.fromisoformat(DAY)
        live = meeting.start_meeting(fia, day)
        meeting.add_decision(fia, live.current_case_id, text="Hemtjänst fyra gånger om dagen",
                             responsible_org="Oskarshamns kommun", kind="home_visit")
        meeting.next_case(fia, day)
        meeting.finish_meeting(fia, day)
    finally:
        store.close()
    r = as_user(db, "fia", "summary", "--date", DAY)
    assert r.returncode == 0 and NAME.encode() in r.stdout

    # The admin prints the patient's log extract: who, from which organisation, what.
    r = as_user(db, "ada", "audit", "--patient", PNR, "--format", "json")
    assert r.returncode == 0, r.stderr
    events = json.loads(r.stdout)
    who = {(e["username"], e["organisation"]) for e in events}
    assert {("nina", "Avd 12 Oskarshamn"), ("fia", "Oskarshamns kommun")} <= who
    assert {"case.add+patient.create", "case.card", "decision.add", "case.done", "case.summary"} <= {
        e["what"] for e in events}

    # The manager: figures and the export, never an identity; identity views refused.
    for args in (("stats", "--from", DAY, "--to", DAY, "--format", "json"),
                 ("stats", "--from", DAY, "--to", DAY, "--by", "unit"),
                 ("export", "--from", DAY, "--to", DAY)):
        r = as_user(db, "mia", *args)
        assert r.returncode == 0, (args, r.stderr)
        for secret in (PNR, PNR.replace("-", ""), "121212-1212", NAME, "Tolvan"):
            assert secret.encode() not in r.stdout, (args, secret)
    for args in (("agenda", "--date", DAY), ("summary", "--date", DAY), ("audit", "--patient", PNR)):
        r = as_user(db, "mia", *args)
        assert r.returncode == 3 and b"Not allowed" in r.stderr and NAME.encode() not in r.stdout + r.stderr
