"""The live huddle screen: the facilitator runs the meeting patient by patient, by keyboard.

Each key is one stored action (a thread worker calls ``huddle.services.meeting``);
the screen shows the ``LiveState`` the service returns.  The timer is computed
from the current case's stored intervals and the clock several times a second,
never by counting ticks; a heartbeat is stored about once a second while a case
runs, so a killed app loses at most a second of the case's time.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from huddle.domain.timing import case_seconds, format_seconds, whole_seconds
from huddle.domain.vocab import DayColour, DecisionKind, DeferReason, ReadinessState
from huddle.i18n import t
from screens.commands import translate_bindings
from screens.widgets import (
    AttendanceView,
    CaseTimer,
    PatientCardView,
    RoomView,
    TimeBoxView,
    elapsed_of,
    fill_table,
    weekday_date,
)

if TYPE_CHECKING:
    from textual.timer import Timer

    from huddle.domain.dto import LiveState, PatientCard
    from huddle.room.control import RoomController, RoomInfo
    from screens.app import HuddleApp

# The same values as huddle.services.meeting (not imported here: it imports SQLAlchemy).
DECISION_KINDS = DecisionKind.values()
READINESS_STATES = ReadinessState.values()
ALWAYS = {"attendance", "room", "agenda", "bell", "leave"}
MEETING_ACTIONS = {"next", "pause", "back", "defer", "finish", "select_row"}
CASE_ACTIONS = {"decision", "readiness", "blocker", "day_mark", "decisions", "blockers"}
PLUS_S = 60  # the "+1 min" key: the huddle's per-case target, one minute longer
TICK_S = 0.2
HEARTBEAT_S = 1.0
ROOM_POLL_S = 3.0
REFRESH_S = 5.0
TIME_WIDTH = {"time": 9}  # room for h:mm:ss and the over-target mark
OVER_MARK = " !"
LEGEND = (("↻", "carried"), ("⚠", "alert"), ("!", "over"))  # the list's marks, explained under the heading


class LiveScreen(Screen):
    if TYPE_CHECKING:
        # Only shown by HuddleApp (whose store jobs, clock and settings it uses).  Typing only:
        # at run time ``app`` stays Textual's own property.
        app = getters.app(HuddleApp)

    BINDINGS = [
        Binding("s", "start", "tui.key.start"),
        Binding("n", "next", "tui.key.next"),
        Binding("space", "pause", "tui.key.pause", key_display="tui.keyname.space"),
        Binding("d", "defer", "tui.key.defer"),
        Binding("e", "decision", "tui.key.decision"),
        Binding("r", "readiness", "tui.key.readiness"),
        Binding("k", "blocker", "tui.key.blocker"),
        Binding("g", "day_mark", "tui.key.day"),
        Binding("f", "finish", "tui.key.finish"),
        Binding("c", "copy", "tui.key.copy"),
        # Not in the footer (it keeps to the keys of every case, so that the Swedish footer fits 100
        # columns with "? Hjälp" at its end); in help and the palette.
        Binding("b", "back", "tui.key.back", show=False),
        Binding("a", "attendance", "tui.key.attendance", show=False),
        Binding("enter", "select_row", "tui.key.select_row", key_display="tui.keyname.enter", show=False),
        Binding("E", "decisions", "tui.key.decisions", show=False),
        Binding("K", "blockers", "tui.key.blockers", show=False),
        Binding("A", "leave", "tui.key.leave", show=False),
        Binding("plus", "plus_minute", "tui.key.plus_minute", key_display="+", show=False),
        Binding("B", "bell", "tui.key.bell", show=False),
        Binding("v", "room", "tui.key.room", show=False),
        Binding("escape", "agenda", "tui.key.agenda", key_display="Esc", show=False),
    ]

    def __init__(self, day: date) -> None:
        super().__init__()
        translate_bindings(self)
        self.day = day
        self.live: LiveState | None = None
        self.room: RoomController | None = None
        self.room_info: RoomInfo | None = None
        self.room_people: list[dict] = []
        self._room_starting = False
        self._room_poll: Timer | None = None
        self._beat_pending = False
        self._row_times: dict[int, str] = {}
        self._shown_current: int | None = None  # the current case the list's cursor was last moved to
        self._filled = False
        self.bell_on = False  # the terminal bell when the current case reaches its target (B)
        self._belled: int | None = None  # the case the bell rang for

    # -- layout ------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        with Horizontal(id="live-main"):
            with Vertical(id="live-left"):
                yield Static(Text(t("tui.live.heading", **weekday_date(self.day)), style="bold"), id="live-heading")
                yield DataTable(id="live-cases", cursor_type="row", zebra_stripes=True)
                yield AttendanceView("", id="live-attendance")
                yield RoomView("", id="live-room")
            with Vertical(id="live-right"):
                yield CaseTimer(id="live-timer")
                yield TimeBoxView("", id="live-timebox")
                with VerticalScroll(id="live-card-scroll"):
                    yield PatientCardView("", id="live-card")
        # Compact, without the palette hint (Ctrl+P still opens it; help says so): every meeting key fits.
        yield Footer(compact=True, show_command_palette=False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Show (and allow) only the keys that make sense now, so the footer fits and reads true."""
        live = self.live
        if live is None:
            return action in ALWAYS
        state = live.huddle.state
        if action == "start":
            return state == "planned"
        if action == "plus_minute":
            return state != "finished"
        if action in MEETING_ACTIONS:
            return state == "running"
        if action in CASE_ACTIONS:
            return live.current_case_id is not None
        if action == "copy":
            return bool(live.cases)
        return True

    def on_mount(self) -> None:
        table = self.query_one("#live-cases", DataTable)
        fill_table(table, self.columns(), [], TIME_WIDTH)
        table.focus()
        self.query_one(RoomView).show(None, None)
        self.set_interval(TICK_S, self.tick)
        self.set_interval(HEARTBEAT_S, self.beat)
        self.set_interval(REFRESH_S, self.reload)
        self.reload(explicit=True)

    async def on_unmount(self) -> None:
        if self.room is not None:
            try:
                await self.room.stop()
            except Exception:  # noqa: BLE001
                pass

    @staticmethod
    def columns() -> list[tuple[str, str]]:
        return [
            ("pos", t("col.position")),
            ("name", t("col.name")),
            ("state", t("col.state")),
            ("time", t("tui.col.time")),
        ]

    # -- data --------------------------------------------------------------------------
    def reload(self, explicit: bool = False) -> None:
        """Load the huddle: explicitly (on opening: recovers a killed case's open interval and logs
        the read), or quietly (a periodic refresh, e.g. for attendance from the video room: read-only)."""
        quiet: dict[str, Any] = {} if explicit else {"recover": False, "audit": False}
        self.app.run_store(_meeting("load_live"), self.day, on_done=self.apply, key=f"live-{self.day}", **quiet)

    def do(self, name: str, *args, notify: str | None = None) -> None:  # noqa: ANN002
        """Run ``meeting.<name>(store, day, *args)`` and show the state it returns."""

        def done(live) -> None:  # noqa: ANN001
            self.apply(live)
            if notify:
                self.notify(notify, markup=False)

        self.app.run_store(_meeting(name), self.day, *args, on_done=done)

    def apply(self, live) -> None:  # noqa: ANN001
        self.live = live
        self._row_times = {}
        h = live.huddle
        heading = Text(t("tui.live.heading", **weekday_date(self.day)), style="bold")
        heading.append("   " + t("tui.agenda.state", state=t(f"tui.hstate.{h.state}")))
        if h.state == "planned":
            heading.append("\n" + t("tui.live.not_started"), style="italic")
        elif h.state == "finished":
            heading.append("\n" + t("tui.live.finished"), style="italic")
        table = self.query_one("#live-cases", DataTable)
        cells = []
        now = self.app.clock.now()
        current_row = None
        alerts = dict(live.alerts)
        marked: set[str] = set()
        for i, c in enumerate(live.cases):
            seconds = self._case_time(c, now)
            current = c.case_id == live.current_case_id
            state = Text(self._state_word(c, live, current, seconds))
            if current:
                state.stylize("bold")
                current_row = i
            marks = ("↻" if c.carried else "") + ("⚠" if alerts.get(c.case_id) else "")
            marked.update(marks)
            pos = Text(f"{marks}{c.position}")
            if alerts.get(c.case_id):
                pos.stylize("bold red")
            time_cell = self._time_cell(seconds, h.target_s)
            if time_cell.plain.endswith(OVER_MARK):
                marked.add("!")
            self._row_times[c.case_id] = time_cell.plain
            cells.append((str(c.case_id), [pos, Text(c.name or ""), state, time_cell]))
        legend = [t(f"tui.live.legend_{name}") for mark, name in LEGEND if mark in marked]
        if legend:
            heading.append("\n" + " · ".join(legend), style="dim")
        self.query_one("#live-heading", Static).update(heading)
        # A quiet reload keeps the cursor where the person put it; only a new current case moves it.
        was = None
        if self._filled and table.row_count and 0 <= table.cursor_row < table.row_count:
            was = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        fill_table(table, self.columns(), cells, TIME_WIDTH, {"name": 28})
        self._filled = True
        keys = [key for key, _ in cells]
        moved = live.current_case_id != self._shown_current
        self._shown_current = live.current_case_id
        if current_row is not None and (moved or was is None):
            table.move_cursor(row=current_row)
        elif was in keys:
            table.move_cursor(row=keys.index(was))
        self.query_one(PatientCardView).show(live.card, self._tz(), self._today())
        self.query_one(AttendanceView).show(live)
        if self.room_info is not None:
            self.show_room()
        self.refresh_bindings()
        self.tick()
        self.publish()

    @staticmethod
    def _state_word(c, live, current: bool, seconds: float) -> str:  # noqa: ANN001
        if current:
            return ("▶ " + t("state.active")) if live.running else ("⏸ " + t("tui.live.paused_state"))
        if c.state == "waiting" and live.huddle.state == "finished":
            # "waiting" after the meeting read as still to come: say what happened to it.
            from huddle.domain.summary import left_text

            return left_text(DeferReason.NOT_REACHED, seconds) or ""
        return t(f"state.{c.state}")

    @staticmethod
    def _time_cell(seconds: float, target_s: int) -> Text:
        """A case's time as shown everywhere (whole seconds, half up); marked once over the target."""
        shown = whole_seconds(seconds)
        if shown > target_s:
            return Text(format_seconds(shown) + OVER_MARK, style="bold red")
        return Text(format_seconds(shown))

    def _case_time(self, c, now) -> float:  # noqa: ANN001
        if self.live is not None and c.case_id == self.live.current_case_id:
            return case_seconds(self.live.current_intervals, now, seen_at=self.live.as_of, kept=self.live.kept)
        return c.seconds

    def tick(self) -> None:
        """Recompute the timer and the time box from stored intervals and the clock."""
        live = self.live
        now = self.app.clock.now()
        settings = self.app.settings
        tz = getattr(settings, "tz", "Europe/Stockholm")
        timer = self.query_one(CaseTimer)
        if live is None:
            timer.show(None, 300, False)
            return
        elapsed = elapsed_of(live, now)
        timer.show(elapsed, live.huddle.target_s, live.running)
        timer.shown = (now, elapsed) if elapsed is not None else None
        self.query_one(TimeBoxView).show(live, now, tz, bell=self.bell_on)
        if elapsed is not None and live.current_case_id is not None:
            cell = self._time_cell(elapsed, live.huddle.target_s)
            if self._row_times.get(live.current_case_id) != cell.plain:
                self._row_times[live.current_case_id] = cell.plain
                try:
                    self.query_one("#live-cases", DataTable).update_cell(str(live.current_case_id), "time", cell)
                except Exception:  # noqa: BLE001 - the row may be gone after a reload
                    pass
            self._ring(live, elapsed)

    def _ring(self, live, elapsed: float) -> None:  # noqa: ANN001
        """The terminal bell, once per case, when the running case reaches its target (if turned on)."""
        if (
            self.bell_on
            and live.running
            and live.current_case_id != self._belled
            and whole_seconds(elapsed) >= live.huddle.target_s
        ):
            self._belled = live.current_case_id
            self.app.bell()

    def beat(self) -> None:
        """Store a heartbeat while a case runs (in a thread worker; skipped while one is pending)."""
        live = self.live
        if live is None or not live.running or self._beat_pending or live.huddle.state != "running":
            return
        self._beat_pending = True

        def done(still_running=True) -> None:  # noqa: ANN001
            self._beat_pending = False
            if still_running is False:
                self.reload()  # paused or moved on elsewhere: show what is stored

        self.app.run_store(_meeting("heartbeat"), self.day, on_done=done, on_error=lambda exc: done())

    # -- helpers -----------------------------------------------------------------------
    def _tz(self) -> str:
        return getattr(self.app.settings, "tz", "Europe/Stockholm")

    def _today(self) -> date:
        from huddle.domain.clock import local_date

        return local_date(self.app.clock.now(), self._tz())

    def _current(self) -> tuple[int | None, PatientCard] | None:
        """The current case's id and card, or None (and a warning) when no case is shown."""
        live = self.live
        if live is None or live.card is None:
            self.notify(t("tui.live.need_case"), severity="warning")
            return None
        return live.current_case_id, live.card

    def _current_name(self) -> str | None:
        current = self._current()
        return None if current is None else current[1].case.name or ""

    # -- actions -----------------------------------------------------------------------
    def action_start(self) -> None:
        """Start; an empty agenda or a day that is not today is confirmed first, in words."""
        from screens.dialogs import ConfirmDialog

        live = self.live
        doubts = []
        if live is not None and not live.cases:
            doubts.append(t("tui.live.start_empty", **weekday_date(self.day)))
        today = self._today()
        if self.day != today:
            doubts.append(t("tui.live.start_not_today", today=f"{t(f'tui.weekday.{today.weekday()}')} {today}",
                            **weekday_date(self.day)))
        if not doubts:
            self.do("start_meeting", notify=t("tui.live.started"))
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.do("start_meeting", notify=t("tui.live.started"))

        self.app.push_screen(ConfirmDialog(" ".join([*doubts, t("tui.live.start_anyway")])), callback=answered)

    def action_plus_minute(self) -> None:
        def done(live) -> None:  # noqa: ANN001
            self.apply(live)
            self.notify(t("tui.live.target_plus", target=format_seconds(live.huddle.target_s)), markup=False)

        self.app.run_store(_meeting("extend_target"), self.day, PLUS_S, on_done=done)

    def action_bell(self) -> None:
        self.bell_on = not self.bell_on
        if self.bell_on and self.live is not None:
            # Turned on past the target: no ring for the case already over, the next one rings.
            elapsed = elapsed_of(self.live, self.app.clock.now())
            if elapsed is not None and whole_seconds(elapsed) >= self.live.huddle.target_s:
                self._belled = self.live.current_case_id
        self.notify(t("tui.live.bell_on" if self.bell_on else "tui.live.bell_off"))
        self.tick()

    def action_select_row(self) -> None:
        """Enter on a row (the list handles its own Enter); from the palette, the row under the cursor."""
        live = self.live
        table = self.query_one("#live-cases", DataTable)
        if live is None or live.huddle.state != "running" or not 0 <= table.cursor_row < len(live.cases):
            return
        case_id = live.cases[table.cursor_row].case_id
        if case_id != live.current_case_id:
            self.do("select_case", case_id)

    # -- open items: decisions, blockers, attendance -------------------------------------
    def _item_store(self, name: str | None, *args, notify: str, items, refresh) -> None:  # noqa: ANN001, ANN002
        """Run ``meeting.<name>(store, *args)`` (None: nothing, only read), show the new state and
        refresh the open list."""

        def done(live) -> None:  # noqa: ANN001
            self.apply(live)
            self.notify(notify, markup=False)
            refresh(items(live))

        self.app.run_store(_then_live(name), self.day, *args, on_done=done)

    def action_decisions(self) -> None:
        from screens.dialogs import ConfirmDialog, DecisionInput
        from screens.items import DecisionList, EditDecisionDialog, decision_items

        current = self._current()
        if current is None:
            return
        name = current[1].case.name or ""

        def items(live):  # noqa: ANN001, ANN202
            return decision_items(live.card)

        def act(action: str, item, refresh) -> None:  # noqa: ANN001
            d = item.value
            if action == "toggle":
                self._item_store("set_decision_done", d.decision_id, not d.done, items=items, refresh=refresh,
                                 notify=t("tui.items.reopened" if d.done else "tui.items.done"))
            elif action == "edit":
                dialog = EditDecisionDialog(name, DECISION_KINDS, d)

                def save(e: DecisionInput, ok, bad) -> None:  # noqa: ANN001
                    self.app.run_store(
                        _call("edit_decision"), d.decision_id, text=e.text, responsible_org=e.responsible_org,
                        responsible_person=e.responsible_person, due_date=e.due_date, kind=e.kind,
                        on_done=ok, on_error=bad,
                    )

                dialog.saver = save

                def edited(result) -> None:  # noqa: ANN001
                    if result is not None:
                        self._item_store(None, items=items, refresh=refresh,
                                         notify=t("tui.items.edited"))

                self.app.push_screen(dialog, callback=edited)
            elif action == "withdraw":

                def answered(yes: bool | None) -> None:
                    if yes:
                        self._item_store("withdraw_decision", d.decision_id, items=items, refresh=refresh,
                                         notify=t("tui.items.withdrawn"))

                self.app.push_screen(ConfirmDialog(t("tui.items.confirm_withdraw", text=d.text)), callback=answered)

        self.app.push_screen(DecisionList(name, decision_items(current[1]), act))

    def action_blockers(self) -> None:
        from screens.items import BlockerList, blocker_items

        current = self._current()
        if current is None:
            return

        def items(live):  # noqa: ANN001, ANN202
            return blocker_items(live.card)

        def act(action: str, item, refresh) -> None:  # noqa: ANN001
            self._item_store("resolve_blocker", item.item_id, items=items, refresh=refresh,
                             notify=t("tui.items.resolved", what=item.value.what))

        self.app.push_screen(BlockerList(current[1].case.name or "", blocker_items(current[1]), act))

    def action_leave(self) -> None:
        from screens.items import AttendanceList, attendance_items

        def act(action: str, item, refresh) -> None:  # noqa: ANN001
            self._item_store("attendance_leave", item.item_id, items=attendance_items, refresh=refresh,
                             notify=t("tui.items.left", name=item.value.name))

        self.app.push_screen(AttendanceList(attendance_items(self.live), act))

    def action_next(self) -> None:
        self.do("next_case")

    def action_pause(self) -> None:
        self.do("toggle_pause")

    def action_back(self) -> None:
        self.do("back")

    def action_defer(self) -> None:
        from screens.dialogs import TextDialog

        name = self._current_name()
        if name is None:
            return
        dialog = TextDialog(t("tui.defer.title", name=name), t("tui.defer.reason"))
        dialog.saver = lambda reason, ok, bad: self.app.run_store(
            _meeting("defer_case"), self.day, reason, on_done=lambda live: ok((live, reason)), on_error=bad
        )

        def done(result) -> None:  # noqa: ANN001
            if result:
                live, reason = result
                self.apply(live)
                self.notify(t("tui.live.deferred", name=name, reason=reason), markup=False)

        self.app.push_screen(dialog, callback=done)

    def action_decision(self) -> None:
        from screens.dialogs import DecisionDialog, DecisionInput

        current = self._current()
        if current is None:
            return
        case_id, card = current
        name = card.case.name or ""

        def save(d: DecisionInput, ok, bad) -> None:  # noqa: ANN001
            self.app.run_store(
                _call("add_decision"),
                case_id,
                text=d.text,
                responsible_org=d.responsible_org,
                responsible_person=d.responsible_person,
                due_date=d.due_date,
                kind=d.kind,
                on_done=ok,
                on_error=bad,
            )

        self._open_form(DecisionDialog(name, DECISION_KINDS), save, t("tui.live.decision_saved"))

    def action_readiness(self) -> None:
        from screens.dialogs import ReadinessDialog, ReadinessInput

        current = self._current()
        if current is None:
            return
        case_id, card = current
        name = card.case.name or ""

        def save(r: ReadinessInput, ok, bad) -> None:  # noqa: ANN001
            self.app.run_store(
                _call("set_readiness"),
                case_id,
                state=r.state,
                expected_date=r.expected_date,
                ready_at=r.ready_at,
                discharged_date=r.discharged_date,
                on_done=ok,
                on_error=bad,
            )

        dialog = ReadinessDialog(name, READINESS_STATES, card.readiness, self._tz())
        self._open_form(dialog, save, t("tui.live.readiness_saved"))

    def action_blocker(self) -> None:
        from screens.dialogs import BlockerDialog, BlockerInput

        current = self._current()
        if current is None:
            return
        case_id, card = current
        name = card.case.name or ""

        def save(b: BlockerInput, ok, bad) -> None:  # noqa: ANN001
            self.app.run_store(
                _call("add_blocker"), case_id, what=b.what, owner_org=b.owner_org, on_done=ok, on_error=bad
            )

        self._open_form(BlockerDialog(name), save, t("tui.live.blocker_saved"))

    def action_day_mark(self) -> None:
        from screens.dialogs import DayMarkDialog, DayMarkInput

        current = self._current()
        if current is None:
            return
        case_id, card = current
        name = card.case.name or ""

        def save(m: DayMarkInput, ok, bad) -> None:  # noqa: ANN001
            self.app.run_store(_call("mark_day"), case_id, m.colour, m.note, on_done=ok, on_error=bad)

        def message(colour) -> str:  # noqa: ANN001
            return t("tui.live.day_saved", mark=DayColour.label_of(colour))

        self._open_form(DayMarkDialog(name), save, message)

    def action_attendance(self) -> None:
        from screens.dialogs import AttendanceDialog, AttendanceInput

        needed = tuple(getattr(self.app.settings, "needed_roles", ()) or ())

        def save(a: AttendanceInput, ok, bad) -> None:  # noqa: ANN001
            self.app.run_store(
                _meeting("attendance_join"),
                self.day,
                name=a.name,
                organisation=a.organisation,
                role=a.role,
                on_done=ok,
                on_error=bad,
            )

        self._open_form(AttendanceDialog(needed), save, lambda info: t("tui.att.joined", name=info.name))

    def _open_form(self, dialog, save, message) -> None:  # noqa: ANN001
        """Show a dialog that stores what is typed before it closes, then show the new state."""
        dialog.saver = save

        def done(result) -> None:  # noqa: ANN001
            if result is None:
                return
            self.notify(message(result) if callable(message) else message, markup=False)
            self.reload()

        self.app.push_screen(dialog, callback=done)

    def action_finish(self) -> None:
        from screens.dialogs import ConfirmDialog

        def done(yes: bool | None) -> None:
            if not yes:
                return

            def finished(result) -> None:  # noqa: ANN001
                self.notify(
                    t("tui.live.finished_moved", count=len(result.carried), date=result.next_date.isoformat()),
                    timeout=8,
                )
                self.reload()

            self.app.run_store(_meeting("finish_meeting"), self.day, on_done=finished)

        self.app.push_screen(ConfirmDialog(t("tui.live.confirm_finish")), callback=done)

    def action_copy(self) -> None:
        from screens.dialogs import SummaryScreen

        live = self.live
        table = self.query_one("#live-cases", DataTable)
        case_id = live.current_case_id if live is not None else None
        if case_id is None and live is not None and live.cases and 0 <= table.cursor_row < len(live.cases):
            case_id = live.cases[table.cursor_row].case_id
        if case_id is None:
            self.notify(t("tui.live.need_case"), severity="warning")
            return

        def show(text: str) -> None:
            self.app.copy_to_clipboard(text)
            self.app.push_screen(SummaryScreen(text))

        self.app.run_store(_call("case_summary"), case_id, on_done=show)

    def action_agenda(self) -> None:
        from screens.agenda import AgendaScreen

        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()
            below = self.app.screen
            if isinstance(below, AgendaScreen) and below.day != self.day:
                below.set_day(self.day)
        else:
            self.app.switch_screen(AgendaScreen(day=self.day))

    @on(DataTable.RowSelected, "#live-cases")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        live = self.live
        if live is None or live.huddle.state != "running":
            return
        assert event.row_key.value is not None  # fill_table keys every row with its case id
        case_id = int(event.row_key.value)
        if case_id != live.current_case_id:
            self.do("select_case", case_id)

    # -- video room --------------------------------------------------------------------
    async def action_room(self) -> None:
        if self._room_starting:
            return
        if self.room is not None:
            room, self.room, self.room_info = self.room, None, None
            if self._room_poll is not None:
                self._room_poll.stop()
                self._room_poll = None
            try:
                await room.stop()
            finally:
                self.query_one(RoomView).show(None, None)
                self.notify(t("tui.room.stopped"))
            return
        try:
            from huddle.room.control import RoomController
        except ImportError:
            self.notify(t("tui.not_installed", what=t("tui.room.title")), severity="warning")
            return
        # The store as --db takes it (a file's path or a database URL); the room gets it by environment.
        target = self.app.store_target or (self.app.store.target if self.app.store is not None else "")

        def start(env: dict) -> None:
            # The room runs as its own process, acting as the signed-in person through a one-time token.
            port = self.app.room_port
            if port is None:
                port = getattr(self.app.settings, "room_port", 8765)  # the store's setting
            self.room = RoomController(target, self.day, port=port, env=env or None)
            self.run_worker(self._start_room(), exclusive=True, group="room", exit_on_error=False)

        def failed(exc: Exception) -> None:
            self._room_starting = False
            self.app.report_error(exc)

        self._room_starting = True
        self.app.run_store(_delegation_env, on_done=start, on_error=failed)

    async def _start_room(self) -> None:
        room = self.room
        try:
            assert room is not None  # set by action_room just before this worker
            info = await room.start()
        except Exception as exc:  # noqa: BLE001
            self.room = None
            self.app.report_error(exc)
            return
        finally:
            self._room_starting = False
        self.room_info = info
        self.room_people = []
        self.show_room()
        self.notify(t("tui.room.started"))
        self.publish()
        self._room_poll = self.set_interval(ROOM_POLL_S, self._poll_room)

    async def _poll_room(self) -> None:
        if self.room is None or self.room_info is None:
            return
        try:
            self.room_people = list(await self.room.participants())
        except Exception:  # noqa: BLE001
            return
        self.show_room()

    def show_room(self) -> None:
        """The room box: link and code while the meeting is on, who is connected, and who attended."""
        live = self.live
        attended = [a for a in live.attendance if a.source == "room"] if live is not None else []
        finished = live is not None and live.huddle.state == "finished"
        self.query_one(RoomView).show(self.room_info, self.room_people, self._tz(), attended=attended,
                                      finished=finished)

    def publish(self) -> None:
        """Push the banner (current case, its timer) to the video room, when it is open."""
        if self.room is None or self.room_info is None or self.live is None:
            return
        try:
            from huddle.room.banner import banner_from_live
        except ImportError:
            return
        policy = getattr(self.app.settings, "banner_policy", "initials_unit")
        banner = banner_from_live(self.live, self.app.clock.now(), policy)
        self.run_worker(self.room.publish(banner), group="room-publish", exit_on_error=False)


def _meeting(name: str):  # noqa: ANN202
    """``meeting.<name>`` looked up in the worker, so SQLAlchemy is imported there, not here."""

    def call(store, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        from huddle.services import meeting

        return getattr(meeting, name)(store, *args, **kwargs)

    call.__name__ = name
    return call


_call = _meeting


def _then_live(name: str | None):  # noqa: ANN202
    """``meeting.<name>(store, *args)`` (None: nothing), then the live state of ``day`` as stored
    after it (a plain read: the card on screen was logged when it was shown)."""

    def call(store, day: date, *args):  # noqa: ANN001, ANN002, ANN202
        from huddle.services import meeting

        if name is not None:
            getattr(meeting, name)(store, *args)
        return meeting.load_live(store, day, recover=False, audit=False)

    call.__name__ = name or "load_live"
    return call


def _delegation_env(store) -> dict:  # noqa: ANN001
    try:
        from huddle.services import access
    except ImportError:
        return {}
    return access.delegation_env(store)


