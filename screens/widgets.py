"""Widgets of the live screen: the case timer, the time box, the patient card, attendance, the room.

Everything people typed (names, questions, decisions) is shown as literal text
(``rich.text.Text``), never read as markup.
"""

from __future__ import annotations

from datetime import date, datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Digits, Static

from huddle.domain.clock import local_time, to_utc
from huddle.domain.timing import TimerState, case_seconds, format_seconds, time_box, timer_state, whole_seconds
from huddle.domain.vocab import DecisionKind, MeetingRole
from huddle.i18n import t


def weekday_date(day) -> dict:  # noqa: ANN001
    return {"weekday": t(f"tui.weekday.{day.weekday()}"), "date": day.isoformat()}


def elapsed_of(live, now: datetime) -> float | None:  # noqa: ANN001
    """The current case's time from its stored intervals and ``now``; None without a current case."""
    if live is None or live.current_case_id is None:
        return None
    return case_seconds(live.current_intervals, now, seen_at=live.as_of, kept=live.kept)


class CaseTimer(Vertical):
    """A large timer for the current case: within target, warning from 80 %, over-run past 100 %.

    The state is shown in colour (a CSS class) and in words.
    """

    shown: tuple[datetime, float] | None = None  # (the clock's now, the elapsed seconds) last shown

    def compose(self) -> ComposeResult:
        yield Digits("0:00", id="timer-digits")
        yield Static("", id="timer-words")

    def show(self, elapsed: float | None, target_s: int, running: bool) -> TimerState | None:
        digits = self.query_one("#timer-digits", Digits)
        words = self.query_one("#timer-words", Static)
        for state in TimerState:
            self.remove_class(f"-{state.value}")
        self.set_class(not running and elapsed is not None, "-paused")
        if elapsed is None:
            digits.update("-:--")
            words.update(t("tui.live.no_case"))
            return None
        # Whole seconds as every reader counts them: what is shown plus what is left is the target.
        shown = whole_seconds(elapsed)
        state = timer_state(shown, target_s)
        self.add_class(f"-{state.value}")
        digits.update(format_seconds(shown))
        target = format_seconds(target_s)
        if state is TimerState.OVER:
            text = t("tui.timer.over", over=format_seconds(shown - target_s), target=target)
        elif state is TimerState.WARNING:
            text = t("tui.timer.warning", left=format_seconds(max(target_s - shown, 0)), target=target)
        else:
            text = t("tui.timer.within", target=target)
        if not running:
            text = f"{t('tui.live.paused')} · {text}"
        words.update(Text(text))
        return state


class TimeBoxView(Static):
    """What is left of the meeting's time box, shared over the cases left, and the projected end."""

    def show(self, live, now: datetime, tz: str, *, bell: bool = False) -> None:  # noqa: ANN001
        if live is None:
            self.update("")
            return
        h = live.huddle
        title = Text(t("tui.box.title"), style="bold")
        # The clock, in the store's time zone: the projected end below is a time of day too.
        title.append("   " + t("tui.box.clock", now=local_time(now, tz).strftime("%H:%M")))
        if bell:
            title.append("   " + t("tui.box.bell_on"))
        if h.started_at is None:
            line = t("tui.box.planned", box=format_seconds(h.timebox_s))
            self.update(Text.assemble(title, "\n", line))
            return
        if h.finished_at is not None:
            # Finished: "Per remaining case: 1:29:50 (0 left)" and a projected end meant nothing.
            took = (to_utc(h.finished_at) - to_utc(h.started_at)).total_seconds()
            line = t(
                "tui.box.finished",
                end=local_time(to_utc(h.finished_at), tz).strftime("%H:%M"),
                took=format_seconds(whole_seconds(max(took, 0))),
                box=format_seconds(h.timebox_s),
            )
            self.update(Text.assemble(title, "\n", line))
            return
        waiting = sum(1 for c in live.cases if c.state == "waiting")
        if not live.cases:
            # Nothing to share the time over: "Per remaining case: 1:29:39 (0 left)" told nothing.
            self.update(Text.assemble(title, "\n", t("tui.box.empty", box=format_seconds(h.timebox_s))))
            return
        raw = elapsed_of(live, now)
        # Whole seconds as the timer shows them, so what is shown and what is left add up.
        elapsed = float(whole_seconds(raw)) if raw is not None else None
        end_now = to_utc(h.finished_at) if h.finished_at else now
        box = time_box(
            now=end_now,
            started_at=to_utc(h.started_at),
            timebox_s=h.timebox_s,
            target_s=h.target_s,
            current_elapsed_s=elapsed,
            waiting=waiting if h.state == "running" else 0,
        )
        left = Text(t("tui.box.left", left=format_seconds(whole_seconds(box.time_left_s))))
        if box.time_left_s < 0:
            left.stylize("bold red")
        per = t("tui.box.per_case", per=format_seconds(whole_seconds(max(box.per_case_s, 0))), count=box.cases_left)
        end = local_time(box.projected_end, tz).strftime("%H:%M")
        if box.projected_over_s >= 1:
            over = format_seconds(whole_seconds(box.projected_over_s))
            proj = Text(t("tui.box.projected_over", end=end, over=over), style="bold")
        else:
            proj = Text(t("tui.box.projected", end=end))
        self.update(Text.assemble(title, "\n", left, "\n", per, "\n", proj))


