"""A strict JSON reader that remembers where every value and key starts.

The standard library's ``json`` module forgets positions and silently keeps the last of two equal
keys. Policy validation needs both: a place (line and column) for every element and every
duplicate key. This reader follows RFC 8259 (no comments, no trailing commas, no NaN) and keeps
object members as ordered ``(key, value)`` pairs so duplicates stay visible.
"""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass
from typing import Any, Literal

NodeKind = Literal["object", "array", "string", "number", "bool", "null"]
MAX_DEPTH = 64

_WHITESPACE = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")
_scan_string = json.decoder.scanstring  # type: ignore[attr-defined]


@dataclass(slots=True)
class Node:
    """One JSON value: ``kind``, its Python value, and the offset where it starts.

    Objects hold ``list[tuple[Node, Node]]`` (key node, value node); arrays ``list[Node]``;
    scalars their Python value.
    """

    kind: NodeKind
    value: Any
    offset: int

    def plain(self) -> Any:
        """The value as plain Python data (for objects, the last of equal keys wins)."""
        if self.kind == "object":
            return {key.value: item.plain() for key, item in self.value}
        if self.kind == "array":
            return [item.plain() for item in self.value]
        return self.value


class LineIndex:
    """Turns character offsets of one text into 1-based (line, column)."""

    def __init__(self, text: str) -> None:
        self._starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def position(self, offset: int) -> tuple[int, int]:
        """1-based line and column of ``offset``."""
        line = bisect.bisect_right(self._starts, offset)
        return line, offset - self._starts[line - 1] + 1


class JsonSyntaxError(ValueError):
    """The text is not JSON; ``offset`` is where reading stopped."""

    def __init__(self, reason: str, offset: int, hint: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.offset = offset
        self.hint = hint
        self.path = ""


def parse(text: str) -> Node:
    """Read one JSON document from ``text``; raise :class:`JsonSyntaxError` where it is not JSON."""
    reader = _Reader(text)
    try:
        return reader.document()
    except JsonSyntaxError as err:
        err.path = reader.current_path()
        raise


def _describe(text: str, pos: int) -> str:
    if pos >= len(text):
        return "end of text"
    char = text[pos]
    return f"character {char!r}" if char.isprintable() else f"character U+{ord(char):04X}"


class _Reader:
    def __init__(self, text: str) -> None:
        self.text = text
        self.path: list[str | int] = []

    def current_path(self) -> str:
        """Where reading stopped, as an element path (``Statement[0].Action``)."""
        out = ""
        for part in self.path:
            out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
        return out

    def document(self) -> Node:
        text = self.text
        pos = self.skip(0)
        if pos == len(text):
            raise JsonSyntaxError(
                "the document is empty", pos, 'write a JSON object such as {"Statement": []}'
            )
        node, pos = self.value(pos, 0)
        pos = self.skip(pos)
        if pos != len(text):
            raise JsonSyntaxError(
                f"unexpected {_describe(text, pos)} after the end of the JSON document",
                pos,
                "remove it, or wrap several values in one object or array",
            )
        return node

    def skip(self, pos: int) -> int:
        return _WHITESPACE.match(self.text, pos).end()  # type: ignore[union-attr]

    def value(self, pos: int, depth: int) -> tuple[Node, int]:
        text = self.text
        if pos >= len(text):
            raise JsonSyntaxError(
                "the text ends where a value was expected", pos, "complete the document"
            )
        char = text[pos]
        if char == "{":
            return self.obj(pos, depth + 1)
        if char == "[":
            return self.array(pos, depth + 1)
        if char == '"':
            return self.string(pos)
        if char == "-" or char.isdigit():
            match = _NUMBER.match(text, pos)
            if match is None or match.end() == pos:
                raise JsonSyntaxError("malformed number", pos, "write numbers like 12, -3 or 1.5")
            raw = match.group()
            number: int | float = float(raw) if any(c in raw for c in ".eE") else int(raw)
            return Node("number", number, pos), match.end()
        for word, kind, value in (
            ("true", "bool", True),
            ("false", "bool", False),
            ("null", "null", None),
        ):
            if text.startswith(word, pos):
                return Node(kind, value, pos), pos + len(word)  # type: ignore[arg-type]
        if char == "'":
            raise JsonSyntaxError("single quotes are not JSON", pos, 'use double quotes: "text"')
        raise JsonSyntaxError(
            f"unexpected {_describe(text, pos)} where a value was expected",
            pos,
            'a value is an object, array, "string", number, true, false or null',
        )

    def string(self, pos: int) -> tuple[Node, int]:
        try:
            value, end = _scan_string(self.text, pos + 1, True)
        except json.JSONDecodeError as err:
            reason = err.msg[0].lower() + err.msg[1:]
            raise JsonSyntaxError(
                reason, err.pos, 'close the string with " and escape " and \\ inside it'
            ) from None
        return Node("string", value, pos), end

    def obj(self, start: int, depth: int) -> tuple[Node, int]:
        self._check_depth(start, depth)
        text = self.text
        members: list[tuple[Node, Node]] = []
        pos = self.skip(start + 1)
        if text.startswith("}", pos):
            return Node("object", members, start), pos + 1
        while True:
            if not text.startswith('"', pos):
                what = (
                    "a trailing comma"
                    if members and text.startswith("}", pos)
                    else _describe(text, pos)
                )
                raise JsonSyntaxError(
                    f'expected a "key" in double quotes, found {what}',
                    pos,
                    "object keys are strings in double quotes; remove any comma before }",
                )
            key, pos = self.string(pos)
            self.path.append(key.value)
            pos = self.skip(pos)
            if not text.startswith(":", pos):
                raise JsonSyntaxError(
                    f"expected ':' after the key, found {_describe(text, pos)}",
                    pos,
                    'write "key": value',
                )
            pos = self.skip(pos + 1)
            item, pos = self.value(pos, depth)
            self.path.pop()
            members.append((key, item))
            pos = self.skip(pos)
            if text.startswith(",", pos):
                pos = self.skip(pos + 1)
                continue
            if text.startswith("}", pos):
                return Node("object", members, start), pos + 1
            raise JsonSyntaxError(
                f"expected ',' or '}}' in the object, found {_describe(text, pos)}",
                pos,
                "separate members with commas and close the object with }",
            )

    def array(self, start: int, depth: int) -> tuple[Node, int]:
        self._check_depth(start, depth)
        text = self.text
        items: list[Node] = []
        pos = self.skip(start + 1)
        if text.startswith("]", pos):
            return Node("array", items, start), pos + 1
        while True:
            if items and text.startswith("]", pos):
                raise JsonSyntaxError(
                    "trailing comma before ']'", pos, "remove the comma after the last item"
                )
            self.path.append(len(items))
            item, pos = self.value(pos, depth)
            self.path.pop()
            items.append(item)
            pos = self.skip(pos)
            if text.startswith(",", pos):
                pos = self.skip(pos + 1)
                continue
            if text.startswith("]", pos):
                return Node("array", items, start), pos + 1
            raise JsonSyntaxError(
                f"expected ',' or ']' in the array, found {_describe(text, pos)}",
                pos,
                "separate items with commas and close the array with ]",
            )

    def _check_depth(self, pos: int, depth: int) -> None:
        if depth > MAX_DEPTH:
            raise JsonSyntaxError(
                f"values are nested more than {MAX_DEPTH} levels deep",
                pos,
                "a policy needs at most a few levels",
            )
