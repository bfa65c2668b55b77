"""``huddle oidc``: the store's identity provider (OpenID Connect), and a device sign-in from a shell."""

from __future__ import annotations

import click

from huddle.cli import Context
from huddle.cli.core import FORMATS, pass_ctx, say
from huddle.i18n import t


@click.group("oidc")
def oidc_cmd() -> None:
    """Sign-in at the region's identity provider: show or set its options (admin), or sign in."""


@oidc_cmd.command("show")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@pass_ctx
def show_cmd(ctx: Context, fmt: str) -> None:
    """The identity provider's options (the client secret only as where it is read from)."""
    from huddle.cli.output import emit
    from huddle.services import oidc

    store = ctx.store(create=False)
    store.require("admin")
    emit(oidc.load_config(store).shown(), fmt, columns=["name", "value"],
         headings=[t("oidc.col.name"), t("oidc.col.value")], title=t("oidc.title"))


@oidc_cmd.command("set")
@click.argument("name")
@click.argument("value")
@pass_ctx
def set_cmd(ctx: Context, name: str, value: str) -> None:
    """Set one option (admin): huddle oidc set issuer https://idp.example.se ... (see the README)."""
    from huddle.services import oidc

    oidc.parse_option(name, value)  # a bad value is refused before the store is touched
    oidc.set_option(ctx.store(create=True), name, value)
    say(t("oidc.set", name=name))


@oidc_cmd.command("login")
@pass_ctx
def login_cmd(ctx: Context) -> None:
    """Sign in at the identity provider (device code) and say who you are; nothing is kept on disk."""
    from huddle.errors import AccessDenied
    from huddle.services import oidc
    from huddle.store import Store

    probe = Store.open(ctx.target, create=False)
    try:
        if not oidc.is_active(probe):  # without a provider there is nobody to sign in at
            raise AccessDenied("oidc.not_configured")
    finally:
        probe.close()
    store = ctx.store(create=False)
    actor = store.actor
    say(t("oidc.signed_in", name=actor.name, organisation=actor.organisation or "-", hsa_id=actor.hsa_id or "-"))
