"""The course's contents manager: notebooks saved without outputs, opened with the kernel's
metadata, and a stored notebook saved unchanged is byte for byte what git holds."""

from __future__ import annotations

import asyncio
import json
import shutil
from pathlib import Path

import nbformat
import pytest

from labkit.ui.course_contents import CourseContentsManager, kernel_language_info, kernel_spec

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


@pytest.fixture
def manager(tmp_path: Path) -> CourseContentsManager:
    for path in NOTEBOOKS:
        shutil.copy(path, tmp_path / path.name)
    return CourseContentsManager(root_dir=str(tmp_path))


def test_open_gives_the_metadata_the_kernel_will_set(manager: CourseContentsManager) -> None:
    model = asyncio.run(manager.get(NOTEBOOKS[0].name))
    metadata = model["content"]["metadata"]
    assert metadata["kernelspec"] == kernel_spec()
    assert metadata["language_info"] == kernel_language_info()
    assert metadata["language_info"]["version"].count(".") == 2


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_a_notebook_opened_and_saved_is_what_git_holds(
    manager: CourseContentsManager, tmp_path: Path, path: Path
) -> None:
    model = asyncio.run(manager.get(path.name))
    asyncio.run(manager.save({"type": "notebook", "content": model["content"]}, path.name))
    assert (tmp_path / path.name).read_bytes() == path.read_bytes()


def test_outputs_counts_and_widget_state_never_reach_the_file(
    manager: CourseContentsManager, tmp_path: Path
) -> None:
    name = NOTEBOOKS[5].name
    model = asyncio.run(manager.get(name))
    notebook = model["content"]
    code = next(c for c in notebook["cells"] if c["cell_type"] == "code")
    code["source"] = "answer = 42  # the learner's own line"
    code["execution_count"] = 7
    code["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "secret run\n"}]
    code["metadata"]["execution"] = {"iopub.status.busy": "2026-01-01T00:00:00Z"}
    notebook["metadata"]["widgets"] = {"application/vnd.jupyter.widget-state+json": {}}
    asyncio.run(manager.save({"type": "notebook", "content": notebook}, name))
    saved = json.loads((tmp_path / name).read_text(encoding="utf-8"))
    nbformat.validate(nbformat.from_dict(saved))
    cells = [c for c in saved["cells"] if c["cell_type"] == "code"]
    assert "answer = 42  # the learner's own line" in ["".join(c["source"]) for c in cells]
    assert all(c["outputs"] == [] and c["execution_count"] is None for c in cells)
    assert "widgets" not in saved["metadata"] and "secret run" not in json.dumps(saved)
    assert all("execution" not in c["metadata"] for c in cells)
