"""Swedish identity numbers: personnummer and samordningsnummer.

Written by hand rather than with the ``personnummer`` package: that package
decides the century of a 10-digit number against today's date, while huddle
must decide it against a reference date (the clock, injectable in tests), and
must report *why* a number is refused in the user's language.

Accepted forms (spaces around are ignored):
    YYMMDD-NNNC   YYMMDD+NNNC (100 years or older)   YYMMDDNNNC
    YYYYMMDD-NNNC YYYYMMDD+NNNC (the century is written; '+' as on old records)   YYYYMMDDNNNC
A samordningsnummer has 60 added to the day.  The birth number NNN is never 000.
Always stored and shown as ``YYYYMMDD-NNNC``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from huddle.errors import InputError

# ASCII digits only ([0-9], not \d, which also matches e.g. Arabic-Indic digits),
# and \Z rather than $ (which would let a trailing newline through).
_PATTERN = re.compile(r"^([0-9]{2})?([0-9]{2})([0-9]{2})([0-9]{2})([-+]?)([0-9]{3})([0-9])\Z")


@dataclass(frozen=True)
class IdentityNumber:
    century: int  # e.g. 19
    year: int  # two digits
    month: int
    day: int  # as written (61-91 for a samordningsnummer)
    serial: int  # three digits
    check: int

    @property
    def coordination(self) -> bool:
        return self.day > 60

    @property
    def birth_date(self) -> date:
        return date(self.century * 100 + self.year, self.month, self.day - 60 if self.coordination else self.day)

    def __str__(self) -> str:
        return f"{self.century:02d}{self.year:02d}{self.month:02d}{self.day:02d}-{self.serial:03d}{self.check}"

    @property
    def short(self) -> str:
        """10-digit form with the right separator for the given century (for display only)."""
        return f"{self.year:02d}{self.month:02d}{self.day:02d}-{self.serial:03d}{self.check}"


def luhn_digit(nine_digits: str) -> int:
    """The Luhn check digit over YYMMDDNNN."""
    total = 0
    for i, ch in enumerate(nine_digits):
        n = int(ch) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return (10 - total % 10) % 10


def parse(text: str, today: date) -> IdentityNumber:
    """Parse and validate, or raise InputError with a reason a person understands."""
    raw = (text or "").strip().replace(" ", "")
    m = _PATTERN.match(raw)
    if not m:
        raise InputError("pnr.format", value=text)
    cent_s, yy_s, mm_s, dd_s, sep, serial_s, check_s = m.groups()
    yy, mm, dd = int(yy_s), int(mm_s), int(dd_s)
    if serial_s == "000":
        raise InputError("pnr.serial", value=text)
    if luhn_digit(f"{yy_s}{mm_s}{dd_s}{serial_s}") != int(check_s):
        raise InputError("pnr.checksum", value=text)
    real_day = dd - 60 if dd > 60 else dd
    if not (1 <= mm <= 12) or not (1 <= real_day <= 31):
        raise InputError("pnr.date", value=text)
    if cent_s is not None:
        # With the century written, '+' (as in 19130401+2931) only repeats what the digits say.
        century = int(cent_s)
        candidate = _date_or_none(century * 100 + yy, mm, real_day)
        if candidate is None:
            raise InputError("pnr.date", value=text)
    else:
        # The most recent year ending in YY with the date not after today;
        # '+' means the person is 100 or older: one century further back.
        year = today.year - ((today.year - yy) % 100)
        candidate = _date_or_none(year, mm, real_day)
        if candidate is not None and candidate > today:
            year -= 100
            candidate = _date_or_none(year, mm, real_day)
        elif candidate is None:
            # Feb 29 in a year that is not a leap year: try a century back
            # only if that one is a leap year (e.g. 00 -> 2000 vs 1900).
            alt = _date_or_none(year - 100, mm, real_day)
            if alt is not None:
                year, candidate = year - 100, alt
        if sep == "+":
            year -= 100
            candidate = _date_or_none(year, mm, real_day)
        if candidate is None:
            raise InputError("pnr.date", value=text)
        century = year // 100
    if candidate > today:
        raise InputError("pnr.future", value=text)
    return IdentityNumber(century, yy, mm, dd, int(serial_s), int(check_s))


def normalise(text: str, today: date) -> str:
    """``YYYYMMDD-NNNC`` for any accepted form; InputError otherwise."""
    return str(parse(text, today))


def is_valid(text: str, today: date) -> bool:
    try:
        parse(text, today)
    except InputError:
        return False
    return True


def _date_or_none(year: int, month: int, day: int) -> date | None:
    if year < 1:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None
