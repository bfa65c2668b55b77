"""Every manager figure equals a naive Python computation over the raw cases.

Hypothesis generates huddles with cases (intervals, states, readiness history,
decisions, blockers, day marks, attendance), writes them to a real store, keeps
the rollup current one of three ways (rebuilt, refreshed per huddle, or caught
up when the figures are asked for), and compares ``stats.figures`` for every
grouping with figures computed here from the generated values alone.
"""

from __future__ import annotations

import math
from datetime import date, datetime, time, timedelta
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from huddle.domain.clock import UTC, FakeClock, local_date
from huddle.domain.readiness import PRESETS, liable_days, ready_days, sip_deadline
from tests import pg
from tests.conftest import ENGINES

TZ = "Europe/Stockholm"
BASE = date(2026, 3, 23)  # a Monday; the period spans the switch to summer time and three months
ORGS = ("Ward 1", "Ward 2", "Kalmar kommun", "Nybro hälsocentral")
UNITS = ("Ward 1", " ward 1 ", "WARD 2", "Kalmar kommun", "Akuten", "Nybro hälsocentral")
MUNIS = ("Kalmar", "Nybro", "Emmaboda")
ROLES = ("needs_assessor", "ward_nurse", "physician")
KINDS = ("home_visit", "sip_meeting", "medication_review", "other")
GROUPINGS = (None, "day", "week", "month", "unit", "municipality", "organisation")


def _local(day: date, hh: int, mm: int = 0) -> datetime:
    return datetime.combine(day, time(hh, mm), tzinfo=ZoneInfo(TZ)).astimezone(UTC)


interval = st.tuples(st.integers(0, 3000), st.integers(-5_000_000, 900_000_000), st.booleans())
readiness_row = st.tuples(
    st.sampled_from(("not_ready", "expected", "ready", "discharged")),
    st.integers(-5 * 24 * 60, 24 * 60),  # ready_at: minutes from the huddle's 09:00
    st.integers(0, 6),  # discharged: days after the notice
    st.booleans(),  # ready_at given
)
case = st.fixed_dictionaries(
    {
        "patient": st.integers(0, 7),
        "unit": st.sampled_from(UNITS),
        "municipality": st.sampled_from(MUNIS),
        "state": st.sampled_from(("waiting", "active", "done", "deferred")),
        "intervals": st.lists(interval, max_size=3),
        "carried": st.booleans(),
        "readiness": st.lists(readiness_row, max_size=2),
        "decisions": st.lists(st.tuples(st.sampled_from(KINDS), st.integers(0, 3)), max_size=3),
        "blockers": st.lists(st.sampled_from(ORGS), max_size=2),
        "mark": st.sampled_from((None, "red", "green")),
    }
)
huddle = st.fixed_dictionaries(
    {
        "day": st.integers(0, 60),
        "target": st.sampled_from((120, 300, 301)),
        "state": st.sampled_from(("planned", "running", "finished")),
        "started": st.booleans(),
        "length": st.integers(0, 7200),
        "roles": st.sets(st.sampled_from(ROLES + ("rehab",))),
        "cases": st.lists(case, max_size=7, unique_by=lambda c: c["patient"]),
    }
)
world = st.fixed_dictionaries(
    {
        "huddles": st.lists(huddle, min_size=1, max_size=8, unique_by=lambda h: h["day"]),
        "mode": st.sampled_from(("rebuild", "refresh", "catch_up")),
        "period": st.tuples(st.integers(0, 60), st.integers(0, 60)).map(sorted),
    }
)


# -- writing the generated world --------------------------------------------------------


