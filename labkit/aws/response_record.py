"""A decision record for a call made against real AWS, where there is no decision log.

Only what the call returned is used. A 2xx answer is ``Allowed``. ``AccessDenied*`` and
``UnauthorizedOperation`` are denied, and the AccessDenied text names principal, action,
resource and the policy type, which :func:`labkit.policy.parse_access_denied` reads back (a text
it cannot read leaves the decision open rather than guessed). Anything else is an error with its
code and no decision: AWS does not say whether it authorized a call that then failed. A call
that was never answered is ``dropped`` at the network. The path (``network``) comes from the
address the instance's connection reached; action and resource of an allowed call from labkit's
catalog. The record says so: ``source="response"``; it holds no policies (a response shows none).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from labkit.backend.calls import Call
from labkit.backend.record import DecisionRecord, Evaluation, NetworkRoute, RecordedRequest
from labkit.catalog import CallParameterError, UnknownOperation, authorize_call
from labkit.policy import parse_access_denied

NOT_AUTHENTICATED = frozenset(
    {
        "UnrecognizedClientException",
        "InvalidClientTokenId",
        "InvalidSignatureException",
        "SignatureDoesNotMatch",
        "ExpiredTokenException",
        "ExpiredToken",
        "IncompleteSignature",
        "MissingAuthenticationToken",
        "AuthFailure",
    }
)
DENIED = frozenset({"AccessDeniedException", "AccessDenied", "UnauthorizedOperation"})
NO_ANSWER = "Timeout"


def _authorized(call: Call, region: str, account: str) -> tuple[str, str]:
    try:
        found = authorize_call(
            call.service, call.operation, call.params, region=region, account=account
        )
    except (UnknownOperation, CallParameterError, KeyError, ValueError):
        return "", ""
    return (found[0].action, found[0].resource) if found else ("", "")


def record_from_response(
    call: Call,
    request_id: str | None,
    error: Mapping[str, Any] | None,
    *,
    region: str,
    account: str,
    principal: str,
    network: NetworkRoute | None = None,
) -> DecisionRecord:
    """What the response of a call against real AWS tells about its authorization."""
    code = str((error or {}).get("Code", ""))
    message = str((error or {}).get("Message", "")) or None
    facts: dict[str, Any] = {
        "request_id": request_id or "",
        "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
        "service": call.service,
        "operation": call.operation,
        "caller": principal,
        "error_code": code or None,
        "error_message": message,
        "source": "response",
    }
    if error is None:
        action, resource = _authorized(call, region, account)
        via = bool(network.via_endpoint) if network is not None else False
        request = RecordedRequest(principal, action, resource, via_endpoint=via)
        evaluation = Evaluation(request, "Allowed")
        return DecisionRecord(
            outcome="allowed", network=network, evaluations=(evaluation,), **facts
        )
    if code == NO_ANSWER:
        return DecisionRecord(outcome="dropped", stage="network", network=network, **facts)
    if code in NOT_AUTHENTICATED:
        return DecisionRecord(outcome="refused", stage="authentication", network=network, **facts)
    if code not in DENIED:
        return DecisionRecord(outcome="failed", stage="service", network=network, **facts)
    try:
        parsed = parse_access_denied(message or "")
    except ValueError:
        return DecisionRecord(outcome="denied", stage="authorization", network=network, **facts)
    action, resource = _authorized(call, region, account)
    by_endpoint = parsed.denied_by == "vpc-endpoint"
    if network is None and by_endpoint:
        network = NetworkRoute(via_endpoint=True)  # only an endpoint's denial proves the path
    request = RecordedRequest(
        parsed.principal or principal,
        parsed.action or action,
        parsed.resource or resource,
        via_endpoint=bool(network.via_endpoint) if network is not None else False,
    )
    evaluation = Evaluation(request, parsed.decision, parsed.denied_by, message)
    return DecisionRecord(
        outcome="denied",
        stage="authorization",
        network=network,
        evaluations=(evaluation,),
        **facts,
    )
