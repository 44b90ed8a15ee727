"""Notebook catalogs: update keeps translations and marks the changed ones, build copies the
English cells, and every kind of drift is named."""

from __future__ import annotations

import nbformat
import pytest

from labkit.i18n import course
from labkit.i18n.notebooks import (
    Entry,
    NotebookCatalog,
    catalog_problems,
    dump_catalog,
    load_catalog,
    structure_problems,
    translate_notebook,
    update_catalog,
)


def _notebook(*cells: tuple[str, str, list[str]]):
    notebook = nbformat.v4.new_notebook()
    for index, (kind, source, tags) in enumerate(cells):
        make = nbformat.v4.new_markdown_cell if kind == "md" else nbformat.v4.new_code_cell
        notebook.cells.append(make(source, metadata={"tags": tags} if tags else {}, id=f"c{index}"))
    return notebook


ENGLISH = _notebook(
    ("md", "# 01 · Title\n\n**Goal:** learn.", []),
    ("code", "lab = labkit.start()", ["setup"]),
    ("md", "## Recap\n\nDone.", ["recap"]),
)


def _translated() -> NotebookCatalog:
    return NotebookCatalog(
        "01_x.ipynb",
        "ja",
        [
            Entry("c0", "# 01 · Title\n\n**Goal:** learn.", "# 01 · 題\n\n**目標:** 学ぶ。"),
            Entry("c2", "## Recap\n\nDone.", "## まとめ\n\n完了。"),
        ],
    )


def test_a_catalog_in_step_has_no_problem_and_survives_a_round_trip(tmp_path) -> None:
    catalog = _translated()
    assert catalog_problems(ENGLISH, catalog) == []
    path = tmp_path / "01_x.yaml"
    path.write_text(dump_catalog(catalog), encoding="utf-8")
    assert "ja: |-\n    # 01 · 題" in path.read_text(encoding="utf-8")
    assert load_catalog(path, "ja", "01_x.ipynb") == catalog


def test_build_swaps_prose_and_copies_cells_ids_tags_and_code() -> None:
    built = translate_notebook(ENGLISH, _translated())
    assert [c.source for c in built.cells] == [
        "# 01 · 題\n\n**目標:** 学ぶ。",
        "lab = labkit.start()",
        "## まとめ\n\n完了。",
    ]
    assert structure_problems(ENGLISH, built, "01_x.ipynb") == []
    assert built.metadata["labkit"] == {"language": "ja", "translated_from": "../01_x.ipynb"}
    assert ENGLISH.cells[0].source.startswith("# 01 · Title")  # the English is left alone


def test_a_changed_english_cell_keeps_its_translation_marked_stale() -> None:
    changed = _notebook(
        ("md", "# 01 · Title\n\n**Goal:** learn more.", []),
        ("code", "lab = labkit.start()", ["setup"]),
        ("md", "## Recap\n\nDone.", ["recap"]),
    )
    assert catalog_problems(changed, _translated()) == [
        "01_x.ipynb cell c0: the English changed since it was translated"
    ]
    updated = update_catalog(changed, _translated())
    first = updated.entries[0]
    assert (first.en, first.en_was) == (changed.cells[0].source, ENGLISH.cells[0].source)
    assert first.text == "# 01 · 題\n\n**目標:** 学ぶ。"  # kept, to be revised
    assert catalog_problems(changed, updated) == [
        "01_x.ipynb cell c0: stale (en_was set): revise the translation"
    ]
    first.en_was = None  # the translator revised it
    assert catalog_problems(changed, updated) == []


def test_new_moved_and_removed_cells() -> None:
    reordered = _notebook(
        ("md", "## Recap\n\nDone.", ["recap"]),  # moved, and its id is now c0
        ("md", "A new paragraph.", []),
        ("code", "lab = labkit.start()", ["setup"]),
    )
    assert catalog_problems(reordered, _translated()) == [
        "01_x.ipynb cell c0: the English changed since it was translated",
        "01_x.ipynb cell c1: no ja translation",
        "01_x.ipynb: entry c2 translates no markdown cell of the notebook",
    ]
    updated = update_catalog(reordered, _translated())
    assert [(e.key, e.text, e.en_was) for e in updated.entries] == [
        ("c0", "## まとめ\n\n完了。", None),  # found by its English, re-keyed
        ("c1", "", None),  # new: the removed title's translation is not pinned on it
    ]
    rewritten = _notebook(
        ("md", "# 01 · A new title", []),
        ("code", "lab = labkit.start()", ["setup"]),
        ("md", "## Recap\n\nDone.", ["recap"]),
    )
    rewritten.cells[0].id = "fresh-id"  # rewritten and re-identified: kept by its place
    first = update_catalog(rewritten, _translated()).entries[0]
    assert (first.key, first.text, first.en_was) == (
        "fresh-id",
        "# 01 · 題\n\n**目標:** 学ぶ。",
        "# 01 · Title\n\n**Goal:** learn.",
    )


def test_structure_drift_is_named() -> None:
    built = translate_notebook(ENGLISH, _translated())
    built.cells[1].source = "lab = labkit.start(lang='ja')"
    built.cells[2].metadata["tags"] = []
    assert structure_problems(ENGLISH, built, "ja/01_x.ipynb") == [
        "ja/01_x.ipynb cell c1: code differs from the English",
        "ja/01_x.ipynb cell c2: tags differ from the English",
    ]
    built.cells.pop()
    assert structure_problems(ENGLISH, built, "ja/01_x.ipynb") == [
        "ja/01_x.ipynb: 2 cells, the English has 3"
    ]


