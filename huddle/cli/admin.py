"""Administration: users, the access log, retention and backups."""

from __future__ import annotations

import os

import click

from huddle.cli import Context
from huddle.cli.core import FORMATS, pass_ctx, say
from huddle.domain.fields import parse_date
from huddle.i18n import t

# -- users ------------------------------------------------------------------------------


@click.group("user")
def user_cmd() -> None:
    """Manage users and roles (admin).  Without users the store runs in single-user mode."""


def _new_password(username: str) -> str:
    from huddle.services.access import check_password

    password = os.environ.get("HUDDLE_NEW_PASSWORD")
    if password is None:
        password = click.prompt(
            t("access.new_password_prompt", username=username), hide_input=True, err=True,
            confirmation_prompt=t("access.repeat_password"),
        )
    return check_password(password)


@user_cmd.command("add")
@click.argument("username")
@click.option("--name", required=True, help="Full name.")
@click.option("--org", "organisation", help="Organisation (ward, primary care centre, municipality).")
@click.option("--profession", help="Profession, e.g. sjuksköterska.")
@click.option(
    "--role", "roles", multiple=True, required=True, metavar="ROLE",
    help="nurse, facilitator, manager or admin (repeat, or comma-separated).",
)
@pass_ctx
def user_add_cmd(ctx: Context, username: str, name: str, organisation: str | None, profession: str | None, roles) -> None:  # noqa: ANN001
    """Add a user; the password comes from HUDDLE_NEW_PASSWORD or a hidden prompt.  The first user must be an admin."""
    from huddle.services import access

    # Everything the person typed is checked before the store is opened.
    access._check_username(username)
    role_tuple = access.parse_roles(roles)
    access.check_person(name, organisation, profession)
    password = _new_password(username)
    store = ctx.store(create=True)
    info = access.add_user(
        store, username=username, name=name, password=password, roles=role_tuple,
        organisation=organisation, profession=profession,
    )
    say(t("access.user_added", username=info.username, roles=", ".join(info.roles)))


@user_cmd.command("list")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@pass_ctx
def user_list_cmd(ctx: Context, fmt: str) -> None:
    """List users, their organisation, roles and whether they are active."""
    from huddle.cli.output import emit
    from huddle.services import access

    store = ctx.store(create=False)
    users = access.list_users(store)
    if not users and fmt == "table":
        say(t("access.single_user", name=store.actor.name))
        return
    rows = [u.to_json() for u in users]
    columns = ["username", "name", "organisation", "profession", "roles", "active"]
    if fmt == "table":
        for r in rows:
            r["active"] = t("access.yes") if r["active"] else t("access.no")
    emit(rows, fmt, columns=columns, headings=[t(f"access.col.{c}") for c in columns], title=t("access.users_title"))


@user_cmd.command("disable")
@click.argument("username")
@pass_ctx
def user_disable_cmd(ctx: Context, username: str) -> None:
    """Disable a user: they can no longer sign in; their history stays."""
    from huddle.services import access

    info = access.set_disabled(ctx.store(create=False), username, True)
    say(t("access.user_disabled", username=info.username))


@user_cmd.command("enable")
@click.argument("username")
@pass_ctx
def user_enable_cmd(ctx: Context, username: str) -> None:
    """Enable a disabled user again."""
    from huddle.services import access

    info = access.set_disabled(ctx.store(create=False), username, False)
    say(t("access.user_enabled", username=info.username))


@user_cmd.command("password")
@click.argument("username")
@pass_ctx
def user_password_cmd(ctx: Context, username: str) -> None:
    """Set a user's password (admin, or the user themself); from HUDDLE_NEW_PASSWORD or a hidden prompt."""
    from huddle.services import access

    store = ctx.store(create=False)
    password = _new_password(username)
    info = access.set_password(store, username, password)
    say(t("access.password_changed", username=info.username))


# -- access log ----------------------------------------------------------------------------

AUDIT_COLUMNS = ["at", "actor", "username", "organisation", "action", "what", "patient", "huddle_date"]


