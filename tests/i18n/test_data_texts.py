"""Translations of data-file texts (exercises): shown only while they translate today's English."""

from __future__ import annotations

import pytest

from labkit.exercises import definitions
from labkit.i18n import SUPPORTED, data_texts, set_language

LANGUAGES = [lang for lang in SUPPORTED if lang != "en"]


def _english() -> dict[str, dict[str, str]]:
    return {
        ex.id: {field: getattr(ex, field) for field in definitions.SHOWN_FIELDS}
        for ex in (definitions.exercise(i) for i in definitions.ids())
    }


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_exercise_text_is_translated_from_todays_english(lang) -> None:
    found = data_texts.problems("exercises", lang, _english())
    assert not found, "\n".join(found)


def test_a_translation_shows_only_for_its_english(monkeypatch) -> None:
    catalog = {"ex-1": {"title": {"en": "Do it", "ja": "やってみよう"}}}
    monkeypatch.setattr(data_texts, "load", lambda name, lang: catalog)
    try:
        set_language("ja")
        assert data_texts.translated("exercises", "ex-1", "title", "Do it") == "やってみよう"
        assert data_texts.translated("exercises", "ex-1", "title", "Do it now") == "Do it now"
        assert data_texts.translated("exercises", "ex-2", "title", "Other") == "Other"
        set_language("en")
        assert data_texts.translated("exercises", "ex-1", "title", "Do it") == "Do it"
    finally:
        set_language(None)
    found = data_texts.problems("exercises", "ja", {"ex-1": {"title": "Do it now"}, "ex-3": {}})
    assert found == ["exercises ex-1 title: the English changed since it was translated"]


def test_an_exercise_shows_in_japanese() -> None:
    first = definitions.exercise(definitions.ids()[0])
    try:
        set_language("ja")
        shown = first._repr_markdown_()
        assert shown.startswith(f"**演習 `{first.id}`:")
        assert first.shown("prompt") in shown and first.shown("prompt") != first.prompt
    finally:
        set_language(None)


def test_a_translation_made_ahead_waits_for_its_english(monkeypatch) -> None:
    catalog = {
        "ex-1": {"title": [{"en": "Do it", "ja": "やる"}, {"en": "Do it now", "ja": "今やる"}]},
        "ex-9": {"pending": True, "title": {"en": "Later", "ja": "あとで"}},
    }
    monkeypatch.setattr(data_texts, "load", lambda name, lang: catalog)
    try:
        set_language("ja")
        assert data_texts.translated("exercises", "ex-1", "title", "Do it") == "やる"
        assert data_texts.translated("exercises", "ex-1", "title", "Do it now") == "今やる"
    finally:
        set_language(None)
    assert data_texts.problems("exercises", "ja", {"ex-1": {"title": "Do it now"}}) == []
    assert data_texts.problems("exercises", "ja", {"ex-1": {"title": "Do it again"}}) == [
        "exercises ex-1 title: the English changed since it was translated"
    ]
