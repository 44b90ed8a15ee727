"""Policy variables: ``${aws:username}``, ``${key, 'default'}``, escapes ``${*}`` ``${?}`` ``${$}``.

Variables exist only in documents whose ``Version`` is ``2012-10-17``; elsewhere the text is
literal. A variable resolves to the request's value of a single-valued key. A key that is
absent (or multivalued) takes the default if one is given; otherwise the variable cannot be
resolved, and AWS documents that this "causes the statement to be invalid": labkit then skips the
whole statement for that request (see ``docs/fidelity/policy.md``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from labkit.policy.patterns import Chunk

VARIABLES_VERSION = "2012-10-17"

_REFERENCE = re.compile(r"\$\{([^}]*)\}")
_BODY = re.compile(r"\s*([^\s,'{}$]+)\s*(?:,\s*'([^']*)'\s*)?")
_ESCAPES = {"*": "*", "?": "?", "$": "$"}

ContextValue = str | tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Variable:
    """A ``${key}`` or ``${key, 'default'}`` reference; ``key`` is lower-cased for lookup."""

    key: str
    name: str
    default: str | None

    def resolve(self, context: Mapping[str, ContextValue]) -> str | None:
        """The value it stands for in ``context``, or ``None`` if it cannot be resolved."""
        value = context.get(self.key)
        if isinstance(value, str):
            return value
        return self.default


@dataclass(frozen=True, slots=True)
class Template:
    """A policy value split into literal text, escapes and variables."""

    raw: str
    parts: tuple[str | Chunk | Variable, ...]
    variables: tuple[Variable, ...] = field(init=False, repr=False, compare=False)
    """The variables it refers to, in order."""
    is_static: bool = field(init=False, repr=False, compare=False)
    """True if it has no variables."""
    static_text: str | None = field(init=False, repr=False, compare=False)
    """The plain text of a template without variables (escapes resolved); else ``None``."""

    def __post_init__(self) -> None:
        found = tuple(p for p in self.parts if isinstance(p, Variable))
        object.__setattr__(self, "variables", found)
        object.__setattr__(self, "is_static", not found)
        object.__setattr__(self, "static_text", None if found else self.text())

    def chunks(self, context: Mapping[str, ContextValue] | None = None) -> list[Chunk] | None:
        """``(text, wild)`` chunks with variables replaced, or ``None`` if one cannot be resolved.

        Policy text is ``wild`` (``*``/``?`` may be wildcards); escapes and variable values are not.
        """
        out: list[Chunk] = []
        for part in self.parts:
            if isinstance(part, str):
                out.append((part, True))
            elif isinstance(part, Variable):
                value = part.resolve(context or {})
                if value is None:
                    return None
                out.append((value, False))
            else:
                out.append(part)
        return out

    def text(self, context: Mapping[str, ContextValue] | None = None) -> str | None:
        """The resolved value as plain text, or ``None`` if a variable cannot be resolved."""
        out = []
        for part in self.parts:
            if isinstance(part, str):
                out.append(part)
            elif isinstance(part, Variable):
                value = part.resolve(context or {})
                if value is None:
                    return None
                out.append(value)
            else:
                out.append(part[0])
        return "".join(out)


def literal(raw: str) -> Template:
    """A template that is all literal policy text (variables not enabled)."""
    return Template(raw, (raw,) if raw else ())


def parse_template(raw: str, *, enabled: bool = True, start: int = 0) -> Template:
    """Split ``raw`` into literal text, escapes and variables.

    With ``enabled`` false (no ``Version: 2012-10-17``) everything is literal. References that
    begin before ``start`` stay literal too (used for the part of an ARN before its fifth colon).
    A ``${...}`` that is not a well-formed reference stays literal text.
    """
    if not enabled or "${" not in raw:
        return literal(raw)
    parts: list[str | Chunk | Variable] = []
    cursor = 0
    for match in _REFERENCE.finditer(raw):
        if match.start() < start:
            continue
        body = match.group(1)
        if body in _ESCAPES:
            part: Chunk | Variable = (_ESCAPES[body], False)
        else:
            shape = _BODY.fullmatch(body)
            if shape is None:
                continue
            part = Variable(shape.group(1).lower(), shape.group(1), shape.group(2))
        if match.start() > cursor:
            parts.append(raw[cursor : match.start()])
        parts.append(part)
        cursor = match.end()
    if cursor < len(raw):
        parts.append(raw[cursor:])
    return Template(raw, tuple(parts))


def fifth_colon_end(arn: str) -> int:
    """Offset just after the fifth colon of ``arn`` (``len(arn)`` if it has fewer)."""
    pos = -1
    for _ in range(5):
        pos = arn.find(":", pos + 1)
        if pos < 0:
            return len(arn)
    return pos + 1
