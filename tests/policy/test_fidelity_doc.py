"""docs/fidelity/policy.md: every row names a test, and every test it names exists."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "fidelity" / "policy.md"
REFERENCE = re.compile(r"`(policy/[\w/]+\.py)(?:::(\w+))?`")


def _rows() -> list[str]:
    lines = DOC.read_text(encoding="utf-8").splitlines()
    return [
        line for line in lines if line.startswith("| ") and not line.startswith(("| topic", "|---"))
    ]


def _functions(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}


def test_every_row_names_an_existing_test() -> None:
    rows = _rows()
    assert len(rows) >= 20
    for row in rows:
        tested_in = row.rstrip("|").rsplit("|", 1)[-1]
        references = REFERENCE.findall(tested_in)
        assert references, f"row without a test: {row[:60]}"
        previous = None
        for file, function in references:
            path = ROOT / "tests" / file
            assert path.is_file(), f"{file} does not exist ({row[:40]})"
            previous = path
            if function:
                assert function in _functions(path), f"{file}::{function} does not exist"
        assert previous is not None
        for function in re.findall(r"`::(\w+)`", tested_in):
            owners = [ROOT / "tests" / f for f, _ in references]
            assert any(function in _functions(p) for p in owners), f"::{function} does not exist"
