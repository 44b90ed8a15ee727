"""labkit's gettext catalogs: every marked string translated, compiled, and used at run time."""

from __future__ import annotations

import gettext
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from labkit.i18n import SUPPORTED, _, messages, ngettext, set_language

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = [lang for lang in SUPPORTED if lang != "en"]


def _po(lang: str):
    path = messages.LOCALE_DIR / lang / "LC_MESSAGES" / f"{messages.DOMAIN}.po"
    with path.open("rb") as handle:
        return read_po(handle)


def _marked() -> set[str]:
    """Every msgid the code marks now (what `make messages` would extract)."""
    found = set()
    keywords = {"_": None, "N_": None, "ngettext": (1, 2)}
    for _file, _line, message, _comments, _ctx in extract_from_dir(
        ROOT / "labkit", method_map=[("**.py", "python")], keywords=keywords
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_marked_string_has_a_reviewed_translation(lang) -> None:
    catalog = _po(lang)
    translated = {m.id for m in catalog if m.id and m.string and "fuzzy" not in m.flags}
    missing = sorted(_marked() - translated)
    assert not missing, f"untranslated in {lang} (run `make messages`, then translate): {missing}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_translations_keep_every_placeholder(lang) -> None:
    import string

    def fields(text: str) -> set[str]:
        return {f[1] for f in string.Formatter().parse(text) if f[1] is not None}

    wrong = [m.id for m in _po(lang) if m.id and m.string and fields(m.id) != fields(m.string)]
    assert not wrong, f"{lang} translations that lose or add a {{placeholder}}: {wrong}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_compiled_catalog_is_the_po_file(lang) -> None:
    mo = messages.LOCALE_DIR / lang / "LC_MESSAGES" / f"{messages.DOMAIN}.mo"
    assert mo.exists(), f"{mo} is missing: run `make translations` (make venv does it)"
    with mo.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = [m.id for m in _po(lang) if m.id and m.string and compiled.gettext(m.id) != m.string]
    assert not stale, f"{mo} is older than its .po: run `make translations` ({stale[:3]})"


def test_words_follow_the_language() -> None:
    try:
        set_language("ja")
        assert _("READY: every required check passed") == "準備完了: 必須の確認はすべて合格しました"
        assert _("a message labkit never marked") == "a message labkit never marked"
        assert ngettext("one", "many", 2) == "many"
        set_language("en")
        assert _("READY: every required check passed") == "READY: every required check passed"
    finally:
        set_language(None)


def test_the_cli_speaks_the_language_of_labkit_lang() -> None:
    def check(lang: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "labkit", "check", "--no-lab"],
            capture_output=True,
            text=True,
            timeout=120,
            env={"PATH": "/usr/bin:/bin", "LABKIT_LANG": lang, "HOME": str(ROOT)},
        )
        return done.stdout

    assert "必須の確認" in check("ja")
    assert "required check" in check("en")


def test_the_setup_check_translates_its_views_not_its_data() -> None:
    from labkit.checkup import SetupCheck, SetupReport

    report = SetupReport(
        (SetupCheck("python", True, "3.11"), SetupCheck("dig", False, "-", "x", False))
    )
    try:
        set_language("ja")
        assert [c["status"] for c in report.to_dict()["checks"]] == ["pass", "missing (optional)"]
        assert "準備完了" in str(report) and "なし（任意）" in report._repr_html_()
        assert "<th>対処</th>" in report._repr_html_()
    finally:
        set_language(None)
