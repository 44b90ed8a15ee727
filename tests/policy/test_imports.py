"""labkit.policy is the bottom layer: it imports nothing else of labkit but ``labkit.i18n`` (its
explanations' words in the learner's language; a stdlib-only leaf), every labkit import is
at module level (none hidden in a function to dodge a cycle), and its modules import each other
without a cycle (imports under ``if TYPE_CHECKING:`` are for annotations and do not count)."""

from __future__ import annotations

import ast
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "labkit" / "policy"


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imported(node: ast.Import | ast.ImportFrom) -> list[str]:
    """The modules an import statement loads (``from pkg import sub`` loads ``pkg.sub``)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    return [f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base for a in node.names]


def _runtime_imports(nodes: Iterable[ast.AST]) -> list[str]:
    """Imports run when the module is imported: not in a function, not under TYPE_CHECKING."""
    found: list[str] = []
    for node in nodes:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            continue
        if isinstance(node, ast.If) and _is_type_checking(node):
            found.extend(_runtime_imports(node.orelse))
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.extend(_imported(node))
        found.extend(_runtime_imports(ast.iter_child_nodes(node)))
    return found


def _trees() -> dict[str, ast.Module]:
    return {name: ast.parse(path.read_text(encoding="utf-8")) for name, path in MODULES.items()}


def test_policy_imports_nothing_else_of_labkit() -> None:
    for name, tree in _trees().items():
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                for module in _imported(node):
                    if module == "labkit" or module.startswith("labkit."):
                        allowed = module.startswith(("labkit.policy", "labkit.i18n"))
                        assert allowed, f"{name} imports {module}"


def test_no_labkit_import_inside_a_function() -> None:
    for name, tree in _trees().items():
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(function):
                if isinstance(node, ast.Import | ast.ImportFrom):
                    labkit = [m for m in _imported(node) if m.startswith("labkit")]
                    assert not labkit, f"{name}.{function.name} imports {labkit} in its body"


def test_policy_modules_import_each_other_without_a_cycle() -> None:
    graph = {
        name: {m for m in _runtime_imports(tree.body) if m in MODULES and m != name}
        for name, tree in _trees().items()
    }
    state: dict[str, str] = {}

    def visit(name: str, path: list[str]) -> None:
        state[name] = "open"
        for other in sorted(graph[name]):
            assert state.get(other) != "open", "import cycle: " + " -> ".join([*path, other])
            if other not in state:
                visit(other, [*path, other])
        state[name] = "done"

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])


def test_the_explanation_is_a_package_and_no_module_is_called_explain() -> None:
    assert not list(PACKAGE.rglob("explain.py"))
    assert not list(PACKAGE.glob("explain_*.py"))
    assert (PACKAGE / "explanation" / "__init__.py").is_file()
