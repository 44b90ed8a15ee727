"""Translations of texts labkit reads from data files (exercise titles, prompts, placeholders).

``data/locale/<lang>/<name>.yaml`` maps an item (an exercise ID) and a field to the English it
translates (``en``) and the translation (``<lang>``). A translation is shown only while its
``en`` is the data file's text: when the English changes, the learner sees the new English
(never a stale translation) and :func:`problems` names the entry to revise.

A field may hold a list of such pairs, one per English version (a translation made ahead of an
English change on a branch not yet merged), and an item may say ``pending: true`` (its data file
is not here yet): then it translates nothing, and that is not a problem.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from labkit.i18n.language import current_language
from labkit.i18n.messages import LOCALE_DIR


def catalog_file(name: str, lang: str) -> Path:
    """``data/locale/<lang>/<name>.yaml``."""
    return LOCALE_DIR / lang / f"{name}.yaml"


@cache
def load(name: str, lang: str) -> dict[str, dict[str, Any]]:
    """The catalog ``name`` in ``lang`` (empty when there is none)."""
    path = catalog_file(name, lang)
    if not path.exists():
        return {}
    raw: Any = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {str(k): dict(v) for k, v in raw.items()}


def _variants(entry: Any) -> list[dict[str, str]]:
    if isinstance(entry, dict):
        return [entry]
    return [v for v in entry or [] if isinstance(v, dict)]


def _for(entry: Any, english: str, lang: str) -> str | None:
    """The translation of exactly ``english`` among the field's variants, if any."""
    for variant in _variants(entry):
        if variant.get("en") == english and variant.get(lang):
            return str(variant[lang])
    return None


def translated(name: str, item: str, field: str, english: str) -> str:
    """``english`` (a data file's text) in labkit's current language, if translated for it."""
    lang = current_language()
    if lang == "en":
        return english
    return _for(load(name, lang).get(item, {}).get(field), english, lang) or english


def problems(name: str, lang: str, english: Mapping[str, Mapping[str, str]]) -> list[str]:
    """Every item and field of ``english`` whose ``lang`` translation is missing or stale."""
    catalog = load(name, lang)
    found = []
    for item, fields in english.items():
        for field, text in fields.items():
            entry = catalog.get(item, {}).get(field)
            if not any(v.get(lang) for v in _variants(entry)):
                found.append(f"{name} {item} {field}: no {lang} translation")
            elif _for(entry, text, lang) is None:
                found.append(f"{name} {item} {field}: the English changed since it was translated")
    for item, fields in catalog.items():
        if item not in english and not fields.get("pending"):
            found.append(f"{name} {item}: translates nothing (no such item)")
    return found
