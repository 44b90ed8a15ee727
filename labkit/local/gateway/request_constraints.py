"""The constraints of botocore's service model, checked as AWS's request framework checks them.

For every member present in a request: ``required`` (``Value null at 'x' ... Member must not be
null``), ``min``/``max`` on the length of strings, blobs, lists and maps (``Member must have
length greater than or equal to 1``), ``min``/``max`` on numbers (``Member must have value less
than or equal to 10000``), ``pattern`` on strings (``Member must satisfy regular expression
pattern: [\\.\\-_/#A-Za-z0-9]+``, the whole value must match) and ``enum`` (``Member must satisfy
enum value set: [A, B]``). Every problem of a request is listed in one message, in the order of
the model's members: ``2 validation errors detected: ...; ...``.

The model's patterns are Java regular expressions; the few Java-only classes they use
(``\\p{L}``, ``\\p{N}``, ``\\p{Z}``) are read as Python's Unicode ``\\w`` and ``\\s``.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from botocore.model import Shape

MAX_ECHO = 1_000
_JAVA_CLASSES = (
    (r"\p{L}", r"\w"),
    (r"\p{N}", r"\w"),
    (r"\p{Z}", r"\s"),
    (r"[\w-_]", r"[\w\-_]"),
)


@cache
def compiled(pattern: str) -> re.Pattern[str] | None:
    """A model pattern as a Python regex (``None`` if it cannot be read)."""
    for java, python in _JAVA_CLASSES:
        pattern = pattern.replace(java, python)
    try:
        return re.compile(pattern, re.DOTALL)
    except re.error:
        return None


def problems(value: Any, shape: Shape, path: str = "") -> list[str]:
    """Every constraint ``value`` breaks, as the framework words each one."""
    found: list[str] = []
    _check(value, shape, path, found)
    return found


def message(found: list[str]) -> str:
    """``N validation error(s) detected: a; b``."""
    noun = "error" if len(found) == 1 else "errors"
    return f"{len(found)} validation {noun} detected: {'; '.join(found)}"


def _check(value: Any, shape: Shape, path: str, found: list[str]) -> None:
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict):
        for name, member in shape.members.items():
            member_path = f"{path}{name[:1].lower()}{name[1:]}"
            if value.get(name) is None:
                if name in shape.required_members:
                    found.append(
                        f"Value null at '{member_path}' failed to satisfy constraint: "
                        "Member must not be null"
                    )
                continue
            _check(value[name], member, member_path, found)
        return
    _bounds(value, shape, path, found)
    if kind == "list" and isinstance(value, list):
        for index, item in enumerate(value, start=1):
            _check(item, shape.member, f"{path}.{index}.", found)
    elif kind == "map" and isinstance(value, dict):
        for key, item in value.items():
            _check(item, shape.value, f"{path}.{key}.", found)
    elif kind == "string" and isinstance(value, str):
        _string(value, shape, path, found)


def _fails(value: Any, path: str, rule: str) -> str:
    return (
        f"Value '{_rendered(value)}' at '{path.rstrip('.')}' failed to satisfy constraint: {rule}"
    )


def _bounds(value: Any, shape: Shape, path: str, found: list[str]) -> None:
    low, high = shape.metadata.get("min"), shape.metadata.get("max")
    if low is None and high is None:
        return
    if isinstance(value, bool):
        return
    if isinstance(value, str | list | dict):
        size, what = len(value), "length"
    elif isinstance(value, int | float) and shape.type_name in (
        "integer",
        "long",
        "float",
        "double",
    ):
        size, what = value, "value"
    else:
        return
    if low is not None and size < low:
        found.append(_fails(value, path, f"Member must have {what} greater than or equal to {low}"))
    elif high is not None and size > high:
        found.append(_fails(value, path, f"Member must have {what} less than or equal to {high}"))


def _string(value: str, shape: Shape, path: str, found: list[str]) -> None:
    pattern = shape.metadata.get("pattern")
    if pattern:
        regex = compiled(pattern)
        if regex is not None and regex.fullmatch(value) is None:
            found.append(
                _fails(value, path, f"Member must satisfy regular expression pattern: {pattern}")
            )
    allowed = shape.enum
    if allowed and value not in allowed:
        found.append(
            _fails(value, path, f"Member must satisfy enum value set: [{', '.join(allowed)}]")
        )


def _rendered(value: Any) -> str:
    """A value as the (Java) framework prints it in a validation message, at most 1,000
    characters (labkit's cut: a 10,000-event batch is not echoed whole)."""
    text = _java_text(value)
    return text if len(text) <= MAX_ECHO else text[: MAX_ECHO - 3] + "..."


def _java_text(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_java_text(item) for item in value[:MAX_ECHO]) + "]"
    if isinstance(value, dict):
        shown = list(value.items())[:MAX_ECHO]
        return "{" + ", ".join(f"{k}={_java_text(v)}" for k, v in shown) + "}"
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)
