"""The runner's exercise check: the solution goes right after the notebook's own check cell."""

from __future__ import annotations

import nbformat
from nbrun import NOTEBOOKS, SOLVED, add_solutions, tagged_cells


def test_the_solution_and_a_copy_of_the_check_follow_the_stored_check_cell() -> None:
    notebook = nbformat.read(NOTEBOOKS / "03_the_policy.ipynb", as_version=4)
    stored = [cell.source for cell in notebook.cells]
    add_solutions("03_the_policy.ipynb", notebook, {"exercise-03": "answer = {}"})
    cells = notebook.cells
    (check,) = tagged_cells(notebook, "exercise-03-check")
    (solution,) = tagged_cells(notebook, SOLVED + "exercise-03-answer")
    (again,) = tagged_cells(notebook, SOLVED + "exercise-03-check")
    at = cells.index(check)
    assert cells[at + 1] is solution and cells[at + 2] is again
    assert solution.source == "answer = {}" and again.source == check.source
    assert [c.source for c in cells[: at + 1] + cells[at + 3 :]] == stored  # the rest as stored
    assert not any("stop()" in c.source for c in cells[at:] if c.cell_type == "code")
    nbformat.validate(notebook)
