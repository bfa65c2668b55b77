"""Sign-in at the region's identity provider, in the terminal: the device code (RFC 8628).

``DeviceSignInScreen(store, allow_password=...)`` asks the provider for a short code and shows it
with the link to open in any browser (as ``gh auth login`` does), then waits in a thread worker
until the person confirmed it there. It dismisses with the signed-in ``huddle.store.Actor``, with
``"password"`` when the person chose a local password instead (only where the store allows it), or
with None to quit. A refusal is one line at the form; "Try again" asks for a new code. Nothing of
the store is shown before the sign-in, and the tokens never leave the worker.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static
from textual.worker import Worker

from huddle.i18n import t
from screens.signin import signin_finished


class DeviceSignInScreen(ModalScreen[Any]):
    """The device code and its link; dismisses with an Actor, "password", or None."""

    BINDINGS = [Binding("escape", "quit", "oidc.screen.quit")]

    def __init__(self, store: Any, *, allow_password: bool = False) -> None:
        super().__init__(id="oidc-signin")
        self.store = store
        self.allow_password = allow_password
        self._cancel = threading.Event()
        for key, bindings in list(self._bindings.key_to_bindings.items()):
            self._bindings.key_to_bindings[key] = [
                replace(b, description=t(b.description)) if b.description.startswith("oidc.") else b for b in bindings
            ]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog -small", id="oidc-box"):
            yield Label(t("oidc.screen.title"), classes="dialog-title", markup=False)
            yield Static(t("oidc.screen.starting"), id="oidc-code", markup=False)
            yield Static("", id="oidc-link", markup=False)
            yield Static("", id="oidc-error", classes="field-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("oidc.screen.again"), id="oidc-again", disabled=True)
                if self.allow_password:
                    yield Button(t("access.signin.button"), id="oidc-password")
                yield Button(t("oidc.screen.quit"), id="oidc-quit")

    def on_mount(self) -> None:
        self._start()

    def _start(self) -> None:
        self._cancel = threading.Event()
        self.query_one("#oidc-again", Button).disabled = True
        self.query_one("#oidc-error", Static).update("")
        self.query_one("#oidc-code", Static).update(t("oidc.screen.starting"))
        self.query_one("#oidc-link", Static).update("")
        self._sign_in(self._cancel)

    @work(thread=True, exclusive=True, exit_on_error=False, group="oidc")
    def _sign_in(self, cancel: threading.Event) -> Any:
        """The Actor, or the refusal's one-line message."""
        from huddle.errors import HuddleError
        from huddle.services import oidc

        try:
            return oidc.device_sign_in(self.store, show=lambda code: self.app.call_from_thread(self._show, code),
                                       cancel=cancel)
        except HuddleError as exc:
            return str(exc)

    def _show(self, code: Any) -> None:
        self.query_one("#oidc-code", Static).update(t("oidc.screen.code", code=code.user_code))
        self.query_one("#oidc-link", Static).update(
            t("oidc.screen.open", url=code.verification_uri) + "\n" + t("oidc.device.waiting"))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "oidc" and not self._cancel.is_set():
            signin_finished(self, event)

    def _refused(self, message: str) -> None:
        self.query_one("#oidc-error", Static).update(message)
        self.query_one("#oidc-again", Button).disabled = False

    @on(Button.Pressed, "#oidc-again")
    def _again(self) -> None:
        self._start()

    @on(Button.Pressed, "#oidc-password")
    def _password(self) -> None:
        self._cancel.set()
        self.dismiss("password")

    @on(Button.Pressed, "#oidc-quit")
    def action_quit(self) -> None:
        self._cancel.set()
        self.dismiss(None)
