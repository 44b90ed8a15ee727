"""A LabError in a notebook cell shows as its problem and fix, without labkit's traceback."""

from __future__ import annotations

import nbformat
import pytest
from nbclient import NotebookClient

pytestmark = pytest.mark.slow


def test_a_lab_error_in_a_cell_is_two_lines_not_a_traceback() -> None:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell('import labkit\n\nlabkit.start("nowhere")')]
    NotebookClient(notebook, kernel_name="python3", allow_errors=True, timeout=120).execute()
    (error,) = [o for o in notebook.cells[0].outputs if o["output_type"] == "error"]
    assert error["ename"] == "LabError"
    assert error["traceback"] == [
        "LabError: unknown backend backend='nowhere'",
        "Fix: use 'local' (offline, the default) or 'aws' (real AWS, asks for confirmation)",
    ]
