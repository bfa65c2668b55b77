"""The roles people have in the meeting: one vocabulary for the room page, the app and the services.

Attendance records which role someone has in the meeting (not their access
roles in the store: nurse, facilitator, manager, admin).  The needed-roles
warning, the attendance dialog, the room's role choice and the statistics all
use these keys, labelled by one catalogue family (``role.<key>`` in
``huddle/messages/roles.py``).  Anything else is refused, never stored as typed.
"""

from __future__ import annotations

from enum import StrEnum


class MeetingRole(StrEnum):
    NEEDS_ASSESSOR = "needs_assessor"  # the municipality's biståndshandläggare
    WARD_NURSE = "ward_nurse"
    PHYSICIAN = "physician"
    HOME_CARE_NURSE = "home_care_nurse"  # the municipality's nurse (hemsjukvård)
    DISTRICT_NURSE = "district_nurse"  # primary care's nurse (distriktssköterska)
    REHAB = "rehab"
    OTHER = "other"


ROLES: tuple[str, ...] = tuple(r.value for r in MeetingRole)


def role_key(role: str) -> str:
    """The catalogue key of a role's label."""
    return f"role.{role}"


def role_label(role: str | None, lang: str | None = None) -> str:
    """A role as people read it; a role outside the vocabulary (an old row) as it was stored."""
    from huddle.i18n import t

    if not role:
        return ""
    if role not in ROLES:
        return role
    return t(role_key(role), lang=lang)


def parse_role(text: str | None) -> str | None:
    """A role from the vocabulary, or None for no role; anything else raises ``InputError``."""
    from huddle.errors import InputError

    value = (text or "").strip()
    if not value:
        return None
    if value not in ROLES:
        raise InputError("role.unknown", value=value[:40], roles=", ".join(ROLES))
    return value