def _write(store, w) -> list[dict]:  # noqa: ANN001
    """Insert the world; return one flat dict per case with what the naive figures need."""
    from db.models import (
        Attendance,
        Blocker,
        Case,
        CaseInterval,
        DayMark,
        Decision,
        Huddle,
        Organisation,
        Patient,
        Readiness,
    )
    from huddle.services import rollup

    now = store.now_db()
    flat = []
    sip_decisions: list[tuple[int, datetime]] = []
    with store.write() as s:
        for name in ORGS:
            s.add(Organisation(name=name, kind="ward"))
        patients = [Patient(pnr=None, name=None, created_at=now) for _ in range(8)]
        s.add_all(patients)
        s.flush()
    earlier_case: int | None = None
    for h in sorted(w["huddles"], key=lambda h: h["day"]):
        day = BASE + timedelta(days=h["day"])
        start = _local(day, 9)
        with store.write() as s:
            hud = Huddle(
                date=day, target_s=h["target"], timebox_s=5400, state=h["state"],
                started_at=start.replace(tzinfo=None) if h["started"] else None,
                finished_at=(start + timedelta(seconds=h["length"])).replace(tzinfo=None)
                if h["started"] and h["state"] == "finished" else None,
            )
            s.add(hud)
            s.flush()
            for role in sorted(h["roles"]):
                s.add(Attendance(huddle_id=hud.id, name="x", role=role, joined_at=now))
            for pos, c in enumerate(h["cases"], start=1):
                case_row = Case(
                    huddle_id=hud.id, patient_id=patients[c["patient"]].id, position=pos, added_at=now,
                    state=c["state"], unit=c["unit"], municipality=c["municipality"],
                    carried_from_id=earlier_case if c["carried"] else None,
                )
                s.add(case_row)
                s.flush()
                for off, length_us, closed in c["intervals"]:
                    a = start + timedelta(seconds=off)
                    b = a + timedelta(microseconds=length_us)
                    # An open interval was left by an app that is gone: its last heartbeat is where it ends.
                    s.add(CaseInterval(case_id=case_row.id, started_at=a.replace(tzinfo=None),
                                       stopped_at=b.replace(tzinfo=None) if closed else None,
                                       heartbeat_at=b.replace(tzinfo=None)))
                for i, (state, minutes, out_days, has_ready) in enumerate(c["readiness"]):
                    ready_at = start + timedelta(minutes=minutes) if has_ready else None
                    discharged = (local_date(ready_at, TZ) if ready_at else day) + timedelta(days=out_days)
                    s.add(Readiness(
                        patient_id=case_row.patient_id, case_id=case_row.id, state=state,
                        ready_at=ready_at.replace(tzinfo=None) if ready_at else None,
                        discharged_date=discharged if state == "discharged" else None,
                        recorded_at=(start + timedelta(minutes=i)).replace(tzinfo=None),
                    ))
                for kind, days_after in c["decisions"]:
                    created = start + timedelta(days=days_after, minutes=5)
                    s.add(Decision(case_id=case_row.id, patient_id=case_row.patient_id, text="x", kind=kind,
                                   created_at=created.replace(tzinfo=None)))
                    if kind == "sip_meeting":
                        sip_decisions.append((c["patient"], created))
                for owner in c["blockers"]:
                    s.add(Blocker(patient_id=case_row.patient_id, case_id=case_row.id, what="x", owner_org=owner,
                                  opened_at=now))
                if c["mark"]:
                    s.add(DayMark(case_id=case_row.id, colour=c["mark"], marked_at=now))
                flat.append({"h": h, "day": day, "hid": hud.id, "c": c, "start": start,
                             "carried": c["carried"] and earlier_case is not None})
                earlier_case = case_row.id
            if w["mode"] == "refresh":
                rollup.refresh(s, hud.id)
    if w["mode"] == "rebuild":
        with store.write() as s:
            rollup.rebuild_all(s)
    for f in flat:
        f["sip"] = [created for p, created in sip_decisions if p == f["c"]["patient"]]
    return flat


# -- the naive reference ------------------------------------------------------------------


def nearest(values: list[int], p: int) -> int | None:
    if not values:
        return None
    v = sorted(values)
    return v[math.ceil(Fraction(p * len(v), 100)) - 1]


