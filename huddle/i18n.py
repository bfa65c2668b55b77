"""The one message catalogue: every text a user reads, in Swedish and English.

Messages live in ``huddle/messages/<area>.py`` as ``MESSAGES = {key: {"en": ..., "sv": ...}}``
so that each area keeps its own texts; this module merges them once, on first use.

A message about a number of things gives each language its plural forms, ngettext-style,
and is called with ``count``: ``{"en": {"one": "{count} patient", "other": "{count} patients"}, ...}``
and ``t(key, count=n)``.  Swedish and English share CLDR's cardinal rule: "one" for exactly
1, "other" for everything else (0, 2, 1.5).  One rule for every count, no ``_one`` keys.
A key missing in one language falls back to English, then to the key itself
(a test asserts that no key is missing).
"""

from __future__ import annotations

import importlib
import locale
import os
import pkgutil
from typing import Any

LANGUAGES = ("sv", "en")
_language: str | None = None
_catalogue: dict[str, dict[str, Any]] | None = None


def detect_language(explicit: str | None = None) -> str:
    """--lang, then HUDDLE_LANG, then the locale; English when nothing says Swedish."""
    for candidate in (explicit, os.environ.get("HUDDLE_LANG")):
        if candidate:
            code = candidate.strip().lower()[:2]
            if code in LANGUAGES:
                return code
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var)
        if value:
            return "sv" if value.lower().startswith("sv") else "en"
    try:
        loc = locale.getlocale()[0] or ""
    except ValueError:
        loc = ""
    return "sv" if loc.lower().startswith("sv") else "en"


def set_language(lang: str | None) -> str:
    global _language
    _language = detect_language(lang)
    return _language


def get_language() -> str:
    global _language
    if _language is None:
        _language = detect_language()
    return _language


def catalogue() -> dict[str, dict[str, Any]]:
    global _catalogue
    if _catalogue is None:
        import huddle.messages as pkg

        merged: dict[str, dict[str, Any]] = {}
        for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda i: i.name):
            module = importlib.import_module(f"huddle.messages.{info.name}")
            for key, texts in getattr(module, "MESSAGES", {}).items():
                if key in merged:
                    raise RuntimeError(f"message key {key!r} defined twice (in {info.name})")
                merged[key] = texts
        _catalogue = merged
    return _catalogue


PluralForms = dict[str, str]  # {"one": ..., "other": ...}


def plural_form(count: Any, lang: str | None = None) -> str:
    """CLDR's cardinal plural category in Swedish and English (they agree): "one" or "other"."""
    return "one" if count == 1 and not isinstance(count, bool) else "other"


def t(key: str, /, lang: str | None = None, **params: Any) -> str:
    """The message ``key`` in the current language, formatted with ``params``.

    A message with plural forms takes the form for ``params["count"]``."""
    texts = catalogue().get(key)
    if texts is None:
        return key
    chosen: str | PluralForms = texts.get(lang or get_language()) or texts.get("en") or key
    if isinstance(chosen, dict):
        chosen = chosen.get(plural_form(params.get("count"), lang)) or chosen["other"]
    text: str = chosen
    if params:
        from huddle.domain.text import shown

        # A value put into a message (a name, a CSV line, a server's error) is shown, never obeyed.
        params = {k: shown(v) if isinstance(v, str) else v for k, v in params.items()}
        try:
            return text.format(**params)
        except (KeyError, IndexError, ValueError):
            return text
    return text


def number(value: float, decimals: int | None = None, lang: str | None = None) -> str:
    """A number as the language writes it: "82,5" in Swedish, "82.5" in English.

    ``decimals`` fixes the digits after the mark ("17,2"); None writes as few as the value needs
    (82.5 -> "82,5", 446.0 -> "446"), never in exponent form.
    """
    if decimals is None:
        text = f"{value:.6f}".rstrip("0").rstrip(".")
        if text in ("-0", ""):
            text = "0"
    else:
        text = f"{value:.{decimals}f}"
    return text.replace(".", ",") if (lang or get_language()) == "sv" else text
