"""Printing rows as a table (rich), JSON or CSV: one helper for every command."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from typing import Any


def emit(
    rows: Sequence[dict[str, Any]],
    fmt: str,
    *,
    columns: Sequence[str],
    headings: Sequence[str] | None = None,
    title: str | None = None,
    json_value: Any = None,
    excel: bool = False,
) -> None:
    from huddle.domain.text import shown_deep

    # Whatever the store holds is printed, never obeyed by the terminal (or a program reading CSV).
    rows = [shown_deep(row) for row in rows]
    json_value = shown_deep(json_value)
    out = sys.stdout
    if fmt == "json":
        json.dump(rows if json_value is None else json_value, out, ensure_ascii=False, indent=2, default=str)
        out.write("\n")
    elif fmt == "csv":
        from huddle.domain.csvexport import csv_text

        out.write(csv_text(rows, columns, excel=excel))
    else:
        table(rows, columns=columns, headings=headings or columns, title=title)


def table(rows: Iterable[dict[str, Any]], *, columns: Sequence[str], headings: Sequence[str], title: str | None) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    rows = list(rows)
    cells = [["" if row.get(c) is None else str(row.get(c)) for c in columns] for row in rows]
    t = Table(title=title, title_justify="left")
    for i, h in enumerate(headings):
        # Short single-word values (an identity number, a date, a state) are never folded in two:
        # a folded 19121212-1212 reads as two numbers.  Free text folds.
        values = [r[i] for r in cells]
        atomic = bool(values) and all(len(v) <= 24 and not any(ch.isspace() for ch in v) for v in values)
        t.add_column(h, overflow="fold", no_wrap=atomic)
    for r in cells:
        # What people typed is shown literally, never as Rich markup.
        t.add_row(*(escape(v) for v in r))
    # Piped into a file or another program, a table is not cut to 80 columns.
    console = Console(soft_wrap=False) if sys.stdout.isatty() else Console(soft_wrap=False, width=240)
    console.print(t)
