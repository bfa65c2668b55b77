"""A realistic, fictitious demo store for Kalmar county.

Four municipalities (Oskarshamn, Högsby, Mönsterås, Västervik), hospital wards
in Oskarshamn and Västervik, primary care and municipal home care; about eight
weeks of weekday huddles with 15–25 cases each, case times mostly near five
minutes with some over-runs, decisions, readiness, deferrals, blockers,
red/green days and attendance; and an agenda waiting for the next meeting.

Every identity number is fictitious: a real calendar date with a birth number
in the series 980–999 (the series of Skatteverket's published test
identity numbers) and a valid check digit; names are common Swedish names
combined at random.  The same seed on the same day gives the same store.
"""

from __future__ import annotations

import os
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from huddle.domain.clock import DEFAULT_TZ, Clock, default_clock, local_date
from huddle.domain.days import is_meeting_day, next_meeting_day
from huddle.domain.pnr import luhn_digit
from huddle.errors import InputError

MUNICIPALITIES = ("Oskarshamn", "Högsby", "Mönsterås", "Västervik")
# (name, kind, municipality)
ORGANISATIONS = (
    ("Oskarshamns sjukhus, medicinavdelning 1", "ward", "Oskarshamn"),
    ("Oskarshamns sjukhus, ortopedavdelning 3", "ward", "Oskarshamn"),
    ("Västerviks sjukhus, medicinavdelning 12", "ward", "Västervik"),
    ("Västerviks sjukhus, kirurgavdelning 14", "ward", "Västervik"),
    ("Västerviks sjukhus, geriatrik 16", "ward", "Västervik"),
    ("Hälsocentralen Oskarshamn", "primary_care", "Oskarshamn"),
    ("Högsby hälsocentral", "primary_care", "Högsby"),
    ("Mönsterås hälsocentral", "primary_care", "Mönsterås"),
    ("Västerviks hälsocentral", "primary_care", "Västervik"),
    ("Oskarshamns kommun, hemsjukvård", "municipality", "Oskarshamn"),
    ("Högsby kommun, hemsjukvård", "municipality", "Högsby"),
    ("Mönsterås kommun, hemsjukvård", "municipality", "Mönsterås"),
    ("Västerviks kommun, hemsjukvård", "municipality", "Västervik"),
)
WARD_WEIGHT = {"ward": 6, "primary_care": 2, "municipality": 2}
FIRST = (
    "Anna", "Eva", "Maria", "Karin", "Kerstin", "Ingrid", "Birgitta", "Margareta", "Elisabeth", "Gunnel",
    "Lars", "Karl", "Erik", "Anders", "Per", "Nils", "Olof", "Sven", "Gunnar", "Bengt", "Göran", "Åke",
)
LAST = (
    "Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson",
    "Svensson", "Gustafsson", "Pettersson", "Jonsson", "Lindberg", "Lindqvist", "Berg", "Holm", "Ek",
    "Sjöberg", "Åberg", "Öberg",
)
QUESTIONS = (
    "Hemgång med hemtjänst, behövs hembesök innan?",
    "Utskrivningsklar i morgon, vem kallar till SIP?",
    "Ny insulinbehandling, delegering till hemsjukvården?",
    "Fallrisk hemma, behov av hjälpmedel och rehab?",
    "Ökad oro hos anhöriga, korttidsplats aktuell?",
    "Läkemedelsgenomgång efter inläggning?",
    "Trycksår, omläggning i hemmet två gånger i veckan?",
    "Palliativ vård i hemmet, planering inför helgen.",
    "Återinläggning tredje gången i år, vad kan vi göra annorlunda?",
    "Nutrition och viktnedgång, uppföljning av dietist?",
)
DECISIONS = (
    ("home_visit", "Hembesök av distriktssköterska inom två dagar"),
    ("sip_meeting", "Kalla till SIP-möte"),
    ("medication_review", "Läkemedelsgenomgång av läkare på hälsocentralen"),
    ("other", "Biståndshandläggare bedömer behov av hemtjänst"),
    ("other", "Arbetsterapeut ordnar hjälpmedel före hemgång"),
    ("home_visit", "Hemrehab gör hembesök första dagen hemma"),
)
BLOCKERS = (
    "Biståndsbeslut om hemtjänst",
    "Ledig korttidsplats",
    "Hjälpmedel (säng, rollator)",
    "Läkarbedömning",
    "Anhörigsamtal",
)
DEFER_REASONS = ("Läkaren kunde inte delta", "Väntar på provsvar", "Patienten flyttad till annan avdelning")
ATTENDEE_ROLES = (
    ("needs_assessor", "municipality"),
    ("ward_nurse", "ward"),
    ("physician", "ward"),
    ("home_care_nurse", "municipality"),
    ("district_nurse", "primary_care"),
    ("rehab", "municipality"),
    ("physician", "primary_care"),
)


