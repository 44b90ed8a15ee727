"""IAM's checks of the policy documents its calls carry, before anything is stored.

PutRolePolicy, PutUserPolicy, PutGroupPolicy, CreatePolicy, CreatePolicyVersion, CreateRole and
UpdateAssumeRolePolicy send a document; IAM refuses one that breaks the policy grammar with
``MalformedPolicyDocument`` (HTTP 400) and one over its quota with ``LimitExceeded`` (HTTP 409,
aws-facts-2026 §3.13 for the envelope). Inline policies count together: a role's inline
policies share 10,240 characters, white space not counted (IAM quotas; the figures and texts
live in :mod:`labkit.policy.limits`). The checks run after authorization, as IAM's do: a caller
without permission learns nothing about the document.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from labkit.local.front.answers import FrontError
from labkit.local.gateway.trust_policies import as_resource_policy
from labkit.policy import PolicyValidationError, limits, parse_policy

MALFORMED_STATUS = 400
LIMIT_STATUS = 409


@dataclass(frozen=True)
class CarriedDocument:
    """Where an IAM call carries a policy document, and which quota it counts against."""

    parameter: str  # the document's parameter
    limit: str  # a name in labkit.policy.limits.BY_NAME
    owner: str  # the parameter naming the role, user, group or policy
    inline_of: str | None = None  # "role" / "user" / "group": inline policies count together


DOCUMENTS: dict[str, CarriedDocument] = {
    "PutRolePolicy": CarriedDocument("PolicyDocument", "role-inline", "RoleName", "role"),
    "PutUserPolicy": CarriedDocument("PolicyDocument", "user-inline", "UserName", "user"),
    "PutGroupPolicy": CarriedDocument("PolicyDocument", "group-inline", "GroupName", "group"),
    "CreatePolicy": CarriedDocument("PolicyDocument", "managed", "PolicyName"),
    "CreatePolicyVersion": CarriedDocument("PolicyDocument", "managed", "PolicyArn"),
    "CreateRole": CarriedDocument("AssumeRolePolicyDocument", "role-trust", "RoleName"),
    "UpdateAssumeRolePolicy": CarriedDocument("PolicyDocument", "role-trust", "RoleName"),
}

OtherInline = Callable[[str, str, str], Iterable[str]]
"""``(kind, owner name, policy name) -> the texts of the owner's other inline policies``."""


def check_document(
    operation: str, params: dict[str, object], account: str, other_inline: OtherInline
) -> None:
    """Raise :class:`FrontError` as IAM would for the document ``operation`` carries."""
    carried = DOCUMENTS.get(operation)
    if carried is None or not isinstance(params.get(carried.parameter), str):
        return
    text = str(params[carried.parameter])
    owner = str(params.get(carried.owner) or "")
    name = owner.rsplit("/", 1)[-1]
    limit = limits.BY_NAME[carried.limit]
    if carried.inline_of is not None:
        used = sum(
            _counted(other, limit)
            for other in other_inline(carried.inline_of, owner, str(params.get("PolicyName")))
        )
        limit = replace(limit, characters=max(limit.characters - used, 0))
    too_large = limits.measure(text, limit)
    if too_large is not None and too_large.code == limits.TOO_LARGE:
        message = limits.BY_NAME[carried.limit].aws_message.replace("{name}", name)
        raise FrontError("LimitExceeded", message, LIMIT_STATUS)
    if carried.limit == "role-trust":
        arn = f"arn:aws:iam::{account}:role/{name}"
        kind, checked = "resource", as_resource_policy(text, arn)
    else:
        kind, checked = "identity", text
    try:
        parse_policy(checked, kind=kind, limit="resource" if kind == "resource" else None)
    except PolicyValidationError as err:
        raise FrontError("MalformedPolicyDocument", _sentence(err), MALFORMED_STATUS) from None


def _counted(text: str, limit: limits.SizeLimit) -> int:
    return len(text) if limit.counts_white_space else len("".join(text.split()))


def _sentence(err: PolicyValidationError) -> str:
    """IAM's message: the reason, with the place when the document has lines to point at."""
    reason = (err.aws_message or err.reason).strip().rstrip(".")
    place = f" (line {err.line}, column {err.column})" if err.line else ""
    return f"{reason[:1].upper()}{reason[1:]}{place}."
