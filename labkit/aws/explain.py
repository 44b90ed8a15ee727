"""Fill a probe row on real AWS, where there is no decision log: from the response and catalog.

Action and resource come from labkit's catalog (the ARN AWS authorizes for that call); when AWS
denied, the AccessDenied text itself names principal, action, resource and the policy type, and
:func:`labkit.policy.parse_access_denied` reads them back.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from labkit.probe import Authorization, Call

_NOT_AUTHENTICATED = {
    "UnrecognizedClientException",
    "InvalidClientTokenId",
    "InvalidSignatureException",
    "SignatureDoesNotMatch",
    "ExpiredTokenException",
    "ExpiredToken",
    "IncompleteSignature",
    "Timeout",
}
_DENIED = {"AccessDeniedException", "AccessDenied"}


def authorization_from_response(
    call: Call,
    error: Mapping[str, Any] | None,
    *,
    region: str,
    account: str,
    principal: str,
) -> Authorization:
    """Principal, action, resource and decision of a call made against real AWS."""
    from labkit.catalog import authorize_call

    code = str((error or {}).get("Code", ""))
    if code in _NOT_AUTHENTICATED:
        return Authorization(principal=principal)
    authz = authorize_call(
        call.service, call.operation, call.params, region=region, account=account
    )
    first = authz[0] if authz else None
    action = first.action if first else None
    resource = first.resource if first else None
    if code not in _DENIED:
        return Authorization(principal, action, resource, None, "Allowed", None)
    from labkit.policy import parse_access_denied

    parsed = parse_access_denied(str(error.get("Message", "")))
    return Authorization(
        principal=getattr(parsed, "principal", None) or principal,
        action=getattr(parsed, "action", None) or action,
        resource=getattr(parsed, "resource", None) or resource,
        via_endpoint=True if getattr(parsed, "denied_by", None) == "vpc-endpoint" else None,
        decision=_decision_of(parsed),
        denied_by=getattr(parsed, "denied_by", None),
    )


def _decision_of(parsed: Any) -> str:
    explicit = getattr(parsed, "explicit", None)
    if explicit is True:
        return "ExplicitlyDenied"
    if explicit is False:
        return "ImplicitlyDenied"
    decision = getattr(parsed, "decision", None)
    return str(decision) if decision else "ImplicitlyDenied"
