"""The huddle app: built by ``make_app`` from a store (or its target), a clock and settings.

Nothing is opened at import.  The first screen paints at once with a loading
line; the store is opened, and every later read and write runs, in thread
workers that take jobs in the order they were asked for (so "next, next, back"
pressed quickly happens in that order) and report back on the event loop.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding

from huddle.i18n import t
from screens.commands import ScreenCommands, translate_bindings

if TYPE_CHECKING:
    from textual.screen import Screen

    from huddle.domain.clock import Clock
    from huddle.domain.settings import Settings
    from huddle.services.startup import StartInfo


@dataclass
class _Job:
    fn: Callable[..., Any]
    args: tuple
    kwargs: dict
    on_done: Callable[[Any], Any] | None
    on_error: Callable[[Exception], Any] | None
    key: str | None
    generation: int


class HuddleApp(App[None]):
    CSS_PATH = "huddle.tcss"
    TITLE = "huddle"
    COMMANDS = App.COMMANDS | {ScreenCommands}
    BINDINGS = [
        Binding("ctrl+q", "quit", "tui.key.quit", key_display="^q", priority=True, show=False),
        # Declared here so its words come from the catalogue (Textual adds an English one otherwise).
        Binding("ctrl+p", "command_palette", "tui.key.palette", key_display="^p", priority=True, show=False),
        Binding("question_mark", "help", "tui.key.help", key_display="?"),
        # Shown in help and the palette; kept out of the footer, which is for the screen's own keys.
        Binding("ctrl+t", "toggle_dark", "tui.key.theme", key_display="^t", show=False),
        Binding("o", "settings", "tui.key.settings", show=False),
        Binding("S", "stats", "tui.key.stats", show=False),
    ]

    def __init__(
        self,
        *,
        store: Any = None,
        store_target: str | None = None,
        clock: Clock | None = None,
        settings: Settings | None = None,
        day: date | None = None,
        start: str | None = None,
        dark: bool = True,
        room_port: int | None = None,
        signed_in: bool = False,
    ) -> None:
        super().__init__()
        translate_bindings(self)
        if store is None and store_target is None:
            raise ValueError("make_app needs a store or a store target")
        from huddle.domain.clock import default_clock

        self.store = store
        self.store_target = store_target
        self.clock: Clock = clock or (store.clock if store is not None else default_clock())
        # None until the store is open: then the store's settings, unless the caller gave some.
        self.settings: Settings | None = settings
        self.start_day = day
        self.start_screen = start
        self.room_port = room_port
        # The store's actor signed in before the app started (huddle serve's session): no sign-in screen.
        self.signed_in = signed_in
        self.theme = "textual-dark" if dark else "textual-light"
        self.start_info: StartInfo | None = None
        self.today: date | None = None
        self._jobs: deque[_Job] = deque()
        self._jobs_lock = threading.Lock()
        self._draining = False
        self._generations: dict[str, int] = {}
        self._open_started = False

    # -- bindings (translated at construction time, so they follow --lang) -----------
    def get_default_screen(self):  # noqa: ANN201
        from screens.agenda import AgendaScreen

        return AgendaScreen(day=self.start_day)

    def on_mount(self) -> None:
        from huddle.services.startup import store_label

        self.title = t("tui.title")
        # The header says which store is open (a demo store and the real one look alike).
        target = self.store.target if self.store is not None else self.store_target
        if target:
            self.sub_title = t("tui.store_open", store=store_label(target))
        # The store is opened once the first screen has painted (its screen calls open_store
        # after its first refresh); the timer is only a fallback.
        self.set_timer(1.0, self.open_store)

    def open_store(self) -> None:
        """Open the store and read what the first screen needs (once; in a thread worker)."""
        if self._open_started:
            return
        self._open_started = True
        self._open()

    def _open(self) -> None:
        self.run_store(self._first_load, on_done=self._opened, on_error=self._open_failed)

    def _first_load(self, store):  # noqa: ANN001, ANN202
        from huddle.services import startup

        return startup.start_info(store)

    def _open_failed(self, exc: Exception) -> None:
        """A store that cannot be opened ends the app with the same one line the command line prints."""
        from huddle.errors import HuddleError

        detail = str(exc) if isinstance(exc, HuddleError) else t("tui.error", detail=f"{type(exc).__name__}: {exc}")
        from rich.text import Text

        self.exit(return_code=1, message=Text(f"{t('cli.error_prefix')} {detail}"))

    def _opened(self, info: StartInfo) -> None:
        self.start_info = info
        self.today = info.today
        if self.settings is None:
            self.settings = info.settings
        if self.signed_in:
            self._show_start(info)
        elif info.identity_provider:
            self._sign_in_at_provider(info)
        elif info.has_users:
            self._sign_in(info)
        else:
            self._show_start(info)

    def _sign_in_at_provider(self, info: StartInfo) -> None:
        """The identity provider's device code; a local password instead only where the store allows it."""
        from screens.oidc_signin import DeviceSignInScreen

        def signed_in(result) -> None:  # noqa: ANN001
            if result is None:
                self.exit()
            elif result == "password":
                self._sign_in(info)
            else:
                self.store = self.store.with_actor(result)
                self._show_start(info)

        allow_password = info.has_users and not info.provider_only
        self.push_screen(DeviceSignInScreen(self.store, allow_password=allow_password), callback=signed_in)

    def _sign_in(self, info: StartInfo) -> None:
        try:
            from screens.signin import SignInScreen
        except ImportError:
            self._show_start(info)
            return

        def signed_in(actor) -> None:  # noqa: ANN001
            if actor is None:
                self.exit()
                return
            self.store = self.store.with_actor(actor)
            self._show_start(info)

        self.push_screen(SignInScreen(self.store), callback=signed_in)

    def _show_start(self, info: StartInfo) -> None:
        screen = self.screen
        from screens.agenda import AgendaScreen

        if isinstance(screen, AgendaScreen):
            if screen.day is None:
                screen.day = self.start_day or info.agenda_day
            screen.reload()
        if self.start_screen == "live":
            self.open_live(self.start_day or info.agenda_day)
        elif self.start_screen is None and info.running_day is not None:
            self.open_live(info.running_day)

    # -- store jobs ------------------------------------------------------------------
    def run_store(
        self,
        fn: Callable[..., Any],
        *args: Any,
        on_done: Callable[[Any], Any] | None = None,
        on_error: Callable[[Exception], Any] | None = None,
        key: str | None = None,
        **kwargs: Any,
    ) -> None:
        """Run ``fn(store, *args, **kwargs)`` in a thread worker, in request order.

        ``on_done(result)`` runs on the event loop.  With ``key``, only the newest
        request of that key reports back (an older load's result is dropped).
        """
        generation = 0
        if key is not None:
            generation = self._generations.get(key, 0) + 1
            self._generations[key] = generation
        job = _Job(fn, args, kwargs, on_done, on_error, key, generation)
        with self._jobs_lock:
            self._jobs.append(job)
            start = not self._draining
            self._draining = True
        if start:
            self._drain()

    # Not exclusive: ``_draining`` already lets only one drain take jobs, and an exclusive
    # worker cancelled a drain that was just returning (WorkerCancelled for whoever waited on it).
    @work(thread=True, exit_on_error=False, group="store")
    def _drain(self) -> None:
        while True:
            with self._jobs_lock:
                if not self._jobs or self.closing:
                    self._draining = False
                    return
                job = self._jobs.popleft()
            self._run_job(job)

    def _run_job(self, job: _Job) -> None:
        from huddle.errors import HuddleError

        try:
            if self.store is None:
                from huddle.services.startup import open_store

                assert self.store_target is not None  # __init__ refuses an app with neither
                self.store = open_store(self.store_target, self.clock)
            result = job.fn(self.store, *job.args, **job.kwargs)
        except Exception as exc:  # noqa: BLE001 - reported to the person, never a crash
            if not isinstance(exc, HuddleError):
                self.log.error(repr(exc))
            self._deliver(job.on_error or self.report_error, exc, job)
            return
        if job.on_done is not None:
            self._deliver(job.on_done, result, job)

    def _deliver(self, callback: Callable[[Any], Any], value: Any, job: _Job) -> None:
        if self.closing:
            return
        if job.key is not None and self._generations.get(job.key) != job.generation:
            return
        try:
            self.call_from_thread(callback, value)
        except RuntimeError:
            pass  # the app is shutting down

    def report_error(self, exc: Exception) -> None:
        from huddle.errors import HuddleError

        if isinstance(exc, HuddleError):
            self.notify(str(exc), severity="error", timeout=8, markup=False)
        else:
            detail = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
            if "locked" in detail:
                detail = t("store.busy")
            self.notify(t("tui.error", detail=detail[:200]), severity="error", timeout=8, markup=False)

    @property
    def closing(self) -> bool:
        """Once the app is exiting, queued store jobs are dropped and none reports back."""
        # (Textual's own flag set by exit(); the name _closing belongs to Textual's message pump.)
        return bool(getattr(self, "_exit", False))

    # -- navigation ------------------------------------------------------------------
    def open_live(self, day: date) -> None:
        from screens.live import LiveScreen

        for screen in self.screen_stack:
            if isinstance(screen, LiveScreen):
                if screen.day == day:
                    while self.screen is not screen:
                        self.pop_screen()
                    screen.reload()
                    return
        self.push_screen(LiveScreen(day))

    # -- app-wide actions -------------------------------------------------------------
    def action_command_palette(self) -> None:
        """Textual's palette with our placeholder (its own says "Search for commands…" in any language)."""
        from textual.command import CommandPalette

        from screens.commands import Palette

        if self.use_command_palette and not isinstance(self.screen, CommandPalette):
            self.push_screen(Palette())

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Textual's own palette commands in the current language.

        "Quit" is the app's own Ctrl+Q binding (listed by ScreenCommands). Textual's "Screenshot"
        is left out: it writes an SVG of the screen, patients' names and all, into the working
        folder without asking.
        """
        yield SystemCommand(t("tui.syscmd.theme"), t("tui.syscmd.theme_help"), self.action_change_theme)
        if screen.query("HelpPanel"):
            yield SystemCommand(t("tui.syscmd.keys"), t("tui.syscmd.keys_hide"), self.action_hide_help_panel)
        else:
            yield SystemCommand(t("tui.syscmd.keys"), t("tui.syscmd.keys_show"), self.action_show_help_panel)
        if screen.maximized is not None:
            yield SystemCommand(t("tui.syscmd.minimize"), t("tui.syscmd.minimize_help"), screen.action_minimize)
        elif screen.focused is not None and screen.focused.allow_maximize:
            yield SystemCommand(t("tui.syscmd.maximize"), t("tui.syscmd.maximize_help"), screen.action_maximize)

    def action_help(self) -> None:
        from screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def action_settings(self) -> None:
        from screens.dialogs import SettingsDialog, SettingsResult

        day = getattr(self.screen, "day", None) or self.today
        if day is None:
            return

        def current(store):  # noqa: ANN001, ANN202
            from huddle.services import meeting

            return meeting.load_live(store, day).huddle

        def show(huddle) -> None:  # noqa: ANN001
            def done(result: SettingsResult | None) -> None:
                if result is None:
                    return
                self.theme = "textual-dark" if result.dark else "textual-light"
                self.run_store(
                    _update_settings,
                    day,
                    result.target_s,
                    result.timebox_s,
                    on_done=lambda _: self._settings_saved(),
                )

            self.push_screen(
                SettingsDialog(day, huddle.target_s, huddle.timebox_s, dark=self.theme != "textual-light"),
                callback=done,
            )

        self.run_store(current, on_done=show)

    def _settings_saved(self) -> None:
        self.notify(t("tui.saved"))
        reload = getattr(self.screen, "reload", None)
        if reload is not None:
            reload()

    def action_stats(self) -> None:
        try:
            from screens.stats import StatsScreen
        except ImportError:
            self.notify(t("tui.not_installed", what=t("tui.key.stats")), severity="warning")
            return
        if self.store is None:
            return
        if not isinstance(self.screen, StatsScreen):
            self.push_screen(StatsScreen(self.store))


def _update_settings(store, day: date, target_s: int, timebox_s: int) -> None:  # noqa: ANN001
    from huddle.services import meeting

    meeting.update_huddle_settings(store, day, target_s=target_s, timebox_s=timebox_s)


def make_app(
    *,
    store: Any = None,
    store_target: str | None = None,
    clock: Clock | None = None,
    settings: Settings | None = None,
    day: date | None = None,
    start: str | None = None,
    dark: bool = True,
    room_port: int | None = None,
    signed_in: bool = False,
) -> HuddleApp:
    """The app on ``store`` (already open) or ``store_target`` (opened in a worker after the first paint).

    ``room_port`` is where the video room listens when the facilitator opens it (0: any free port;
    None: the store's setting ``room_port``).
    ``start`` is "agenda" or "live"; by default the app opens on the agenda, or on
    the live screen when today's meeting is running.
    """
    return HuddleApp(
        store=store,
        store_target=store_target,
        clock=clock,
        settings=settings,
        day=day,
        start=start,
        dark=dark,
        room_port=room_port,
        signed_in=signed_in,
    )
