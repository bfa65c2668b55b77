"""The huddle's vocabulary, defined once: meeting roles, decision kinds, readiness states, day
colours, statistics groupings and the system's defer reasons.

Each is a ``StrEnum`` whose values are what the store keeps; each label comes from one family of
the message catalogue (``huddle/messages/vocab.py``), so the card, the summary pasted into the
record, the command line, the statistics and the room page all say the same word.

Attendance records which role someone has in the meeting (not their access roles in the store:
nurse, facilitator, manager, admin).  A value outside a vocabulary is refused where people enter
it, and an old stored one is shown as it was stored.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Self


class Vocabulary(StrEnum):
    """A closed list of codes with a catalogue label each (``<family>.<code>``)."""

    @classmethod
    def family(cls) -> str:
        raise NotImplementedError

    @classmethod
    def values(cls) -> tuple[str, ...]:
        return tuple(m.value for m in cls)

    @classmethod
    def label_of(cls, value: str | None, lang: str | None = None) -> str:
        """``value``'s label; a value outside the vocabulary (an old row) as it was stored."""
        from huddle.i18n import t

        if not value:
            return ""
        if value not in cls.values():
            return value
        return t(f"{cls.family()}.{value}", lang=lang)

    @classmethod
    def parse(cls, text: str | None) -> Self:
        """The member ``text`` names; anything else raises ``InputError`` naming the allowed codes."""
        from huddle.errors import InputError

        value = (text or "").strip()
        try:
            return cls(value)
        except ValueError:
            raise InputError(f"{cls.family()}.unknown", value=value[:40], allowed=", ".join(cls.values())) from None

    def label(self, lang: str | None = None) -> str:
        return type(self).label_of(self.value, lang)


class MeetingRole(Vocabulary):
    NEEDS_ASSESSOR = "needs_assessor"  # the municipality's biståndshandläggare
    WARD_NURSE = "ward_nurse"
    PHYSICIAN = "physician"
    HOME_CARE_NURSE = "home_care_nurse"  # the municipality's nurse (hemsjukvård)
    DISTRICT_NURSE = "district_nurse"  # primary care's nurse (distriktssköterska)
    REHAB = "rehab"
    OTHER = "other"

    @classmethod
    def family(cls) -> str:
        return "role"


class DecisionKind(Vocabulary):
    HOME_VISIT = "home_visit"
    SIP_MEETING = "sip_meeting"
    MEDICATION_REVIEW = "medication_review"
    OTHER = "other"

    @classmethod
    def family(cls) -> str:
        return "kind"


class ReadinessState(Vocabulary):
    NOT_READY = "not_ready"
    EXPECTED = "expected"
    READY = "ready"  # utskrivningsklar
    DISCHARGED = "discharged"

    @classmethod
    def family(cls) -> str:
        return "readiness"


class DayColour(Vocabulary):
    """The SAFER/Red2Green mark of a patient's day: did it move the discharge forward?"""

    RED = "red"
    GREEN = "green"

    @classmethod
    def family(cls) -> str:
        return "day"


class Grouping(Vocabulary):
    """How the statistics group their figures."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    UNIT = "unit"
    MUNICIPALITY = "municipality"
    ORGANISATION = "organisation"

    @classmethod
    def family(cls) -> str:
        return "grouping"


class DeferReason(Vocabulary):
    """The reasons the system itself records for a case that moves on to the next meeting (a
    person's reason is free text)."""

    NOT_REACHED = "not_reached"  # the meeting finished before the case came up

    @classmethod
    def family(cls) -> str:
        return "reason"


ROLES: tuple[str, ...] = MeetingRole.values()


def role_key(role: str) -> str:
    """The catalogue key of a role's label."""
    return f"role.{role}"


def role_label(role: str | None, lang: str | None = None) -> str:
    """A role as people read it; a role outside the vocabulary (an old row) as it was stored."""
    return MeetingRole.label_of(role, lang)


def parse_role(text: str | None) -> str | None:
    """A role from the vocabulary, or None for no role; anything else raises ``InputError``."""
    if not (text or "").strip():
        return None
    return MeetingRole.parse(text).value
