"""The ``huddle`` command.

Subcommands live in sibling modules and are imported only when invoked, so
``huddle --help`` and the printing commands import neither Textual nor aiortc.
Errors a person can act on print one line on stderr and exit non-zero; a
traceback only with ``--debug``.
"""

from __future__ import annotations

import importlib
import os
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from huddle.store import Actor, Store

# command name -> "module:attribute"
COMMANDS: dict[str, str] = {
    "init": "huddle.cli.core:init_cmd",
    "patient": "huddle.cli.core:patient_cmd",
    "agenda": "huddle.cli.core:agenda_cmd",
    "import": "huddle.cli.core:import_cmd",
    "demo": "huddle.cli.core:demo_cmd",
    "summary": "huddle.cli.meeting:summary_cmd",
    "stats": "huddle.cli.stats:stats_cmd",
    "export": "huddle.cli.stats:export_cmd",
    "room": "huddle.cli.room:room_cmd",
    "serve": "huddle.cli.app:serve_cmd",
    "user": "huddle.cli.admin:user_cmd",
    "audit": "huddle.cli.admin:audit_cmd",
    "retention": "huddle.cli.admin:retention_cmd",
    "backup": "huddle.cli.admin:backup_cmd",
    "calendar": "huddle.cli.days:calendar_cmd",
    "settings": "huddle.cli.admin:settings_cmd",
    "oidc": "huddle.cli.oidc:oidc_cmd",
}

def default_db_path() -> str:
    from platformdirs import user_data_dir

    return os.path.join(user_data_dir("huddle", appauthor=False), "huddle.db")


# Store files this command made.  A command that is then refused removes them again, so a
# refused command on a new path leaves nothing behind (only when the file holds no row at all).
_NEW_STORES: list[Any] = []


