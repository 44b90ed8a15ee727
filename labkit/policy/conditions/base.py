"""What every condition operator family provides: a matcher builder and a value check."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from labkit.policy.variables import ContextValue, Template

Context = Mapping[str, ContextValue]
#: True if one request value matches any of the clause's policy values (the positive comparison).
Matcher = Callable[[str, Context], bool]
#: Builds a :data:`Matcher` from the clause's policy values.
MatcherBuilder = Callable[[Sequence[Template]], Matcher]
#: Says what is wrong with one policy value (``None`` if nothing is).
ValueCheck = Callable[[str], str | None]


def _no_problem(_value: str) -> str | None:
    return None


@dataclass(frozen=True, slots=True)
class OperatorSpec:
    """One condition operator (without ``ForAnyValue:``/``ForAllValues:`` or ``IfExists``).

    ``negated`` operators (``StringNotEquals``, ``NotIpAddress``, ...) are true when the positive
    comparison of ``build`` fails, and true when the key is missing. ``variables`` says whether
    policy variables are resolved in its values.
    """

    name: str
    family: str
    build: MatcherBuilder
    negated: bool = False
    variables: bool = False
    check_value: ValueCheck = _no_problem
    wildcards: bool = False


def resolved_texts(templates: Sequence[Template], context: Context) -> list[str]:
    """The texts of ``templates`` with variables replaced (unresolvable ones are left out)."""
    texts = []
    for template in templates:
        text = template.text(context)
        if text is not None:
            texts.append(text)
    return texts


def static_texts(templates: Sequence[Template]) -> list[str] | None:
    """The texts of ``templates`` if none has a variable, else ``None``."""
    if all(t.is_static for t in templates):
        return [t.text() or "" for t in templates]
    return None
