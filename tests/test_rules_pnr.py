"""Identity numbers (personnummer, samordningsnummer): property tests against an independent model.

The model below is written from Skatteverket's description, not from huddle.domain.pnr:
10 or 12 digits; YYMMDD (day + 60 for a samordningsnummer), a three-digit serial and
a Luhn check digit over the ten last digits; a 10-digit number written with '-' (or
no separator) belongs to someone under 100 on the reference date, with '+' to
someone 100 or older. A 12-digit number may also be written with '+' (19130401+2931); the
birth number (the serial) 000 is never given.
"""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from huddle.domain import pnr
from huddle.errors import InputError

REF = date(2026, 11, 30)


def luhn(digits: str) -> int:
    """Check digit, computed the textbook way (double every other digit from the left)."""
    total = 0
    for i, ch in enumerate(digits):
        n = int(ch) * (2 if i % 2 == 0 else 1)
        total += n // 10 + n % 10
    return (10 - total % 10) % 10


def age_on(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def parts(born: date, serial: int, coordination: bool) -> tuple[str, str, str]:
    """(century, YYMMDD as written, NNNC)"""
    day = born.day + 60 if coordination else born.day
    six = f"{born.year % 100:02d}{born.month:02d}{day:02d}"
    nnn = f"{serial:03d}"
    return f"{born.year // 100:02d}", six, nnn + str(luhn(six + nnn))


def forms(born: date, serial: int, coordination: bool, today: date) -> list[str]:
    """Every written form that must parse back to this person on ``today``."""
    cc, six, tail = parts(born, serial, coordination)
    out = [f"{cc}{six}-{tail}", f"{cc}{six}{tail}", f" {cc}{six}-{tail} "]
    if age_on(born, today) >= 100:
        out.append(f"{six}+{tail}")
    else:
        out += [f"{six}-{tail}", f"{six}{tail}"]
    return out


births = st.dates(min_value=date(1880, 1, 1), max_value=REF)
serials = st.integers(min_value=1, max_value=999)  # 000 is never given
todays = st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31))


@settings(max_examples=400, deadline=None)
@given(born=births, serial=serials, coordination=st.booleans())
@example(born=date(2000, 2, 29), serial=121, coordination=False)
@example(born=date(1926, 11, 30), serial=1, coordination=False)  # exactly 100 on REF: '+'
@example(born=date(1926, 12, 1), serial=1, coordination=True)  # 99 on REF: '-'
@example(born=date(1928, 2, 29), serial=999, coordination=True)
def test_every_accepted_form_normalises_to_the_same_number(born, serial, coordination):
    cc, six, tail = parts(born, serial, coordination)
    expected = f"{cc}{six}-{tail}"
    for written in forms(born, serial, coordination, REF):
        assert pnr.normalise(written, REF) == expected, written
        parsed = pnr.parse(written, REF)
        assert parsed.birth_date == born
        assert parsed.coordination is coordination


@settings(max_examples=300, deadline=None)
@given(born=births, serial=serials, coordination=st.booleans(), today=todays)
def test_century_of_a_ten_digit_number_is_decided_against_the_reference_date(born, serial, coordination, today):
    assume(born <= today and age_on(born, today) < 200)  # '+' covers 100-199 years only
    cc, six, tail = parts(born, serial, coordination)
    sep = "+" if age_on(born, today) >= 100 else "-"
    assert pnr.normalise(f"{six}{sep}{tail}", today) == f"{cc}{six}-{tail}"
    # The other separator means a person a hundred years older or younger: never this one.
    other = "-" if sep == "+" else "+"
    try:
        assert pnr.normalise(f"{six}{other}{tail}", today) != f"{cc}{six}-{tail}"
    except InputError:
        pass


@settings(max_examples=300, deadline=None)
@given(born=births, serial=serials, coordination=st.booleans(), data=st.data())
def test_any_single_digit_change_in_the_checked_digits_is_refused(born, serial, coordination, data):
    cc, six, tail = parts(born, serial, coordination)
    ten = six + tail
    pos = data.draw(st.integers(0, 9), label="position")
    new = data.draw(st.sampled_from([d for d in "0123456789" if d != ten[pos]]), label="digit")
    changed = ten[:pos] + new + ten[pos + 1 :]
    for written in (f"{cc}{changed[:6]}-{changed[6:]}", f"{changed[:6]}-{changed[6:]}", f"{changed[:6]}+{changed[6:]}"):
        with pytest.raises(InputError):
            pnr.parse(written, REF)


def test_the_century_digits_are_not_covered_by_the_check_digit():
    # Documented limit of the number itself: 18121212-1212 is a valid number (another person);
    # a century that puts the birth in the future is refused.
    assert pnr.normalise("18121212-1212", REF) == "18121212-1212"
    with pytest.raises(InputError) as e:
        pnr.parse("21121212-1212", REF)
    assert e.value.key == "pnr.future"


