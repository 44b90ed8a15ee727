"""The translated course: per-notebook catalogs that generate ``notebooks/<lang>/*.ipynb``.

One catalog per English notebook, ``notebooks/i18n/<lang>/<name>.yaml``: an entry per markdown
cell, keyed by the cell's id (``#<index>`` for a notebook without ids), holding the English text
it translates (``en``) and the translation (``<lang>``). The generator copies the English notebook
(cells, ids, tags, code, metadata) and swaps each markdown source for its translation, so the
two languages have the same cells by construction. :func:`catalog_problems` names each drift:
an English cell changed since its translation (``en`` differs; :func:`update_catalog` keeps the
old text as ``en_was`` until the translation is revised), a cell without a translation, an entry
for a cell that is gone, and a generated notebook on disk that differs from what the generator
makes. ``labkit translate`` (``labkit.commands.translate``) runs these from the command line.
"""

from __future__ import annotations

import copy
import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
import yaml

CATALOG_FOLDER = Path("i18n")
HEADER = (
    "# Translation catalog of notebooks/{notebook} ({lang}). Edit the `{lang}` texts only;\n"
    "# `labkit translate update` refreshes keys and English, `labkit translate build` writes\n"
    "# notebooks/{lang}/{notebook}. An entry with `en_was` is stale: the English changed from\n"
    "# en_was to en; revise `{lang}`, then delete en_was.\n"
)


@dataclass
class Entry:
    """One markdown cell's translation: the cell key, the English it translates, the text."""

    key: str
    en: str
    text: str = ""
    en_was: str | None = None
    pending: bool = False

    def to_yaml(self, lang: str) -> dict[str, Any]:
        out: dict[str, Any] = {"cell": self.key}
        if self.pending:
            out["pending"] = True
        out["en"] = self.en
        if self.en_was is not None:
            out["en_was"] = self.en_was
        out[lang] = self.text
        return out


@dataclass
class NotebookCatalog:
    """The translations of one English notebook into ``lang``."""

    notebook: str
    lang: str
    entries: list[Entry] = field(default_factory=list)

    def by_key(self) -> dict[str, Entry]:
        """The entries in force (pending ones wait for their English: :func:`update_catalog`)."""
        return {e.key: e for e in self.entries if not e.pending}


# -- paths ----------------------------------------------------------------------------------------
def english_notebooks(root: Path) -> list[Path]:
    """The course notebooks (``NN_slug.ipynb``) in ``root``, in order."""
    return sorted(root.glob("[0-9][0-9]_*.ipynb"))


def catalog_path(root: Path, lang: str, notebook: str) -> Path:
    """``<root>/i18n/<lang>/<notebook stem>.yaml``."""
    return root / CATALOG_FOLDER / lang / f"{Path(notebook).stem}.yaml"


def translated_path(root: Path, lang: str, notebook: str) -> Path:
    """``<root>/<lang>/<notebook>``: the generated notebook."""
    return root / lang / notebook


# -- cells ----------------------------------------------------------------------------------------
def cell_key(cell: Any, index: int) -> str:
    """A cell's id, or ``#<index>`` in a notebook stored without ids (nbformat 4.4)."""
    return str(cell.get("id") or f"#{index}")


def markdown_cells(notebook: Any) -> list[tuple[str, str]]:
    """``(key, source)`` of every markdown cell, in order."""
    return [
        (cell_key(cell, index), str(cell.source))
        for index, cell in enumerate(notebook.cells)
        if cell.cell_type == "markdown"
    ]


def read_notebook(path: Path) -> Any:
    """A notebook as stored (its nbformat minor version and ids kept as they are)."""
    return nbformat.read(path, as_version=4)


# -- catalogs -------------------------------------------------------------------------------------
def load_catalog(path: Path, lang: str, notebook: str) -> NotebookCatalog:
    """The catalog at ``path`` (an empty one when the file does not exist yet).

    Raises ``ValueError`` naming the file and entry when an entry lacks ``cell`` or ``en``.
    """
    if not path.exists():
        return NotebookCatalog(notebook, lang)
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    entries = []
    for number, item in enumerate(raw.get("cells", []), start=1):
        if not isinstance(item, dict) or "cell" not in item or "en" not in item:
            raise ValueError(f"{path}: entry {number} needs `cell` and `en` (and `{lang}`)")
        entries.append(
            Entry(
                str(item["cell"]),
                str(item["en"]),
                str(item.get(lang) or ""),
                item.get("en_was"),
                bool(item.get("pending", False)),
            )
        )
    return NotebookCatalog(str(raw.get("notebook", notebook)), lang, entries)


def _literal(dumper: yaml.SafeDumper, text: str) -> yaml.Node:
    style = "|" if "\n" in text else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


class _CatalogDumper(yaml.SafeDumper):
    """Multi-line texts as literal blocks, so a catalog reads like the markdown it holds."""


_CatalogDumper.add_representer(str, _literal)


def dump_catalog(catalog: NotebookCatalog) -> str:
    """The catalog as YAML text, with a header saying how to edit it."""
    body = {
        "notebook": catalog.notebook,
        "lang": catalog.lang,
        "cells": [e.to_yaml(catalog.lang) for e in catalog.entries],
    }
    dumped = yaml.dump(body, Dumper=_CatalogDumper, allow_unicode=True, sort_keys=False, width=100)
    return HEADER.format(notebook=catalog.notebook, lang=catalog.lang) + dumped


