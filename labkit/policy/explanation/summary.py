"""An explanation's conclusions: the guardrail that blocked, the deciding statements, a summary."""

from __future__ import annotations

from labkit.policy.explanation.statements import StatementExplanation
from labkit.policy.explanation.tree import PolicyExplanation, StatementRef
from labkit.policy.kinds import KIND_LABELS, PolicyKind
from labkit.policy.request import Request
from labkit.policy.stages import DecisionValue, DenyHit

#: Policy types that only limit what the principal's own permissions allow.
GUARDRAILS = frozenset({"scp", "rcp", "vpc-endpoint", "permission-boundary", "session"})


def guardrail(
    decision: DecisionValue, denied_by: PolicyKind | None, failing: list[PolicyKind]
) -> PolicyKind | None:
    """The guardrail that blocked a request the principal's permissions would allow.

    ``failing``: every policy type that lacked a needed Allow (all stages run).
    """
    if denied_by is None or denied_by not in GUARDRAILS:
        return None
    if decision == "ExplicitlyDenied":
        return denied_by if not failing else None
    return denied_by if failing == [denied_by] else None


def _ref(policy: PolicyExplanation, statement: StatementExplanation) -> StatementRef:
    return StatementRef(
        policy.kind,
        policy.label,
        statement.index,
        statement.sid,
        statement.effect,
        statement.path,
        policy.arn,
        policy.level,
    )


def deciding(
    decision: DecisionValue, deny: DenyHit | None, policies: list[PolicyExplanation]
) -> list[StatementRef]:
    """The reported Deny first, then every other matching Deny; for an allowed request every
    matching Allow of the policies that apply; nothing for an implicit denial."""
    if decision == "ExplicitlyDenied":
        refs = [_ref(p, s) for p in policies for s in p.denies]
        if deny is not None:
            first = [
                r
                for r in refs
                if r.kind == deny.kind
                and r.index == deny.statement.index
                and r.policy == deny.policy.label
            ]
            refs = first[:1] + [r for r in refs if r not in first[:1]]
        return refs
    if decision == "ImplicitlyDenied":
        return []
    return [_ref(p, s) for p in policies for s in p.allows]


def summary(
    request: Request,
    decision: DecisionValue,
    denied_by: PolicyKind | None,
    deny: DenyHit | None,
    blocked_by: PolicyKind | None,
    policies: list[PolicyExplanation],
) -> str:
    """One sentence: the decision, what decided it, and the guardrail (``blocked_by``) if any."""
    what = f"{request.action} on {request.resource}"
    if decision == "Allowed":
        allowed_by = sorted({KIND_LABELS[p.kind] for p in policies if p.allows})
        return f"Allowed: {what} — allowed by {', '.join(allowed_by)}; no Deny applies."
    label = KIND_LABELS[denied_by or "identity"]
    if decision == "ExplicitlyDenied":
        where = ""
        if deny is not None:
            sid = f" {deny.statement.sid}" if deny.statement.sid else ""
            where = f" ({deny.statement.path}{sid})"
        text = f"Explicitly denied: a Deny in the {label}{where} matches {what}."
        if blocked_by:
            text += f" Without it the request would be allowed: the {label} blocked it."
        return text
    if blocked_by:
        return (
            f"Implicitly denied: the principal's policies allow {what}, but no statement of "
            f"the {label} allows it, so the {label} blocked an otherwise allowed request."
        )
    if denied_by == "resource":
        return (
            f"Implicitly denied: the resource belongs to another account, and no "
            f"resource-based policy there allows {what} for this caller."
        )
    return f"Implicitly denied: no {label} allows {what}."
