"""Condition operators and the evaluation of one condition clause (operator + key + values).

Within a clause the policy values are OR'd; across keys and operators clauses are AND'd (by the
statement). ``ForAnyValue:`` / ``ForAllValues:`` compare sets; ``...IfExists`` is true when the
key is missing; negated operators are true when the key is missing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from labkit.policy.conditions import arn, binary, boolean, date, ip, null, numeric, string
from labkit.policy.conditions.base import Context, Matcher, OperatorSpec
from labkit.policy.variables import Template

Qualifier = Literal["ForAnyValue", "ForAllValues"]

OPERATORS: dict[str, OperatorSpec] = {
    spec.name.lower(): spec
    for module in (string, numeric, date, boolean, binary, ip, arn, null)
    for spec in module.OPERATORS
}
QUALIFIERS: dict[str, Qualifier] = {"foranyvalue": "ForAnyValue", "forallvalues": "ForAllValues"}


@dataclass(frozen=True, slots=True)
class OperatorName:
    """A parsed operator such as ``ForAnyValue:StringEqualsIfExists``."""

    spec: OperatorSpec
    qualifier: Qualifier | None
    if_exists: bool

    @property
    def canonical(self) -> str:
        """The operator as AWS documents its spelling."""
        prefix = f"{self.qualifier}:" if self.qualifier else ""
        return f"{prefix}{self.spec.name}{'IfExists' if self.if_exists else ''}"


class UnknownOperator(ValueError):
    """The text names no condition operator."""


def parse_operator(text: str) -> OperatorName:
    """Parse an operator name, ignoring case; raise :class:`UnknownOperator` if it names none."""
    qualifier: Qualifier | None = None
    rest = text
    if ":" in text:
        prefix, rest = text.split(":", 1)
        if prefix.lower() not in QUALIFIERS:
            raise UnknownOperator(
                f"unknown set operator {prefix!r}; use ForAnyValue or ForAllValues"
            )
        qualifier = QUALIFIERS[prefix.lower()]
    lowered = rest.lower()
    if_exists = lowered.endswith("ifexists") and lowered not in OPERATORS
    base = lowered[: -len("ifexists")] if if_exists else lowered
    spec = OPERATORS.get(base)
    if spec is None:
        raise UnknownOperator(f"unknown condition operator {text!r}")
    if spec.name == "Null" and (if_exists or qualifier):
        raise UnknownOperator(f"{text!r}: Null takes neither IfExists nor a set operator")
    return OperatorName(spec, qualifier, if_exists)


@dataclass(frozen=True, slots=True)
class ConditionClause:
    """One ``"Operator": {"key": values}`` entry, ready to evaluate."""

    operator: str
    name: OperatorName
    key: str
    values: tuple[Template, ...]
    path: str
    key_lower: str = field(init=False)
    matcher: Matcher = field(init=False, repr=False, compare=False)
    _negated: bool = field(init=False, repr=False, compare=False)
    _is_null: bool = field(init=False, repr=False, compare=False)
    _value_matchers: tuple[Matcher, ...] | None = field(
        init=False, repr=False, compare=False, default=None
    )

    def __post_init__(self) -> None:
        setattr_ = object.__setattr__
        setattr_(self, "key_lower", self.key.lower())
        setattr_(self, "matcher", self.name.spec.build(self.values))
        setattr_(self, "_negated", self.name.spec.negated)
        setattr_(self, "_is_null", self.name.spec.family == "Null")

    def evaluate(self, context: Context) -> bool:
        """Whether this clause holds for a request with ``context`` (lower-cased keys)."""
        raw = context.get(self.key_lower)
        if raw.__class__ is str and not self._is_null:
            # One value: plain, ForAnyValue and ForAllValues all reduce to this test.
            return self.matcher(raw, context) != self._negated  # type: ignore[arg-type]
        return clause_holds(self, raw, self.matcher, context)

    def value_matcher(self, index: int) -> Matcher:
        """A matcher for the ``index``-th policy value alone (used by explanations)."""
        matchers = self._value_matchers
        if matchers is None:  # built once, when an explanation first asks
            build = self.name.spec.build
            matchers = tuple(build(self.values[i : i + 1]) for i in range(len(self.values)))
            object.__setattr__(self, "_value_matchers", matchers)
        return matchers[index]


def clause_holds(
    clause: ConditionClause, raw: str | Sequence[str] | None, matcher: Matcher, context: Context
) -> bool:
    """The clause's truth for request value(s) ``raw`` (``None`` when the key is absent)."""
    name = clause.name
    spec = name.spec
    if spec.family == "Null":
        absent = raw is None or (not isinstance(raw, str) and len(raw) == 0)
        return matcher("true" if absent else "false", context)
    qualifier = name.qualifier
    if raw is None or (not isinstance(raw, str) and len(raw) == 0):
        if qualifier == "ForAllValues":
            return True
        if qualifier == "ForAnyValue":
            return name.if_exists and raw is None
        return name.if_exists or spec.negated
    negated = spec.negated
    if isinstance(raw, str):
        # One value: every form (plain, ForAnyValue, ForAllValues) reduces to the same test.
        return matcher(raw, context) != negated
    if qualifier == "ForAllValues":
        return all(matcher(v, context) != negated for v in raw)
    if qualifier == "ForAnyValue":
        return any(matcher(v, context) != negated for v in raw)
    # A plain operator on a multivalued key: true if any request value matches (labkit's choice).
    return any(matcher(v, context) for v in raw) != negated