def update_catalog(notebook: Any, catalog: NotebookCatalog) -> NotebookCatalog:
    """The catalog re-keyed and refreshed against the English ``notebook``, in its cell order.

    Each markdown cell takes, in this order of preference, the unused entry with its key and
    English, else with its exact English (a cell that moved or got a new id), else with its id
    (a cell rewritten in place; ``#<index>`` keys shift when cells are inserted, so they do not
    count here), else the most similar English (at least half alike: a cell edited and moved),
    else the one at its place among the markdown cells. A cell whose English changed keeps its
    translation, with the English it was made from as ``en_was``; a new cell gets an empty one.

    A ``pending: true`` entry is a translation made ahead of an English change (a branch not yet
    merged): it is used only by a cell with exactly its English, and otherwise kept as it is.
    """
    cells = markdown_cells(notebook)
    entries = list(catalog.entries)
    current = [e for e in entries if not e.pending]
    used: set[int] = set()
    matched: list[Entry | None] = [None] * len(cells)

    def same_key_and_text(key: str, source: str, position: int) -> list[Entry]:
        return [e for e in entries if e.key == key and e.en == source]

    def same_text(key: str, source: str, position: int) -> list[Entry]:
        return [e for e in entries if e.en == source]

    def same_id(key: str, source: str, position: int) -> list[Entry]:
        return [] if key.startswith("#") else [e for e in current if e.key == key]

    def most_alike(key: str, source: str, position: int) -> list[Entry]:
        scored = [(_likeness(e.en, source), e) for e in current if id(e) not in used]
        return [e for score, e in sorted(scored, key=lambda pair: -pair[0]) if score >= 0.5]

    def same_place(key: str, source: str, position: int) -> list[Entry]:
        return current[position : position + 1]

    for rule in (same_key_and_text, same_text, same_id, most_alike, same_place):
        for position, (key, source) in enumerate(cells):
            if matched[position] is None:
                found = [e for e in rule(key, source, position) if id(e) not in used]
                if found:
                    used.add(id(found[0]))
                    matched[position] = found[0]
    fresh = []
    for (key, source), found in zip(cells, matched, strict=True):
        if found is None:
            fresh.append(Entry(key, source))
            continue
        was = found.en_was
        if found.en != source and found.text:
            was = found.en if was is None else was
        fresh.append(Entry(key, source, found.text, None if was == source else was))
    fresh += [e for e in entries if e.pending and id(e) not in used]
    return NotebookCatalog(catalog.notebook, catalog.lang, fresh)


def _likeness(one: str, other: str) -> float:
    """How alike two texts are, 0 to 1."""
    return difflib.SequenceMatcher(None, one, other, autojunk=False).ratio()


# -- generation -----------------------------------------------------------------------------------
def translate_notebook(notebook: Any, catalog: NotebookCatalog) -> Any:
    """A copy of the English ``notebook`` with each markdown cell in the catalog's language.

    A cell without a translation keeps its English (so a notebook mid-update still runs);
    :func:`catalog_problems` reports it.
    """
    out = copy.deepcopy(notebook)
    by_key = catalog.by_key()
    for index, cell in enumerate(out.cells):
        if cell.cell_type != "markdown":
            continue
        entry = by_key.get(cell_key(cell, index))
        if entry is not None and entry.text:
            cell.source = entry.text
    out.metadata["labkit"] = {"language": catalog.lang, "translated_from": f"../{catalog.notebook}"}
    return out


def notebook_text(notebook: Any) -> str:
    """The notebook as nbformat writes it (the bytes stored in the repository)."""
    return nbformat.writes(notebook) + "\n"


# -- drift ----------------------------------------------------------------------------------------
def catalog_problems(english: Any, catalog: NotebookCatalog) -> list[str]:
    """Every way ``catalog`` is out of step with the English ``notebook`` (empty: in step)."""
    problems = []
    name = catalog.notebook
    by_key = catalog.by_key()
    keys = set()
    for key, source in markdown_cells(english):
        keys.add(key)
        entry = by_key.get(key)
        if entry is None:
            problems.append(f"{name} cell {key}: no {catalog.lang} translation")
        elif entry.en != source:
            problems.append(f"{name} cell {key}: the English changed since it was translated")
        elif entry.en_was is not None:
            problems.append(f"{name} cell {key}: stale (en_was set): revise the translation")
        elif not entry.text.strip():
            problems.append(f"{name} cell {key}: the {catalog.lang} text is empty")
    for key in by_key:  # pending entries wait for their English: not a drift
        if key not in keys:
            problems.append(f"{name}: entry {key} translates no markdown cell of the notebook")
    return problems


def structure_problems(english: Any, translated: Any, name: str) -> list[str]:
    """Where ``translated`` differs from the English in cells, ids, tags, kinds or code."""
    problems = []
    if len(english.cells) != len(translated.cells):
        return [f"{name}: {len(translated.cells)} cells, the English has {len(english.cells)}"]
    for index, (en, tr) in enumerate(zip(english.cells, translated.cells, strict=True)):
        where = f"{name} cell {cell_key(en, index)}"
        if en.cell_type != tr.cell_type:
            problems.append(f"{where}: {tr.cell_type}, the English is {en.cell_type}")
        if en.get("id") != tr.get("id"):
            problems.append(f"{where}: id {tr.get('id')!r}")
        if en.get("metadata", {}).get("tags", []) != tr.get("metadata", {}).get("tags", []):
            problems.append(f"{where}: tags differ from the English")
        if en.cell_type == "code" and en.source != tr.source:
            problems.append(f"{where}: code differs from the English")
    return problems
