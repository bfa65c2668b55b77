"""Discharge readiness (utskrivningsklar): ready days, payment liability, the SIP deadline.

The liability rule is local configuration, not code.  Two built-in presets:

* ``national``: when no local agreement exists, Lag (2017:612) om samverkan vid
  utskrivning från sluten hälso- och sjukvård: the municipality becomes liable
  once three calendar days have passed after the utskrivningsklar notice.  A
  notice on day D gives grace days D+1, D+2, D+3; the first liable day is D+4.
* ``stockholm``: two calendar days, with day 0 (the notice day) counted when the
  notice came before 12:00.  Notice Monday 10:00: grace Monday and Tuesday, liable
  from Wednesday; notice Monday 14:00: grace Tuesday and Wednesday, liable from Thursday.

Days are counted in the local time zone, end-exclusive: the discharge day is
not a day in hospital.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta

from huddle.domain.clock import DEFAULT_TZ, local_time
from huddle.errors import InputError

SIP_DAYS = 3




@dataclass(frozen=True)
class LiabilityRule:
    name: str = "national"
    grace_days: int = 3
    # When set, a notice before this local time counts its own day as the first grace day.
    day0_before: time | None = None

    def to_json(self) -> str:
        d = asdict(self)
        d["day0_before"] = self.day0_before.strftime("%H:%M") if self.day0_before else None
        return json.dumps(d)

    @classmethod
    def from_json(cls, text: str) -> LiabilityRule:
        try:
            d = json.loads(text)
            if not isinstance(d, dict):
                raise TypeError("a rule is a JSON object")
            cutoff = d.get("day0_before")
            grace = d["grace_days"]
            if isinstance(grace, bool) or not isinstance(grace, int) or not 0 <= grace <= 365:
                raise ValueError("grace_days must be a whole number of days, 0-365")
            return cls(
                name=str(d.get("name", "custom")),
                grace_days=grace,
                day0_before=time.fromisoformat(cutoff) if cutoff else None,
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise InputError("rule.bad", value=text) from exc


PRESETS = {
    "national": LiabilityRule("national", 3, None),
    "stockholm": LiabilityRule("stockholm", 2, time(12, 0)),
}


def first_liable_day(ready_at: datetime, rule: LiabilityRule, tz: str = DEFAULT_TZ) -> date:
    """The first calendar day the municipality pays for the bed."""
    local = local_time(ready_at, tz)
    notice_day = local.date()
    if rule.day0_before is not None and local.time() < rule.day0_before:
        return notice_day + timedelta(days=rule.grace_days)
    return notice_day + timedelta(days=rule.grace_days + 1)


def ready_days(ready_at: datetime, end: date, tz: str = DEFAULT_TZ) -> int:
    """Discharge-ready days: calendar days from the notice day up to (not including) ``end``."""
    return max(0, (end - local_time(ready_at, tz).date()).days)


def liable_days(ready_at: datetime, end: date, rule: LiabilityRule, tz: str = DEFAULT_TZ) -> int:
    """Payment-liable days up to (not including) ``end`` (discharge day or today)."""
    return max(0, (end - first_liable_day(ready_at, rule, tz)).days)


def sip_deadline(ready_at: datetime, tz: str = DEFAULT_TZ) -> date:
    """The permanent care contact must invite to a SIP meeting within three days of the notice."""
    return local_time(ready_at, tz).date() + timedelta(days=SIP_DAYS)
