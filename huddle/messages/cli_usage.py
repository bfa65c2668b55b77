"""Command-line usage errors the foundation's verification found untranslated (see huddle.cli._one_line_usage)."""

MESSAGES = {
    "cli.needs_command": {
        "en": "'{command}' needs a command: {choices} (see '{command} --help').",
        "sv": "'{command}' behöver ett kommando: {choices} (se '{command} --help').",
    },
    "cli.needs_value": {"en": "{name} needs a value.", "sv": "{name} behöver ett värde."},
    "cli.extra_args": {
        "en": "Unexpected extra argument: {args} (see 'huddle --help').",
        "sv": "Oväntat extra argument: {args} (se 'huddle --help').",
    },
    "cli.bad_choice": {
        "en": "Bad value for {param}; choose one of {choices}.",
        "sv": "Felaktigt värde för {param}; välj ett av {choices}.",
    },
}
