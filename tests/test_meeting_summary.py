"""Case summaries for the record system: in the service and through ``huddle summary``."""

from __future__ import annotations

import json
from datetime import date, datetime

from sqlalchemy import select

from db.models import AuditEvent
from huddle import i18n
from huddle.domain.clock import UTC
from huddle.services import meeting
from tests.conftest import MONDAY, PATIENTS, TUESDAY, put_on_agenda, run_huddle


def run_a_meeting(store, clock):
    a, b, c = put_on_agenda(store)
    meeting.start_meeting(store, MONDAY)
    meeting.add_decision(
        store, a.case_id, text="Hembesök inom två dagar", responsible_org="Oskarshamns kommun",
        responsible_person="Eva Ek", due_date=date(2026, 12, 2), kind="home_visit",
    )
    meeting.set_readiness(store, a.case_id, state="ready", ready_at=datetime(2026, 11, 27, 9, 0, tzinfo=UTC))
    meeting.add_blocker(store, a.case_id, what="Biståndsbeslut om hemtjänst", owner_org="Oskarshamns kommun")
    meeting.mark_day(store, a.case_id, "red", "Hembesöket blev inte av")
    clock.advance(200)
    meeting.next_case(store, MONDAY)
    clock.advance(65)
    meeting.defer_case(store, MONDAY, "Väntar på provsvar")
    clock.advance(10)
    meeting.finish_meeting(store, MONDAY)
    return a, b, c


def test_case_summary_text_has_everything_the_record_needs(store, clock):
    a, b, c = run_a_meeting(store, clock)
    text = meeting.case_summary(store, a.case_id)
    assert text.splitlines() == [
        "Huddle 2026-11-30",
        "Patient: Tolvan Tolvansson, 19121212-1212",
        "Unit: Avd 12 Oskarshamn, Oskarshamn",
        "Question: Hemgång med hemtjänst?",
        "Case: done",
        "Decisions:",
        "- Hembesök inom två dagar (home visit); responsible: Oskarshamns kommun, Eva Ek; by 2026-12-02",
        # Ready days by the rule of statistics and export: Friday up to and including Monday's huddle.
        "Discharge readiness: ready for discharge since 2026-11-27 10:00; 4 discharge-ready days; "
        "0 payment-liable days (liable from 2026-12-01); SIP invitation by 2026-11-30",
        "Waiting for:",
        "- Biståndsbeslut om hemtjänst (owner: Oskarshamns kommun)",
        "Day: red — Hembesöket blev inte av",
        "Time: 3:20 of target 5:00",
    ]
    assert "Case: deferred (Väntar på provsvar)" in meeting.case_summary(store, b.case_id)
    c_text = meeting.case_summary(store, c.case_id)
    assert "Case: waiting (discussed, not finished)" in c_text and "Time: 0:10 of target 5:00" in c_text
    # On the next huddle the reason says why the case came, not what happened to it there.

    tuesday = meeting.load_live(store, TUESDAY).cases
    b_next = meeting.case_summary(store, tuesday[0].case_id)
    assert "Case: waiting\n" in b_next
    assert "Carried over from the huddle of 2026-11-30: Väntar på provsvar" in b_next
    assert "Carried over from the huddle of 2026-11-30: discussed, not finished" in meeting.case_summary(
        store, tuesday[1].case_id)  # c had 0:10 on Monday: discussed, so not "not reached"
    with store.read() as s:
        exported = s.scalars(select(AuditEvent.case_id).where(AuditEvent.action == "export")).all()
    assert list(exported)[:3] == [a.case_id, b.case_id, c.case_id]


def test_case_summary_in_swedish(store, clock):
    a, _, c = run_a_meeting(store, clock)
    i18n.set_language("sv")
    text = meeting.case_summary(store, a.case_id)
    assert "Beslut:" in text and "(hembesök); ansvarig: Oskarshamns kommun, Eva Ek; senast 2026-12-02" in text
    assert "Dag: röd — Hembesöket blev inte av" in text
    assert "Ärende: väntar (diskuterad, inte klar)" in meeting.case_summary(store, c.case_id)


