"""The AccessDenied message text, in the wording of 2019, of today, and with the policy ARN (2026).

Today: ``User: P is not authorized to perform: A on resource: R`` + ``because no <type> allows
the A action`` (implicit) or `` with an explicit deny in <a type>`` (explicit). Before 2021 an
implicit denial ended after the resource and an explicit one in `` with an explicit deny``. Since
2025–2026 AWS appends ``: <policy ARN>`` to explicit denials by SCPs, RCPs, permissions
boundaries, session and identity-based policies in same-account or same-organization requests,
never for VPC endpoint policies (they have no ARN).
"""

from __future__ import annotations

from typing import Literal, get_args

MessageStyle = Literal["current", "2019", "2026"]
MESSAGE_STYLES: tuple[str, ...] = get_args(MessageStyle)

IMPLICIT_PHRASES = {
    "identity": "identity-based policy",
    "resource": "resource-based policy",
    "vpc-endpoint": "VPC endpoint policy",
    "permission-boundary": "permissions boundary",
    "session": "session policy",
}
EXPLICIT_PHRASES = {
    "identity": "an identity-based policy",
    "resource": "a resource-based policy",
    "vpc-endpoint": "a VPC endpoint policy",
    "scp": "a service control policy",
    "rcp": "a resource control policy",
    "permission-boundary": "a permissions boundary",
    "session": "a session policy",
}
#: Organization policies: AWS words even an implicit denial by them as an explicit deny.
ALWAYS_EXPLICIT_WORDING = frozenset({"scp", "rcp"})
#: Policy types whose ARN AWS appends to an explicit denial (2026 wording).
ARN_SUFFIX_KINDS = frozenset({"scp", "rcp", "permission-boundary", "session", "identity"})


def check_style(style: str) -> MessageStyle:
    """``style`` if it is a known wording; a clear ``ValueError`` otherwise."""
    if style not in MESSAGE_STYLES:
        raise ValueError(
            f"unknown message style {style!r}; use one of: {', '.join(MESSAGE_STYLES)}"
        )
    return style  # type: ignore[return-value]


def access_denied_message(
    principal: str,
    action: str,
    resource: str | None,
    denied_by: str,
    explicit: bool,
    *,
    style: MessageStyle = "current",
    policy_arn: str | None = None,
) -> str:
    """The AccessDenied message for a denial by ``denied_by`` (a policy kind).

    The ``on resource:`` clause is left out when the action has no resource (``*`` or empty).
    ``policy_arn`` is appended only in the 2026 wording, for explicit denials by the kinds in
    :data:`ARN_SUFFIX_KINDS`; the caller decides whether the request is same-account/-org.
    """
    check_style(style)
    if denied_by not in EXPLICIT_PHRASES:
        raise ValueError(f"unknown policy kind {denied_by!r}")
    head = f"User: {principal} is not authorized to perform: {action}"
    if resource and resource != "*":
        head += f" on resource: {resource}"
    explicit_words = explicit or denied_by in ALWAYS_EXPLICIT_WORDING
    if style == "2019":
        return head + " with an explicit deny" if explicit_words else head
    if explicit_words:
        text = f"{head} with an explicit deny in {EXPLICIT_PHRASES[denied_by]}"
    else:
        text = f"{head} because no {IMPLICIT_PHRASES[denied_by]} allows the {action} action"
    if style == "2026" and explicit and policy_arn and denied_by in ARN_SUFFIX_KINDS:
        text += f": {policy_arn}"
    return text
