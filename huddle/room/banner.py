"""What the room's banner shows: built from the live state, never more than the local policy allows.

A plain function over plain values.  The identity number is never part of a
banner; the name only as initials (policy ``initials_unit``, the default).
"""

from __future__ import annotations

from datetime import datetime

from huddle.domain.dto import LiveState
from huddle.domain.timing import case_seconds, timer_state

POLICIES = ("initials_unit", "unit", "none")


def initials(name: str | None) -> str:
    """'Tolvan Tolvansson' -> 'T.T.'; hyphenated names keep both parts ('Anna-Lena Berg' -> 'A.L.B.')."""
    if not name:
        return ""
    parts = [p for chunk in name.replace("-", " ").split() for p in [chunk.strip(".,")] if p]
    return "".join(f"{p[0].upper()}." for p in parts)


def banner_from_live(live: LiveState, now: datetime, policy: str = "initials_unit") -> dict:
    """The banner for the room's participants at ``now``.

    ``elapsed_s`` is computed from the current case's stored intervals; with
    ``running`` and ``at`` (the server's time) the page keeps the timer ticking
    between updates.
    """
    if policy not in POLICIES:
        policy = "initials_unit"
    huddle = live.huddle
    cases = [c for c in live.cases]
    current = next((c for c in cases if c.case_id == live.current_case_id), None)
    target = int(huddle.target_s)
    banner: dict = {
        "type": "banner",
        "date": huddle.date.isoformat(),
        "meeting": huddle.state,  # planned | running | finished
        "of": len(cases),
        "done": sum(1 for c in cases if c.state in ("done", "deferred")),
        "target_s": target,
        "at": now.isoformat(),
        "at_ms": int(now.timestamp() * 1000),
        "position": None,
        "case": None,
        "running": False,
        "elapsed_s": 0.0,
        "timer": "within",
        "patient": "",
        "unit": "",
    }
    if current is None:
        return banner
    elapsed = case_seconds(live.current_intervals, now, seen_at=live.as_of, kept=live.kept)
    banner.update(
        position=cases.index(current) + 1,
        case=current.state,  # waiting | active | done | deferred
        running=bool(live.running),
        elapsed_s=round(elapsed, 1),
        timer=timer_state(elapsed, target).value,
    )
    if policy == "initials_unit":
        banner["patient"] = initials(current.name)
    if policy in ("initials_unit", "unit"):
        banner["unit"] = current.unit or ""
    return banner
