"""AWS's policy evaluation logic, one function per stage of the IAM User Guide's flow.

0. actions that need no permission (``sts:GetCallerIdentity``) are allowed whatever the
   policies say, explicit denies included;
1. explicit deny — a matching Deny in any applicable policy decides (ExplicitlyDenied);
2. SCPs — every level of the caller's organization path needs an Allow (SCPs apply to IAM users
   and roles only: never to anonymous requests or service principals);
3. RCPs — likewise for the resource's account;
4. the VPC endpoint policy — needs an Allow when the request traverses the endpoint;
5. the principal's permissions — identity-based and resource-based policies (their union in
   one account; both sides across accounts), limited by the permissions boundary and the
   session policy (except where a resource-based policy names the user or session directly).
   A role trust policy must allow on its own (``PolicySet.resource_must_allow``).

The first stage that lacks an Allow is the policy type named in an implicit denial. Which type
AWS names when several deny is not documented; the orders used here are recorded in
``docs/fidelity/policy.md``.

The stages are written once, for the decision and for its explanation. They ask a
:data:`Match` whether a statement matches: :func:`labkit.policy.evaluate.evaluate` passes
:meth:`Statement.applies <labkit.policy.model.Statement.applies>` and no :class:`Trace`, and
:func:`run_stages` stops at the first stage that decides; the explanation passes the verdicts of
its recorded checks and a :class:`Trace`, so every stage runs and records a :class:`Step`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from labkit.i18n import N_, _
from labkit.policy.kinds import PolicyKind, kind_label
from labkit.policy.model import Policy, Statement
from labkit.policy.policy_set import PolicySet
from labkit.policy.principals import GrantLevel, ParsedPrincipal
from labkit.policy.request import Request

DecisionValue = Literal["Allowed", "ImplicitlyDenied", "ExplicitlyDenied"]
#: Whether a statement matches a request (every element and condition).
Match = Callable[[Statement, Request], bool]

#: How strongly a resource-based Allow names the caller, strongest first.
GRANT_RANK: dict[GrantLevel, int] = {"everyone": 0, "direct": 1, "role": 2, "account": 3}

#: Why an endpoint policy is not evaluated for a request that does not traverse the endpoint.
NOT_THROUGH_ENDPOINT = N_("not evaluated: the request does not traverse the VPC endpoint")
#: Why SCPs are not evaluated for an anonymous request or a service principal.
SCP_NOT_FOR_CALLER = N_(
    "not evaluated: SCPs affect only IAM users and roles of the organization's accounts, not "
    "anonymous requests or service principals"
)
#: Actions AWS authorizes without any permission: "No permissions are required to perform this
#: operation. If an administrator attaches a policy to your identity that explicitly denies
#: access to the sts:GetCallerIdentity action, you can still perform this operation." (STS API
#: reference, GetCallerIdentity).
NO_PERMISSION_ACTIONS = frozenset({"sts:getcalleridentity"})


@dataclass(frozen=True, slots=True)
class DenyHit:
    """A matching Deny statement: the first one of its policy."""

    kind: PolicyKind
    policy: Policy
    statement: Statement
    level: int | None = None


#: A decision, the policy type it names, and the Deny statement reported (explicit denials).
Outcome = tuple[DecisionValue, PolicyKind | None, DenyHit | None]


@dataclass(slots=True)
class Step:
    """One stage of AWS's evaluation logic and how it went."""

    name: str
    outcome: str
    detail: str

    def to_dict(self) -> dict[str, str]:
        """JSON-serialisable form."""
        return {"name": self.name, "outcome": self.outcome, "detail": self.detail}


@dataclass
class Trace:
    """What the stages record for an explanation when they all run.

    ``denies``: every policy with a matching Deny, in the order denials are reported;
    ``failing``: every policy type that lacked a needed Allow, in stage order.
    """

    steps: list[Step] = field(default_factory=list)
    denies: list[DenyHit] = field(default_factory=list)
    failing: list[PolicyKind] = field(default_factory=list)

    def step(self, name: str, outcome: str, detail: str) -> None:
        """Record how one stage went."""
        self.steps.append(Step(name, outcome, detail))


_ALLOWED: Outcome = ("Allowed", None, None)


def run_stages(
    request: Request, policies: PolicySet, match: Match, trace: Trace | None = None
) -> Outcome:
    """Decide ``request``: a matching Deny, else the first policy type lacking a needed Allow.

    Without ``trace``, stops at the first stage that decides; with it, runs every stage.
    ``request`` is the one :func:`as_evaluated` returns.
    """
    if request.action_lower in NO_PERMISSION_ACTIONS:
        if trace is not None:
            trace.step(
                N_("no permission needed"),
                "pass",
                _("{action} needs no permission; no policy, not even a Deny, applies").format(
                    action=request.action
                ),
            )
        return _ALLOWED
    deny = explicit_deny(request, policies, match, trace)
    if deny is not None and trace is None:
        return "ExplicitlyDenied", deny.kind, deny
    first: PolicyKind | None = None
    for stage in ALLOW_STAGES:
        missing = stage(request, policies, match, trace)
        if missing is not None:
            if trace is None:
                return "ImplicitlyDenied", missing, None
            trace.failing.append(missing)
            if first is None:
                first = missing
    if deny is not None:
        return "ExplicitlyDenied", deny.kind, deny
    return _ALLOWED if first is None else ("ImplicitlyDenied", first, None)