def _decision_line(d, earlier: bool = False) -> Text:  # noqa: ANN001
    who = d.responsible_org or t("tui.card.none")
    if d.responsible_person:
        who = f"{who} / {d.responsible_person}"
    due = d.due_date.isoformat() if d.due_date else t("tui.card.none")
    line = t("tui.card.decision_line", text=d.text, who=who, due=due, kind=DecisionKind.label_of(d.kind))
    if earlier:
        line += " " + t("tui.card.decided_on", date=d.huddle_date.isoformat())
    out = Text(("  ✓ " if d.done else "  • ") + line)
    if d.done:
        out.append(" " + t("tui.card.done"), style="bold")
    return out


def card_text(card, tz: str = "Europe/Stockholm", today: date | None = None) -> Text:  # noqa: ANN001
    """The patient card as literal text; ``today`` (the store's local date) marks a SIP deadline or
    a first payment-liable day that has arrived."""
    if card is None:
        return Text(t("tui.live.no_case"), style="italic")
    from huddle.domain.summary import day_text, left_text, readiness_alerts, readiness_text

    c = card.case
    none = t("tui.card.none")
    out = Text()
    out.append(f"{c.name or none}", style="bold")
    out.append(f"  {c.pnr or none}\n")
    out.append(t("tui.card.where", unit=c.unit or none, municipality=c.municipality or none) + "\n")
    if card.admission_date:
        out.append(t("tui.card.admitted", date=card.admission_date.isoformat()) + "\n")
    if card.care_contact:
        out.append(t("tui.card.contact", name=card.care_contact) + "\n")
    if c.carried:
        when = weekday_date(card.carried_from) if card.carried_from else {"weekday": "", "date": none}
        reason = left_text(c.defer_reason, card.carried_seconds)
        key = "tui.card.carried_from_reason" if reason else "tui.card.carried_from"
        out.append("↻ " + t(key, reason=reason, **when) + "\n", style="italic")
    out.append(t("tui.card.question") + " ", style="bold")
    out.append((c.question or none) + "\n")
    if card.open_decisions:
        out.append(t("tui.card.open_decisions") + "\n", style="bold")
        for d in card.open_decisions:
            out.append_text(_decision_line(d, earlier=True))
            out.append("\n")
    if card.decisions:
        out.append(t("tui.card.decisions") + "\n", style="bold")
        for d in card.decisions:
            out.append_text(_decision_line(d))
            out.append("\n")
    r = card.readiness
    # The same words as the summary pasted into the record (one function says both).
    state, days = readiness_text(r, tz)
    out.append(t("tui.card.readiness", state=state) + "\n")
    if days:
        out.append("  " + days + "\n")
    for alert in readiness_alerts(r, today) if today is not None and r is not None else ():
        if alert == "sip" and r.sip_deadline is not None:
            key = "tui.card.sip_today" if r.sip_deadline == today else "tui.card.sip_passed"
            out.append(t(key, date=r.sip_deadline.isoformat()) + "\n", style="bold red")
        elif alert == "liable" and r.first_liable_day is not None:
            out.append(t("tui.card.liable_now", date=r.first_liable_day.isoformat()) + "\n", style="bold red")
    if card.blockers:
        out.append(t("tui.card.blockers") + "\n", style="bold")
        for b in card.blockers:
            out.append("  • " + t("tui.card.blocker_line", what=b.what, org=b.owner_org) + "\n")
    if card.day_mark:
        style = "bold red" if card.day_mark == "red" else "bold green"
        out.append(day_text(card.day_mark, card.day_note) + "\n", style=style)
    out.rstrip()
    return out


class PatientCardView(Static):
    def show(self, card, tz: str = "Europe/Stockholm", today: date | None = None) -> None:  # noqa: ANN001
        self.update(card_text(card, tz, today))


