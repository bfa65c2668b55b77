"""Reading an agenda from CSV: header ``pnr,name,unit,municipality,question``.

UTF-8 with or without a BOM; comma or semicolon (what Swedish Excel writes).
The whole file is checked before anything is written; the first bad row is
reported with its line number and reason.  The standard library's csv module
does the parsing (quoting, embedded separators); only the dialect choice and
the row rules are ours.
"""

from __future__ import annotations

import csv
import io
from datetime import date

from huddle.domain.fields import validate_patient
from huddle.errors import HuddleError, InputError

HEADER = ("pnr", "name", "unit", "municipality", "question")
MAX_BYTES = 5_000_000


def decode(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise InputError("csv.too_big")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError("csv.encoding") from exc


def parse_agenda_csv(text: str, today: date) -> list[dict[str, str]]:
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise InputError("csv.empty")
    first = lines[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[dict[str, str]] = []
    seen: dict[str, int] = {}
    try:
        header = next(reader)
        names = tuple(h.strip().lower() for h in header)
        if names[: len(HEADER)] != HEADER and names != HEADER[:4]:
            raise InputError("csv.header", expected=",".join(HEADER))
        end_of_previous = reader.line_num
        for record in reader:
            # reader.line_num is the record's last physical line; a quoted field may span several.
            first_line, end_of_previous = end_of_previous + 1, reader.line_num
            line = first_line
            if not any(cell.strip() for cell in record):
                continue
            # Excel writes trailing separators when a stray cell right of the table was ever touched.
            while len(record) > len(names) and not record[-1].strip():
                record = record[:-1]
            if len(record) not in (len(names),) and not (len(record) == 4 and len(names) == 5):
                raise InputError("csv.columns", line=line, found=len(record), expected=len(names))
            values: dict[str, str | None] = dict(zip(names, record))
            try:
                clean = validate_patient(values, today)
            except HuddleError as exc:
                raise InputError("csv.row", line=line, reason=str(exc)) from exc
            if clean["pnr"] in seen:
                raise InputError("csv.duplicate", line=line, first=seen[clean["pnr"]])
            seen[clean["pnr"]] = line
            # Where the record starts in the file, for refusals found later (by the store).
            clean["_line"] = first_line  # type: ignore[assignment]
            rows.append(clean)
    except csv.Error as exc:
        raise InputError("csv.syntax", line=reader.line_num, reason=str(exc)) from exc
    if not rows:
        raise InputError("csv.no_rows")
    return rows
