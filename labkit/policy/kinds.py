"""The policy types and what each one allows in its documents."""

from __future__ import annotations

from typing import Literal, get_args

from labkit.i18n import N_, _

PolicyKind = Literal[
    "identity", "resource", "vpc-endpoint", "scp", "rcp", "permission-boundary", "session"
]
POLICY_KINDS: tuple[PolicyKind, ...] = get_args(PolicyKind)

#: Kinds whose statements name no principal (the principal is whoever the policy is attached to).
PRINCIPAL_FORBIDDEN: frozenset[str] = frozenset(
    {"identity", "scp", "permission-boundary", "session"}
)
#: Kinds whose every statement must name a Principal or NotPrincipal.
PRINCIPAL_REQUIRED: frozenset[str] = frozenset({"resource", "vpc-endpoint", "rcp"})

#: When several policy types hold a matching Deny, the one reported (labkit's choice: AWS names
#: only one and does not say which; see docs/fidelity/policy.md).
EXPLICIT_DENY_ORDER: tuple[PolicyKind, ...] = (
    "scp",
    "rcp",
    "vpc-endpoint",
    "permission-boundary",
    "session",
    "identity",
    "resource",
)

#: How each kind is named in explanations (English: AWS's names; :func:`kind_label` translates).
KIND_LABELS: dict[str, str] = {
    "identity": N_("identity-based policy"),
    "resource": N_("resource-based policy"),
    "vpc-endpoint": N_("VPC endpoint policy"),
    "scp": N_("service control policy"),
    "rcp": N_("resource control policy"),
    "permission-boundary": N_("permissions boundary"),
    "session": N_("session policy"),
}


def kind_label(kind: str) -> str:
    """How ``kind`` is named in an explanation, in labkit's current language."""
    return _(KIND_LABELS.get(kind, kind))


def error_code(kind: str) -> str:
    """AWS's error code for a refused document of this kind (EC2 vs IAM/Organizations wording)."""
    return "InvalidPolicyDocument" if kind == "vpc-endpoint" else "MalformedPolicyDocument"


def check_kind(kind: object) -> PolicyKind:
    """``kind`` if it is one of :data:`POLICY_KINDS`; a clear ``ValueError`` otherwise."""
    if kind not in POLICY_KINDS:
        raise ValueError(f"unknown policy kind {kind!r}; use one of: {', '.join(POLICY_KINDS)}")
    return kind  # type: ignore[return-value]
