"""Manager statistics: figures for a period, grouped, computed in SQL over the rollup.

The figures come from ``case_stat`` (one anonymous row per case, see
``huddle.services.rollup``) and the huddles' attendance; never from patient
rows, so a manager's view carries no identity.

Definitions (the same ones the property tests compute naively in Python):

* ``cases``: cases discussed (with a time); ``agenda_cases``: all cases on the
  agendas.  Time figures are over discussed cases, in whole seconds.
* ``median_s`` and ``p90_s`` are *nearest-rank* percentiles: sorted times
  x1..xn, the p-th percentile is x_k with k = ceil(p * n / 100) (the median is
  the lower middle value when n is even).
* ``within_target_share``: discussed cases with time <= the huddle's per-case
  target, divided by ``cases``; ``over_target``: cases over it.
* ``huddles``: huddles in which the group had a discussed case;
  ``patients_per_huddle`` = cases / huddles; ``meeting_mean_s``: mean length
  (start to finish) of the group's huddles that finished.
* ``deferred``: cases that left their huddle unfinished (deferred or not
  reached); ``carried``: cases carried over from an earlier huddle.
* ``discharge_ready_days`` / ``payment_liable_days``: sums over cases of the
  days counted on the case where readiness was recorded (see rollup);
  ``discharged_ready_days_mean``: mean ready days of completed episodes.
* ``sip_met_share``: ready notices with a SIP meeting decided by the deadline.
* ``blockers_by_owner``: cases waiting on each owning organisation.
* ``attendance_gaps``: held huddles (of the group) without a needed role.
* ``suggested_target_s``: from the group's own times, outliers outside the
  Tukey fences (Q1 - 1.5 IQR, Q3 + 1.5 IQR, nearest-rank quartiles) left out,
  the nearest-rank 80th percentile of the rest, rounded up to 30 s; only with
  at least ``SUGGEST_MIN_CASES`` discussed cases.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import text

from huddle.domain.text import ShownText
from huddle.domain.vocab import Grouping
from huddle.errors import InputError
from huddle.store import Store

GROUPINGS = Grouping.values()
KEY_SQL = {
    None: "'*'",  # everything in one group (read back as the overall row)
    "week": "week",
    "unit": "unit",
    "municipality": "municipality",
    "organisation": "organisation",
}


def key_sql(by: str | None, dialect: str) -> str:
    """The SQL of a grouping's key, as text on every engine (days and months differ per dialect)."""
    from db.dialect import date_text_sql

    if by in ("day", "month"):
        return date_text_sql(dialect, "huddle_date", by)
    return KEY_SQL[by]


def _period(sql: str):  # noqa: ANN202
    """A text() statement whose :start and :end are dates on every engine."""
    from sqlalchemy import Date, bindparam

    return text(sql).bindparams(bindparam("start", type_=Date), bindparam("end", type_=Date))
SUGGEST_MIN_CASES = 20
SUGGEST_PERCENTILE = 80
SUGGEST_STEP_S = 30
STATS_ROLES = ("manager", "admin")


