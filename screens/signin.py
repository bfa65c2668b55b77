"""Sign-in: the first screen when the store has users.

``SignInScreen(store)`` dismisses with the signed-in ``huddle.store.Actor``, or
None when the person quits.  The password check (argon2, deliberately slow)
runs in a thread worker; a refusal is shown at the form, the password field is
cleared, and nothing of what was typed is ever read as markup.

Keys typed ahead never cross into the other field: Enter and Tab in the user-name
field are priority bindings of this screen, run by the app as it takes the key
from the terminal, and they move the focus at once (``Widget.focus`` would move it
only on a later turn of the loop, after the keys that followed Enter had already
been handed to the user-name field: a password typed fast landed there, visible).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from textual import on, work
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static
from textual.worker import Worker, WorkerState

from huddle.i18n import t


def signin_finished(screen: Any, event: Worker.StateChanged) -> None:
    """A sign-in worker has finished (its result: the Actor, or the refusal's one-line message):
    the Actor closes ``screen`` with it; a refusal, or a worker that failed (a locked or broken
    store, an unreachable provider), is shown by ``screen._refused`` and the form stays.
    Shared by the password and the identity-provider sign-in screens."""
    if event.state == WorkerState.SUCCESS:
        result = event.worker.result
        if isinstance(result, str):
            screen._refused(result)
        else:
            screen.dismiss(result)
    elif event.state == WorkerState.ERROR:
        screen._refused(t("cli.unexpected", detail=type(event.worker.error).__name__))


class SignInScreen(ModalScreen[Any]):
    """User name and password; dismisses with an Actor (or None to quit)."""

    BINDINGS = [
        Binding("escape", "quit", "access.signin.quit"),
        # Checked by the app before it hands the key (and the keys after it) to a field.
        Binding("enter,tab", "to_password", show=False, priority=True),
        Binding("shift+tab", "to_username", show=False, priority=True),
    ]

    def __init__(self, store: Any) -> None:
        super().__init__(id="signin")
        self.store = store
        for key, bindings in list(self._bindings.key_to_bindings.items()):
            self._bindings.key_to_bindings[key] = [
                replace(b, description=t(b.description)) if b.description.startswith("access.") else b
                for b in bindings
            ]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog -small", id="signin-box"):
            yield Label(t("access.signin.title"), classes="dialog-title", markup=False)
            yield Label(t("access.signin.username"), classes="field-label", markup=False)
            yield Input(id="signin-username", max_length=60)
            yield Label(t("access.signin.password"), classes="field-label", markup=False)
            yield Input(id="signin-password", password=True, max_length=1024)
            yield Static("", id="signin-error", classes="field-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("access.signin.button"), id="signin-ok", variant="primary")
                yield Button(t("access.signin.quit"), id="signin-quit")
            yield Static(t("access.signin.help"), classes="dialog-hint", markup=False)

    def on_mount(self) -> None:
        self.query_one("#signin-username", Input).focus()

    def action_to_password(self) -> None:
        """Enter or Tab in the user-name field: the password field has the focus before the next key is read."""
        self._shift_focus("#signin-username", "#signin-password")

    def action_to_username(self) -> None:
        self._shift_focus("#signin-password", "#signin-username")

    def _shift_focus(self, source: str, target: str) -> None:
        if self.focused is not self.query_one(source, Input):
            raise SkipAction()  # elsewhere the key does what it always does (Enter in the password field signs in)
        self.set_focus(self.query_one(target, Input))  # now, not on a later turn of the loop

    @on(Input.Submitted, "#signin-username")
    def _to_password(self) -> None:
        self.set_focus(self.query_one("#signin-password", Input))

    @on(Input.Submitted, "#signin-password")
    @on(Button.Pressed, "#signin-ok")
    def _submit(self) -> None:
        username = self.query_one("#signin-username", Input).value
        password = self.query_one("#signin-password", Input).value
        if not username.strip():
            self.set_focus(self.query_one("#signin-username", Input))
            return
        self._set_busy(True)
        self.query_one("#signin-error", Static).update(t("access.signin.checking"))
        self._check(username, password)

    @on(Button.Pressed, "#signin-quit")
    def action_quit(self) -> None:
        self.dismiss(None)

    def _set_busy(self, busy: bool) -> None:
        for widget in self.query("Input, Button"):
            widget.disabled = busy

    @work(thread=True, exclusive=True, exit_on_error=False, group="signin")
    def _check(self, username: str, password: str) -> Any:
        """The Actor, or the refusal's one-line message."""
        from huddle.errors import HuddleError
        from huddle.services import access

        try:
            return access.authenticate(self.store, username, password)
        except HuddleError as exc:
            return str(exc)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # Dismiss only once the worker has finished, so leaving the screen never cancels it half-way.
        if event.worker.group == "signin":
            signin_finished(self, event)

    def _refused(self, message: str) -> None:
        self._set_busy(False)
        self.query_one("#signin-error", Static).update(message)
        password = self.query_one("#signin-password", Input)
        password.value = ""
        self.set_focus(password)
