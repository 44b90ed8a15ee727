"""Run a notebook headless (nbclient, this venv's python3 kernel) and read what it showed.

Tests assert on what a learner would see: cells are found by their metadata tag
(``"tags": ["dns-answer"]``) and their outputs read back as text (streams, ``text/plain``,
``text/html``, errors). Each run's wall time goes to :data:`RUN_SECONDS`, which
``tests/notebooks/conftest.py`` prints at the end of the session.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
CELL_TIMEOUT = 300
RUN_SECONDS: dict[str, float] = {}


def notebook_paths() -> list[Path]:
    """Every course notebook (``NN_slug.ipynb``) in run order."""
    return sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


def output_text(output: Any) -> str:
    """One output as text: stream text, text/plain, text/html, or an error's name and value."""
    kind = output.get("output_type")
    if kind == "stream":
        return str(output.get("text", ""))
    if kind == "error":
        return f"{output.get('ename')}: {output.get('evalue')}"
    data = output.get("data", {})
    parts = [data[m] for m in ("text/plain", "text/html", "text/markdown") if m in data]
    return "\n".join("".join(p) if isinstance(p, list) else str(p) for p in parts)


@dataclass
class ExecutedNotebook:
    """A notebook after a headless run."""

    name: str
    notebook: Any
    seconds: float

    def cells_tagged(self, tag: str) -> list[Any]:
        cells = [c for c in self.notebook.cells if tag in c.get("metadata", {}).get("tags", [])]
        assert cells, f"{self.name}: no cell tagged {tag!r}"
        return cells

    def text(self, tag: str | None = None) -> str:
        """All output text of the cells tagged ``tag`` (of every code cell if None)."""
        cells = (
            self.cells_tagged(tag)
            if tag
            else [c for c in self.notebook.cells if c.cell_type == "code"]
        )
        return "\n".join(output_text(o) for c in cells for o in c.get("outputs", []))

    def markdown(self) -> str:
        """All prose of the notebook."""
        return "\n".join(c.source for c in self.notebook.cells if c.cell_type == "markdown")


def run_notebook(
    name: str, *, replace: dict[str, str] | None = None, env: dict[str, str] | None = None
) -> ExecutedNotebook:
    """Execute ``notebooks/<name>`` top to bottom in a fresh kernel; raises on any cell error.

    ``replace`` maps a cell tag to new source for that cell (e.g. an exercise's solution);
    ``env`` adds variables to the kernel's environment (the local backend is always forced).
    """
    path = NOTEBOOKS / name
    notebook = nbformat.read(path, as_version=4)
    for tag, source in (replace or {}).items():
        cells = [c for c in notebook.cells if tag in c.get("metadata", {}).get("tags", [])]
        assert cells, f"{name}: no cell tagged {tag!r} to replace"
        for cell in cells:
            cell.source = source
    saved = dict(os.environ)
    os.environ.update({"LABKIT_BACKEND": "local", **(env or {})})
    try:
        client = NotebookClient(
            notebook,
            timeout=CELL_TIMEOUT,
            kernel_name="python3",
            resources={"metadata": {"path": str(NOTEBOOKS)}},
        )
        started = time.perf_counter()
        client.execute()
        seconds = time.perf_counter() - started
    finally:
        os.environ.clear()
        os.environ.update(saved)
    key = name if not replace else f"{name} (with {', '.join(sorted(replace))})"
    RUN_SECONDS[key] = seconds
    return ExecutedNotebook(name, notebook, seconds)
