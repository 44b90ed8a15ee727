"""Run a notebook headless (nbclient, this venv's python3 kernel) and read what it showed.

Tests assert on what a learner would see: cells are found by their metadata tag
(``"tags": ["dns-answer"]``) and their outputs read back as text (streams, ``text/plain``,
``text/html``, errors). An exercise's solution is checked in the same run: see
:func:`run_notebook`. Each run's wall time goes to :data:`RUN_SECONDS`; the conftest hands it to
the session's report, which prints a table at the end (also under pytest-xdist).
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
RUN_SECONDS: dict[str, float] = {}  # runs not yet on a test report (see conftest.py)
SOLVED = "solved:"  # tag prefix of the cells run_notebook adds to check a solution


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


def _cleared(output: Any) -> bool:
    """A progress line its step emptied when it was done (the learner sees nothing there)."""
    data = output.get("data", {})
    return output.get("output_type") == "display_data" and not "".join(data.get("text/plain", "x"))


def _coalesced(cell: Any) -> list[Any]:
    """A cell's outputs with consecutive chunks of one stream joined, as the learner sees them."""
    joined: list[Any] = []
    for output in cell.get("outputs", []):
        if _cleared(output):
            continue
        previous = joined[-1] if joined else None
        if (
            previous is not None
            and output.get("output_type") == "stream" == previous.get("output_type")
            and output.get("name") == previous.get("name")
        ):
            joined[-1] = {**previous, "text": str(previous["text"]) + str(output["text"])}
        else:
            joined.append(output)
    return joined


def cell_source(name: str, tag: str) -> str:
    """The stored source of the (first) cell tagged ``tag`` in ``notebooks/<name>``."""
    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    for cell in notebook.cells:
        if tag in cell.get("metadata", {}).get("tags", []):
            return str(cell.source)
    raise AssertionError(f"{name}: no cell tagged {tag!r}")


@dataclass
class ExecutedNotebook:
    """A notebook after a headless run."""

    name: str
    notebook: Any
    seconds: float

    def cells_tagged(self, tag: str) -> list[Any]:
        cells = tagged_cells(self.notebook, tag)
        assert cells, f"{self.name}: no cell tagged {tag!r}"
        return cells

    def text(self, tag: str | None = None) -> str:
        """All output text of the cells tagged ``tag`` (of every code cell if None)."""
        cells = (
            self.cells_tagged(tag)
            if tag
            else [c for c in self.notebook.cells if c.cell_type == "code"]
        )
        return "\n".join(output_text(o) for c in cells for o in _coalesced(c))

    def plain(self, tag: str) -> str:
        """Streams, errors and ``text/plain`` of the cells tagged ``tag`` (no HTML): line-based."""
        outputs = [o for c in self.cells_tagged(tag) for o in _coalesced(c)]
        return "\n".join(
            output_text({**o, "data": {"text/plain": o["data"]["text/plain"]}})
            if "text/plain" in o.get("data", {})
            else output_text(o)
            for o in outputs
            if o.get("output_type") in ("stream", "error") or "text/plain" in o.get("data", {})
        )

    def markdown(self) -> str:
        """All prose of the notebook."""
        return "\n".join(c.source for c in self.notebook.cells if c.cell_type == "markdown")


def tagged_cells(notebook: Any, tag: str) -> list[Any]:
    """The cells of ``notebook`` tagged ``tag``, in order."""
    return [c for c in notebook.cells if tag in c.get("metadata", {}).get("tags", [])]


def add_solutions(name: str, notebook: Any, solutions: dict[str, str]) -> None:
    """Right after each exercise's check cell, insert its solution and a copy of that check.

    The inserted cells are tagged ``solved:`` + the stored cell's tag. They run in the same
    kernel, against the same lab, before the rest of the notebook (which ends by stopping it).
    """
    for exercise, solution in solutions.items():
        answer_tag, check_tag = f"{exercise}-answer", f"{exercise}-check"
        (answer,) = tagged_cells(notebook, answer_tag)
        (check,) = tagged_cells(notebook, check_tag)
        after = notebook.cells.index(check) + 1
        assert notebook.cells.index(answer) < after, f"{name}: {exercise} checks before it asks"
        notebook.cells[after:after] = [
            nbformat.v4.new_code_cell(solution, metadata={"tags": [SOLVED + answer_tag]}),
            nbformat.v4.new_code_cell(check.source, metadata={"tags": [SOLVED + check_tag]}),
        ]


def run_notebook(
    name: str,
    *,
    solutions: dict[str, str] | None = None,
    env: dict[str, str] | None = None,
    folder: Path = NOTEBOOKS,
) -> ExecutedNotebook:
    """Execute ``notebooks/<name>`` top to bottom in a fresh kernel; raises on any cell error.

    ``solutions`` maps an exercise (``"exercise-03"``, the prefix of its ``-answer`` and
    ``-check`` cell tags) to a solution's source. The stored cells run as they are (so the check
    cell shows what a learner who has not answered sees); right after the check cell, the
    solution and the notebook's own check source run again, tagged ``solved:exercise-03-answer``
    and ``solved:exercise-03-check``. One run, one lab: the notebook is not executed twice.
    ``env`` adds variables to the kernel's environment (the local backend is always forced).
    ``folder`` holds the notebook and is the kernel's working folder (``notebooks/ja``, say).
    """
    path = folder / name
    label = name if folder == NOTEBOOKS else f"{folder.name}/{name}"
    notebook = nbformat.read(path, as_version=4)
    add_solutions(name, notebook, solutions or {})
    saved = dict(os.environ)
    os.environ.update({"LABKIT_BACKEND": "local", **(env or {})})
    try:
        client = NotebookClient(
            notebook,
            timeout=CELL_TIMEOUT,
            kernel_name="python3",
            resources={"metadata": {"path": str(folder)}},
        )
        started = time.perf_counter()
        client.execute()
        seconds = time.perf_counter() - started
    finally:
        os.environ.clear()
        os.environ.update(saved)
    key = label if not solutions else f"{label} (+ solution of {', '.join(sorted(solutions))})"
    RUN_SECONDS[key] = seconds
    return ExecutedNotebook(label, notebook, seconds)


def run_shell_cell(name: str, tag: str, env: dict[str, str]) -> str:
    """Run the body of a stored ``%%sh`` cell with ``/bin/sh`` and ``env`` only; stdout+stderr.

    For the cells' fallbacks: e.g. ``env={"PATH": empty_dir}`` shows what a learner without
    ``dig`` or ``aws`` sees.
    """
    import subprocess

    source = cell_source(name, tag)
    first, _, body = source.partition("\n")
    assert first.strip() == "%%sh", f"{name}: the cell tagged {tag!r} is not a %%sh cell"
    done = subprocess.run(
        ["/bin/sh", "-c", body], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, f"{name} {tag}: exit {done.returncode}: {done.stderr}"
    return done.stdout + done.stderr
