"""The Japanese course is in step with the English one: every markdown cell translated from
today's English, notebooks/ja/ exactly what the catalogs generate (same cells, ids, tags, code),
and each Japanese notebook stored as the English ones are (no outputs, goal, duration, recap)."""

from __future__ import annotations

import re

import nbformat
import pytest
from markdown_it import MarkdownIt

from labkit.i18n import course
from labkit.i18n.notebooks import english_notebooks, structure_problems, translated_path
from labkit.i18n.paths import NOTEBOOKS

LANGUAGES = ["ja"]
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_translated_course_is_in_step(lang) -> None:
    found = course.problems(NOTEBOOKS, lang)
    assert not found, (
        "the Japanese course drifted from the English one. To repair: "
        f"`labkit translate update --lang {lang}`, revise each entry with `en_was` or an empty "
        f"`{lang}` in notebooks/i18n/{lang}/, then `labkit translate build --lang {lang}`.\n"
        + "\n".join(found)
    )


@pytest.mark.parametrize("english", english_notebooks(NOTEBOOKS), ids=lambda p: p.name)
def test_each_japanese_notebook_has_the_english_cells_and_is_stored_clean(english) -> None:
    path = translated_path(NOTEBOOKS, "ja", english.name)
    translated = nbformat.read(path, as_version=4)
    nbformat.validate(translated)
    assert structure_problems(nbformat.read(english, as_version=4), translated, path.name) == []
    for index, cell in enumerate(translated.cells):
        if cell.cell_type == "code":
            assert not cell.outputs and cell.execution_count is None, f"{path.name} cell {index}"
        else:
            assert JAPANESE.search(cell.source), f"{path.name} cell {index} is not in Japanese"
    prose = "\n".join(c.source for c in translated.cells if c.cell_type == "markdown")
    assert "**目標:**" in prose and "## まとめ" in prose, f"{path.name}: 目標 and まとめ"
    assert re.search(r"約 \d+ 分", prose), f"{path.name}: the duration (約 15 分)"


def test_the_japanese_readme_lists_every_notebook() -> None:
    readme = (NOTEBOOKS / "ja" / "README.md").read_text(encoding="utf-8")
    for english in english_notebooks(NOTEBOOKS):
        assert english.name in readme, f"notebooks/ja/README.md does not list {english.name}"


@pytest.mark.parametrize("english", english_notebooks(NOTEBOOKS), ids=lambda p: p.name)
def test_japanese_emphasis_renders(english) -> None:
    """CommonMark's flanking rules are easy to break next to Japanese punctuation (**`x`** after
    a kana stays literal): rendered, no ``*`` may be left outside code."""
    path = translated_path(NOTEBOOKS, "ja", english.name)
    render = MarkdownIt("commonmark").render
    for index, cell in enumerate(nbformat.read(path, as_version=4).cells):
        if cell.cell_type == "markdown":
            html = re.sub(r"<(code|pre)>.*?</\1>", "", render(cell.source), flags=re.S)
            assert "*" not in html, f"{path.name} cell {index}: unrendered emphasis in {html}"