def _discard_new_stores() -> None:
    import sqlite3

    while _NEW_STORES:
        store = _NEW_STORES.pop()
        store.close()
        path = store.path
        try:
            con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            try:
                tables = [n for (n,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
                          if n != "alembic_version" and not n.startswith("sqlite_")]
                empty = all(con.execute(f'SELECT 1 FROM "{n}" LIMIT 1').fetchone() is None for n in tables)
            finally:
                con.close()
        except sqlite3.Error:
            continue
        if empty:
            for suffix in ("", "-wal", "-shm", "-journal"):
                try:
                    os.unlink(f"{path}{suffix}")
                except OSError:
                    pass


@dataclass
class Context:
    db: str | None
    lang: str
    debug: bool
    user: str | None
    _store: Any = field(default=None, repr=False)

    @property
    def target(self) -> str:
        return self.db or os.environ.get("HUDDLE_DB") or default_db_path()

    def store(self, *, create: bool = False, upgrade: bool = True, clock=None):  # noqa: ANN001, ANN201
        """The opened store with the acting person resolved (sign-in when the store has users)."""
        if self._store is None:
            from huddle.store import Store

            store = Store.open(self.target, create=create, upgrade=upgrade, clock=clock)
            if store.created and store.path is not None:
                _NEW_STORES.append(store)
            store = store.with_actor(resolve_actor(store, self.user))
            self._store = store
        return self._store

    def close(self) -> None:
        """Dispose of the store's engine when the command is done (matters when main() runs in-process)."""
        if self._store is not None:
            self._store.close()
            self._store = None


def resolve_actor(store: Store, username: str | None) -> Actor:
    """Who is acting: the local all-roles actor without users, else a signed-in user (a password
    from ``HUDDLE_PASSWORD`` or a hidden prompt on stderr; the provider's device code on stderr)."""
    from huddle.services import access

    return access.actor_for_cli(
        store,
        username,
        ask_password=lambda prompt: click.prompt(prompt, hide_input=True, err=True),
        say=lambda line: click.echo(line, err=True),
    )


# -- help in the chosen language -------------------------------------------------------
# Every help text a person reads comes from the catalogue (huddle/messages/cli_help.py), looked
# up by the command's path when the command is loaded (the language is set before Click parses):
# ``clihelp.huddle.patient.add`` for the command, ``….opt.pnr`` for its option ``--pnr``,
# ``….short`` for its line in a list of commands; ``clihelp.any.opt.format`` for an option many
# commands share.  Click's own words go through HelpFormatter.
_CLICK_HEADINGS = {
    "Options": "clihelp.click.options",
    "Commands": "clihelp.click.commands",
    "Positional arguments": "clihelp.click.arguments",
}
_CLICK_TEXTS = {"Show this message and exit.": "clihelp.click.help", "Show the version and exit.": "clihelp.click.version"}


def help_key(path: str, option: click.Option | None = None) -> str:
    """The catalogue key of a command's help (``path`` like "huddle.patient.add") or of one option."""
    key = f"clihelp.{path}"
    return key if option is None else f"{key}.opt.{option.opts[0].lstrip('-')}"


def localize(command: click.Command, path: str = "huddle") -> click.Command:
    """Set ``command``'s help texts (and its subcommands') from the catalogue in the current language."""
    from huddle.i18n import catalogue, t

    texts = catalogue()
    key = help_key(path)
    if key in texts:
        command.help = t(key)
        command.short_help = t(f"{key}.short") if f"{key}.short" in texts else None
    for param in command.params:
        if not isinstance(param, click.Option) or param.hidden or param.name in ("help", "version"):
            continue
        # The command's own text, else the one every command with that option shares (--format).
        for option_key in (help_key(path, param), help_key("any", param)):
            if option_key in texts:
                param.help = t(option_key)
                break
    command.context_class = HelpContext
    if isinstance(command, click.Group) and not isinstance(command, LazyGroup):
        for name, sub in command.commands.items():
            localize(sub, f"{path}.{name}")
    return command


def _click_extra(text: str) -> str:
    """Click's "[default: 10; required]" after an option's help, in the language."""
    from huddle.i18n import t

    def words(match: re.Match[str]) -> str:
        parts = []
        for part in match.group(1).split("; "):
            if part == "required":
                part = t("clihelp.click.required")
            elif part.startswith("default: "):
                part = t("clihelp.click.default", value=part[len("default: "):])
            parts.append(part)
        return "[" + "; ".join(parts) + "]"

    return re.sub(r"\[((?:default: [^\]]*|required)(?:; [^\]]*)?)\]$", words, text)


class HelpFormatter(click.HelpFormatter):
    """Click's help layout with its own words (Usage, Options, …) from the catalogue."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        from huddle.i18n import t

        super().write_usage(prog, args, prefix if prefix is not None else f"{t('clihelp.click.usage')} ")

    def write_heading(self, heading: str) -> None:
        from huddle.i18n import t

        super().write_heading(t(_CLICK_HEADINGS[heading]) if heading in _CLICK_HEADINGS else heading)

    def write_dl(self, rows: Iterable[tuple[str, str]], col_max: int = 30, col_spacing: int = 2) -> None:
        from huddle.i18n import t

        shown = [(term, _click_extra(t(_CLICK_TEXTS[text]) if text in _CLICK_TEXTS else text)) for term, text in rows]
        super().write_dl(shown, col_max, col_spacing)


class HelpContext(click.Context):
    formatter_class = HelpFormatter


class LazyGroup(click.Group):
    context_class = HelpContext

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        target = COMMANDS.get(name)
        if target is None:
            return None
        module, attr = target.split(":")
        try:
            command = getattr(importlib.import_module(module), attr)
        except (ImportError, AttributeError):
            return None
        return localize(command, f"huddle.{name}")

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        from huddle.i18n import t

        # Each command's short line without importing its module (so --help stays quick).
        rows = [(name, t(f"clihelp.huddle.{name}.short") if f"clihelp.huddle.{name}.short" in _catalogue()
                 else t(f"clihelp.huddle.{name}")) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


def _catalogue() -> dict:
    from huddle.i18n import catalogue

    return catalogue()


@click.group(cls=LazyGroup, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", metavar="PATH|URL", help="The store: a file path or a SQLAlchemy URL (env HUDDLE_DB).")
@click.option("--lang", type=click.Choice(["sv", "en"]), help="Language (env HUDDLE_LANG; default from the locale).")
@click.option("--user", metavar="NAME", help="Sign in as this user (when the store has users).")
@click.option("--debug", is_flag=True, help="Show tracebacks.")
@click.version_option(package_name="huddle-tui", prog_name="huddle")
@click.pass_context
def cli(ctx: click.Context, db: str | None, lang: str | None, user: str | None, debug: bool) -> None:
    """huddle: the daily multiprofessional huddle between region and municipalities.

    Without a subcommand, opens the app on the store.
    """
    from huddle.i18n import set_language

    ctx.obj = Context(db=db, lang=set_language(lang), debug=debug, user=user)
    ctx.call_on_close(ctx.obj.close)
    if ctx.invoked_subcommand is None:
        # A file that can never be a huddle store is refused here, as one line and exit 1, rather
        # than inside the app (which opens its store only after the first paint).
        from db.preflight import check

        problem = check(ctx.obj.target)
        if problem is not None:
            from huddle.errors import StoreError

            reason, path, detail = problem
            raise StoreError(f"store.{reason}", path=path, detail=detail)
        from huddle.cli.app import run_app

        run_app(ctx.obj)


def _param_name(exc: click.ClickException) -> str:
    param = getattr(exc, "param", None)
    if isinstance(param, click.Argument):
        return param.human_readable_name  # FILE
    if param is not None and getattr(param, "opts", None):
        return param.opts[0]  # --pnr
    return getattr(exc, "param_hint", None) or "?"


def _one_line_usage(exc: click.ClickException) -> str:
    """Click's usage errors as one line in the chosen language (Click itself only speaks English)."""
    import re

    from huddle.i18n import t

    if isinstance(exc, click.exceptions.NoArgsIsHelpError):
        # A group given no command (e.g. ``huddle patient``): Click would print its whole help on stderr.
        group = exc.ctx.command if exc.ctx is not None else None
        names = sorted(group.list_commands(exc.ctx)) if isinstance(group, click.Group) else []
        path = exc.ctx.command_path if exc.ctx is not None else "huddle"
        return t("cli.needs_command", command=path, choices=", ".join(names))
    if isinstance(exc, click.NoSuchOption):
        return t("cli.no_such_option", name=exc.option_name)
    if isinstance(exc, click.MissingParameter):
        return t("cli.missing", param=_param_name(exc))
    if isinstance(exc, click.BadParameter):
        param = exc.param
        if param is not None and isinstance(param.type, click.Choice):
            return t("cli.bad_choice", param=_param_name(exc), choices=", ".join(map(str, param.type.choices)))
        return t("cli.bad_value", param=_param_name(exc), detail=exc.message)
    msg = exc.format_message()
    if isinstance(exc, click.BadOptionUsage) and "requires an argument" in msg:
        return t("cli.needs_value", name=exc.option_name)
    extra = re.match(r"Got unexpected extra arguments? \((.*)\)", msg)
    if extra:
        return t("cli.extra_args", args=extra.group(1))
    if msg.startswith("No such command"):
        return t("cli.no_such_command", name=msg.split("'")[1] if "'" in msg else msg)
    return t("cli.usage", detail=msg.rstrip("."))


def _fail(message: str, code: int) -> None:
    # Exactly one line, whatever a message or a value in it holds.
    from huddle.domain.text import clean
    from huddle.i18n import t

    one_line = clean(str(message))
    sys.stderr.write(f"{t('cli.error_prefix')} {one_line}\n")
    sys.stderr.flush()
    sys.exit(code)


def _early_language(args: list[str]) -> None:
    """Set the language from ``--lang`` before Click parses anything.

    A usage error (unknown command, bad option) is raised before the group's callback
    runs, and its one line must already be in the language the person asked for.
    """
    from huddle.i18n import set_language

    lang = None
    for i, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(args):
            lang = args[i + 1]
        elif arg.startswith("--lang="):
            lang = arg.split("=", 1)[1]
    set_language(lang if lang in ("sv", "en") else None)


def main(argv: list[str] | None = None) -> None:
    args = list(argv if argv is not None else sys.argv[1:])
    debug = "--debug" in args
    _early_language(args)
    localize(cli)
    try:
        try:
            result = cli.main(args=argv, prog_name="huddle", standalone_mode=False)
            if isinstance(result, int) and result:
                sys.exit(result)
        except BaseException as exc:
            if not _succeeded(exc):
                _discard_new_stores()
            raise
        finally:
            _NEW_STORES.clear()
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.Abort:
        from huddle.i18n import t

        _fail(t("cli.interrupted"), 130)
    except click.UsageError as exc:
        if debug:
            raise
        _fail(_one_line_usage(exc), 2)
    except click.ClickException as exc:
        # Raised by a command for a runtime problem (e.g. a file it cannot write): its own code, one line.
        if debug:
            raise
        _fail(exc.format_message(), exc.exit_code or 1)
    except BrokenPipeError:
        # ``huddle agenda --format json | head -1``: the reader left; not an error worth a traceback.
        try:
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - Python flushes stdout at exit
        except OSError:
            pass
        sys.exit(1)
    except KeyboardInterrupt:
        from huddle.i18n import t

        _fail(t("cli.interrupted"), 130)
    except Exception as exc:  # noqa: BLE001
        from huddle.errors import HuddleError

        if debug:
            raise
        if isinstance(exc, HuddleError):
            _fail(str(exc), exc.exit_code)
        _fail(_unexpected(exc), 1)


def _succeeded(exc: BaseException) -> bool:
    if isinstance(exc, click.exceptions.Exit):
        return exc.exit_code == 0
    return isinstance(exc, SystemExit) and exc.code in (0, None)


def _unexpected(exc: Exception) -> str:
    from huddle.i18n import t

    name = type(exc).__name__
    text = str(exc).splitlines()[0] if str(exc) else ""
    if name == "OperationalError" and "locked" in text:
        return t("store.busy")
    if name in {"IntegrityError", "OperationalError", "DatabaseError"}:
        return t("store.error", detail=text[:160])
    return t("cli.unexpected", detail=f"{name}: {text[:160]}")
