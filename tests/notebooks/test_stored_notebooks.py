"""The notebooks as stored: the full course is there, without outputs, each well formed."""

from __future__ import annotations

import re

import nbformat
import pytest
from nbrun import NOTEBOOKS, notebook_paths

COURSE = [f"{n:02d}" for n in range(11)]


def test_the_course_has_notebooks_00_to_10() -> None:
    numbers = [p.name[:2] for p in notebook_paths()]
    assert numbers == COURSE, f"notebooks/ holds {numbers}, the course is {COURSE}"


@pytest.mark.parametrize("path", notebook_paths(), ids=lambda p: p.name)
def test_stored_without_outputs(path) -> None:
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "code":
            assert not cell.outputs, f"{path.name} cell {index} has stored outputs"
            assert cell.execution_count is None, f"{path.name} cell {index} has a count"
    assert notebook.metadata.get("kernelspec", {}).get("name") == "python3", path.name


@pytest.mark.parametrize("path", notebook_paths(), ids=lambda p: p.name)
def test_prose_first_with_goal_duration_and_recap(path) -> None:
    notebook = nbformat.read(path, as_version=4)
    first = notebook.cells[0]
    assert first.cell_type == "markdown", f"{path.name} starts with code"
    prose = "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown").lower()
    assert "goal" in prose and "recap" in prose, f"{path.name}: say the goal and give a recap"
    assert re.search(r"\b\d+\s*min", prose), f"{path.name}: give the duration (e.g. 15 min)"


def test_notebooks_readme_lists_every_notebook() -> None:
    readme = (NOTEBOOKS / "README.md").read_text(encoding="utf-8")
    for path in notebook_paths():
        assert path.name in readme, f"notebooks/README.md does not list {path.name}"
