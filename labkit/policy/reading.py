"""Shared helpers for reading a located JSON document: findings with places, typed access."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from labkit.policy.errors import Finding, Severity
from labkit.policy.jsontext import LineIndex, Node

_TYPE_NAMES = {
    "object": "an object",
    "array": "a list",
    "string": "a string",
    "number": "a number",
    "bool": "true/false",
    "null": "null",
}


def type_name(node: Node) -> str:
    """How a node's JSON type is said in messages."""
    return _TYPE_NAMES[node.kind]


def suggest(word: str, choices: list[str] | tuple[str, ...]) -> str | None:
    """The closest known name to ``word`` (case differences first), if any is close."""
    for choice in choices:
        if choice.lower() == word.lower():
            return choice
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return close[0] if close else None


@dataclass
class Reader:
    """Collects findings while a document is read; knows how to place them."""

    text: str
    kind: str
    findings: list[Finding] = field(default_factory=list)
    variables_enabled: bool = False

    def __post_init__(self) -> None:
        self._lines = LineIndex(self.text)

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a character offset."""
        return self._lines.position(offset)

    def add(
        self,
        severity: Severity,
        code: str,
        offset: int | None,
        path: str | None,
        message: str,
        hint: str | None = None,
    ) -> None:
        """Record a finding at ``offset`` (``None``: no position)."""
        line, column = self.position(offset) if offset is not None else (None, None)
        self.findings.append(Finding(severity, code, message, line, column, path, hint))

    def error(
        self, code: str, node: Node | int | None, path: str | None, message: str, hint: str
    ) -> None:
        """Record an error at a node (or offset)."""
        offset = node.offset if isinstance(node, Node) else node
        self.add("error", code, offset, path, message, hint)

    def warn(
        self, code: str, node: Node | int | None, path: str | None, message: str, hint: str
    ) -> None:
        """Record a warning at a node (or offset)."""
        offset = node.offset if isinstance(node, Node) else node
        self.add("warning", code, offset, path, message, hint)

    def members(self, node: Node, path: str) -> dict[str, tuple[Node, Node]]:
        """Object members by key; each duplicate key is an error at the repeated key."""
        seen: dict[str, tuple[Node, Node]] = {}
        for key, value in node.value:
            if key.value in seen:
                self.error(
                    "duplicate-key",
                    key,
                    join(path, key.value),
                    f'duplicate key "{key.value}"',
                    "keep one of them: a JSON object must not repeat a key",
                )
                continue
            seen[key.value] = (key, value)
        return seen

    def unknown_members(
        self, members: dict[str, tuple[Node, Node]], known: tuple[str, ...], path: str, where: str
    ) -> None:
        """An error for every member whose key is not one of ``known``."""
        for name, (key, _value) in members.items():
            if name in known:
                continue
            guess = suggest(name, known)
            hint = (
                f'did you mean "{guess}"? Element names are case-sensitive'
                if guess
                else f"{where} may contain only: {', '.join(known)}"
            )
            self.error(
                "unknown-element",
                key,
                join(path, name),
                f'unknown element "{name}" in {where}',
                hint,
            )

    def expect(self, node: Node, kinds: tuple[str, ...], path: str, what: str) -> bool:
        """True if ``node`` has one of ``kinds``; else an error saying what was expected."""
        if node.kind in kinds:
            return True
        self.error(
            "wrong-type",
            node,
            path,
            f"{what} must be {' or '.join(_TYPE_NAMES[k] for k in kinds)}, not {type_name(node)}",
            f"write {what} as {' or '.join(_TYPE_NAMES[k] for k in kinds)}",
        )
        return False

    def strings(self, node: Node, path: str, what: str) -> list[tuple[str, Node, str]]:
        """A string or non-empty list of strings as ``(value, node, path)``; errors otherwise."""
        if node.kind == "string":
            return [(node.value, node, path)]
        if not self.expect(node, ("string", "array"), path, what):
            return []
        if not node.value:
            self.error(
                "empty-list",
                node,
                path,
                f"{what} is an empty list",
                f"list at least one value in {what}",
            )
            return []
        out = []
        for index, item in enumerate(node.value):
            item_path = f"{path}[{index}]"
            if self.expect(item, ("string",), item_path, f"each value of {what}"):
                out.append((item.value, item, item_path))
        return out


def join(path: str, name: str) -> str:
    """``path.name`` (or ``name`` at the top)."""
    return f"{path}.{name}" if path else name


def read_string(
    reader: Reader, members: dict[str, tuple[Node, Node]], key: str, path: str = ""
) -> str | None:
    """The string value of member ``key`` (``None`` if absent; an error if not a string)."""
    if key not in members:
        return None
    node = members[key][1]
    if reader.expect(node, ("string",), join(path, key), key):
        return str(node.value)
    return None