@dataclass(frozen=True)
class DemoSummary:
    path: str
    huddles: int
    cases: int


def demo_db_path() -> str:
    from platformdirs import user_data_dir

    return os.path.join(user_data_dir("huddle", appauthor=False), "demo.db")


def fictitious_pnr(rng: random.Random, today: date) -> str:
    age = rng.randint(62, 97)
    birth = date(today.year - age, rng.randint(1, 12), 1) + timedelta(days=rng.randint(0, 27))
    serial = rng.randint(980, 999)
    nine = f"{birth:%y%m%d}{serial:03d}"
    return f"{birth:%Y%m%d}-{serial:03d}{luhn_digit(nine)}"


def _prepare(target: str) -> None:
    """Remove an earlier demo store at ``target``; refuse a store with other data."""
    from db.engine import sqlite_path, url_for

    path = sqlite_path(url_for(target))
    if path is None or not path.exists():
        return
    from huddle.store import Store

    store = Store.open(target, create=False)
    try:
        from sqlalchemy import func, select

        from db.models import Case, Setting

        with store.read() as s:
            is_demo = s.scalar(select(Setting.value).where(Setting.key == "demo")) == "1"
            has_data = (s.scalar(select(func.count()).select_from(Case)) or 0) > 0
    finally:
        store.close()
    if has_data and not is_demo:
        raise InputError("demo.not_empty", path=str(path))
    for suffix in ("", "-wal", "-shm"):
        p = Path(str(path) + suffix)
        if p.exists():
            p.unlink()


