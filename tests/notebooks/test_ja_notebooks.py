"""The Japanese course runs headless as a learner runs it: each notebook in ``notebooks/ja/``,
from its own folder, with ``LABKIT_LANG=ja`` (what ``make lab LANG=ja`` sets), and each exercise
solved in the same run. labkit's words come out in Japanese; AWS's texts stay as AWS sends them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from nbrun import NOTEBOOKS, SOLVED, ExecutedNotebook, run_notebook

from labkit.exercises import definitions

pytestmark = [pytest.mark.notebooks, pytest.mark.slow, pytest.mark.real_cli]
JA = NOTEBOOKS / "ja"
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
PASSED = "合格 — "


def _solutions(name: str) -> dict[str, str]:
    """Each exercise of notebook ``name`` answered with labkit's own reference solution."""
    return {
        f"exercise-{ex.notebook}": f"answer = labkit.exercises.solution({ex.id!r}, lab)"
        for ex in (definitions.exercise(i) for i in definitions.ids())
        if ex.notebook == name[:2]
    }


def run_japanese(name: str) -> ExecutedNotebook:
    """Execute ``notebooks/ja/<name>`` in a fresh kernel started in ``notebooks/ja``."""
    return run_notebook(name, solutions=_solutions(name), env={"LABKIT_LANG": "ja"}, folder=JA)


def _names() -> list[str]:
    return sorted(p.name for p in Path(NOTEBOOKS).glob("[0-9][0-9]_*.ipynb"))


@pytest.fixture(scope="module", params=_names())
def executed(request) -> ExecutedNotebook:
    return run_japanese(request.param)


def test_runs_top_to_bottom_with_every_exercise_passing(executed) -> None:
    assert JAPANESE.search(executed.markdown())
    solved = [c for c in executed.notebook.cells if SOLVED + "exercise" in str(c.metadata)]
    for cell in solved:
        if cell.metadata["tags"][0].endswith("-check"):
            shown = "\n".join(executed.text(cell.metadata["tags"][0]).splitlines()[:1])
            assert shown.startswith(PASSED), f"{executed.name}: {shown}"
    if executed.name[3:5] in {"03", "04", "05", "06", "07", "08"}:
        assert solved, f"{executed.name}: the exercise was not solved in the run"


def test_labkit_speaks_japanese_and_aws_english(executed) -> None:
    number = executed.name[3:5]
    if number == "00":
        lines = executed.plain("setup-check").splitlines()
        assert "準備完了: 必須の確認はすべて合格しました" in lines
        assert any(line.startswith("ok python ") for line in lines)  # names and marks unchanged
    if number == "04":
        message = executed.plain("denied-message")
        assert message.startswith("User: arn:aws:sts::111122223333:assumed-role/")
        assert message.strip().endswith(
            "because no VPC endpoint policy allows the logs:PutLogEvents action"
        )
        assert not JAPANESE.search(message)
    if number == "08":
        explained = executed.text("explained")
        assert "VPC エンドポイントポリシー" in explained  # labkit's explanation, in Japanese
        assert "logs:PutLogEvents" in explained and "logs-test-denied" in explained
