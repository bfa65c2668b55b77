"""``huddle --help`` in the language asked for (--lang, HUDDLE_LANG), from the one catalogue."""

from __future__ import annotations

import click
import pytest

from tests.conftest import huddle_here


def help_of(*args: str, env_lang: str | None = None, monkeypatch=None) -> str:  # noqa: ANN001
    """``huddle ARGS`` in this process, as test_cli_contract runs it; what it printed on stdout."""
    if env_lang is not None:
        monkeypatch.setenv("HUDDLE_LANG", env_lang)
    code, out, err = huddle_here(*args)
    assert code == 0, err
    return " ".join(out.split())  # click wraps lines: compare the words


def test_group_help_in_swedish():
    text = help_of("--lang", "sv", "--help")
    assert text.startswith("Användning: huddle")
    assert "det dagliga multiprofessionella mötet mellan region och kommuner" in text
    assert "Flaggor:" in text and "Kommandon:" in text
    assert "agenda Visa ett mötes agenda." in text
    assert "demo Skapa en demodatabas för Kalmar län och öppna appen." in text
    assert "-h, --help Visa den här hjälpen och avsluta." in text
    for english in ("Usage:", "Options:", "Commands:", "Show this message", "The store:", "Show a huddle's agenda"):
        assert english not in text


def test_group_help_in_english():
    text = help_of("--lang", "en", "--help")
    assert text.startswith("Usage: huddle")
    assert "the daily multiprofessional huddle between region and municipalities" in text
    assert "Options:" in text and "Commands:" in text
    assert "agenda Show a huddle's agenda." in text
    assert "--db PATH|URL The store: a file path or a SQLAlchemy URL (env HUDDLE_DB)." in text
    assert "Användning" not in text and "Flaggor" not in text


@pytest.mark.parametrize(
    ("args", "swedish", "english"),
    [
        (("agenda",), ["Visa ett mötes agenda.", "--date YYYY-MM-DD Mötets datum (standard: nästa mötesdag).",
                       "Utdata: en tabell att läsa", "[standard: table]"],
         ["Show a huddle's agenda.", "--date YYYY-MM-DD The huddle's date (default: the next meeting day).",
          "Output: a table to read", "[default: table]"]),
        (("patient", "add"), ["Sätt upp en patient på ett mötes agenda.",
                              "--pnr TEXT Personnummer eller samordningsnummer. [obligatorisk]"],
         ["Put a patient on a huddle's agenda.", "--pnr TEXT Identity number (personnummer or samordningsnummer). [required]"]),
        (("user",), ["Hantera användare och roller (admin).", "Kommandon:",
                     "enable Aktivera en avstängd användare igen."],
         ["Manage users and roles (admin).", "Commands:", "enable Enable a disabled user again."]),
        (("demo",), ["--no-tui Skapa bara demodatabasen; öppna inte appen."],
         ["--no-tui Only make the demo store; do not open the app."]),
    ],
)
def test_command_help_in_both_languages(monkeypatch, args, swedish, english):
    sv = help_of("--lang", "sv", *args, "--help")
    assert sv.startswith(f"Användning: huddle {' '.join(args)}")
    for words in swedish:
        assert words in sv
    # The language from the environment, as a Swedish installation sets it.
    assert help_of(*args, "--help", env_lang="sv", monkeypatch=monkeypatch) == sv
    en = help_of("--lang", "en", *args, "--help")
    assert en.startswith(f"Usage: huddle {' '.join(args)}")
    for words in english:
        assert words in en
    assert "Användning" not in en


def test_every_command_and_option_has_its_help_in_both_languages():
    """A new command or option without catalogue text would show its English source text in Swedish."""
    from huddle.cli import cli, help_key, localize
    from huddle.i18n import catalogue

    texts = catalogue()
    localize(cli)
    ctx = click.Context(cli)
    missing: list[str] = []

    def walk(command: click.Command, path: str) -> None:
        if help_key(path) not in texts:
            missing.append(help_key(path))
        for param in command.params:
            if isinstance(param, click.Option) and not param.hidden and param.name not in ("help", "version"):
                if help_key(path, param) not in texts and help_key("any", param) not in texts:
                    missing.append(help_key(path, param))
        if isinstance(command, click.Group):
            for name in command.list_commands(ctx):
                sub = command.get_command(ctx, name)
                assert sub is not None, name
                walk(sub, f"{path}.{name}")

    walk(cli, "huddle")
    assert missing == []
    assert [k for k, v in texts.items() if k.startswith("clihelp.") and not (v.get("sv") and v.get("en"))] == []
