"""Local settings: kept in the store's ``setting`` table, read as one frozen value."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields, replace
from datetime import date, time
from typing import Any
from zoneinfo import ZoneInfo

from huddle.domain.clock import DEFAULT_TZ
from huddle.domain.days import MeetingCalendar
from huddle.domain.readiness import PRESETS, LiabilityRule

DEFAULT_NEEDED_ROLES = ("needs_assessor", "ward_nurse", "physician")
BANNER_POLICIES = ("initials_unit", "unit", "none")


@dataclass(frozen=True)
class Settings:
    target_s: int = 300
    timebox_s: int = 5400
    meeting_time: time = time(9, 0)
    tz: str = DEFAULT_TZ
    needed_roles: tuple[str, ...] = DEFAULT_NEEDED_ROLES
    liability: LiabilityRule = field(default_factory=lambda: PRESETS["national"])
    retention_days: int = 90
    # What the video room's banner may show: "initials_unit" | "unit" | "none"
    banner_policy: str = "initials_unit"
    # Local exceptions to the meeting calendar (huddle.domain.days), as ISO dates: weekdays without a
    # meeting, and meetings on days that would otherwise have none.
    closed_days: tuple[str, ...] = ()
    extra_days: tuple[str, ...] = ()
    # Where the video room listens (the app's v; huddle room --port overrides)
    room_port: int = 8765

    @property
    def calendar(self) -> MeetingCalendar:
        return MeetingCalendar.of(map(date.fromisoformat, self.closed_days), map(date.fromisoformat, self.extra_days))

    def to_rows(self) -> dict[str, str]:
        out = {}
        for f in fields(self):
            v = getattr(self, f.name)
            if isinstance(v, LiabilityRule):
                out[f.name] = v.to_json()
            elif isinstance(v, time):
                out[f.name] = v.strftime("%H:%M")
            else:
                out[f.name] = json.dumps(list(v) if isinstance(v, tuple) else v)
        return out

    @classmethod
    def from_rows(cls, rows: dict[str, str], *, strict: bool = False) -> Settings:
        """The settings from their stored text.  A broken value falls back to its default (the
        app must open whatever the table holds), or, ``strict``, is refused (an admin setting it)."""
        s = cls()
        changes: dict[str, Any] = {}  # field name -> a value of that field's type
        for f in fields(cls):
            if f.name not in rows:
                continue
            raw = rows[f.name]
            try:
                if f.name == "liability":
                    raw_s = raw.strip()
                    changes[f.name] = PRESETS[raw_s] if raw_s in PRESETS else LiabilityRule.from_json(raw_s)
                elif f.name == "meeting_time":
                    changes[f.name] = time.fromisoformat(raw)
                elif f.name == "needed_roles":
                    from huddle.domain.vocab import ROLES

                    roles = json.loads(raw)
                    if not isinstance(roles, list) or not all(isinstance(r, str) and r in ROLES for r in roles):
                        raise TypeError(f.name)
                    changes[f.name] = tuple(roles)
                elif f.name in ("closed_days", "extra_days"):
                    days = json.loads(raw)
                    if not isinstance(days, list):
                        raise TypeError(f.name)
                    changes[f.name] = tuple(sorted({date.fromisoformat(d).isoformat() for d in days}))
                elif f.name == "banner_policy":
                    policy = json.loads(raw)
                    if policy not in BANNER_POLICIES:
                        raise ValueError(f.name)
                    changes[f.name] = policy
                elif f.name == "tz":
                    name = json.loads(raw)
                    ZoneInfo(name)  # an unknown zone would break every local-time rule later
                    changes[f.name] = name
                else:
                    value = json.loads(raw)
                    kind = type(getattr(s, f.name))
                    if kind is int and (isinstance(value, bool) or not isinstance(value, int) or value <= 0):
                        raise ValueError(f.name)  # targets, time boxes, retention and the port are positive
                    if f.name == "room_port" and value > 65535:
                        raise ValueError(f.name)
                    changes[f.name] = kind(value)
            except Exception as exc:
                if strict:
                    from huddle.errors import InputError

                    raise InputError("settings.bad_value", name=f.name, value=raw) from exc
                continue  # a broken setting falls back to its default
        return replace(s, **changes)


def stored_text(name: str, text: str) -> str:
    """What a person types for setting ``name`` (``huddle settings NAME VALUE``) as it is stored.

    Lists are written comma-separated; times as HH:MM; the liability rule as a preset's name
    or its JSON.  Refused (InputError) unless ``Settings.from_rows`` accepts it."""
    from huddle.errors import InputError

    names = [f.name for f in fields(Settings)]
    if name not in names:
        raise InputError("settings.unknown", name=name, names=", ".join(names))
    current = getattr(Settings(), name)
    value = text.strip()
    if isinstance(current, tuple):
        raw = json.dumps([part.strip() for part in value.split(",") if part.strip()])
    elif isinstance(current, (LiabilityRule, time)):
        raw = value
    elif isinstance(current, int):
        raw = value if value.lstrip("-").isdigit() else json.dumps(value)
    else:
        raw = json.dumps(value)
    Settings.from_rows({name: raw}, strict=True)
    return raw
