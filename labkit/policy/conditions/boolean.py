"""The ``Bool`` operator: ``"true"`` or ``"false"``, compared without regard to case."""

from __future__ import annotations

from collections.abc import Sequence

from labkit.policy.conditions.base import Matcher, OperatorSpec
from labkit.policy.variables import Template

_BOOLEANS = frozenset({"true", "false"})


def check_bool(text: str) -> str | None:
    """Problem with a Bool policy value, if any."""
    return None if text.lower() in _BOOLEANS else f'{text!r} is neither "true" nor "false"'


def build_bool(templates: Sequence[Template]) -> Matcher:
    """True if the request value is the same boolean as any policy value."""
    wanted = frozenset(t.raw.lower() for t in templates) & _BOOLEANS
    return lambda value, _context: value.lower() in wanted


OPERATORS = (OperatorSpec("Bool", "Bool", build_bool, check_value=check_bool),)