def naive_case(f: dict) -> dict:
    c, day, h, start = f["c"], f["day"], f["h"], f["start"]
    # Closed intervals to their stop; open ones (their app long gone) to their last heartbeat.
    spans = [max(length, 0) for _, length, _ in c["intervals"]]
    duration = (sum(spans) + 500_000) // 1_000_000 if spans else None
    finished = h["state"] == "finished"
    out = {
        "duration": duration,
        "target": h["target"],
        "deferred": c["state"] == "deferred" or (finished and c["state"] in ("waiting", "active")),
        "carried": f["carried"],
        "unit": c["unit"],
        "municipality": c["municipality"],
        "organisation": next((o for o in ORGS if o.casefold() == c["unit"].strip().casefold()), c["unit"]),
        "readiness": None, "ready_days": None, "liable_days": None, "sip_due": False, "sip_met": False,
        "decisions": len(c["decisions"]),
        "home_visits": sum(1 for k, _ in c["decisions"] if k == "home_visit"),
        "owners": sorted(set(c["blockers"])),
        "blockers": len(c["blockers"]),
        "mark": c["mark"],
        "hid": f["hid"],
        "held": h["started"],
        "meeting": h["length"] if h["started"] and finished else None,
        "roles": h["roles"],
        "keys": {
            None: "*", "day": day.isoformat(), "week": f"{day.isocalendar()[0]}-W{day.isocalendar()[1]:02d}",
            "month": day.isoformat()[:7], "unit": c["unit"], "municipality": c["municipality"],
        },
    }
    out["keys"]["organisation"] = out["organisation"]
    if c["readiness"]:
        state, minutes, out_days, has_ready = c["readiness"][-1]  # the newest row on the case
        out["readiness"] = state
        ready_at = start + timedelta(minutes=minutes) if has_ready else None
        end = None
        if state == "ready":
            end = day + timedelta(days=1)
        elif state == "discharged":
            end = (local_date(ready_at, TZ) if ready_at else day) + timedelta(days=out_days)
        if ready_at is not None and end is not None:
            out["ready_days"] = ready_days(ready_at, end, TZ)
            out["liable_days"] = liable_days(ready_at, end, PRESETS["national"], TZ)
        if ready_at is not None and state in ("ready", "discharged"):
            out["sip_due"] = True
            notice = local_date(ready_at, TZ)
            out["sip_met"] = any(notice <= local_date(d, TZ) <= sip_deadline(ready_at, TZ) for d in f["sip"])
    return out


def naive_figures(rows: list[dict]) -> dict:
    times = [r["duration"] for r in rows if r["duration"] is not None]
    n = len(times)
    within = sum(1 for r in rows if r["duration"] is not None and r["duration"] <= r["target"])
    huddles = {r["hid"] for r in rows if r["duration"] is not None}
    meetings = {r["hid"]: r["meeting"] for r in rows if r["meeting"] is not None}
    held = {r["hid"]: r["roles"] for r in rows if r["held"]}
    gaps = {}
    for role in ROLES:
        missing = sum(1 for roles in held.values() if role not in roles)
        if missing:
            gaps[role] = missing
    owners: dict[str, int] = {}
    for r in rows:
        for o in r["owners"]:
            owners[o] = owners.get(o, 0) + 1
    ready = [r for r in rows if r["ready_days"] is not None]
    discharged = [r["ready_days"] for r in ready if r["readiness"] == "discharged"]
    due = sum(r["sip_due"] for r in rows)
    met = sum(r["sip_met"] for r in rows)
    out = {
        "cases": n,
        "agenda_cases": len(rows),
        "mean_s": sum(times) / n if n else None,
        "median_s": nearest(times, 50),
        "p90_s": nearest(times, 90),
        "within_target": within,
        "over_target": n - within,
        "within_target_share": within / n if n else None,
        "huddles": len(huddles),
        "patients_per_huddle": n / len(huddles) if huddles else None,
        "meeting_mean_s": sum(meetings.values()) / len(meetings) if meetings else None,
        "deferred": sum(r["deferred"] for r in rows),
        "carried": sum(r["carried"] for r in rows),
        "ready_cases": len(ready),
        "discharge_ready_days": sum(r["ready_days"] for r in ready),
        "payment_liable_days": sum(r["liable_days"] for r in ready),
        "discharged_cases": len(discharged),
        "discharged_ready_days_mean": sum(discharged) / len(discharged) if discharged else None,
        "sip_due": due,
        "sip_met": met,
        "sip_met_share": met / due if due else None,
        "decisions": sum(r["decisions"] for r in rows),
        "home_visits": sum(r["home_visits"] for r in rows),
        "red_days": sum(r["mark"] == "red" for r in rows),
        "green_days": sum(r["mark"] == "green" for r in rows),
        "blockers": sum(r["blockers"] for r in rows),
        "blockers_by_owner": owners,
        "huddles_held": len(held),
        "attendance_gaps": gaps,
        "suggested_target_s": None,
    }
    if n >= 20:
        q1, q3 = nearest(times, 25), nearest(times, 75)
        low, high = q1 - Fraction(3, 2) * (q3 - q1), q3 + Fraction(3, 2) * (q3 - q1)
        kept = [t for t in times if low <= t <= high]
        out["suggested_target_s"] = math.ceil(Fraction(nearest(kept, 80), 30)) * 30
        out["suggested_kept"] = len(kept)
    return out