def nearest_rank(sorted_values: list, p: int):  # noqa: ANN201
    """The p-th nearest-rank percentile of already sorted values (None when empty)."""
    n = len(sorted_values)
    if n == 0:
        return None
    k = max(1, -(-p * n // 100))
    return sorted_values[k - 1]


def round_up(value: float, step: int = SUGGEST_STEP_S) -> int:
    return int(math.ceil(value / step) * step)


@dataclass(frozen=True)
class Figures(ShownText):
    cases: int = 0
    agenda_cases: int = 0
    mean_s: float | None = None
    median_s: int | None = None
    p90_s: int | None = None
    within_target_share: float | None = None
    within_target: int = 0
    over_target: int = 0
    huddles: int = 0
    patients_per_huddle: float | None = None
    meeting_mean_s: float | None = None
    deferred: int = 0
    carried: int = 0
    ready_cases: int = 0
    discharge_ready_days: int = 0
    payment_liable_days: int = 0
    discharged_cases: int = 0
    discharged_ready_days_mean: float | None = None
    sip_due: int = 0
    sip_met: int = 0
    sip_met_share: float | None = None
    decisions: int = 0
    home_visits: int = 0
    red_days: int = 0
    green_days: int = 0
    blockers: int = 0
    blockers_by_owner: tuple[tuple[str, int], ...] = ()
    huddles_held: int = 0
    attendance_gaps: tuple[tuple[str, int], ...] = ()
    suggested_target_s: int | None = None
    suggested_basis: tuple[tuple[str, Any], ...] = ()
    key: str | None = None

    def to_json(self, *, with_key: bool = True) -> dict:
        d = asdict(self)
        key = d.pop("key")
        d["blockers_by_owner"] = dict(self.blockers_by_owner)
        d["attendance_gaps"] = dict(self.attendance_gaps)
        d["suggested_basis"] = dict(self.suggested_basis) if self.suggested_basis else None
        return {"key": key, **d} if with_key else d


@dataclass(frozen=True)
class StatsResult:
    start: date
    end: date
    by: str | None
    overall: Figures
    groups: tuple[Figures, ...]
    rule: str
    target_s: int
    needed_roles: tuple[str, ...] = field(default_factory=tuple)

    def to_json(self) -> dict:
        return {
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "by": self.by,
            "liability_rule": self.rule,
            "percentiles": "nearest-rank",
            "overall": self.overall.to_json(with_key=False),
            "groups": [g.to_json() for g in self.groups],
        }


@dataclass(frozen=True)
class ExportRow:
    huddle_date: date
    position: int
    unit: str | None
    municipality: str | None
    state: str
    duration_s: int | None
    target_s: int
    over_target: bool | None
    readiness: str | None
    discharge_ready_days: int | None
    payment_liable_days: int | None
    deferred: bool
    decisions: int
    blocker_owner: str | None
    organisation: str | None
    carried: bool
    home_visits: int
    sip_due: bool
    sip_met: bool
    day_mark: str | None

    def to_json(self) -> dict:
        d = asdict(self)
        d["huddle_date"] = self.huddle_date.isoformat()
        return d


EXPORT_COLUMNS = [
    "huddle_date", "position", "unit", "municipality", "state", "duration_s", "target_s", "over_target",
    "readiness", "discharge_ready_days", "payment_liable_days", "deferred", "decisions", "blocker_owner",
    "organisation", "carried", "home_visits", "sip_due", "sip_met", "day_mark",
]


@dataclass(frozen=True)
class MeetingRow:
    """One huddle in a group's drill-down: figures only."""

    huddle_date: date
    agenda_cases: int
    cases: int
    mean_s: float | None
    within_target_share: float | None
    deferred: int
    meeting_s: int | None
    red_days: int


# -- input ------------------------------------------------------------------------------


def check_period(start: date | None, end: date | None, today: date) -> tuple[date, date]:
    """Both ends inclusive; defaults: the last 30 days up to today."""
    end = end or today
    start = start or end - timedelta(days=29)
    if start > end:
        raise InputError("date.range", start=start.isoformat(), end=end.isoformat())
    return start, end


def check_grouping(by: str | None) -> str | None:
    if by is not None and by not in GROUPINGS:
        raise InputError("stats.bad_grouping", value=by, choices=", ".join(GROUPINGS))
    return by


# -- SQL --------------------------------------------------------------------------------

_BASE = "base AS (SELECT {key} AS k, * FROM case_stat WHERE huddle_date BETWEEN :start AND :end)"

# Overall figures come from the same pass as the groups: additive counts are summed over the groups in
# Python; what is not additive (percentiles, huddles) is computed in SQL over the union of the groups'
# small intermediate sets with the key :overall.  Sums of seconds stay exact integers, so a mean is the
# same division whoever computes it.
_MAIN = """
WITH {base}
SELECT k,
       count(duration_s), count(*), coalesce(sum(duration_s), 0),
       sum(CASE WHEN duration_s <= target_s THEN 1 ELSE 0 END),
       sum(CASE WHEN duration_s > target_s THEN 1 ELSE 0 END),
       sum(CASE WHEN deferred THEN 1 ELSE 0 END), sum(CASE WHEN carried THEN 1 ELSE 0 END),
       count(ready_days), coalesce(sum(ready_days), 0), coalesce(sum(liable_days), 0),
       sum(CASE WHEN readiness = 'discharged' AND ready_days IS NOT NULL THEN 1 ELSE 0 END),
       coalesce(sum(CASE WHEN readiness = 'discharged' THEN ready_days END), 0),
       sum(CASE WHEN sip_due THEN 1 ELSE 0 END), sum(CASE WHEN sip_met THEN 1 ELSE 0 END), sum(decisions),
       sum(home_visits),
       sum(CASE WHEN day_mark = 'red' THEN 1 ELSE 0 END), sum(CASE WHEN day_mark = 'green' THEN 1 ELSE 0 END),
       sum(blockers)
  FROM base GROUP BY k
"""

# Nearest-rank percentiles: the k-th smallest time (k = ceil(p n / 100), written in integers) is the
# smallest time whose running count reaches k.  Running counts over a histogram of whole seconds
# (one row per group and distinct time) need one small sort instead of a window over every case.
# The same statement leaves out outliers (Tukey fences on the nearest-rank quartiles) and takes the
# suggested target's percentile of the rest.
_PCT = """
WITH h0 AS MATERIALIZED (
  SELECT {key} AS k, duration_s AS d, count(*) AS c FROM case_stat
   WHERE huddle_date BETWEEN :start AND :end AND duration_s IS NOT NULL GROUP BY 1, 2),
h AS MATERIALIZED (
  SELECT k, d, c FROM h0{overall_h}),
cum AS (
  SELECT k, d, CAST(sum(c) OVER w AS INTEGER) AS cum,
         CAST(sum(c) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS INTEGER) AS n
    FROM h WINDOW w AS (PARTITION BY k ORDER BY d)),
q AS MATERIALIZED (
  SELECT k, max(n) AS n,
         min(CASE WHEN cum >= (n + 1) / 2 THEN d END) AS median,
         min(CASE WHEN cum >= (9 * n + 9) / 10 THEN d END) AS p90,
         min(CASE WHEN cum >= (n + 3) / 4 THEN d END) AS q1,
         min(CASE WHEN cum >= (3 * n + 3) / 4 THEN d END) AS q3
    FROM cum GROUP BY k),
kept AS (
  SELECT h.k, h.d, CAST(sum(h.c) OVER w AS INTEGER) AS cum,
         CAST(sum(h.c) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS INTEGER) AS m
    FROM h JOIN q ON q.k IS NOT DISTINCT FROM h.k
   WHERE q.n >= :min_n AND h.d >= q.q1 - 1.5 * (q.q3 - q.q1) AND h.d <= q.q3 + 1.5 * (q.q3 - q.q1)
  WINDOW w AS (PARTITION BY h.k ORDER BY h.d)),
s AS (
  SELECT k, max(m) AS m, min(CASE WHEN cum >= (:pct * m + 99) / 100 THEN d END) AS pick FROM kept GROUP BY k)
SELECT q.k, q.median, q.p90, q.n, q.q1, q.q3, s.m, s.pick FROM q LEFT JOIN s ON s.k IS NOT DISTINCT FROM q.k
"""
_PCT_OVERALL = " UNION ALL SELECT :overall, d, sum(c) FROM h0 GROUP BY d"

# Per huddle: each of the group's huddles counts once (meeting length, held, had a discussed case), and
# each held huddle without a needed role counts once per role (rows with a role are attendance gaps).
_MEETING = """
WITH {base},
g AS MATERIALIZED (
  SELECT k, huddle_id, max(meeting_s) AS m, max(CASE WHEN huddle_held THEN 1 ELSE 0 END) AS held,
         max(CASE WHEN duration_s IS NOT NULL THEN 1 ELSE 0 END) AS disc
    FROM base GROUP BY k, huddle_id),
a AS MATERIALIZED (SELECT k, huddle_id, m, held, disc FROM g{overall_g})
SELECT k, NULL, avg(m), sum(held), sum(disc) FROM a GROUP BY k{gaps}
"""
_MEETING_OVERALL = " UNION ALL SELECT :overall, huddle_id, max(m), max(held), max(disc) FROM g GROUP BY huddle_id"
_GAPS = """
UNION ALL
SELECT a.k, miss.role, count(*), NULL, NULL
  FROM a JOIN (
    SELECT held.huddle_id, roles.column1 AS role
      FROM (SELECT DISTINCT huddle_id FROM g WHERE held = 1) AS held
      CROSS JOIN (VALUES {values}) AS roles
     WHERE NOT EXISTS (SELECT 1 FROM attendance t WHERE t.huddle_id = held.huddle_id AND t.role = roles.column1)
  ) AS miss ON miss.huddle_id = a.huddle_id
 WHERE a.held = 1
 GROUP BY a.k, miss.role"""

_OWNERS = """
WITH {base}
SELECT k, blocker_owner, count(*) FROM base WHERE blocker_owner IS NOT NULL GROUP BY k, blocker_owner
"""

# The overall row's key in the statements above (a value no group can have).
OVERALL = "\u2400overall"
_ADDITIVE = (
    "cases", "agenda_cases", "sum_s", "within_target", "over_target", "deferred", "carried", "ready_cases",
    "discharge_ready_days", "payment_liable_days", "discharged_cases", "discharged_sum", "sip_due", "sip_met",
    "decisions", "home_visits", "red_days", "green_days", "blockers",
)


def pct_sql(sql: str, by: str | None, dialect: str = "sqlite", **fmt: str) -> str:
    """A statement with the period's rows keyed by the grouping ``by`` (with the overall row when grouped)."""
    grouped = by is not None
    key = key_sql(by, dialect)
    return sql.format(
        base=_BASE.format(key=key),
        key=key,
        overall_h=_PCT_OVERALL if grouped else "",
        overall_g=_MEETING_OVERALL if grouped else "",
        **fmt,
    )


def _q(session, sql: str, by: str | None, params: dict, **fmt: str):  # noqa: ANN001, ANN202
    return session.execute(_period(pct_sql(sql, by, session.get_bind().dialect.name, **fmt)), params).all()


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _figures(session, by: str | None, params: dict, roles: tuple[str, ...]) -> dict[Any, Figures]:  # noqa: ANN001
    """Figures per key of ``by``, and the overall figures under the key ``OVERALL``."""
    from huddle.services.rollup import BLOCKER_SEP

    params = {**params, "overall": OVERALL, "min_n": SUGGEST_MIN_CASES, "pct": SUGGEST_PERCENTILE}
    raw: dict[Any, dict] = {}
    for r in _q(session, _MAIN, by, params):
        k = OVERALL if by is None else r[0]
        raw[k] = {name: value or 0 for name, value in zip(_ADDITIVE, r[1:])}
    if not raw:
        return {}
    if by is not None:
        raw[OVERALL] = {name: sum(v[name] for v in raw.values()) for name in _ADDITIVE}
    acc: dict[Any, dict] = {}
    for k, v in raw.items():
        acc[k] = dict(
            key=None if k == OVERALL else k, cases=v["cases"], agenda_cases=v["agenda_cases"],
            mean_s=_share(v["sum_s"], v["cases"]), within_target=v["within_target"], over_target=v["over_target"],
            within_target_share=_share(v["within_target"], v["cases"]), deferred=v["deferred"],
            carried=v["carried"], ready_cases=v["ready_cases"], discharge_ready_days=v["discharge_ready_days"],
            payment_liable_days=v["payment_liable_days"], discharged_cases=v["discharged_cases"],
            discharged_ready_days_mean=_share(v["discharged_sum"], v["discharged_cases"]), sip_due=v["sip_due"],
            sip_met=v["sip_met"], sip_met_share=_share(v["sip_met"], v["sip_due"]), decisions=v["decisions"],
            home_visits=v["home_visits"], red_days=v["red_days"], green_days=v["green_days"],
            blockers=v["blockers"],
        )

    def key_of(k: Any) -> Any:
        return OVERALL if by is None else k

    for k, median, p90, n, q1, q3, kept, pick in _q(session, _PCT, by, params):
        a = acc[key_of(k)]
        a.update(median_s=median, p90_s=p90)
        if pick is None:
            continue
        iqr = q3 - q1
        a["suggested_target_s"] = round_up(pick)
        a["suggested_basis"] = (
            ("cases", kept),
            ("excluded", n - kept),
            ("percentile", SUGGEST_PERCENTILE),
            ("percentile_s", pick),
            ("low_s", q1 - 1.5 * iqr),
            ("high_s", q3 + 1.5 * iqr),
        )
    gaps_sql = ""
    role_params = dict(params)
    if roles:
        gaps_sql = _GAPS.format(values=", ".join(f"(:role{i})" for i in range(len(roles))))
        role_params.update({f"role{i}": r for i, r in enumerate(roles)})
    gaps: dict[Any, dict[str, int]] = {}
    for k, role, meeting, held, huddles in _q(session, _MEETING, by, role_params, gaps=gaps_sql):
        if role is not None:
            gaps.setdefault(key_of(k), {})[role] = int(meeting)  # a count (numeric in a UNION on PostgreSQL)
            continue
        a = acc[key_of(k)]
        a.update(meeting_mean_s=None if meeting is None else float(meeting), huddles_held=held or 0,
                 huddles=huddles or 0)
        a["patients_per_huddle"] = _share(a["cases"], a["huddles"])
    for k, g in gaps.items():
        acc[k]["attendance_gaps"] = tuple((r, g[r]) for r in roles if r in g)
    owners: dict[Any, dict[str, int]] = {}
    for k, joined, n in _q(session, _OWNERS, by, params):
        for key in {key_of(k), OVERALL}:
            mine = owners.setdefault(key, {})
            for owner in joined.split(BLOCKER_SEP):
                mine[owner] = mine.get(owner, 0) + n
    for k, o in owners.items():
        acc[k]["blockers_by_owner"] = tuple(sorted(o.items(), key=lambda kv: (-kv[1], kv[0])))
    return {k: Figures(**v) for k, v in acc.items()}


def _catch_up(store: Store, start: date, end: date) -> None:
    """Rows missing from the rollup (cases written without ``refresh``) are filled in first, and
    cases with an open interval are counted as of now (``huddle.domain.timing.case_seconds``), so that
    stats and export give the same time as the live screen and ``summary``."""
    from huddle.services import rollup

    with store.read() as s:
        stale = rollup.stale_huddles(s, start, end)
        running = rollup.open_cases(s, start, end)
    if stale or running:
        with store.write() as s:
            rollup.refresh_huddles(s, rollup.stale_huddles(s, start, end))
            rollup.refresh_cases(s, rollup.open_cases(s, start, end))


def _settings(session):  # noqa: ANN001, ANN202
    from db import settings as settings_db

    return settings_db.load(session)


def figures(store: Store, start: date, end: date, by: str | None = None) -> StatsResult:
    """The figures for the period (both days inclusive), overall and per group."""
    store.require(*STATS_ROLES)
    check_grouping(by)
    if start > end:
        raise InputError("date.range", start=start.isoformat(), end=end.isoformat())
    _catch_up(store, start, end)
    params = {"start": start, "end": end}
    with store.read() as s:
        cfg = _settings(s)
        roles = tuple(cfg.needed_roles)
        found = _figures(s, by, params, roles)
        overall = found.pop(OVERALL, Figures())
        groups = tuple(found[k] for k in sorted(found, key=lambda k: (k is None, k or "")))
    return StatsResult(start, end, by, overall, groups, cfg.liability.name, cfg.target_s, roles)


def _key_filter(by: str, key: str | None, dialect: str) -> str:
    return f"{key_sql(by, dialect)} IS NOT DISTINCT FROM :key"


def meetings(store: Store, start: date, end: date, by: str | None, key: str | None) -> list[MeetingRow]:
    """Drill-down: the huddles in which a group (or everything, when ``by`` is None) had cases."""
    store.require(*STATS_ROLES)
    check_grouping(by)
    dialect = store.engine.dialect.name
    where = "" if by is None else " AND " + _key_filter(by, key, dialect)
    sql = f"""
    SELECT huddle_date, count(*), count(duration_s), avg(duration_s),
           sum(CASE WHEN duration_s <= target_s THEN 1 ELSE 0 END), sum(CASE WHEN deferred THEN 1 ELSE 0 END),
           max(meeting_s),
           sum(CASE WHEN day_mark = 'red' THEN 1 ELSE 0 END)
      FROM case_stat WHERE huddle_date BETWEEN :start AND :end{where}
     GROUP BY huddle_id, huddle_date ORDER BY huddle_date
    """
    with store.read() as s:
        rows = s.execute(_period(sql), {"start": start, "end": end, "key": key}).all()
    return [
        MeetingRow(date.fromisoformat(d) if isinstance(d, str) else d, agenda, cases,
                   None if mean is None else float(mean), _share(within or 0, cases),
                   deferred or 0, meeting, red or 0)
        for d, agenda, cases, mean, within, deferred, meeting, red in rows
    ]


def export_rows(store: Store, start: date, end: date) -> list[ExportRow]:
    """One anonymous row per case in the period; writes an ``export`` audit event (no patient ids)."""
    store.require(*STATS_ROLES)
    if start > end:
        raise InputError("date.range", start=start.isoformat(), end=end.isoformat())
    _catch_up(store, start, end)
    sql = """
    SELECT huddle_date, position, unit, municipality, state, duration_s, target_s, readiness, ready_days,
           liable_days, deferred, decisions, blocker_owner, organisation, carried, home_visits, sip_due, sip_met,
           day_mark
      FROM case_stat WHERE huddle_date BETWEEN :start AND :end ORDER BY huddle_date, position, case_id
    """
    with store.read() as s:
        rows = s.execute(_period(sql), {"start": start, "end": end}).all()
    out = [
        ExportRow(
            huddle_date=date.fromisoformat(r[0]) if isinstance(r[0], str) else r[0], position=r[1], unit=r[2], municipality=r[3], state=r[4],
            duration_s=r[5], target_s=r[6], over_target=None if r[5] is None else r[5] > r[6], readiness=r[7],
            discharge_ready_days=r[8], payment_liable_days=r[9], deferred=bool(r[10]), decisions=r[11],
            blocker_owner=r[12], organisation=r[13], carried=bool(r[14]), home_visits=r[15],
            sip_due=bool(r[16]), sip_met=bool(r[17]), day_mark=r[18],
        )
        for r in rows
    ]
    with store.write() as s:
        store.audit(s, "export", f"stats.export {start.isoformat()}..{end.isoformat()} rows={len(out)}")
    return out


def today(store: Store) -> date:
    from huddle.domain.clock import local_date

    with store.read() as s:
        tz = _settings(s).tz
    return local_date(store.now(), tz)


def notes(overall: dict[str, Any], rule: str, top: int | None = None) -> list[str]:
    """The lines under the table: definitions, blockers (the ``top`` owners), attendance gaps, the suggested target."""
    from huddle.domain.vocab import role_label
    from huddle.i18n import number, t

    rule_key = f"stats.rule.{rule}"
    rule_text = t(rule_key)
    lines = [t("stats.note.percentiles", rule=rule if rule_text == rule_key else rule_text)]
    if overall["blockers_by_owner"]:
        owners = list(overall["blockers_by_owner"].items())
        items = ", ".join(f"{k}: {v}" for k, v in owners[:top]) + (" …" if top and len(owners) > top else "")
        lines.append(t("stats.note.blockers", items=items))
    if overall["attendance_gaps"]:
        items = ", ".join(f"{role_label(k)}: {v}" for k, v in overall["attendance_gaps"].items())
        lines.append(t("stats.note.gaps", items=items, held=overall["huddles_held"]))
    basis = overall["suggested_basis"]
    if basis:
        lines.append(
            t(
                "stats.note.suggested",
                target=overall["suggested_target_s"],
                pct=basis["percentile"],
                pick=number(basis["percentile_s"]),
                cases=basis["cases"],
                excluded=basis["excluded"],
                low=number(max(basis["low_s"], 0)),
                high=number(basis["high_s"]),
            )
        )
    else:
        lines.append(t("stats.note.no_suggestion", n=SUGGEST_MIN_CASES))
    return lines
