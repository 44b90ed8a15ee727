"""Date operators: ``DateEquals``, ``DateNotEquals``, ``Date{Less,Greater}Than[Equals]``.

Values are W3C ISO 8601 dates/times (``2026-01-31``, ``2026-01-31T12:00:00Z``, with an offset or
fractions of a second) or epoch seconds. A time without an offset is UTC. No wildcards, no
policy variables.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from labkit.policy.conditions.base import Matcher, MatcherBuilder, OperatorSpec
from labkit.policy.variables import Template

_EPOCH = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
_ISO = re.compile(
    r"[0-9]{4}(?:-[0-9]{2}(?:-[0-9]{2}(?:T[0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?(?:Z|[+-][0-9]{2}:?[0-9]{2})?)?)?)?"
)


def parse_date(text: str) -> datetime | None:
    """``text`` as an aware datetime (UTC when no offset is given), or ``None``."""
    text = text.strip()
    if _EPOCH.fullmatch(text):
        try:
            return datetime.fromtimestamp(float(text), UTC)
        except (OverflowError, OSError, ValueError):
            return None
    if not _ISO.fullmatch(text):
        return None
    if len(text) == 7:  # YYYY-MM (a bare YYYY reads as epoch seconds above)
        text += "-01"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def check_date(text: str) -> str | None:
    """Problem with a date policy value, if any."""
    if parse_date(text) is not None:
        return None
    return f"{text!r} is not an ISO 8601 date/time or epoch seconds (wildcards are not allowed)"


def _builder(compare: Callable[[datetime, datetime], bool]) -> MatcherBuilder:
    def build(templates: Sequence[Template]) -> Matcher:
        bounds = [d for t in templates if (d := parse_date(t.raw)) is not None]

        def match(value: str, _context: object) -> bool:
            moment = parse_date(value)
            return moment is not None and any(compare(moment, bound) for bound in bounds)

        return match

    return build


_EQ = _builder(operator.eq)

OPERATORS = (
    OperatorSpec("DateEquals", "Date", _EQ, check_value=check_date),
    OperatorSpec("DateNotEquals", "Date", _EQ, negated=True, check_value=check_date),
    OperatorSpec("DateLessThan", "Date", _builder(operator.lt), check_value=check_date),
    OperatorSpec("DateLessThanEquals", "Date", _builder(operator.le), check_value=check_date),
    OperatorSpec("DateGreaterThan", "Date", _builder(operator.gt), check_value=check_date),
    OperatorSpec("DateGreaterThanEquals", "Date", _builder(operator.ge), check_value=check_date),
)