def test_summary_command_text_and_json(store, clock, db_path):
    a, b, c = run_a_meeting(store, clock)
    store.close()

    r = run_huddle("summary", "--date", "2026-11-30", db=db_path)
    assert r.returncode == 0, r.stderr
    out = r.stdout.decode()
    assert out.count("Huddle 2026-11-30") == 3
    assert "Patient: Tolvan Tolvansson, 19121212-1212" in out
    assert f"Patient: Anna Andersson, {PATIENTS[1][0]}" in out
    assert "Time: 3:20 of target 5:00" in out and "Time: 1:05 of target 5:00" in out

    r = run_huddle("summary", "--date", "2026-11-30", "--format", "json", db=db_path)
    assert r.returncode == 0, r.stderr
    items = json.loads(r.stdout)
    assert [i["pnr"] for i in items] == [p[0] for p in PATIENTS]
    first = items[0]
    assert first["seconds"] == 200 and first["target_s"] == 300
    assert first["decisions"][0]["kind"] == "home_visit" and first["decisions"][0]["due_date"] == "2026-12-02"
    assert first["readiness"]["state"] == "ready"
    assert first["blockers"] == [
        {"what": "Biståndsbeslut om hemtjänst", "owner_org": "Oskarshamns kommun", "opened_at": "2026-11-30T07:00:00+00:00"}
    ]
    assert first["day_mark"] == "red"
    assert first["text"].startswith("Huddle 2026-11-30\nPatient: Tolvan Tolvansson")
    assert items[2]["defer_reason"] == "not_reached"

    r = run_huddle("--lang", "sv", "summary", "--date", "2026-11-30", db=db_path)
    assert "Samordningsmöte 2026-11-30" in r.stdout.decode()


def test_summary_command_refusals(store, db_path):
    store.close()
    r = run_huddle("summary", "--date", "2026-12-24", db=db_path)
    assert r.returncode == 0 and "No cases on the huddle of 2026-12-24." in r.stdout.decode()
    r = run_huddle("summary", "--date", "30/11", db=db_path)
    assert r.returncode == 2 and "not a date" in r.stderr.decode()
    assert "Traceback" not in r.stderr.decode()


def test_summary_command_imports_neither_textual_nor_aiortc(store, clock, db_path):
    import subprocess
    import sys

    run_a_meeting(store, clock)
    store.close()
    code = (
        "import sys\n"
        "from huddle.cli import main\n"
        f"sys.argv = ['huddle', '--db', {str(db_path)!r}, 'summary', '--date', '2026-11-30']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('LOADED', sorted(m for m in ('textual', 'aiortc') if m in sys.modules))\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=120, env={"HUDDLE_LANG": "en", "PATH": ""})
    out = r.stdout.decode()
    assert "Patient: Tolvan Tolvansson" in out
    assert "LOADED []" in out


def test_a_discharged_patient_reads_discharged_on_the_day_and_ready_since_the_notice(store, clock):
    a, _, _ = put_on_agenda(store)
    meeting.start_meeting(store, MONDAY)
    meeting.set_readiness(store, a.case_id, state="ready", ready_at=datetime(2026, 11, 27, 9, 0, tzinfo=UTC))
    meeting.set_readiness(store, a.case_id, state="discharged", discharged_date=date(2026, 11, 29))
    line = next(x for x in meeting.case_summary(store, a.case_id).splitlines() if x.startswith("Discharge readiness"))
    assert line.startswith("Discharge readiness: discharged on 2026-11-29 (ready for discharge since 2026-11-27 10:00);")
    i18n.set_language("sv")
    text = meeting.case_summary(store, a.case_id)
    assert "utskriven den 2026-11-29 (utskrivningsklar sedan 2026-11-27 10:00);" in text