def _compare(got, want: dict) -> None:  # noqa: ANN001
    g = got.to_json()
    for key, value in want.items():
        if key == "suggested_kept":
            assert dict(got.suggested_basis)["cases"] == value
            continue
        if isinstance(value, float):
            assert g[key] == pytest.approx(value, rel=1e-12), key
        else:
            assert g[key] == value, key


@pytest.fixture(scope="module", params=ENGINES)
def shared(request, tmp_path_factory):
    """One store per engine for the whole module (each example clears it): the same figures on both."""
    from huddle.store import Store

    clock = FakeClock(datetime(2026, 6, 1, 12, tzinfo=UTC))
    if request.param == "sqlite":
        target = str(tmp_path_factory.mktemp("prop") / "p.db")
    else:
        server = request.getfixturevalue("pg_server")
        name = pg.new_database(server)
        request.addfinalizer(lambda: pg.drop_database(server, name))
        target = server.url(name)
    s = Store.open(target, clock=clock)
    yield s
    s.close()


def _clear(store) -> None:  # noqa: ANN001
    from sqlalchemy import text

    with store.write() as s:
        for table in ("case_stat", "day_mark", "blocker", "decision", "readiness", "case_interval", "attendance",
                      '"case"', "huddle", "patient", "organisation"):
            s.execute(text(f"DELETE FROM {table}"))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(w=world)
def test_every_figure_equals_a_naive_computation(shared, w) -> None:
    from huddle.services import stats

    _clear(shared)
    flat = _write(shared, w)
    start, end = (BASE + timedelta(days=d) for d in w["period"])
    rows = [naive_case(f) for f in flat if start <= f["day"] <= end]
    for by in GROUPINGS:
        result = stats.figures(shared, start, end, by)
        if not rows:
            assert result.overall.agenda_cases == 0 and result.groups == ()
            continue
        _compare(result.overall, naive_figures(rows))
        if by is None:
            continue
        keys = sorted({r["keys"][by] for r in rows})
        assert [g.key for g in result.groups] == keys
        for g in result.groups:
            _compare(g, naive_figures([r for r in rows if r["keys"][by] == g.key]))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(w=world)
def test_export_rows_agree_with_the_figures(shared, w) -> None:
    """The export is the figures' raw material: recomputing from its rows gives the same numbers."""
    from huddle.services import stats

    _clear(shared)
    flat = _write(shared, w)
    start, end = (BASE + timedelta(days=d) for d in w["period"])
    rows = stats.export_rows(shared, start, end)
    assert len(rows) == sum(1 for f in flat if start <= f["day"] <= end)
    overall = stats.figures(shared, start, end).overall
    times = [r.duration_s for r in rows if r.duration_s is not None]
    assert overall.cases == len(times)
    assert overall.median_s == nearest(times, 50) and overall.p90_s == nearest(times, 90)
    assert overall.over_target == sum(1 for r in rows if r.over_target)
    assert overall.discharge_ready_days == sum(r.discharge_ready_days or 0 for r in rows)
    assert overall.payment_liable_days == sum(r.payment_liable_days or 0 for r in rows)
    assert overall.deferred == sum(r.deferred for r in rows)
    assert overall.decisions == sum(r.decisions for r in rows)


def test_nearest_rank_definition() -> None:
    from huddle.services.stats import nearest_rank

    assert nearest_rank([], 50) is None
    assert nearest_rank([7], 90) == 7
    assert nearest_rank([1, 2, 3, 4], 50) == 2  # the lower middle value
    assert nearest_rank(list(range(1, 11)), 90) == 9
    assert nearest_rank(list(range(1, 12)), 90) == 10
