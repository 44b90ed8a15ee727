"""The policy object model: a :class:`Policy` holds :class:`Statement` objects ready to evaluate."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from labkit.policy.conditions import ConditionClause
from labkit.policy.elements import ActionElement, PrincipalElement, ResourceElement
from labkit.policy.errors import Finding
from labkit.policy.kinds import PolicyKind
from labkit.policy.variables import VARIABLES_VERSION, Variable

if TYPE_CHECKING:
    from labkit.policy.request import Request

Effect = Literal["Allow", "Deny"]


@dataclass(frozen=True, slots=True)
class Statement:
    """One statement: effect, elements, conditions, and where it sits in the document."""

    index: int
    sid: str | None
    effect: Effect
    action: ActionElement
    resource: ResourceElement
    principal: PrincipalElement | None
    conditions: tuple[ConditionClause, ...]
    path: str
    line: int
    column: int
    required_variables: tuple[Variable, ...] = ()
    _action_match: Any = field(init=False, repr=False, compare=False)
    _action_negated: bool = field(init=False, repr=False, compare=False)
    _resource_match: Any = field(init=False, repr=False, compare=False)
    _resource_negated: bool = field(init=False, repr=False, compare=False)
    _any_resource: bool = field(init=False, repr=False, compare=False)
    _check_principal: bool = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Bind the hot-path matchers once: evaluating a request then costs a few calls. An
        # ``Action``/``Resource`` listing ``*`` covers everything: no matcher to run.
        setattr_ = object.__setattr__
        action, resource, principal = self.action, self.resource, self.principal
        any_action = not action.negated and "*" in action.patterns
        setattr_(self, "_action_match", None if any_action else action._regex.fullmatch)
        setattr_(self, "_action_negated", action.negated)
        any_resource = not resource.negated and "*" in resource.patterns
        regex = None if any_resource else resource._regex
        setattr_(self, "_resource_match", None if regex is None else regex.fullmatch)
        setattr_(self, "_resource_negated", resource.negated)
        setattr_(self, "_any_resource", any_resource)
        everyone = principal is not None and not principal.negated and principal.principals.everyone
        setattr_(self, "_check_principal", principal is not None and not everyone)

    def unresolved_variables(self, request: Request) -> list[Variable]:
        """Variables without default whose key the request lacks (they void the statement)."""
        keys = request.condition_keys
        return [v for v in self.required_variables if not isinstance(keys.get(v.key), str)]

    def applies(self, request: Request) -> bool:
        """True if every element and condition of the statement matches ``request``."""
        action_match = self._action_match
        if action_match is not None and (
            (action_match(request._action_lower) is None) is not self._action_negated
        ):
            return False
        keys = request._keys
        if self.required_variables and self.unresolved_variables(request):
            return False
        resource_match = self._resource_match
        if resource_match is not None:
            if (resource_match(request.resource) is None) is not self._resource_negated:
                return False
        elif not self._any_resource and not self.resource.applies(request.resource, keys):
            return False
        if self._check_principal and not self.principal.applies(request.parsed_principal):  # type: ignore[union-attr]
            return False
        for clause in self.conditions:  # noqa: SIM110 (a loop is faster than all() here)
            if not clause.evaluate(keys):
                return False
        return True

    def to_dict(self) -> dict[str, Any]:
        """A short JSON-serialisable reference to the statement."""
        return {"index": self.index, "sid": self.sid, "effect": self.effect, "path": self.path}


@dataclass(frozen=True, slots=True)
class Policy:
    """A parsed, validated policy document of one kind.

    ``version`` is the ``Version`` element as written (``None`` if absent, which means
    ``2008-10-17``: policy variables are then literal text). ``findings`` are the warnings found
    while reading it; ``text`` is the document as given (for a dict, its ``json.dumps(indent=2)``).
    """

    kind: PolicyKind
    statements: tuple[Statement, ...]
    version: str | None = None
    id: str | None = None
    arn: str | None = None
    name: str | None = None
    text: str = ""
    findings: tuple[Finding, ...] = ()
    allows: tuple[Statement, ...] = field(init=False, repr=False, compare=False)
    denies: tuple[Statement, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "allows", tuple(s for s in self.statements if s.effect == "Allow"))
        object.__setattr__(self, "denies", tuple(s for s in self.statements if s.effect == "Deny"))

    @property
    def variables_enabled(self) -> bool:
        """True if policy variables are resolved (``Version`` is ``2012-10-17``)."""
        return self.version == VARIABLES_VERSION

    @property
    def label(self) -> str:
        """A short name for explanations: the name, the ARN, or the kind."""
        return self.name or self.arn or self.kind

    def __repr__(self) -> str:
        return (
            f"Policy(kind={self.kind!r}, label={self.label!r}, statements={len(self.statements)})"
        )