def test_a_malformed_catalog_names_file_and_entry(tmp_path) -> None:
    path = tmp_path / "01_x.yaml"
    path.write_text("cells:\n- cell: c0\n  ja: x\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"01_x.yaml: entry 1 needs `cell` and `en`"):
        load_catalog(path, "ja", "01_x.ipynb")


def test_the_course_tools_update_build_and_check_a_folder(tmp_path) -> None:
    nbformat.write(ENGLISH, tmp_path / "01_x.ipynb")
    assert course.problems(tmp_path, "ja") == ["01_x.ipynb: no catalog i18n/ja/01_x.yaml"]
    assert course.update(tmp_path, "ja") == [tmp_path / "i18n" / "ja" / "01_x.yaml"]
    assert course.update(tmp_path, "ja") == []  # nothing changed the second time
    catalog = load_catalog(tmp_path / "i18n" / "ja" / "01_x.yaml", "ja", "01_x.ipynb")
    catalog.entries = _translated().entries
    (tmp_path / "i18n" / "ja" / "01_x.yaml").write_text(dump_catalog(catalog), encoding="utf-8")
    assert course.problems(tmp_path, "ja") == ["01_x.ipynb: ja/01_x.ipynb is not built"]
    assert course.build(tmp_path, "ja") == [tmp_path / "ja" / "01_x.ipynb"]
    assert course.problems(tmp_path, "ja") == []
    built = tmp_path / "ja" / "01_x.ipynb"
    built.write_text(built.read_text(encoding="utf-8").replace("題", "表題"), encoding="utf-8")
    assert course.problems(tmp_path, "ja") == [
        "ja/01_x.ipynb: differs from what its catalog generates"
    ]


def test_a_pending_translation_waits_for_its_english() -> None:
    catalog = _translated()
    catalog.entries.append(
        Entry("c0", "# 01 · Title\n\n**Goal:** learn more.", "# 01 · 新題", None, True)
    )
    assert catalog_problems(ENGLISH, catalog) == []  # not a drift while its English is not here
    assert translate_notebook(ENGLISH, catalog).cells[0].source.startswith("# 01 · 題")
    assert update_catalog(ENGLISH, catalog).entries[-1].pending  # kept, still waiting
    arrived = _notebook(
        ("md", "# 01 · Title\n\n**Goal:** learn more.", []),
        ("code", "lab = labkit.start()", ["setup"]),
        ("md", "## Recap\n\nDone.", ["recap"]),
    )
    updated = update_catalog(arrived, catalog)
    assert [(e.key, e.text, e.en_was, e.pending) for e in updated.entries] == [
        ("c0", "# 01 · 新題", None, False),  # taken, in force, nothing stale
        ("c2", "## まとめ\n\n完了。", None, False),
    ]
    assert catalog_problems(arrived, updated) == []


def test_without_ids_an_inserted_cell_does_not_shift_translations() -> None:
    def plain(*sources: str):
        notebook = nbformat.v4.new_notebook()
        notebook.nbformat_minor = 4
        notebook.cells = [nbformat.v4.new_markdown_cell(text) for text in sources]
        for cell in notebook.cells:
            del cell["id"]
        return notebook

    before = plain("# 07 · Events", "## Recap\n\n- PutEvents can fail per entry.")
    catalog = NotebookCatalog(
        "07_x.ipynb",
        "ja",
        [
            Entry("#0", "# 07 · Events", "# 07 · イベント"),
            Entry("#1", "## Recap\n\n- PutEvents can fail per entry.", "## まとめ\n\n- 失敗あり。"),
        ],
    )
    assert catalog_problems(before, catalog) == []
    after = plain(
        "# 07 · Events",
        "The body, in full:",
        "## Recap\n\n- PutEvents can fail per entry.\n\nThe lab keeps running.",
    )
    updated = update_catalog(after, catalog)
    assert [(e.key, e.text, e.en_was is not None) for e in updated.entries] == [
        ("#0", "# 07 · イベント", False),
        ("#1", "", False),  # new
        ("#2", "## まとめ\n\n- 失敗あり。", True),  # edited and moved: kept, marked stale
    ]


def test_a_translated_readme_names_the_english_it_translates(tmp_path) -> None:
    (tmp_path / "README.md").write_text("# The course\n", encoding="utf-8")
    (tmp_path / "ja").mkdir()
    assert course.readme_problems(tmp_path, "ja") == ["ja/README.md: missing (translate README.md)"]
    now = course.readme_hash(tmp_path)
    mark = f"<!-- translated from ../README.md sha256:{now} -->\n# コース\n"
    (tmp_path / "ja" / "README.md").write_text(mark, encoding="utf-8")
    assert course.readme_problems(tmp_path, "ja") == []
    (tmp_path / "README.md").write_text("# The course, revised\n", encoding="utf-8")
    (found,) = course.readme_problems(tmp_path, "ja")
    assert (
        "README.md changed since it was translated" in found
        and course.readme_hash(tmp_path) in found
    )