def role_label(role: str | None) -> str:
    """A meeting role as the room page labels it too (``huddle.domain.vocab``)."""
    if not role:
        return t("tui.card.none")
    return MeetingRole.label_of(role)


class AttendanceView(Static):
    """Who is here, by organisation and role, and a warning while a needed role is missing."""

    def show(self, live) -> None:  # noqa: ANN001
        out = Text(t("tui.att.title"), style="bold")
        rows = live.attendance if live else ()
        present = [a for a in rows if a.left_at is None]
        here = {(a.name, a.organisation) for a in present}
        # Who was in the meeting and has gone (the room's or a manual leave), once each.
        gone = list(dict.fromkeys(
            (a.name, a.organisation) for a in rows if a.left_at is not None and (a.name, a.organisation) not in here))
        finished = live is not None and live.huddle.state == "finished"
        if not present:
            # After the meeting, a (press a) hint would point at a key that no longer acts.
            out.append("\n" + t("tui.att.nobody_now" if gone else "tui.att.none_finished" if finished else "tui.att.none"))
        by_org: dict[str, list] = {}
        for a in present:
            by_org.setdefault(a.organisation or t("tui.card.none"), []).append(a)
        for org in sorted(by_org):
            out.append(f"\n{org}: ", style="bold")
            out.append(", ".join(f"{a.name} ({role_label(a.role)})" for a in by_org[org]))
        if gone:
            out.append("\n" + t("tui.att.left", names=", ".join(
                name + (f" ({org})" if org else "") for name, org in gone)))
        missing = live.missing_roles if live else ()
        self.set_class(bool(missing), "-missing")
        if missing:
            out.append("\n⚠ " + t("tui.att.missing", roles=", ".join(role_label(r) for r in missing)), style="bold")
        elif live is not None:
            out.append("\n" + t("tui.att.complete"))
        self.update(out)


class RoomView(Static):
    def show(self, info, people: list[dict] | None, tz: str = "Europe/Stockholm", *,  # noqa: ANN001
             attended: list | None = None, finished: bool = False) -> None:
        """``attended``: the huddle's attendance rows from the room (who was there, also after
        leaving); ``finished``: the meeting is over, so the code admits nobody and is not shown."""
        from huddle.domain.text import shown

        out = Text(t("tui.room.title"), style="bold")
        seen = list(dict.fromkeys(
            shown(a.name) + (f" ({shown(a.organisation)})" if a.organisation else "") for a in (attended or [])))
        if info is None:
            out.append("\n" + t("tui.room.off"))
        elif finished:
            out.append("\n" + t("tui.room.finished"))
            out.append("\n" + (t("tui.room.attended", names=", ".join(seen)) if seen else t("tui.room.nobody_came")))
        else:
            expires = getattr(info, "expires", None)
            if isinstance(expires, datetime):
                exp = local_time(expires, tz).strftime("%Y-%m-%d %H:%M")
            else:
                exp = str(expires)
            out.append("\n" + t("tui.room.open", link=info.link, code=info.code, expires=exp))
            names = [
                shown(str(p.get("name") or "?")) + (f" ({shown(str(p['organisation']))})" if p.get("organisation") else "")
                for p in (people or [])
            ]
            if names:
                out.append("\n" + t("tui.room.people", names=", ".join(names)))
            elif seen:
                out.append("\n" + t("tui.room.nobody_now", names=", ".join(seen)))
            else:
                out.append("\n" + t("tui.room.nobody"))
        self.update(out)


def fill_table(
    table,  # noqa: ANN001
    columns: list[tuple[str, str]],
    rows: list[tuple[str, list[Text]]],
    min_widths: dict[str, int] | None = None,
    max_widths: dict[str, int] | None = None,
) -> None:
    """Replace a DataTable's columns and rows, with column widths computed here from the cells
    (long cells cut with an ellipsis at ``max_widths``).

    (DataTable's own auto width is measured later, when idle; fixing the widths
    up front makes what is painted the same every time.)
    """
    from rich.cells import cell_len

    min_widths = min_widths or {}
    max_widths = max_widths or {}
    widths = {key: max(cell_len(label), min_widths.get(key, 0)) for key, label in columns}
    for _key, cells in rows:
        for (key, _label), cell in zip(columns, cells):
            limit = max_widths.get(key)
            if limit and cell_len(cell.plain) > limit:
                cell.truncate(limit, overflow="ellipsis")
            widths[key] = max(widths[key], cell_len(cell.plain))
    table.clear(columns=True)
    for key, label in columns:
        table.add_column(label, key=key, width=widths[key])
    for key, cells in rows:
        table.add_row(*cells, key=key)
