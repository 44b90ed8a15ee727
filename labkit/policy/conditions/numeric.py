"""Numeric operators: ``Numeric[Not]Equals``, ``Numeric{Less,Greater}Than[Equals]``.

Values are integers or decimals. A request value that is not a number never matches (so a
negated operator is true for it); a policy value that is not a number is reported as a warning
when the policy is read and never matches. No policy variables.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Sequence

from labkit.policy.conditions.base import Matcher, MatcherBuilder, OperatorSpec
from labkit.policy.variables import Template

_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def parse_number(text: str) -> float | None:
    """``text`` as a number, or ``None`` if it is not one."""
    text = text.strip()
    return float(text) if _NUMBER.fullmatch(text) else None


def check_number(text: str) -> str | None:
    """Problem with a numeric policy value, if any."""
    return None if parse_number(text) is not None else f"{text!r} is not a number"


def _builder(compare: Callable[[float, float], bool]) -> MatcherBuilder:
    def build(templates: Sequence[Template]) -> Matcher:
        bounds = [n for t in templates if (n := parse_number(t.raw)) is not None]

        def match(value: str, _context: object) -> bool:
            number = parse_number(value)
            return number is not None and any(compare(number, bound) for bound in bounds)

        return match

    return build


_EQ = _builder(operator.eq)

OPERATORS = (
    OperatorSpec("NumericEquals", "Numeric", _EQ, check_value=check_number),
    OperatorSpec("NumericNotEquals", "Numeric", _EQ, negated=True, check_value=check_number),
    OperatorSpec("NumericLessThan", "Numeric", _builder(operator.lt), check_value=check_number),
    OperatorSpec(
        "NumericLessThanEquals", "Numeric", _builder(operator.le), check_value=check_number
    ),
    OperatorSpec("NumericGreaterThan", "Numeric", _builder(operator.gt), check_value=check_number),
    OperatorSpec(
        "NumericGreaterThanEquals", "Numeric", _builder(operator.ge), check_value=check_number
    ),
)
