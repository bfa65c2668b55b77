"""The meeting calendar on the command line: which days have a meeting, and local exceptions."""

from __future__ import annotations

from datetime import timedelta

import click

from huddle.cli import Context
from huddle.cli.core import FORMATS, pass_ctx, say
from huddle.domain.fields import parse_date
from huddle.i18n import t


@click.command("calendar")
@click.option("--from", "from_", metavar="YYYY-MM-DD", help="First day to list (default: today).")
@click.option("--to", "to_", metavar="YYYY-MM-DD", help="Last day to list (default: four weeks on).")
@click.option("--close", "close", metavar="YYYY-MM-DD", help="No meeting that day (a local closure).")
@click.option("--extra", "extra", metavar="YYYY-MM-DD", help="A meeting that day, though the calendar has none.")
@click.option("--reset", "reset", metavar="YYYY-MM-DD", help="That day follows the calendar again.")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@pass_ctx
def calendar_cmd(ctx: Context, from_: str | None, to_: str | None, close: str | None, extra: str | None,
                 reset: str | None, fmt: str) -> None:
    """Meeting days: weekdays except Swedish public holidays, with local closed and extra days."""
    from huddle.cli.output import emit
    from huddle.errors import InputError
    from huddle.services import agenda, days

    changes = [(mode, parse_date(value, option)) for mode, value, option in
               (("closed", close, "--close"), ("extra", extra, "--extra"), ("default", reset, "--reset"))
               if value is not None]
    if len(changes) > 1:
        raise InputError("days.one_change")
    start, end = parse_date(from_, "--from"), parse_date(to_, "--to")
    if changes:
        mode, day = changes[0]
        store = ctx.store(create=True)
        assert day is not None
        days.set_day(store, day, mode)
        what = {"closed": "days.closed_now", "extra": "days.extra_now", "default": "days.reset_now"}[mode]
        say(t(what, date=day.isoformat(), what=days.meeting_days(store, day, day)[0].reason or t("days.meeting")))
        return
    store = ctx.store(create=False)
    start = start or agenda.today(store)
    end = end or start + timedelta(days=27)
    rows = [{"date": d.day.isoformat(), "weekday": t(f"tui.weekday.{d.day.weekday()}"),
             "meeting": d.meeting, "reason": d.reason} for d in days.meeting_days(store, start, end)]
    if fmt == "table":
        for r in rows:
            r["meeting"] = t("days.yes") if r["meeting"] else t("days.no")
    columns = ["date", "weekday", "meeting", "reason"]
    emit(rows, fmt, columns=columns, headings=[t(f"days.col.{c}") for c in columns],
         title=t("days.title", start=start.isoformat(), end=end.isoformat()))
