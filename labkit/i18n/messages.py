"""gettext over labkit's compiled catalogs (``data/locale/<lang>/LC_MESSAGES/labkit.mo``).

The ``.po`` files are the source (extracted with Babel, see ``babel.cfg``); ``make venv``
compiles them to ``.mo`` (``make translations``). A missing ``.mo`` means English words, never
an error: ``tests/i18n/test_gettext_catalogs.py`` fails when one is missing or stale.
"""

from __future__ import annotations

import gettext
from functools import cache
from pathlib import Path

from labkit.i18n.language import current_language

DOMAIN = "labkit"
LOCALE_DIR = Path(__file__).resolve().parents[1] / "_data" / "locale"


@cache
def translations(language: str) -> gettext.NullTranslations:
    """The compiled catalog of ``language`` (English: none, the source words)."""
    if language == "en":
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[language], fallback=True)


def _(message: str) -> str:
    """``message`` in the current language (unchanged when it has no translation)."""
    language = current_language()
    return message if language == "en" else translations(language).gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The singular or plural form for ``count``, in the current language."""
    return translations(current_language()).ngettext(singular, plural, count)


def N_(message: str) -> str:
    """Mark ``message`` for extraction only; translate it with ``_`` where it is shown."""
    return message
