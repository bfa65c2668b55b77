"""The one rule for text that comes from outside: a person, a file, the room or the store.

Such text is shown, never obeyed.  A terminal obeys escape sequences (ESC ``]2;`` sets
its title, ESC ``]52;`` writes the clipboard, ESC ``[2J`` clears the screen) and C1
controls (U+009B is a one-character CSI); bidirectional overrides make a name or an
identity number read backwards.  ``clean`` removes all of these, sequences whole, where
text enters (forms, command line, CSV, room join) and ``shown`` removes them again where
text is shown (every value handed to a screen, a table, a summary or a message), so a
store written by an older version or by hand cannot reach a terminal either.

Nothing is escaped into visible codes: a name is a name, and a person who pasted a
control character by mistake sees their text without it.  Python's
``str.isprintable`` is the fast path: most text is printable and returned as it is.
"""

from __future__ import annotations

import logging
import re
from typing import Any

# Escape sequences removed whole: CSI (ESC [ or U+009B, parameters, final byte); OSC, DCS,
# SOS, PM and APC strings (ESC ] / P / X / ^ / _ or their C1 forms, up to BEL, ST or the end);
# any other escape (ESC, intermediates, final byte).
_SEQUENCE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[ -/]*[0-~]?"
)
# Bidirectional embeddings, overrides, isolates and marks.
BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
_LINE_BREAKS = re.compile(r"\r\n|[\r\n\x0b\x0c\x85\u2028\u2029]")


def _keep(ch: str) -> bool:
    o = ord(ch)
    return not (o < 0x20 or 0x7F <= o <= 0x9F) and ch not in BIDI


def shown(value: str) -> str:
    """``value`` with every control character, escape sequence and bidi override removed.

    Line breaks are kept (as ``\\n``), tabs become spaces; nothing else changes.
    """
    if value.isprintable():
        return value
    text = _LINE_BREAKS.sub("\n", _SEQUENCE.sub("", value)).replace("\t", " ")
    return "".join(ch for ch in text if ch == "\n" or _keep(ch))


def clean(value: str | None, *, lines: bool = False) -> str:
    """Text as it is stored: ``shown``'s rule, trimmed; one line unless ``lines``.

    On one line, line breaks and tabs become single spaces (a name never spans two rows).
    """
    text = shown(value or "")
    if not lines:
        text = text.replace("\n", " ")
    return text.strip()


def checked(value: str | None, *, label: str, limit: int, required: bool = False, lines: bool = False) -> str | None:
    """What a person typed into a free-text field or a name, as it is stored: ``clean``'s rule
    (on one line unless ``lines``), then refused with a one-line ``InputError`` naming ``label``
    (the field as the person reads it) when it is required and empty or longer than ``limit``.
    None for an empty optional field.  Every free-text field and name goes through this."""
    from huddle.errors import InputError

    text = clean(value, lines=lines)
    if not text:
        if required:
            raise InputError("field.required", field=label)
        return None
    if len(text) > limit:
        raise InputError("field.too_long", field=label, max=limit)
    return text


def one_line(value: str | None) -> str:
    """``clean`` with every run of white space made one space (names typed in a browser)."""
    return " ".join(clean(value).split())


def shown_deep(value: Any) -> Any:
    """``shown`` applied to every string inside lists, tuples and dicts (keys too)."""
    if isinstance(value, str):
        return shown(value)
    if isinstance(value, dict):
        return {shown_deep(k): shown_deep(v) for k, v in value.items()}
    if isinstance(value, list) or type(value) is tuple:
        return type(value)(shown_deep(v) for v in value)
    return value


class ShownText:
    """A frozen dataclass whose text fields pass ``shown`` when it is built.

    The values services hand to screens and the command line inherit this, so whatever the
    store holds (an older version's rows, an edit by hand), what reaches a terminal is clean.
    """

    __slots__ = ()

    def __post_init__(self) -> None:
        for name, value in vars(self).items():
            if isinstance(value, str):
                if not value.isprintable():
                    object.__setattr__(self, name, shown(value))
            elif type(value) is tuple and value and not isinstance(value[0], ShownText):
                object.__setattr__(self, name, shown_deep(value))


class ShownFormatter(logging.Formatter):
    """Log lines on a terminal: whatever a record carries from outside is shown, never obeyed."""

    def format(self, record: logging.LogRecord) -> str:
        return shown(super().format(record))
