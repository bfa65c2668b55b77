"""What the card, the summary pasted into the record and the command line say about a case: one
wording for each fact, so that no two views can disagree (the card once said "discharged before
payment liability" where the summary said "payment-liable days: 0").

Pure: the values come from ``huddle.domain.dto`` (or the summary's JSON), the words from the
message catalogue.
"""

from __future__ import annotations

from datetime import date, datetime

from huddle.domain.dto import DecisionInfo, ReadinessInfo
from huddle.domain.timing import whole_seconds
from huddle.domain.vocab import DayColour, DecisionKind, DeferReason, ReadinessState


def reason_text(reason: str | None) -> str | None:
    """A stored defer reason as a person reads it (the "not reached" code is translated)."""

    if reason == DeferReason.NOT_REACHED:
        return DeferReason.NOT_REACHED.label()
    return reason


def left_text(reason: str | None, seconds: float) -> str | None:
    """Why a case left a finished huddle unclosed: "not reached" only when it was never discussed;
    a case with time was discussed and not finished; a deferral says its own reason."""
    from huddle.i18n import t

    if reason == DeferReason.NOT_REACHED and whole_seconds(seconds) > 0:
        return t("meeting.reason.not_finished")
    return reason_text(reason)


def readiness_alerts(r: ReadinessInfo | None, today: date) -> tuple[str, ...]:
    """What has arrived for a patient still ready for discharge: ``"sip"`` (the SIP invitation's
    deadline is today or past) and ``"liable"`` (the municipality pays from today or earlier)."""
    if r is None or r.state != "ready":
        return ()
    out = []
    if r.sip_deadline is not None and r.sip_deadline <= today:
        out.append("sip")
    if r.first_liable_day is not None and r.first_liable_day <= today:
        out.append("liable")
    return tuple(out)


def day_text(colour: str | None, note: str | None) -> str:
    """The day's red/green mark as the card and the summary pasted into the record both say it."""
    from huddle.i18n import t

    if not colour:
        return t("meeting.sum.day", mark=t("meeting.day.none"))
    mark = DayColour.label_of(colour)
    return t("tui.card.day_note", mark=mark, note=note) if note else t("meeting.sum.day", mark=mark)


def readiness_text(r: ReadinessInfo | None, tz: str) -> tuple[str, str | None]:
    """What the card and the summary pasted into the record both say about discharge readiness:
    the state (with its date, or the ready-since time in local time) and, once ready, the
    discharge-ready days, the payment liability and the SIP deadline.  The one wording of it."""
    from huddle.domain.clock import local_time
    from huddle.i18n import t

    if r is None:
        return t("meeting.sum.readiness_unknown"), None
    state = ReadinessState.label_of(r.state)
    if r.state == "expected" and r.expected_date:
        state += " " + t("meeting.sum.expected", date=r.expected_date.isoformat())
    when = local_time(r.ready_at, tz).strftime("%Y-%m-%d %H:%M") if r.ready_at else None
    if when and r.state == "ready":
        state += " " + t("meeting.sum.ready_since", when=when)
    if r.state == "discharged":
        # "discharged on 12-03 (ready for discharge since 12-02 11:45)", not "discharged since 12-02 on 12-03"
        if r.discharged_date:
            state += " " + t("meeting.sum.discharged", date=r.discharged_date.isoformat())
        if when:
            state += " " + t("meeting.sum.was_ready_since", when=when)
    if r.ready_days is None:
        return state, None
    parts = [t("meeting.ready.days", count=r.ready_days)]
    first = r.first_liable_day.isoformat() if r.first_liable_day else "-"
    discharged_first = bool(
        r.state == "discharged" and r.discharged_date and r.first_liable_day and r.first_liable_day >= r.discharged_date
    )
    if discharged_first:
        parts.append(t("meeting.ready.not_liable", first=first))
    else:
        parts.append(t("meeting.ready.liable", count=r.liable_days or 0, first=first))
    if r.sip_deadline:
        parts.append(t("meeting.ready.sip", sip=r.sip_deadline.isoformat()))
    return state, "; ".join(parts)


def decision_json(d: DecisionInfo) -> dict:
    return {
        "text": d.text,
        "kind": d.kind,
        "responsible_org": d.responsible_org,
        "responsible_person": d.responsible_person,
        "due_date": d.due_date.isoformat() if d.due_date else None,
        "done": d.done,
        "huddle_date": d.huddle_date.isoformat(),
    }


