"""Validation of what a nurse types for a patient: one rule set for the form, the CLI and CSV."""

from __future__ import annotations

from datetime import date

from huddle.domain import pnr as pnr_rules
from huddle.domain.text import checked
from huddle.errors import InputError

MAX_LEN = {"name": 120, "unit": 120, "municipality": 80, "question": 2000}
REQUIRED = ("pnr", "name", "unit", "municipality")
MULTILINE = ("question",)


def validate_field(field: str, value: str | None, today: date) -> str:
    """The cleaned value, or InputError naming the field and the reason."""
    if field == "pnr":
        if not (value or "").strip():
            raise InputError("field.required", field=_label(field))
        return pnr_rules.normalise(value or "", today)
    text = checked(value, label=_label(field), limit=MAX_LEN[field], required=field in REQUIRED,
                   lines=field in MULTILINE)
    return text or ""


def validate_patient(values: dict[str, str | None], today: date) -> dict[str, str]:
    return {f: validate_field(f, values.get(f), today) for f in ("pnr", "name", "unit", "municipality", "question")}


def _label(field: str) -> str:
    from huddle.i18n import t

    return t(f"field.{field}")


def parse_date(text: str | None, what: str = "--date") -> date | None:
    """YYYY-MM-DD, or InputError naming what was wrong."""
    if text is None or text == "":
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError as exc:
        raise InputError("date.bad", value=text, what=what) from exc
