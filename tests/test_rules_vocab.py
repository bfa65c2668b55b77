"""One vocabulary: each list is defined once, labelled once in each language, and every view says
the same word for the same code."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from huddle.domain.vocab import (
    DayColour,
    DecisionKind,
    DeferReason,
    Grouping,
    MeetingRole,
    ReadinessState,
    Vocabulary,
)
from huddle.errors import InputError
from huddle.i18n import catalogue

LISTS: list[type[Vocabulary]] = [MeetingRole, DecisionKind, ReadinessState, DayColour, Grouping, DeferReason]


@pytest.mark.parametrize("vocab", LISTS, ids=lambda v: v.__name__)
@pytest.mark.parametrize("lang", ["en", "sv"])
def test_every_code_has_its_own_label_in_each_language(vocab, lang):
    labels = [m.label(lang) for m in vocab]
    assert all(label and label != f"{vocab.family()}.{m.value}" for label, m in zip(labels, vocab))
    assert len(set(labels)) == len(labels), labels  # two codes never read the same


@pytest.mark.parametrize("vocab", LISTS, ids=lambda v: v.__name__)
def test_a_family_has_no_labels_beyond_its_codes(vocab):
    """No stale label of a code that no longer exists (the catalogue's other keys of the family are
    messages such as ``role.unknown``)."""
    family = [k for k in catalogue() if k.startswith(vocab.family() + ".") and not k.endswith(".unknown")]
    assert sorted(family) == sorted(f"{vocab.family()}.{v}" for v in vocab.values())


def test_the_old_duplicate_catalogue_families_are_gone():
    """The card, the summary and the dialogs once had their own copies, which disagreed ("övrigt"
    and "annat" for the same decision kind)."""
    stale = ("tui.kind.", "meeting.kind.", "tui.rstate.", "meeting.readiness.", "stats.by.day", "tui.day.red_word",
             "meeting.day.red", "meeting.reason.not_reached", "tui.role.", "meeting.role.")
    assert [k for k in catalogue() if k.startswith(stale)] == []


@given(st.text(max_size=30))
def test_parsing_accepts_exactly_the_codes(text):
    if text.strip() in MeetingRole.values():
        assert MeetingRole.parse(text).value == text.strip()
    else:
        with pytest.raises(InputError) as exc:
            MeetingRole.parse(text)
        assert exc.value.key == "role.unknown"


def test_a_stored_value_outside_the_list_is_shown_as_it_was_stored():
    assert DecisionKind.label_of("telefonsamtal") == "telefonsamtal"
    assert DecisionKind.label_of(None) == ""


def test_the_card_and_the_summary_say_the_same_day_and_kind():
    from huddle.domain.summary import day_text
    from huddle.i18n import set_language

    set_language("sv")  # the autouse fixture in conftest.py puts English back
    assert day_text("red", "Hembesöket blev inte av") == "Dag: röd — Hembesöket blev inte av"
    assert day_text(None, None) == "Dag: inte markerad"
    assert DecisionKind.OTHER.label() == "övrigt"
