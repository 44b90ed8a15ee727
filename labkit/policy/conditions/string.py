"""String operators: ``String[Not]Equals``, ``String[Not]EqualsIgnoreCase``, ``String[Not]Like``.

Equality is exact and case-sensitive (``IgnoreCase``: case-insensitive); ``Like`` matches the whole
value with ``*`` and ``?`` wildcards, which cross any character including ``:``. Policy
variables are resolved in all of them (``Version`` ``2012-10-17``).
"""

from __future__ import annotations

from collections.abc import Sequence

from labkit.policy.conditions.base import (
    Context,
    Matcher,
    OperatorSpec,
    resolved_texts,
    static_texts,
)
from labkit.policy.patterns import chunks_source, compile_any
from labkit.policy.variables import Template


def build_equals(templates: Sequence[Template]) -> Matcher:
    """Exact, case-sensitive equality with any value."""
    texts = static_texts(templates)
    if texts is not None:
        members = frozenset(texts)
        return lambda value, _context: value in members
    return lambda value, context: value in resolved_texts(templates, context)


def build_equals_ignore_case(templates: Sequence[Template]) -> Matcher:
    """Equality with any value, ignoring case."""
    texts = static_texts(templates)
    if texts is not None:
        members = frozenset(t.casefold() for t in texts)
        return lambda value, _context: value.casefold() in members
    return lambda value, context: (
        value.casefold() in {t.casefold() for t in resolved_texts(templates, context)}
    )


def build_like(templates: Sequence[Template]) -> Matcher:
    """Whole-value wildcard match (``*``, ``?``) with any value."""
    if all(t.is_static for t in templates):
        pattern = compile_any(chunks_source(t.chunks() or []) for t in templates)
        return lambda value, _context: pattern.fullmatch(value) is not None

    def dynamic(value: str, context: Context) -> bool:
        sources = [chunks_source(c) for t in templates if (c := t.chunks(context)) is not None]
        return bool(sources) and compile_any(sources).fullmatch(value) is not None

    return dynamic


OPERATORS = (
    OperatorSpec("StringEquals", "String", build_equals, variables=True),
    OperatorSpec("StringNotEquals", "String", build_equals, negated=True, variables=True),
    OperatorSpec("StringEqualsIgnoreCase", "String", build_equals_ignore_case, variables=True),
    OperatorSpec(
        "StringNotEqualsIgnoreCase",
        "String",
        build_equals_ignore_case,
        negated=True,
        variables=True,
    ),
    OperatorSpec("StringLike", "String", build_like, variables=True, wildcards=True),
    OperatorSpec(
        "StringNotLike", "String", build_like, negated=True, variables=True, wildcards=True
    ),
)
