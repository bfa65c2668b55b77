"""``huddle stats`` and ``huddle export``: figures and anonymous case rows for managers."""

from __future__ import annotations

from typing import Any

import click

from huddle.cli import Context
from huddle.domain.fields import parse_date
from huddle.domain.vocab import Grouping
from huddle.i18n import t

pass_ctx = click.make_pass_decorator(Context)
GROUPINGS = Grouping.values()

# Columns of the two human tables (the JSON and CSV carry every figure).
TIME_COLUMNS = [
    "key", "cases", "mean_s", "median_s", "p90_s", "within_target_share", "over_target", "patients_per_huddle",
    "meeting_mean_s",
]
OUTCOME_COLUMNS = [
    "key", "deferred", "discharge_ready_days", "payment_liable_days", "sip_met_share", "home_visits", "red_days",
]
TABLE_COLUMNS = TIME_COLUMNS + OUTCOME_COLUMNS[1:]


def _period(ctx: Context, start_text: str | None, end_text: str | None):  # noqa: ANN202
    """Parse and check the period before the store is opened: bad input touches nothing."""
    from huddle.errors import InputError

    start = parse_date(start_text, "--from")
    end = parse_date(end_text, "--to")
    if start and end and start > end:
        raise InputError("date.range", start=start.isoformat(), end=end.isoformat())
    store = ctx.store(create=False)
    if start is None or end is None:
        from huddle.services import stats

        start, end = stats.check_period(start, end, stats.today(store))
    return store, start, end


def fmt_seconds(value: float | None) -> str:
    from huddle.domain.timing import format_seconds

    return "–" if value is None else format_seconds(round(value))


def fmt_share(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.0f} %"


def fmt_number(value: float | None, digits: int = 1) -> str:
    from huddle.i18n import number

    return "–" if value is None else number(value, digits)


def human_row(f: dict[str, Any], key: str) -> dict[str, str]:
    """One figures dict as people read it (times m:ss, shares in per cent)."""
    return {
        "key": key,
        "cases": str(f["cases"]),
        "mean_s": fmt_seconds(f["mean_s"]),
        "median_s": fmt_seconds(f["median_s"]),
        "p90_s": fmt_seconds(f["p90_s"]),
        "within_target_share": fmt_share(f["within_target_share"]),
        "over_target": str(f["over_target"]),
        "patients_per_huddle": fmt_number(f["patients_per_huddle"]),
        "meeting_mean_s": fmt_seconds(f["meeting_mean_s"]),
        "deferred": str(f["deferred"]),
        "discharge_ready_days": str(f["discharge_ready_days"]),
        "payment_liable_days": str(f["payment_liable_days"]),
        "sip_met_share": fmt_share(f["sip_met_share"]),
        "home_visits": str(f["home_visits"]),
        "red_days": str(f["red_days"]),
    }


def group_label(key: Any) -> str:
    return t("stats.none") if key is None or key == "" else str(key)


def _flat(value: Any) -> Any:
    if isinstance(value, dict):
        return "; ".join(f"{k}: {v}" for k, v in value.items())
    return value


@click.command("stats")
@click.option("--from", "start_text", metavar="YYYY-MM-DD", help="First day of the period (default: 29 days before --to).")
@click.option("--to", "end_text", metavar="YYYY-MM-DD", help="Last day of the period (default: today).")
@click.option("--by", type=click.Choice(GROUPINGS), help="Group the figures.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@pass_ctx
def stats_cmd(ctx: Context, start_text: str | None, end_text: str | None, by: str | None, fmt: str) -> None:
    """Figures for managers: time per case, within target, readiness days, home visits and more."""
    from huddle.cli.output import emit
    from huddle.services import stats

    store, start, end = _period(ctx, start_text, end_text)
    result = stats.figures(store, start, end, by)
    data = result.to_json()
    if fmt == "json":
        emit([], "json", columns=[], json_value=data)
        return
    if fmt == "csv":
        columns = ["key", *data["overall"].keys()]
        rows = [{"key": "overall", **{k: _flat(v) for k, v in data["overall"].items()}}]
        rows += [{k: _flat(v) for k, v in g.items()} for g in data["groups"]]
        emit(rows, "csv", columns=columns)
        return
    if data["overall"]["agenda_cases"] == 0:
        click.echo(t("stats.empty", start=start.isoformat(), end=end.isoformat()))
        return
    rows = [human_row(data["overall"], t("stats.overall"))]
    rows += [human_row(g, group_label(g["key"])) for g in data["groups"]]
    title = (
        t("stats.title_by", start=start.isoformat(), end=end.isoformat(), by=Grouping.label_of(by))
        if by
        else t("stats.title", start=start.isoformat(), end=end.isoformat())
    )
    emit(rows, "table", columns=TIME_COLUMNS, headings=[t(f"stats.col.{c}") for c in TIME_COLUMNS], title=title)
    emit(rows, "table", columns=OUTCOME_COLUMNS, headings=[t(f"stats.col.{c}") for c in OUTCOME_COLUMNS])
    for line in stats.notes(data["overall"], result.rule):
        click.echo(line)


@click.command("export")
@click.option("--from", "start_text", metavar="YYYY-MM-DD", help="First day of the period (default: 29 days before --to).")
@click.option("--to", "end_text", metavar="YYYY-MM-DD", help="Last day of the period (default: today).")
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True)
@click.option("--excel", is_flag=True, help="CSV for Swedish Excel: semicolons, decimal comma and a BOM.")
@pass_ctx
def export_cmd(ctx: Context, start_text: str | None, end_text: str | None, fmt: str, excel: bool) -> None:
    """One anonymous row per case (no identity numbers or names), for a spreadsheet."""
    from huddle.cli.output import emit
    from huddle.services import stats

    store, start, end = _period(ctx, start_text, end_text)
    rows = [r.to_json() for r in stats.export_rows(store, start, end)]
    emit(rows, fmt, columns=stats.EXPORT_COLUMNS, excel=excel)
