"""Foundation subcommands: init, patient add, agenda, import, demo."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from huddle.cli import Context
from huddle.domain.fields import parse_date
from huddle.i18n import t

pass_ctx = click.make_pass_decorator(Context)
FORMATS = click.Choice(["table", "json", "csv"])


def shown_text(text: str) -> str:
    from huddle.domain.text import shown

    return shown(text)


def _demo_progress(where: str):  # noqa: ANN202
    """Say where the store goes once the seeding starts (a refused store prints only its one
    error line), then count the meeting days written, on a terminal only (stderr: stdout keeps
    the one result line)."""
    stream = sys.stderr

    def progress(done: int, total: int) -> None:
        if done == 0:
            stream.write(shown_text(t("demo.making", path=where)) + "\n")
        if stream.isatty():
            end = "\n" if done >= total else ""
            stream.write(f"\r{t('demo.progress', done=done, total=total)}{end}")
        stream.flush()

    return progress


def say(text: str) -> None:
    """One line (or a few) for the person at the terminal: store text in it is shown, never obeyed."""
    from huddle.domain.text import shown

    click.echo(shown(text))


@click.command("init")
@pass_ctx
def init_cmd(ctx: Context) -> None:
    """Create or upgrade the store; say where it is."""
    from db.engine import shown
    from huddle.store import Store

    store = Store.open(ctx.target, create=True, upgrade=True)
    where = str(store.path or shown(ctx.target))  # never the password of a database URL
    if store.created:
        say(t("init.created", path=where))
    elif store.opened.upgraded:
        say(t("init.upgraded", path=where))
    else:
        say(t("init.current", path=where))
    store.close()


@click.group("patient")
def patient_cmd() -> None:
    """Patients on the agenda."""


@patient_cmd.command("add")
@click.option("--pnr", required=True, help="Identity number (personnummer or samordningsnummer).")
@click.option("--name", required=True, help="The patient's name.")
@click.option("--unit", required=True, help="Current unit (ward, primary care centre, home care).")
@click.option("--municipality", required=True, help="Home municipality.")
@click.option("--question", default="", help="The question to discuss.")
@click.option("--date", "date_", metavar="YYYY-MM-DD", help="The huddle's date (default: the next meeting day).")
@pass_ctx
def patient_add_cmd(ctx: Context, pnr: str, name: str, unit: str, municipality: str, question: str, date_: str | None) -> None:
    """Put a patient on a huddle's agenda."""
    from huddle.services import agenda

    day = parse_date(date_)
    # Validate before the store is even opened: bad input writes nothing, not even a new file.
    from huddle.domain.clock import default_clock, local_date
    from huddle.domain.fields import validate_patient

    # Checked against today in the default zone: a birth date is a calendar date, and the
    # store (with its zone setting) is not opened until the input is known to be good.
    validate_patient(
        {"pnr": pnr, "name": name, "unit": unit, "municipality": municipality, "question": question},
        local_date(default_clock().now()),
    )
    store = ctx.store(create=True)
    row = agenda.add_patient(
        store, pnr=pnr, name=name, unit=unit, municipality=municipality, question=question, day=day
    )
    say(t("agenda.added", pnr=row.pnr, name=row.name, date=row.huddle_date.isoformat(), position=row.position))


@click.command("agenda")
@click.option("--date", "date_", metavar="YYYY-MM-DD", help="The huddle's date (default: the next meeting day).")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@pass_ctx
def agenda_cmd(ctx: Context, date_: str | None, fmt: str) -> None:
    """Show a huddle's agenda."""
    from huddle.cli.output import emit
    from huddle.services import agenda

    day = parse_date(date_)
    store = ctx.store(create=False)  # reading never makes a store (a typo in --db is told, not hidden)
    day = day or agenda.default_date(store)
    rows = [r.to_json() for r in agenda.list_agenda(store, day)]
    columns = ["position", "pnr", "name", "unit", "municipality", "question", "state"]
    if fmt == "table":
        if not rows:
            say(t("agenda.empty", date=day.isoformat()))
            return
        for r in rows:
            r["state"] = t(f"state.{r['state']}")
    emit(
        rows,
        fmt,
        columns=columns,
        headings=[t(f"col.{c}") for c in columns],
        title=t("agenda.title", date=day.isoformat()),
    )


@click.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--date", "date_", metavar="YYYY-MM-DD", help="The huddle's date (default: the next meeting day).")
@pass_ctx
def import_cmd(ctx: Context, file: Path, date_: str | None) -> None:
    """Import an agenda from CSV (header pnr,name,unit,municipality,question; comma or semicolon)."""
    from huddle.domain.clock import default_clock, local_date
    from huddle.domain.csvimport import decode, parse_agenda_csv
    from huddle.errors import InputError
    from huddle.services import agenda

    day = parse_date(date_)
    try:
        data = sys.stdin.buffer.read() if str(file) == "-" else file.read_bytes()
    except OSError as exc:
        raise InputError("csv.unreadable", path=str(file), reason=exc.strerror or str(exc)) from exc
    # The whole file is checked before the store is opened: a bad file writes nothing.
    rows = parse_agenda_csv(decode(data), local_date(default_clock().now()))
    store = ctx.store(create=True)
    day = day or agenda.default_date(store)
    added = agenda.import_rows(store, rows, day)
    say(t("import.done", count=len(added), date=day.isoformat()))


@click.command("demo")
@click.option("--no-tui", is_flag=True, help="Only make the demo store; do not open the app.")
@click.option("--seed", type=int, default=2026, show_default=True, help="Random seed (same seed, same store).")
@click.option("--weeks", type=click.IntRange(1, 520), default=8, show_default=True, help="Weeks of huddles.")
@pass_ctx
def demo_cmd(ctx: Context, no_tui: bool, seed: int, weeks: int) -> None:
    """Make a realistic demo store for Kalmar county (fictitious patients), then open the app."""
    import os

    from huddle.demo import demo_db_path, seed_demo

    if not no_tui:
        from huddle.cli.app import require_terminal

        require_terminal()  # before the store is made: a refusal writes nothing
    if not ctx.db and not os.environ.get("HUDDLE_DB"):
        ctx.db = demo_db_path()
    from db.engine import shown

    summary = seed_demo(ctx.target, seed=seed, weeks=weeks, progress=_demo_progress(shown(ctx.target)))
    say(t("demo.seeded", path=summary.path, huddles=summary.huddles, cases=summary.cases))
    if not no_tui:
        from huddle.cli.app import run_app

        run_app(ctx)
