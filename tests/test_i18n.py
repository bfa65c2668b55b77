"""One message catalogue, complete in both languages."""

from __future__ import annotations

import string

from huddle import i18n


def test_every_message_has_swedish_and_english_with_the_same_placeholders():
    fmt = string.Formatter()

    def names(text: str) -> set[str]:
        return {f[1].split("!")[0].split(".")[0] for f in fmt.parse(text) if f[1]}

    for key, texts in i18n.catalogue().items():
        assert set(texts) >= {"sv", "en"}, key
        forms = {lang: texts[lang] if isinstance(texts[lang], dict) else {"other": texts[lang]} for lang in ("sv", "en")}
        for lang, by_form in forms.items():
            assert set(by_form) in ({"other"}, {"one", "other"}), (key, lang)
            assert all(text.strip() for text in by_form.values()), key
        if isinstance(texts["sv"], dict) or isinstance(texts["en"], dict):
            assert set(forms["sv"]) == set(forms["en"]) == {"one", "other"}, key  # plural in both or neither
            assert all("count" in names(text) or form == "one" for f in forms.values() for form, text in f.items()), key
        assert names(forms["sv"]["other"]) == names(forms["en"]["other"]), key


def test_one_plural_rule_for_every_count():
    i18n.set_language("en")
    assert [i18n.t("tui.agenda.count", count=n) for n in (0, 1, 2)] == ["0 patients", "1 patient", "2 patients"]
    assert i18n.t("audit.extract_title", who="x", count=1) == "Access log for x (1 event)"
    i18n.set_language("sv")
    assert [i18n.t("tui.agenda.count", count=n) for n in (1, 2)] == ["1 patient", "2 patienter"]
    assert i18n.t("retention.done", days=90, count=1).startswith("Gallring (90 dagar): pseudonymiserade 1 patient;")
    assert len({i18n.plural_form(n) for n in (0, 2, 1.5, 100)}) == 1 and i18n.plural_form(1) == "one"
    i18n.set_language("en")


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
