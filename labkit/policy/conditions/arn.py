"""ARN operators: ``ArnEquals``, ``ArnLike``, ``ArnNotEquals``, ``ArnNotLike``.

Case-sensitive; each of the six colon-separated ARN components is matched on its own, so a
wildcard never crosses a colon before the resource part (``StringLike`` does). ``ArnEquals`` and
``ArnLike`` behave the same (both take wildcards). Policy variables are resolved.
"""

from __future__ import annotations

from collections.abc import Sequence

from labkit.policy.conditions.base import Context, Matcher, OperatorSpec
from labkit.policy.patterns import arn_source, compile_any
from labkit.policy.variables import Template


def build_arn(templates: Sequence[Template]) -> Matcher:
    """True if the request value matches any policy ARN pattern component by component."""
    if all(t.is_static for t in templates):
        pattern = compile_any(arn_source(t.chunks() or [], fold_prefix=False) for t in templates)
        return lambda value, _context: pattern.fullmatch(value) is not None

    def dynamic(value: str, context: Context) -> bool:
        sources = [
            arn_source(c, fold_prefix=False)
            for t in templates
            if (c := t.chunks(context)) is not None
        ]
        return bool(sources) and compile_any(sources).fullmatch(value) is not None

    return dynamic


OPERATORS = (
    OperatorSpec("ArnEquals", "Arn", build_arn, variables=True, wildcards=True),
    OperatorSpec("ArnLike", "Arn", build_arn, variables=True, wildcards=True),
    OperatorSpec("ArnNotEquals", "Arn", build_arn, negated=True, variables=True, wildcards=True),
    OperatorSpec("ArnNotLike", "Arn", build_arn, negated=True, variables=True, wildcards=True),
)
