"""One message catalogue, complete in both languages."""

from __future__ import annotations

import string

from huddle import i18n


def test_every_message_has_swedish_and_english_with_the_same_placeholders():
    fmt = string.Formatter()
    for key, texts in i18n.catalogue().items():
        assert set(texts) >= {"sv", "en"}, key
        assert texts["sv"].strip() and texts["en"].strip(), key
        names = [{f[1].split("!")[0].split(".")[0] for f in fmt.parse(texts[lang]) if f[1]} for lang in ("sv", "en")]
        assert names[0] == names[1], key


def test_language_choice(monkeypatch):
    monkeypatch.delenv("HUDDLE_LANG", raising=False)
    monkeypatch.setenv("LANG", "sv_SE.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    assert i18n.detect_language() == "sv"
    assert i18n.detect_language("en") == "en"
    monkeypatch.setenv("HUDDLE_LANG", "en")
    assert i18n.detect_language() == "en"
    i18n.set_language("sv")
    assert i18n.t("state.waiting") == "väntar"
    i18n.set_language("en")
    assert i18n.t("state.waiting") == "waiting"