def as_evaluated(request: Request, policies: PolicySet) -> Request:
    """``request`` as the stages see it: marked when the caller has a permissions boundary.

    "The NotPrincipal element with a Deny effect will always deny any IAM principal that has a
    permissions boundary policy attached" (IAM User Guide, "Permissions boundaries for IAM
    entities"), so statement matching must know whether one is attached.
    """
    if policies.permission_boundary is None or not policies.not_principal_denies:
        return request  # nothing reads the mark: no copy on the hot path
    return request.with_boundary()


def applicable(kind: PolicyKind, request: Request) -> bool:
    """Whether a policy of ``kind`` is evaluated for ``request``.

    An endpoint policy only for a request through the endpoint; SCPs not for anonymous requests
    and service principals ("SCPs affect only IAM users and roles that are managed by accounts
    that are part of the organization").
    """
    if kind == "vpc-endpoint":
        return request.via_endpoint
    if kind == "scp":
        # IAM users, roles and sessions are written as ARNs; anonymous callers ("*",
        # "anonymous") and service principals ("logs.amazonaws.com") are not.
        return request.principal.startswith("arn:")
    return True


def not_applicable_note(kind: PolicyKind) -> str:
    """Why a policy of ``kind`` is not evaluated for a request it does not apply to."""
    return SCP_NOT_FOR_CALLER if kind == "scp" else NOT_THROUGH_ENDPOINT


def first_match(
    statements: Sequence[Statement], request: Request, match: Match
) -> Statement | None:
    """The first of ``statements`` that matches ``request``."""
    for statement in statements:
        if match(statement, request):
            return statement
    return None


def allows(policy: Policy, request: Request, match: Match) -> bool:
    """True if an Allow statement of ``policy`` matches ``request``."""
    for statement in policy.allows:  # noqa: SIM110 (a loop is faster than any() here)
        if match(statement, request):
            return True
    return False


def explicit_deny(
    request: Request, policies: PolicySet, match: Match, trace: Trace | None
) -> DenyHit | None:
    """Step 1: the first matching Deny, policy types in ``EXPLICIT_DENY_ORDER`` (the deny plan)."""
    first: DenyHit | None = None
    for kind, level, policy in policies.deny_plan:
        if not applicable(kind, request):
            continue
        for statement in policy.denies:
            if match(statement, request):
                break
        else:
            continue
        hit = DenyHit(kind, policy, statement, level)
        if trace is None:
            return hit
        trace.denies.append(hit)
        if first is None:
            first = hit
    if trace is not None:
        if trace.denies:
            where = ", ".join(f"{kind_label(h.kind)} {h.policy.label!r}" for h in trace.denies)
            detail = _("a Deny statement matches in: {where}").format(where=where)
            trace.step(N_("explicit deny"), "deny", detail)
        else:
            trace.step(N_("explicit deny"), "pass", _("no Deny statement matches"))
    return first


def organization_levels(
    kind: Literal["scp", "rcp"],
    levels: Sequence[Sequence[Policy]],
    request: Request,
    match: Match,
    trace: Trace | None,
) -> PolicyKind | None:
    """Steps 2 and 3: an Allow at every level of the organization path."""
    name = N_("service control policies") if kind == "scp" else N_("resource control policies")
    if not levels:
        if trace is not None:
            trace.step(name, "skip", _("none apply"))
        return None
    missing = [
        number
        for number, level in enumerate(levels)
        if not any(allows(policy, request, match) for policy in level)
    ]
    if trace is not None:
        if missing:
            detail = _("no Allow at level(s) {missing} (0 = root)").format(missing=missing)
            trace.step(name, "deny", detail)
        else:
            detail = _("an Allow at each of {count} level(s)").format(count=len(levels))
            trace.step(name, "pass", detail)
    return kind if missing else None


def service_control_policies(
    request: Request, policies: PolicySet, match: Match, trace: Trace | None
) -> PolicyKind | None:
    """Step 2: the SCPs of every level from the organization root to the caller's account."""
    levels = policies.scps
    if not levels and trace is None:
        return None  # nothing to check or record
    if levels and not applicable("scp", request):
        if trace is not None:
            trace.step(N_("service control policies"), "skip", _(SCP_NOT_FOR_CALLER))
        return None
    return organization_levels("scp", levels, request, match, trace)


def resource_control_policies(
    request: Request, policies: PolicySet, match: Match, trace: Trace | None
) -> PolicyKind | None:
    """Step 3: the RCPs of every level from the organization root to the resource's account."""
    levels = policies.rcps
    if not levels and trace is None:
        return None  # nothing to check or record
    return organization_levels("rcp", levels, request, match, trace)


