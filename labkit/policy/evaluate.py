"""AWS's policy evaluation logic, one small step per stage of the IAM User Guide's flow.

1. explicit deny — a matching Deny in any applicable policy decides (ExplicitlyDenied);
2. SCPs — every level of the caller's organization path needs an Allow;
3. RCPs — likewise for the resource's account;
4. the VPC endpoint policy — needs an Allow when the request traverses the endpoint;
5. the principal's permissions — identity-based and resource-based policies (their union in
   one account; both sides across accounts), limited by the permissions boundary and the
   session policy (except where a resource-based policy names the user or session directly).

The first stage that lacks an Allow is the policy type named in an implicit denial. Which type
AWS names when several deny is not documented; the orders used here are recorded in
``docs/fidelity/policy.md``.
"""

from __future__ import annotations

from collections.abc import Sequence

from labkit.policy.decision import Decision, DenyHit
from labkit.policy.kinds import PolicyKind
from labkit.policy.model import Policy
from labkit.policy.policy_set import PolicySet
from labkit.policy.principals import GrantLevel
from labkit.policy.request import Request

_GRANT_RANK = {"everyone": 0, "direct": 1, "role": 2, "account": 3}


def evaluate(request: Request, policies: PolicySet) -> Decision:
    """Decide ``request`` against ``policies`` as AWS does."""
    if not isinstance(request, Request):
        raise TypeError(f"evaluate() takes a Request, not {type(request).__name__}")
    if not isinstance(policies, PolicySet):
        raise TypeError(f"evaluate() takes a PolicySet, not {type(policies).__name__}")
    deny = explicit_deny(request, policies)
    if deny is not None:
        return Decision("ExplicitlyDenied", deny.kind, request, policies, deny)
    missing = missing_allow(request, policies)
    if missing is not None:
        return Decision("ImplicitlyDenied", missing, request, policies)
    return Decision("Allowed", None, request, policies)


def explicit_deny(request: Request, policies: PolicySet) -> DenyHit | None:
    """Step 1: the first matching Deny, policy types in :data:`EXPLICIT_DENY_ORDER`."""
    via_endpoint = request.via_endpoint
    for kind, level, policy in policies.deny_plan:
        if kind == "vpc-endpoint" and not via_endpoint:
            continue
        for statement in policy.denies:
            if statement.applies(request):
                return DenyHit(kind, policy, statement, level)
    return None


def missing_allow(request: Request, policies: PolicySet) -> PolicyKind | None:
    """Steps 2–5: the first policy type that lacks a needed Allow, or ``None`` if none does."""
    if policies.scps and not organization_levels_allow(policies.scps, request):
        return "scp"
    if policies.rcps and not organization_levels_allow(policies.rcps, request):
        return "rcp"
    if not endpoint_allows(request, policies.vpc_endpoint):
        return "vpc-endpoint"
    return principal_permissions_missing(request, policies)


def organization_levels_allow(levels: Sequence[Sequence[Policy]], request: Request) -> bool:
    """Steps 2 and 3: an Allow at every level of the organization path."""
    return all(any(policy.allows_request(request) for policy in level) for level in levels)


def endpoint_allows(request: Request, policy: Policy | None) -> bool:
    """Step 4: the endpoint policy allows (or does not apply: not via the endpoint, or none)."""
    if not request.via_endpoint or policy is None:
        return True
    return policy.allows_request(request)


def identity_allows(request: Request, policies: PolicySet) -> bool:
    """An Allow in any identity-based policy."""
    return any(policy.allows_request(request) for policy in policies.identity)


def resource_grant(request: Request, policy: Policy | None) -> GrantLevel | None:
    """How a resource-based policy's matching Allow names the caller (the strongest form)."""
    if policy is None:
        return None
    best: GrantLevel | None = None
    for statement in policy.allows:
        level = statement.grant_level(request)
        if level is not None and (best is None or _GRANT_RANK[level] < _GRANT_RANK[best]):
            best = level
            if level == "everyone":
                break
    return best


def principal_permissions_missing(request: Request, policies: PolicySet) -> PolicyKind | None:
    """Step 5: identity and resource-based policies, then the boundary and the session policy.

    Same account: an Allow in either suffices. A resource-based Allow that names the caller
    itself (user or session ARN, or ``*``) is not limited by the boundary or session policy; one
    that names the role is; one that names only the account delegates to identity policies.
    Across accounts: both the identity side and the resource policy must allow.
    """
    grant = resource_grant(request, policies.resource)
    if request.cross_account:
        if not identity_allows(request, policies):
            return "identity"
        if grant is None:
            return "resource"
        return session_limits_missing(request, policies)
    if grant in ("everyone", "direct"):
        return None
    if grant != "role" and not identity_allows(request, policies):
        return "identity"
    return session_limits_missing(request, policies)


def session_limits_missing(request: Request, policies: PolicySet) -> PolicyKind | None:
    """The permissions boundary and the session policy must each allow, if present."""
    boundary = policies.permission_boundary
    if boundary is not None and not boundary.allows_request(request):
        return "permission-boundary"
    session = policies.session
    if session is not None and not session.allows_request(request):
        return "session"
    return None
