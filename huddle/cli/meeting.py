"""``huddle summary``: per-case summaries of one huddle, ready to paste into the record system."""

from __future__ import annotations

import click

from huddle.cli import Context
from huddle.domain.fields import parse_date
from huddle.i18n import t

pass_ctx = click.make_pass_decorator(Context)


@click.command("summary")
@click.option("--date", "date_", metavar="YYYY-MM-DD", help="The huddle's date (default: today).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@pass_ctx
def summary_cmd(ctx: Context, date_: str | None, fmt: str) -> None:
    """Per-case summaries of a huddle (with identity numbers, for the record system)."""
    import json
    import sys

    from huddle.services import agenda, meeting

    day = parse_date(date_)
    store = ctx.store(create=False)
    day = day or agenda.today(store)
    from huddle.domain.text import shown_deep

    items = shown_deep(meeting.huddle_summaries(store, day))
    if fmt == "json":
        json.dump(items, sys.stdout, ensure_ascii=False, indent=2, default=str)
        sys.stdout.write("\n")
        return
    if not items:
        click.echo(t("meeting.summary.empty", date=day.isoformat()))
        return
    click.echo("\n\n".join(item["text"] for item in items))