def seed_demo(
    target: str,
    *,
    seed: int = 2026,
    weeks: int = 8,
    clock: Clock | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> DemoSummary:
    """Make the demo store at ``target``; ``progress(done, total)`` after each meeting day is written."""
    from huddle.store import Store

    _prepare(target)
    clock = clock or default_clock()
    store = Store.open(target, create=True, clock=clock)
    try:
        with store.write() as s:
            counts = _seed(s, random.Random(seed), local_date(clock.now()), weeks, store.now_db(), progress)
        return DemoSummary(str(store.path or target), *counts)
    finally:
        store.close()


def _utc(day: date, at: time, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC).replace(tzinfo=None)


def _seed(  # noqa: C901
    s, rng: random.Random, today: date, weeks: int, now: datetime,  # noqa: ANN001
    progress: Callable[[int, int], None] | None = None,
) -> tuple[int, int]:
    from db import settings as settings_db
    from db.models import (
        Attendance,
        AuditEvent,
        Blocker,
        Case,
        CaseInterval,
        DayMark,
        Decision,
        Huddle,
        Organisation,
        Patient,
        Readiness,
        Setting,
        Staff,
    )
    from huddle.domain import settings as settings_mod

    tz = ZoneInfo(DEFAULT_TZ)
    cfg = settings_mod.Settings()
    settings_db.save(s, cfg)
    s.add(Setting(key="demo", value="1"))
    orgs = [Organisation(name=n, kind=k, municipality=m) for n, k, m in ORGANISATIONS]
    s.add_all(orgs)
    s.flush()
    staff = []
    for org in orgs:
        for _ in range(2):
            staff.append(
                Staff(
                    name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                    profession={"ward": "sjuksköterska", "primary_care": "distriktssköterska"}.get(org.kind, "sjuksköterska"),
                    organisation_id=org.id,
                    roles="nurse",
                    created_at=now,
                )
            )
    facilitator = Staff(name="Maria Lindqvist", profession="samordnare", roles="facilitator,nurse", created_at=now)
    staff.append(facilitator)
    s.add_all(staff)
    s.flush()
    weights = [WARD_WEIGHT[o.kind] for o in orgs]

    # The meeting days: past ones are finished; the next one has a waiting agenda.
    upcoming = next_meeting_day(today)
    first = upcoming - timedelta(weeks=weeks)
    days = [first + timedelta(days=i) for i in range((upcoming - first).days) if is_meeting_day(first + timedelta(days=i))]

    active: list[tuple[Patient, Organisation, int]] = []  # patient, where, huddles left
    n_cases = 0
    carry: list[tuple[Patient, Organisation, int | None, str]] = []

    def new_patient(org: Organisation, day: date) -> Patient:
        while True:
            pnr = fictitious_pnr(rng, today)
            if pnr not in used:
                used.add(pnr)
                break
        p = Patient(
            pnr=pnr,
            name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
            municipality=org.municipality if org.kind != "ward" else rng.choice(MUNICIPALITIES),
            unit=org.name,
            admission_date=day - timedelta(days=rng.randint(1, 10)) if org.kind == "ward" else None,
            care_contact=f"{rng.choice(FIRST)} {rng.choice(LAST)}, {org.name}",
            created_at=_utc(day, time(7, 30), tz),
        )
        s.add(p)
        s.flush()
        s.add(AuditEvent(at=p.created_at, actor="demo", patient_id=p.id, action="create", what="patient.create"))
        return p

    used: set[str] = set()
    readied: set[int] = set()
    for done, hday in enumerate(days + [upcoming]):
        if progress is not None:
            progress(done, len(days) + 1)
        planned = hday == upcoming
        start = _utc(hday, cfg.meeting_time, tz)
        h = Huddle(
            date=hday,
            planned_start=cfg.meeting_time,
            target_s=cfg.target_s,
            timebox_s=cfg.timebox_s,
            facilitator_id=facilitator.id,
            state="planned" if planned else "finished",
            started_at=None if planned else start,
        )
        s.add(h)
        s.flush()
        # Agenda: carried cases first, then patients still being followed, then new ones.
        agenda: list[tuple[Patient, Organisation, int | None, str]] = list(carry)
        carry = []
        seen = {p.id for p, *_ in agenda}
        still = []
        for p, org, left in active:
            if left > 0 and p.id not in seen:
                agenda.append((p, org, None, ""))
                seen.add(p.id)
                still.append((p, org, left - 1))
        active = still
        target_n = rng.randint(15, 25)
        while len(agenda) < target_n:
            org = rng.choices(orgs, weights)[0]
            p = new_patient(org, hday)
            agenda.append((p, org, None, ""))
            active.append((p, org, rng.choice((0, 0, 1, 1, 2, 3))))
        rng.shuffle(agenda)
        t = start
        not_reached_from = len(agenda) if planned or rng.random() > 0.15 else len(agenda) - rng.randint(1, 2)
        for pos, (p, org, carried_from, reason) in enumerate(agenda, start=1):
            case = Case(
                huddle_id=h.id,
                patient_id=p.id,
                position=pos,
                question=rng.choice(QUESTIONS),
                added_by=rng.choice(staff).name,
                added_at=start - timedelta(hours=rng.randint(1, 20)),
                state="waiting",
                carried_from_id=carried_from,
                defer_reason=reason or None,
                unit=org.name,
                municipality=p.municipality,
            )
            s.add(case)
            s.flush()
            n_cases += 1
            if planned:
                continue
            if pos > not_reached_from:
                case.defer_reason = "not_reached"
                carry.append((p, org, case.id, "not_reached"))
                continue
            # Most cases near five minutes, a long tail of over-runs.
            seconds = int(min(max(rng.lognormvariate(5.55, 0.28), 70), 900))
            if rng.random() < 0.15:
                first_part = rng.randint(30, max(31, seconds - 30))
                s.add(CaseInterval(case_id=case.id, started_at=t, stopped_at=t + timedelta(seconds=first_part)))
                gap = rng.randint(10, 60)
                s.add(
                    CaseInterval(
                        case_id=case.id,
                        started_at=t + timedelta(seconds=first_part + gap),
                        stopped_at=t + timedelta(seconds=seconds + gap),
                    )
                )
                t += timedelta(seconds=seconds + gap)
            else:
                s.add(CaseInterval(case_id=case.id, started_at=t, stopped_at=t + timedelta(seconds=seconds)))
                t += timedelta(seconds=seconds)
            t += timedelta(seconds=rng.randint(5, 25))
            case.closed_at = t
            if rng.random() < 0.06:
                case.state = "deferred"
                case.defer_reason = rng.choice(DEFER_REASONS)
                carry.append((p, org, case.id, case.defer_reason))
                continue
            case.state = "done"
            for _ in range(rng.choice((0, 1, 1, 1, 2))):
                kind, text = rng.choice(DECISIONS)
                resp = rng.choice([o for o in orgs if o.municipality == p.municipality] or orgs)
                s.add(
                    Decision(
                        case_id=case.id,
                        patient_id=p.id,
                        text=text,
                        responsible_org=resp.name,
                        responsible_person=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                        due_date=hday + timedelta(days=rng.randint(1, 5)),
                        kind=kind,
                        done=hday + timedelta(days=3) < today and rng.random() < 0.8,
                        created_at=t,
                        created_by=facilitator.name,
                    )
                )
            if org.kind == "ward" and p.id not in readied and rng.random() < 0.5:
                readied.add(p.id)
                ready_at = _utc(hday, time(rng.randint(8, 15), rng.choice((0, 15, 30, 45))), tz)
                s.add(Readiness(patient_id=p.id, case_id=case.id, state="ready", ready_at=ready_at, recorded_at=t, recorded_by=facilitator.name))
                stay = rng.choice((0, 1, 1, 2, 2, 3, 4, 5, 7))
                out = hday + timedelta(days=stay)
                if out < today:
                    s.add(
                        Readiness(
                            patient_id=p.id, case_id=case.id, state="discharged", ready_at=ready_at,
                            discharged_date=out, recorded_at=_utc(out, time(14, 0), tz), recorded_by="demo",
                        )
                    )
            elif org.kind == "ward" and rng.random() < 0.5:
                s.add(
                    Readiness(
                        patient_id=p.id, case_id=case.id, state="expected",
                        expected_date=hday + timedelta(days=rng.randint(1, 4)), recorded_at=t, recorded_by=facilitator.name,
                    )
                )
            if rng.random() < 0.2:
                owner = rng.choice(orgs)
                s.add(
                    Blocker(
                        patient_id=p.id, case_id=case.id, what=rng.choice(BLOCKERS), owner_org=owner.name, opened_at=t,
                        resolved_at=t + timedelta(days=rng.randint(1, 4)) if rng.random() < 0.7 else None,
                    )
                )
            if rng.random() < 0.8:
                s.add(DayMark(case_id=case.id, colour="red" if rng.random() < 0.22 else "green", marked_at=t))
        if not planned:
            h.finished_at = t
            for role, kind in ATTENDEE_ROLES:
                if role == "needs_assessor" and rng.random() < 0.1:
                    continue  # an attendance gap managers should see
                org = rng.choice([o for o in orgs if o.kind == kind])
                s.add(
                    Attendance(
                        huddle_id=h.id, name=f"{rng.choice(FIRST)} {rng.choice(LAST)}", organisation=org.name,
                        role=role, source="manual", joined_at=start, left_at=t,
                    )
                )
    s.flush()
    try:
        from huddle.services import rollup

        rebuild = getattr(rollup, "rebuild_all", None)
        if rebuild is not None:
            rebuild(s)
    except ImportError:
        pass
    if progress is not None:
        progress(len(days) + 1, len(days) + 1)
    return len(days) + 1, n_cases
