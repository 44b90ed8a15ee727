"""A decision record for a call made against real AWS, where there is no decision log.

Action and resource come from labkit's catalog (the ARN AWS authorizes for that call); when AWS
denied, the AccessDenied text itself names principal, action, resource and the policy type, and
:func:`labkit.policy.parse_access_denied` reads them back. The record says so:
``source="response"``, and it holds no policies (they are not visible from the response).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from labkit.backend.calls import Call
from labkit.backend.record import DecisionRecord, Evaluation, NetworkRoute, RecordedRequest
from labkit.catalog import authorize_call
from labkit.policy import parse_access_denied

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


def record_from_response(
    call: Call,
    request_id: str | None,
    error: Mapping[str, Any] | None,
    *,
    region: str,
    account: str,
    principal: str,
) -> DecisionRecord:
    """What the response of a call against real AWS tells about its authorization."""
    code = str((error or {}).get("Code", ""))
    facts: dict[str, Any] = {
        "request_id": request_id or "",
        "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
        "service": call.service,
        "operation": call.operation,
        "caller": principal,
        "error_code": code or None,
        "source": "response",
    }
    if code in _NOT_AUTHENTICATED:
        return DecisionRecord(outcome="refused", stage="authentication", **facts)
    authz = authorize_call(
        call.service, call.operation, call.params, region=region, account=account
    )
    first = authz[0] if authz else None
    action = first.action if first else ""
    resource = first.resource if first else ""
    if code not in _DENIED:
        request = RecordedRequest(principal, action, resource)
        return DecisionRecord(
            outcome="allowed", evaluations=(Evaluation(request, "Allowed"),), **facts
        )
    message = str((error or {}).get("Message", ""))
    parsed = parse_access_denied(message)
    by_endpoint = parsed.denied_by == "vpc-endpoint"
    request = RecordedRequest(
        parsed.principal or principal,
        parsed.action or action,
        parsed.resource or resource,
        via_endpoint=by_endpoint,
    )
    evaluation = Evaluation(request, parsed.decision, parsed.denied_by, message)
    return DecisionRecord(
        outcome="denied",
        stage="authorization",
        evaluations=(evaluation,),
        # only an endpoint's denial proves the path; otherwise the response does not say
        network=NetworkRoute(via_endpoint=True) if by_endpoint else None,
        **facts,
    )