def endpoint_policy(
    request: Request, policies: PolicySet, match: Match, trace: Trace | None
) -> PolicyKind | None:
    """Step 4: the endpoint policy allows (or does not apply: not via the endpoint, or none)."""
    policy = policies.vpc_endpoint
    name = N_("VPC endpoint policy")
    if policy is None or not request.via_endpoint:
        if trace is not None:
            detail = _("no endpoint policy given") if policy is None else _(NOT_THROUGH_ENDPOINT)
            trace.step(name, "skip", detail)
        return None
    allowed_by = first_match(policy.allows, request, match)
    if trace is not None:
        if allowed_by is not None:
            trace.step(name, "pass", _("allowed by {path}").format(path=allowed_by.path))
        else:
            trace.step(name, "deny", _("no statement allows the request"))
    return None if allowed_by is not None else "vpc-endpoint"


def grant_of(statement: Statement, caller: ParsedPrincipal) -> GrantLevel | None:
    """How a matching resource-based statement names ``caller`` (no Principal: everyone)."""
    if statement.principal is None:
        return "everyone"
    return statement.principal.level(caller)


def resource_grant(request: Request, policy: Policy, match: Match) -> GrantLevel | None:
    """How a resource-based policy's matching Allow names the caller (the strongest form)."""
    best: GrantLevel | None = None
    for statement in policy.allows:
        if not match(statement, request):
            continue
        level = grant_of(statement, request.parsed_principal)
        if level is not None and (best is None or GRANT_RANK[level] < GRANT_RANK[best]):
            best = level
            if level == "everyone":
                break
    return best


def principal_permissions(
    request: Request, policies: PolicySet, match: Match, trace: Trace | None
) -> PolicyKind | None:
    """Step 5: identity and resource-based policies, then the boundary and the session policy.

    Same account: an Allow in either suffices. A resource-based Allow that names the caller
    itself (user or session ARN, or ``*``) is not limited by the boundary or session policy; one
    that names the role is; one that names only the account delegates to identity policies.
    Across accounts: both the identity side and the resource policy must allow. A role trust
    policy (``policies.resource_must_allow``) must allow in every case: "IAM role trust
    policies and KMS key policies are exceptions to this logic, because they must explicitly
    allow access for principals" (IAM User Guide, "Policy evaluation logic").
    """
    resource = policies.resource
    grant = None if resource is None else resource_grant(request, resource, match)
    identity = False
    for policy in policies.identity:
        if allows(policy, request, match):
            identity = True
            break
    if trace is not None:
        if resource is not None:
            detail = (
                _("an Allow names the caller ({grant})").format(grant=grant)
                if grant
                else _("no Allow names the caller")
            )
            trace.step(N_("resource-based policy"), "pass" if grant else "none", detail)
        detail = _("an Allow matches") if identity else _("no Allow matches")
        trace.step(N_("identity-based policies"), "pass" if identity else "none", detail)
    cross_account = request.cross_account
    waived = not cross_account and grant in ("everyone", "direct")
    limit: PolicyKind | None = None
    boundary, session = policies.permission_boundary, policies.session
    if boundary is not None:
        limit = session_limit("permission-boundary", boundary, request, match, trace, waived)
    if session is not None:
        session_missing = session_limit("session", session, request, match, trace, waived)
        limit = limit or session_missing
    if cross_account:
        if not identity:
            return "identity"
        return "resource" if grant is None else limit
    if grant is None and resource is not None and policies.resource_must_allow:
        if trace is not None:
            trace.step(
                N_("resource-based policy must allow"),
                "deny",
                _("this resource-based policy (a role trust policy) must allow the caller itself"),
            )
        return "resource"
    if waived:
        return None
    if grant != "role" and not identity:
        return "identity"
    return limit


def session_limit(
    kind: Literal["permission-boundary", "session"],
    policy: Policy,
    request: Request,
    match: Match,
    trace: Trace | None,
    waived: bool,
) -> PolicyKind | None:
    """The permissions boundary or the session policy: ``kind`` unless it allows.

    ``waived`` when a resource-based policy names the caller itself: the limit does not apply.
    """
    name = N_("permissions boundary") if kind == "permission-boundary" else N_("session policy")
    if waived:
        if trace is not None:
            trace.step(name, "skip", _("a resource-based policy names the caller itself"))
        return None
    allowed = allows(policy, request, match)
    if trace is not None:
        trace.step(
            name,
            "pass" if allowed else "deny",
            _("an Allow matches") if allowed else _("no Allow matches"),
        )
    return None if allowed else kind


#: Steps 2–5, in order: each returns the policy type that lacks a needed Allow, or ``None``.
ALLOW_STAGES: tuple[Callable[[Request, PolicySet, Match, Trace | None], PolicyKind | None], ...] = (
    service_control_policies,
    resource_control_policies,
    endpoint_policy,
    principal_permissions,
)
