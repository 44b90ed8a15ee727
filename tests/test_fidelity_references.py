"""docs/fidelity/*.md name the tests that pin each row; every test they name exists."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = sorted((ROOT / "docs" / "fidelity").glob("*.md"))
REFERENCE = re.compile(r"((?:tests/[\w/]+/)?test_\w+\.py)(?:::(\w+)(…)?)?")


def _test_files() -> dict[str, list[Path]]:
    found: dict[str, list[Path]] = {}
    for path in (ROOT / "tests").rglob("test_*.py"):
        found.setdefault(path.name, []).append(path)
    return found


def _functions(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)}


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_every_test_a_fidelity_row_names_exists(doc: Path) -> None:
    files = _test_files()
    missing = []
    for match in REFERENCE.finditer(doc.read_text(encoding="utf-8")):
        reference, function, shortened = match.groups()
        if "/" in reference:
            candidates = [ROOT / reference] if (ROOT / reference).is_file() else []
        else:
            candidates = files.get(reference, [])
        if not candidates:
            missing.append(reference)
            continue
        if function:
            names = set().union(*(_functions(path) for path in candidates))
            known = any(n.startswith(function) for n in names) if shortened else function in names
            if not known:
                missing.append(f"{reference}::{function}")
    assert missing == [], f"{doc.name} names tests that do not exist: {sorted(set(missing))}"