def readiness_json(r: ReadinessInfo | None) -> dict | None:
    if r is None:
        return None
    return {
        "state": r.state,
        "expected_date": r.expected_date.isoformat() if r.expected_date else None,
        "ready_at": r.ready_at.isoformat() if r.ready_at else None,
        "discharged_date": r.discharged_date.isoformat() if r.discharged_date else None,
        "ready_days": r.ready_days,
        "liable_days": r.liable_days,
        "first_liable_day": r.first_liable_day.isoformat() if r.first_liable_day else None,
        "sip_deadline": r.sip_deadline.isoformat() if r.sip_deadline else None,
    }


def readiness_from_json(r: dict | None) -> ReadinessInfo | None:
    """The summary's readiness (as ``--format json`` gives it) back as the value the card has."""
    if r is None:
        return None

    def day(key: str) -> date | None:
        return date.fromisoformat(r[key]) if r[key] else None

    return ReadinessInfo(
        state=r["state"],
        expected_date=day("expected_date"),
        ready_at=datetime.fromisoformat(r["ready_at"]) if r["ready_at"] else None,
        discharged_date=day("discharged_date"),
        recorded_at=None,
        ready_days=r["ready_days"],
        liable_days=r["liable_days"],
        first_liable_day=day("first_liable_day"),
        sip_deadline=day("sip_deadline"),
    )


def summary_text(data: dict, tz: str) -> str:
    """The summary pasted into the record: every line from ``data`` (``case_summary``'s fields, as
    ``--format json`` gives them), in the current language; the card says the same through
    ``readiness_text``, ``day_text`` and ``left_text``."""
    from huddle.domain.timing import format_seconds
    from huddle.i18n import t

    def decision_line(d: dict) -> str:
        who = ", ".join(x for x in (d["responsible_org"], d["responsible_person"]) if x) or t("meeting.sum.nobody")
        parts = [f"- {d['text']} ({DecisionKind.label_of(d['kind'])})", t("meeting.sum.responsible", who=who)]
        if d["due_date"]:
            parts.append(t("meeting.sum.due", date=d["due_date"]))
        if d["done"]:
            parts.append(t("meeting.sum.done"))
        return "; ".join(parts)

    lines = [
        t("meeting.sum.head", date=data["huddle_date"]),
        t("meeting.sum.patient", name=data["name"] or "-", pnr=data["pnr"] or "-"),
    ]
    place = ", ".join(x for x in (data["unit"], data["municipality"]) if x)
    if place:
        lines.append(t("meeting.sum.place", place=place))
    lines.append(t("meeting.sum.question", question=data["question"] or "-"))
    state = t("state." + data["state"])
    if data["deferred_here"]:
        state = f"{state} ({left_text(data['defer_reason'], data['seconds'])})"
    lines.append(t("meeting.sum.state", state=state))
    if data["carried_from_date"]:
        reason = None if data["deferred_here"] else left_text(data["defer_reason"], data["carried_seconds"])
        key = "meeting.sum.carried_reason" if reason else "meeting.sum.carried"
        lines.append(t(key, date=data["carried_from_date"], reason=reason))
    if data["decisions"]:
        lines.append(t("meeting.sum.decisions"))
        lines.extend(decision_line(d) for d in data["decisions"])
    else:
        lines.append(t("meeting.sum.no_decisions"))
    if data["open_decisions"]:
        lines.append(t("meeting.sum.open_decisions"))
        lines.extend(f"{decision_line(d)} [{d['huddle_date']}]" for d in data["open_decisions"])
    state_text, days_text = readiness_text(readiness_from_json(data["readiness"]), tz)
    lines.append(t("meeting.sum.readiness", text=f"{state_text}; {days_text}" if days_text else state_text))
    if data["blockers"]:
        lines.append(t("meeting.sum.blockers"))
        lines.extend(f"- {b['what']} ({t('meeting.sum.owner', owner=b['owner_org'])})" for b in data["blockers"])
    else:
        lines.append(t("meeting.sum.no_blockers"))
    lines.append(day_text(data["day_mark"], data["day_mark_note"]))
    lines.append(
        t("meeting.sum.time", used=format_seconds(data["seconds"]), target=format_seconds(data["target_s"]))
    )
    return "\n".join(lines)
