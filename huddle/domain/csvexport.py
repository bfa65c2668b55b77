"""Rows as CSV text: plain (comma, dot decimals) or for Swedish Excel (BOM, semicolons, comma
decimals).  The command line's ``--format csv`` and the statistics screen's export both write this."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from huddle.domain.text import shown_deep


def csv_text(rows: Sequence[dict[str, Any]], columns: Sequence[str], *, excel: bool = False) -> str:
    """``rows`` under a header of ``columns``; what the store holds is written shown, never obeyed
    (no escape sequence reaches a terminal or a program reading the file)."""
    out = io.StringIO()
    if excel:
        out.write("\ufeff")
    writer = csv.writer(out, delimiter=";" if excel else ",", lineterminator="\n")
    writer.writerow(columns)
    for row in shown_deep(list(rows)):
        writer.writerow(["" if row.get(c) is None else _csv_value(row.get(c), excel) for c in columns])
    return out.getvalue()


def _csv_value(value: Any, excel: bool) -> Any:
    if isinstance(value, float):
        text = f"{value:.3f}".rstrip("0").rstrip(".")
        return text.replace(".", ",") if excel else text
    if isinstance(value, bool):
        return int(value)
    return value
