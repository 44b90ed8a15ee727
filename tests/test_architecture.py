"""The house rules that keep the rooms apart (docs/architecture.md), checked on the code itself."""

from __future__ import annotations

import ast
import functools
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "labkit"
REASON_PREFIX = "# imported when"


@functools.cache
def modules() -> list[tuple[str, ast.Module, list[str]]]:
    """Every labkit module: dotted name, syntax tree, lines (parsed once for all the tests)."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        found.append((name, ast.parse(source), source.splitlines()))
    return found


def test_the_import_linter_contracts_hold() -> None:
    """Rooms import downward only, no cycles between or inside rooms (pyproject.toml)."""
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint), "--config", str(ROOT / "pyproject.toml")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "broken" not in result.stdout.split("Contracts:")[-1].split("\n")[0].replace(
        "0 broken", ""
    )


def test_an_import_inside_a_function_says_why() -> None:
    """A labkit import inside a function is only for start-up time, and says so on the line
    above; an import hidden in a function to dodge a cycle is not allowed."""
    unexplained = []
    for name, tree, lines in modules():
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(function):
                if not isinstance(node, ast.Import | ast.ImportFrom):
                    continue
                targets = (
                    [node.module or ""]
                    if isinstance(node, ast.ImportFrom)
                    else [alias.name for alias in node.names]
                )
                if not any(t == "labkit" or t.startswith("labkit.") for t in targets):
                    continue
                above = lines[node.lineno - 2].strip() if node.lineno >= 2 else ""
                previous_import = above.startswith(("from labkit", "import labkit"))
                if not above.startswith(REASON_PREFIX) and not previous_import:
                    unexplained.append(f"{name}:{node.lineno}: {lines[node.lineno - 1].strip()}")
    assert unexplained == [], "function-body imports without a reason:\n" + "\n".join(unexplained)


def test_no_two_public_classes_share_a_name() -> None:
    """One name per meaning: a public class name is defined once in the whole package."""
    where: dict[str, list[str]] = defaultdict(list)
    for name, tree, _ in modules():
        for node in tree.body:
            if isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
                where[node.name].append(name)
    repeated = {cls: places for cls, places in where.items() if len(places) > 1}
    assert repeated == {}


def test_every_package_has_an_init_with_a_docstring() -> None:
    missing = []
    for folder in sorted(p for p in PACKAGE.rglob("*") if p.is_dir() and p.name != "__pycache__"):
        if folder.name.startswith("_") and folder.is_symlink():
            continue  # labkit/_data links to data/
        init = folder / "__init__.py"
        if not init.is_file() or ast.get_docstring(ast.parse(init.read_text())) is None:
            missing.append(str(folder.relative_to(ROOT)))
    assert missing == []
