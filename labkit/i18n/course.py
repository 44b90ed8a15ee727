"""The whole translated course: update every catalog, build every notebook, list every drift.

Works on a notebooks folder (``notebooks/``): the English ``NN_slug.ipynb`` there, catalogs in
``i18n/<lang>/``, generated notebooks in ``<lang>/``. See :mod:`labkit.i18n.notebooks`.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from pathlib import Path

from labkit.i18n.notebooks import (
    catalog_path,
    catalog_problems,
    dump_catalog,
    english_notebooks,
    load_catalog,
    notebook_text,
    read_notebook,
    structure_problems,
    translate_notebook,
    translated_path,
    update_catalog,
)


def update(root: Path, lang: str) -> list[Path]:
    """Refresh every catalog against its English notebook; returns the files that changed."""
    changed = []
    for english in english_notebooks(root):
        path = catalog_path(root, lang, english.name)
        catalog = load_catalog(path, lang, english.name)
        text = dump_catalog(update_catalog(read_notebook(english), catalog))
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            changed.append(path)
    return changed


def expected_text(root: Path, lang: str, english: Path) -> str:
    """What ``notebooks/<lang>/<name>`` must hold: the generator's output, as stored."""
    catalog = load_catalog(catalog_path(root, lang, english.name), lang, english.name)
    return notebook_text(translate_notebook(read_notebook(english), catalog))


def build(root: Path, lang: str) -> list[Path]:
    """Write every translated notebook from its catalog; returns the files that changed."""
    changed = []
    for english in english_notebooks(root):
        target = translated_path(root, lang, english.name)
        text = expected_text(root, lang, english)
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
            changed.append(target)
    return changed


#: The line a translated README carries: the hash of the English README it translates.
README_MARK = re.compile(r"<!-- translated from \.\./README\.md sha256:([0-9a-f]{12}) -->")


def readme_hash(root: Path) -> str:
    """The first 12 hex digits of the SHA-256 of ``<root>/README.md``."""
    return hashlib.sha256((root / "README.md").read_bytes()).hexdigest()[:12]


def readme_problems(root: Path, lang: str) -> list[str]:
    """Whether ``<root>/<lang>/README.md`` translates today's ``<root>/README.md``."""
    translated = root / lang / "README.md"
    if not (root / "README.md").exists():
        return []
    if not translated.exists():
        return [f"{lang}/README.md: missing (translate README.md)"]
    found = README_MARK.search(translated.read_text(encoding="utf-8"))
    now = readme_hash(root)
    if found is None:
        return [f"{lang}/README.md: no line <!-- translated from ../README.md sha256:{now} -->"]
    if found[1] != now:
        return [
            f"{lang}/README.md: README.md changed since it was translated (sha256 {found[1]}, "
            f"now {now}): revise it (git diff shows how), then put {now} in its first line"
        ]
    return []


def problems(root: Path, lang: str) -> list[str]:
    """Every drift between the English course and the ``lang`` one (empty: in step)."""
    found = readme_problems(root, lang)
    englishes = english_notebooks(root)
    names = {p.name for p in englishes}
    for english in englishes:
        path = catalog_path(root, lang, english.name)
        if not path.exists():
            found.append(f"{english.name}: no catalog {path.relative_to(root)}")
            continue
        notebook = read_notebook(english)
        found += catalog_problems(notebook, load_catalog(path, lang, english.name))
        target = translated_path(root, lang, english.name)
        if not target.exists():
            found.append(f"{english.name}: {target.relative_to(root)} is not built")
            continue
        found += structure_problems(notebook, read_notebook(target), target.name)
        if target.read_text(encoding="utf-8") != expected_text(root, lang, english):
            found.append(f"{target.relative_to(root)}: differs from what its catalog generates")
    for stray in sorted((root / lang).glob("[0-9][0-9]_*.ipynb")):
        if stray.name not in names:
            found.append(f"{stray.relative_to(root)}: no English notebook {stray.name}")
    return found


def stale_diffs(root: Path, lang: str) -> list[str]:
    """For each stale entry (``en_was`` set), a unified diff from the English it translated to
    today's: what the translation must now say too."""
    found = []
    for english in english_notebooks(root):
        path = catalog_path(root, lang, english.name)
        for entry in load_catalog(path, lang, english.name).entries:
            if entry.en_was is None:
                continue
            lines = difflib.unified_diff(
                entry.en_was.splitlines(),
                entry.en.splitlines(),
                f"{english.name} {entry.key} (translated from)",
                f"{english.name} {entry.key} (now)",
                lineterm="",
            )
            found.append("\n".join(lines))
    return found


def pending_count(root: Path, lang: str) -> int:
    """How many catalog entries wait for an English change not merged yet (``pending: true``)."""
    return sum(
        1
        for path in sorted((root / "i18n" / lang).glob("*.yaml"))
        for entry in load_catalog(path, lang, f"{path.stem}.ipynb").entries
        if entry.pending
    )