@click.command("audit")
@click.option("--patient", metavar="PNR", help="Print this patient's log extract (identity number or pseudonym).")
@click.option("--sample", type=int, metavar="N", help="Pick N events at random for the spot check.")
@click.option("--from", "from_", metavar="YYYY-MM-DD", help="First day of the sampled period.")
@click.option("--to", "to_", metavar="YYYY-MM-DD", help="Last day of the sampled period.")
@click.option("--seed", type=int, help="Random seed, to repeat a sample.")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@pass_ctx
def audit_cmd(ctx: Context, patient: str | None, sample: int | None, from_: str | None, to_: str | None,
              seed: int | None, fmt: str) -> None:
    """Print the access log: a patient's extract, or a random sample for the regular spot check (admin)."""
    from huddle.cli.output import emit
    from huddle.errors import InputError
    from huddle.services import audit

    if patient is not None and sample is not None:
        raise InputError("audit.both_modes")
    if patient is None and sample is None:
        raise InputError("audit.need_mode")
    if sample is not None:
        start, end = parse_date(from_, "--from"), parse_date(to_, "--to")
        if start is None or end is None:
            raise InputError("audit.need_period")
        if not 1 <= sample <= audit.MAX_SAMPLE:
            raise InputError("audit.sample_size", max=audit.MAX_SAMPLE)
        if start > end:
            raise InputError("date.range", start=start.isoformat(), end=end.isoformat())
        sampled = audit.sample(ctx.store(create=False), sample, start, end, seed=seed)
        title = t("audit.sample_title", count=len(sampled.rows), total=sampled.total,
                  start=start.isoformat(), end=end.isoformat())
        events, tz = sampled.rows, sampled.tz
    else:
        assert patient is not None  # one of the two modes, checked above
        extract = audit.patient_extract(ctx.store(create=False), patient)
        title = t("audit.extract_title", who=extract.who, count=len(extract.rows))
        events, tz = extract.rows, extract.tz
    rows = [r.to_json(tz) for r in events]
    if fmt == "table":
        if not rows:
            say(title)
            say(t("audit.none"))
            return
        for r in rows:
            r["at"] = r["at"][:16].replace("T", " ")
    emit(rows, fmt, columns=AUDIT_COLUMNS, headings=[t(f"audit.col.{c}") for c in AUDIT_COLUMNS], title=title)


# -- retention -----------------------------------------------------------------------------


@click.command("retention")
@click.option("--days", type=int, metavar="N", help="Pseudonymise patients whose last case closed over N days ago (default: the setting).")
@pass_ctx
def retention_cmd(ctx: Context, days: int | None) -> None:
    """Remove identities and working notes after the retention period; statistics stay (admin)."""
    from db import settings as settings_db
    from huddle.errors import InputError
    from huddle.services import retention

    if days is not None and not 0 <= days <= retention.MAX_DAYS:
        raise InputError("retention.days_bad", min=0, max=retention.MAX_DAYS)
    store = ctx.store(create=False)
    if days is None:
        with store.read() as s:
            days = settings_db.load(s).retention_days
    count = retention.pseudonymise(store, days)
    say(t("retention.done", days=days, count=count))


# -- backup --------------------------------------------------------------------------------


@click.command("backup")
@click.argument("file", type=click.Path(path_type=str))
@pass_ctx
def backup_cmd(ctx: Context, file: str) -> None:
    """Copy the store to FILE while others keep working, then check the copy (admin)."""
    from huddle.services import backup

    result = backup.backup(ctx.store(create=False), file)
    say(t("backup.done", source=result.source, dest=result.dest, size=result.size))


# -- settings -----------------------------------------------------------------------------


@click.command("settings")
@click.argument("name", required=False)
@click.argument("value", required=False)
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@pass_ctx
def settings_cmd(ctx: Context, name: str | None, value: str | None, fmt: str) -> None:
    """List the store's settings, or set one: huddle settings room_port 8800 (admin)."""
    from db import settings as settings_db
    from huddle.cli.output import emit
    from huddle.domain import settings as settings_mod
    from huddle.errors import InputError

    if name is not None and value is None:
        raise InputError("cli.missing", param="VALUE")
    if name is not None:
        raw = settings_mod.stored_text(name, value or "")  # checked before the store is touched
        store = ctx.store(create=True)
        store.require("admin")
        from db.models import Setting

        with store.write() as s:
            s.merge(Setting(key=name, value=raw))
            store.audit(s, "update", f"setting.{name}")
        say(t("settings.set", name=name, value=raw))
        return
    store = ctx.store(create=False)
    store.require("admin", "facilitator")
    with store.read() as s:
        rows = [{"name": k, "value": v} for k, v in settings_db.load(s).to_rows().items()]
    emit(rows, fmt, columns=["name", "value"], headings=[t("settings.col.name"), t("settings.col.value")],
         title=t("settings.title"))
