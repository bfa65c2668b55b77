"""The app in a terminal signs in at a real OpenID provider with the device code (Pilot, real store)."""

from __future__ import annotations

import asyncio
import re

import pytest
from textual.widgets import Static

pytestmark = pytest.mark.slow


def _text(app, selector: str) -> str:  # noqa: ANN001
    return str(app.screen.query_one(selector, Static).render())


async def test_the_app_shows_a_code_and_link_then_runs_as_the_person(idp_store, oidc_provider, clock):
    from screens.app import make_app
    from screens.oidc_signin import DeviceSignInScreen
    from tests.tui_helpers import seed, settle, wait_until

    seed(idp_store)
    app = make_app(store=idp_store, clock=clock)
    async with asyncio.timeout(180), app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, DeviceSignInScreen)
                         and "Code:" in _text(app, "#oidc-code"), "the device code")
        # Nothing of the store is shown before the sign-in: the agenda under the dialog is empty.
        assert "Astrid" not in "".join(str(w.render()) for w in app.screen_stack[0].query(Static))
        code = re.search(r"Code: (\S+)", _text(app, "#oidc-code")).group(1)
        url = re.search(r"Open (\S+) in any browser", _text(app, "#oidc-link")).group(1)
        assert await asyncio.to_thread(oidc_provider.confirm_device, url, code, "anna") == "Sign-in Success"
        await wait_until(pilot, lambda: not isinstance(app.screen, DeviceSignInScreen), "the signed-in app",
                         rounds=5000)
        await settle(app, pilot)
        actor = app.store.actor
        assert (actor.name, actor.organisation, actor.hsa_id, actor.roles) == (
            "Anna Andersson", "Kalmar kommun", "SE2321000016-A001", {"nurse"})


async def test_a_refusal_is_one_line_at_the_form_and_try_again_asks_for_a_new_code(idp_store, oidc_provider,
                                                                                    clock):
    from screens.app import make_app
    from screens.oidc_signin import DeviceSignInScreen
    from tests.tui_helpers import wait_until

    app = make_app(store=idp_store, clock=clock)
    async with asyncio.timeout(180), app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, DeviceSignInScreen)
                         and "Code:" in _text(app, "#oidc-code"), "the device code")
        first = _text(app, "#oidc-code")
        code = re.search(r"Code: (\S+)", first).group(1)
        url = re.search(r"Open (\S+) in any browser", _text(app, "#oidc-link")).group(1)
        await asyncio.to_thread(oidc_provider.confirm_device, url, code, "norole")
        await wait_until(pilot, lambda: "gives no role" in _text(app, "#oidc-error"), "the refusal", rounds=5000)
        assert "\n" not in _text(app, "#oidc-error").strip()
        assert isinstance(app.screen, DeviceSignInScreen) and app.store.actor.single_user  # nobody signed in
        await pilot.click("#oidc-again")
        await wait_until(pilot, lambda: "Code:" in _text(app, "#oidc-code") and _text(app, "#oidc-code") != first,
                         "a new code", rounds=5000)
        await pilot.press("escape")
