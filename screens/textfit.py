"""Text cut to fit a width: at a word boundary, with "…", never mid-word without a mark."""

from __future__ import annotations

from rich.cells import cell_len

ELLIPSIS = "…"


def clip(text: str, width: int) -> str:
    """``text`` in at most ``width`` cells: whole, or cut after its last whole word (or list item,
    when one ends near the cut) that fits, then "…".

    A first word longer than the width is cut inside (there is no boundary to cut at), still with "…".
    """
    if cell_len(text) <= width:
        return text
    if width <= 1:
        return ELLIPSIS[:width]
    room = width - 1
    head = _cells(text, room + 1)  # one more, to see whether the cut falls on a space
    cut = head.rfind(" ")
    clause = head.rfind(", ")  # a list's item whole ("Högsby hälsocentral: 9"), not without its count
    if clause > room * 0.6:
        cut = clause
    kept = head[:cut] if cut > 0 else _cells(text, room)
    return kept.rstrip(" ,;:–-") + ELLIPSIS


def wrap(text: str, width: int, lines: int) -> list[str]:
    """``text`` wrapped at word boundaries into at most ``lines`` lines of ``width`` cells; the last
    line ends in "…" when the text goes on."""
    out: list[str] = []
    rest = text.strip()
    while rest and len(out) < lines:
        if cell_len(rest) <= width:
            out.append(rest)
            rest = ""
            break
        if len(out) == lines - 1:
            out.append(clip(rest, width))
            rest = ""
            break
        head = _cells(rest, width + 1)
        cut = head.rfind(" ")
        if cut <= 0:
            cut = len(_cells(rest, width))
        out.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    return out


def _cells(text: str, width: int) -> str:
    """The longest start of ``text`` that fits in ``width`` cells."""
    used = 0
    for i, ch in enumerate(text):
        used += cell_len(ch)
        if used > width:
            return text[:i]
    return text
