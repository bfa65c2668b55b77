"""The one rule for outside text: nothing a terminal would obey survives it, nothing else changes."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from huddle.domain.text import BIDI, checked, clean, one_line, shown, shown_deep

# Text as a hostile participant, a broken CSV or a hand-edited store might hold it: printable
# letters mixed with C0/C1 controls, escape-sequence fragments and bidi overrides.
HOSTILE_PIECES = st.sampled_from([
    "\x1b", "\x1b[", "\x1b]", "\x1b]52;c;", "\x1b]2;", "\x07", "\x1b\\", "\x9b", "\x9d", "\x9c", "[2J", "\r", "\n",
    "\t", "\x00", "\x7f", "\x85", "\u202e", "\u2066", "\u2028", "31m", ";", "P", "_",
])
HOSTILE = st.lists(st.one_of(st.text(max_size=6), HOSTILE_PIECES), max_size=30).map("".join)


def obeyable(text: str) -> list[str]:
    """The characters in ``text`` a terminal would act on, rather than show."""
    return [ch for ch in text if ch != "\n" and (unicodedata.category(ch) == "Cc" or ch in BIDI)]


@given(HOSTILE)
def test_nothing_a_terminal_obeys_is_left(text):
    assert obeyable(shown(text)) == []
    assert obeyable(clean(text)) == [] and "\n" not in clean(text)
    assert obeyable(clean(text, lines=True)) == []
    assert clean(text) == clean(text).strip()
    assert "  " not in one_line(text)


@given(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")).filter(lambda c: c not in BIDI)))
def test_printable_text_is_left_as_it_is(text):
    assert shown(text) == text.replace("\u2028", "\n").replace("\u2029", "\n")


@given(HOSTILE)
def test_the_rule_is_stable(text):
    assert shown(shown(text)) == shown(text)
    assert clean(clean(text)) == clean(text)


def test_sequences_go_whole_and_words_stay():
    hijack = "Eva\x1b]52;c;SGlqYWNrZWQ=\x07\x1b]2;HIJACKED\x07 Ek\x1b[2J\x1b[H (Region)"
    assert clean(hijack) == "Eva Ek (Region)"
    assert shown("Åsa\x9b31mNilsson\u202e") == "ÅsaNilsson"
    assert shown("rad ett\r\nrad två\ttab") == "rad ett\nrad två tab"
    assert one_line("  Bo \n\n Ek  ") == "Bo Ek"
    assert shown_deep({"name\x1b[1m": ["a\x07", ("b\x9b",)], "n": 3}) == {"name": ["a", ("b",)], "n": 3}


def test_a_log_line_carrying_a_browsers_text_is_shown_not_obeyed():
    import logging

    from huddle.domain.text import ShownFormatter

    record = logging.LogRecord("huddle.room", logging.WARNING, __file__, 1, "websocket from another origin refused: %s",
                               ("http://x\x1b]2;HIJACKED\x07",), None)
    assert ShownFormatter("room: %(message)s").format(record) == "room: websocket from another origin refused: http://x"


# -- the one rule at every door: every free-text field and every name goes through ``checked`` ----
@given(HOSTILE, st.integers(min_value=1, max_value=40), st.booleans(), st.booleans())
def test_a_checked_field_is_clean_within_its_limit_or_refused(text, limit, required, lines):
    from huddle.errors import InputError

    try:
        value = checked(text, label="note", limit=limit, required=required, lines=lines)
    except InputError as exc:
        # Refused only for a reason the person can act on, named in one line.
        assert exc.key in ("field.required", "field.too_long")
        assert (exc.key == "field.required") == (clean(text, lines=lines) == "")
        return
    if value is None:
        assert not required and clean(text, lines=lines) == ""
    else:
        assert value == clean(text, lines=lines) and 0 < len(value) <= limit
        assert obeyable(value) == [] and (lines or "\n" not in value)


@given(HOSTILE)
def test_every_door_applies_the_same_rule(text):
    """A patient's name (form, CLI, CSV), a user's name, a decision and an attendee's name: the same
    characters are removed at each, and a value the rule empties is refused the same way."""
    from datetime import date

    from huddle.domain.fields import validate_field
    from huddle.errors import InputError
    from huddle.services import access, meeting

    def outcome(fn):
        try:
            return fn()
        except InputError as exc:
            return exc.key

    expected = outcome(lambda: checked(text, label="x", limit=120, required=True))
    assert outcome(lambda: validate_field("name", text, date(2026, 12, 1))) == expected
    assert outcome(lambda: access.check_person(text, None, None)[0]) == expected
    assert outcome(lambda: meeting._clean(text, field="name", limit=meeting.MAX_SHORT)) == expected
