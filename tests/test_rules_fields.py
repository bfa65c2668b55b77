"""Meeting days, field validation and the CSV agenda reader: plain functions, no store."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from huddle.domain.csvimport import decode, parse_agenda_csv
from huddle.domain.fields import parse_date, validate_field
from huddle.errors import InputError

TODAY = date(2026, 11, 30)
# Fictitious people with valid test numbers (generated; see tests/test_rules_pnr.py for the rule).
PNRS = ["19121212-1212", "19700101-0011", "19800229-0016", "19450510-0018", "19991231-0019"]


@pytest.mark.parametrize("text", ["2026-13-01", "2026-02-30", "tomorrow", "30/11/2026", "2026-1-1x"])
def test_bad_dates_are_refused_naming_the_option(text):
    with pytest.raises(InputError) as e:
        parse_date(text)
    assert "--date" in str(e.value) and text in str(e.value)


def test_dates():
    assert parse_date("2026-11-30") == TODAY
    assert parse_date(None) is None and parse_date("") is None


def test_fields_are_cleaned_and_bounded():
    # An escape sequence goes whole (not just its ESC byte), a name stays on one line.
    assert validate_field("name", "  Tolvan\x1b[31m Tolvansson\x07 ", TODAY) == "Tolvan Tolvansson"
    assert validate_field("name", "Eva\x1b]2;HIJACKED\x07\nEk", TODAY) == "Eva Ek"
    assert validate_field("question", "line one\nline two", TODAY) == "line one\nline two"
    with pytest.raises(InputError, match="required"):
        validate_field("unit", "   ", TODAY)
    with pytest.raises(InputError, match="at most 120"):
        validate_field("name", "x" * 121, TODAY)
    assert validate_field("question", "", TODAY) == ""
    # DEL, C1 controls (U+009B is a one-character CSI) and bidi overrides are removed too.
    assert validate_field("name", "Åsa\x7f \x9b2J\u202eNilsson\u202c", TODAY) == "Åsa Nilsson"
    with pytest.raises(InputError, match="required"):
        validate_field("unit", "\x9b\u202e\x07", TODAY)


def test_trailing_empty_cells_that_excel_adds_are_ignored():
    data = b"pnr;name;unit;municipality;question\r\n19121212-1212;A;U;M;Q;;\r\n19700101-0011;B;U;M;;\r\n"
    rows = parse_agenda_csv(decode(data), TODAY)
    assert [(r["pnr"], r["question"]) for r in rows] == [("19121212-1212", "Q"), ("19700101-0011", "")]
    with pytest.raises(InputError) as e:  # a real extra value is still refused
        parse_agenda_csv(decode(data.replace(b"Q;;", b"Q;;extra")), TODAY)
    assert e.value.key == "csv.columns" and e.value.params["line"] == 2


def _csv(rows, delimiter=",", bom=False, header=("pnr", "name", "unit", "municipality", "question")) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    w.writerow(header)
    w.writerows(rows)
    return (("\ufeff" if bom else "") + buf.getvalue()).encode("utf-8")


cell = st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="\u2028\u2029\x85"), min_size=1, max_size=30).filter(
    lambda s: s.strip() != ""
)


@settings(max_examples=150, deadline=None)
@given(
    names=st.lists(cell, min_size=1, max_size=len(PNRS)),
    question=st.text(max_size=60).map(lambda s: s.replace("\r", "")),
    delimiter=st.sampled_from([",", ";"]),
    bom=st.booleans(),
)
def test_what_excel_writes_reads_back(names, question, delimiter, bom):
    # 12 digits and 10 digits (under 100 years old: '-' form) mixed, as nurses write them.
    rows = [(PNRS[i] if i % 2 == 0 else PNRS[i][2:], name, "Avd 12; Västervik", "Västervik", question) for i, name in enumerate(names)]
    parsed = parse_agenda_csv(decode(_csv(rows, delimiter, bom)), TODAY)
    assert [r["pnr"] for r in parsed] == PNRS[: len(names)]
    assert [r["name"] for r in parsed] == [validate_field("name", n, TODAY) for n in names]
    assert all(r["unit"] == "Avd 12; Västervik" for r in parsed)


def test_one_bad_row_names_its_line_and_reason():
    rows = [(PNRS[0], "A", "U", "M", ""), (PNRS[1], "B", "U", "M", ""), ("19121212-1213", "C", "U", "M", "")]
    with pytest.raises(InputError) as e:
        parse_agenda_csv(decode(_csv(rows, ";")), TODAY)
    assert e.value.key == "csv.row" and e.value.params["line"] == 4
    assert "check digit" in str(e.value) and "Nothing was imported" in str(e.value)


def test_a_quoted_field_with_a_newline_keeps_line_numbers_of_the_file():
    rows = [(PNRS[0], "A", "U", "M", "two\nlines"), (PNRS[1], "", "U", "M", "")]
    with pytest.raises(InputError) as e:
        parse_agenda_csv(decode(_csv(rows)), TODAY)
    assert e.value.params["line"] == 4  # header 1, first record spans 2-3


@pytest.mark.parametrize(
    "data, key",
    [
        (b"", "csv.empty"),
        (b"pnr,name,unit,municipality,question\r\n", "csv.no_rows"),
        (b"id,name\r\n1,2\r\n", "csv.header"),
        ("pnr,name,unit,municipality,question\nx,\u00e5".encode("latin-1"), "csv.encoding"),
        (b"pnr,name,unit,municipality,question\n19121212-1212,A,U\n", "csv.columns"),
        (b'pnr,name,unit,municipality,question\n19121212-1212,"A,U,M,\n', "csv.syntax"),
    ],
)
def test_malformed_files_are_refused(data, key):
    with pytest.raises(InputError) as e:
        parse_agenda_csv(decode(data), TODAY)
    assert e.value.key == key


def test_the_same_person_twice_in_one_file_is_refused():
    rows = [(PNRS[0], "A", "U", "M", ""), ("121212+1212", "A", "U", "M", "")]
    with pytest.raises(InputError) as e:
        parse_agenda_csv(decode(_csv(rows)), TODAY)
    assert e.value.key == "csv.duplicate" and e.value.params == {"line": 3, "first": 2}
