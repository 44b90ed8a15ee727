"""The policies that apply to one request, by type (:class:`PolicySet`)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from labkit.policy.kinds import EXPLICIT_DENY_ORDER, PolicyKind
from labkit.policy.model import Policy


def _one(value: object, slot: str, kind: str) -> Policy | None:
    if value is None:
        return None
    if not isinstance(value, Policy):
        raise TypeError(f"PolicySet.{slot} must be a Policy from parse_policy(), not {value!r}")
    if value.kind != kind:
        raise ValueError(
            f"PolicySet.{slot} holds a {value.kind!r} policy; parse it with kind={kind!r}"
        )
    return value


def _many(values: object, slot: str, kind: str) -> tuple[Policy, ...]:
    if isinstance(values, Policy):
        values = (values,)
    if not isinstance(values, Sequence):
        raise TypeError(f"PolicySet.{slot} must be a list of policies")
    return tuple(_one(v, slot, kind) for v in values)  # type: ignore[misc]


def _levels(values: object, slot: str, kind: str) -> tuple[tuple[Policy, ...], ...]:
    if not isinstance(values, Sequence):
        raise TypeError(f"PolicySet.{slot} must be a list of levels (root, OUs, account)")
    return tuple(_many(level, slot, kind) for level in values)


@dataclass(frozen=True)
class PolicySet:
    """Every policy that applies to a request.

    ``scps`` and ``rcps`` hold one entry per level of the path from the organization root through
    each OU to the account; an entry is one policy or a list of the policies attached there. An
    Allow is needed at every level; a Deny at any level applies. The VPC endpoint policy is
    evaluated only for requests that traverse the endpoint. ``resource_must_allow`` says the
    resource-based policy is one that must allow the caller whatever its identity policies say:
    a role trust policy (``sts:AssumeRole`` and kin).
    """

    identity: Sequence[Policy] = ()
    resource: Policy | None = None
    vpc_endpoint: Policy | None = None
    scps: Sequence[Sequence[Policy]] = ()
    rcps: Sequence[Sequence[Policy]] = ()
    permission_boundary: Policy | None = None
    session: Policy | None = None
    resource_must_allow: bool = False
    _deny_plan: tuple[tuple[PolicyKind, int | None, Policy], ...] = field(
        init=False, repr=False, compare=False, default=()
    )
    _not_principal_denies: bool = field(init=False, repr=False, compare=False, default=False)

    def __post_init__(self) -> None:
        setattr_ = object.__setattr__
        setattr_(self, "identity", _many(self.identity, "identity", "identity"))
        setattr_(self, "resource", _one(self.resource, "resource", "resource"))
        setattr_(self, "vpc_endpoint", _one(self.vpc_endpoint, "vpc_endpoint", "vpc-endpoint"))
        setattr_(self, "scps", _levels(self.scps, "scps", "scp"))
        setattr_(self, "rcps", _levels(self.rcps, "rcps", "rcp"))
        boundary = _one(self.permission_boundary, "permission_boundary", "permission-boundary")
        setattr_(self, "permission_boundary", boundary)
        setattr_(self, "session", _one(self.session, "session", "session"))
        placed = list(self.placed())
        plan = tuple(
            entry
            for kind in EXPLICIT_DENY_ORDER
            for entry in placed
            if entry[0] == kind and entry[2].denies
        )
        setattr_(self, "_deny_plan", plan)
        negated = any(
            s.principal is not None and s.principal.negated
            for _kind, _level, policy in plan
            for s in policy.denies
        )
        setattr_(self, "_not_principal_denies", negated)

    @property
    def not_principal_denies(self) -> bool:
        """True if a Deny statement of some policy uses ``NotPrincipal``."""
        return self._not_principal_denies

    @property
    def deny_plan(self) -> tuple[tuple[PolicyKind, int | None, Policy], ...]:
        """Policies holding Deny statements, in the order denials are reported."""
        return self._deny_plan

    def placed(self) -> Iterator[tuple[PolicyKind, int | None, Policy]]:
        """Every policy with its kind and level (``None`` outside SCPs/RCPs), in a fixed order."""
        for number, level in enumerate(self.scps):
            for policy in level:
                yield "scp", number, policy
        for number, level in enumerate(self.rcps):
            for policy in level:
                yield "rcp", number, policy
        if self.vpc_endpoint is not None:
            yield "vpc-endpoint", None, self.vpc_endpoint
        if self.permission_boundary is not None:
            yield "permission-boundary", None, self.permission_boundary
        if self.session is not None:
            yield "session", None, self.session
        for policy in self.identity:
            yield "identity", None, policy
        if self.resource is not None:
            yield "resource", None, self.resource