@pytest.mark.parametrize(
    "text, today, expected",
    [
        ("19121212-1212", REF, "19121212-1212"),  # Skatteverket's well-known test number
        ("121212+1212", REF, "19121212-1212"),  # same person, 10 digits, 100 or older
        ("121212-1212", REF, "20121212-1212"),  # '-' : the most recent 1912/2012: 2012
        ("1212121212", REF, "20121212-1212"),
        ("191212121212", REF, "19121212-1212"),
        ("19130401+2931", REF, "19130401-2931"),  # 12 digits with '+': a valid spelling (the peers' shared list)
        ("19121212+1212", REF, "19121212-1212"),
        ("701063-2391", REF, "19701063-2391"),  # samordningsnummer (day 03 + 60)
        ("000229-2381", REF, "20000229-2381"),  # Feb 29 of a leap year
        ("000229+2381", REF, None),  # 1900-02-29 does not exist
        ("270101-0015", REF, "19270101-0015"),  # 2027 is in the future: 1927 (99 years old)
        ("270101+0015", REF, "18270101-0015"),  # '+': a hundred years further back
        ("261130-0019", REF, "20261130-0019"),  # born today
        ("261201-0013", REF, "19261201-0013"),  # 2026-12-01 is tomorrow: 1926, 99 years old
        ("261201+0013", REF, "18261201-0013"),
        ("261130+0019", REF, "19261130-0019"),  # 100 years old today
    ],
)
def test_known_vectors(text, today, expected):
    if expected is None:
        with pytest.raises(InputError):
            pnr.parse(text, today)
    else:
        # Make the vectors self-checking: the check digit must be right for the accepted ones.
        assert luhn(expected[2:8] + expected[9:12]) == int(expected[-1])
        assert pnr.normalise(text, today) == expected


def test_a_birthday_today_is_accepted_and_tomorrow_is_in_the_future():
    cc, six, tail = parts(REF, 123, False)
    assert pnr.normalise(f"{cc}{six}-{tail}", REF) == f"{cc}{six}-{tail}"
    with pytest.raises(InputError) as e:
        pnr.parse(f"{cc}{six}-{tail}", date(2026, 11, 29))
    assert e.value.key == "pnr.future"


@pytest.mark.parametrize(
    "text, key",
    [
        ("", "pnr.format"),
        ("19121212-121", "pnr.format"),
        ("19121212--1212", "pnr.format"),
        ("19121212-0008", "pnr.serial"),  # birth number 000 (its check digit right): never given
        ("121212-0008", "pnr.serial"),
        ("1212120008", "pnr.serial"),
        ("12121-21212", "pnr.format"),
        ("١٢١٢١٢-١٢١٢", "pnr.format"),  # Arabic-Indic digits are not an identity number
        ("121212-1212\n1", "pnr.format"),
        ("abcdef-ghij", "pnr.format"),
        ("19121212-1213", "pnr.checksum"),
        ("19121312-1211", "pnr.date"),  # month 13, with a correct check digit
    ],
)
def test_refusals_name_the_reason(text, key):
    if key in ("pnr.date",):
        # Build a number whose only fault is the date, so the check digit is right.
        six, nnn = text[2:8], text[9:12]
        text = f"{text[:8]}-{nnn}{luhn(six + nnn)}"
    elif key == "pnr.serial":
        assert luhn(text.replace("-", "")[-10:-1]) == int(text[-1])  # only the named fault
    with pytest.raises(InputError) as e:
        pnr.parse(text, REF)
    assert e.value.key == key


@settings(max_examples=300, deadline=None)
@given(
    yymmdd=st.tuples(st.integers(0, 99), st.integers(0, 99), st.integers(0, 99)),
    serial=serials,
    sep=st.sampled_from(["", "-", "+"]),
    cc=st.sampled_from(["", "18", "19", "20"]),
)
def test_accepted_only_when_the_date_is_real(yymmdd, serial, sep, cc):
    yy, mm, dd = yymmdd
    six, nnn = f"{yy:02d}{mm:02d}{dd:02d}", f"{serial:03d}"
    text = f"{cc}{six}{sep}{nnn}{luhn(six + nnn)}"
    real_day = dd - 60 if dd > 60 else dd
    try:
        result = pnr.parse(text, REF)
    except InputError as e:
        assert e.key in ("pnr.date", "pnr.future")
        return
    assert 1 <= mm <= 12
    assert result.birth_date == date(result.birth_date.year, mm, real_day)
    assert result.birth_date <= REF
    assert str(result)[2:8] == six and len(str(result)) == 13 and str(result)[8] == "-"


def test_valid_and_invalid_helpers():
    assert pnr.is_valid("19121212-1212", REF)
    assert not pnr.is_valid("19121212-1213", REF)
    assert not pnr.is_valid(None, REF)  # type: ignore[arg-type]
