"""The endpoint gateway: the service front every CloudWatch Logs and EventBridge call meets.

For one request, in the order AWS's request framework works (docs/fidelity/local-data.md):

1. the body must be JSON and ``X-Amz-Target`` must name an operation
   (``SerializationException`` / ``UnknownOperationException``);
2. the SigV4 signature is verified against the secret of the access key
   (``labkit.local.wire.sigv4``);
3. the members must have their model types and required members must be present;
4. the policy engine decides on the live policies (``gateway_policies.PolicyDecider``):
   denied → HTTP 400 ``AccessDeniedException`` with the engine's message, before anything is
   looked up (authorization precedes existence checks);
5. service rules moto lacks (PutLogEvents batch limits, PutEvents sizes and ``aws.*`` sources);
6. the call goes on to moto over a keep-alive connection and moto's answer comes back with the
   gateway's request id.

Every request leaves a record in the decision log under the request id the client sees.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Protocol

from labkit import services
from labkit.backend.record import DecisionRecord, NetworkRoute, Outcome, Stage
from labkit.local.gateway.custom_bus import CustomBusFront
from labkit.local.gateway.decide import Decider
from labkit.local.gateway.decision_log import DecisionLog
from labkit.local.gateway.hooks import adjuster
from labkit.local.gateway.request_input import ServiceCall, check_params, read_call
from labkit.local.wire.forward import Forwarder
from labkit.local.wire.http import Incoming, WireResponse
from labkit.local.wire.json11 import JSON_11, AwsError, dumps, new_request_id
from labkit.local.wire.sigv4 import AuthFailure, SignedRequest, verify
from labkit.local.wire.wsgi_forward import WsgiForwarder
from labkit.local.world.moto.coverage import implements

EVENT_STREAM = "application/vnd.amazon.eventstream"
"""The type of streamed answers (StartLiveTail), passed through as moto sends it."""

INTERNAL_FAILURE = (
    "The request processing has failed because of an unknown error, exception or failure."
)
"""AWS's common ``InternalFailure`` text (HTTP 500)."""

_DROPPED_RESPONSE_HEADERS = frozenset(
    {
        "connection",
        "keep-alive",
        "transfer-encoding",
        "content-length",
        "server",
        "date",
        "content-type",
        "x-amzn-requestid",
        "x-amz-request-id",
        "access-control-allow-origin",  # moto's CORS layer; AWS sends none without Origin
    }
)


class CredentialState(Protocol):
    """The part of ``LabState`` the gateway itself reads."""

    region: str

    def credentials(self, access_key_id: str) -> Any | None: ...


class Gateway:
    """Decides and serves JSON 1.1 calls for CloudWatch Logs and EventBridge."""

    def __init__(
        self,
        state: CredentialState,
        forwarder: Forwarder | WsgiForwarder,
        decider: Decider,
        decisions: DecisionLog,
        *,
        now_ms: Callable[[], int] = lambda: int(time.time() * 1000),
    ) -> None:
        self.state = state
        self.forwarder = forwarder
        self.decider = decider
        self.decisions = decisions
        self._now_ms = now_ms
        self.custom_bus = CustomBusFront(state, decider, decisions)  # type: ignore[arg-type]

    def handle(self, incoming: Incoming, route: NetworkRoute) -> WireResponse:
        """Answer one request that arrived over ``route``; never raises."""
        facts: dict[str, Any] = {
            "request_id": new_request_id(),
            "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "network": route,
            "target": incoming.header("x-amz-target"),
        }
        try:
            if services.by_rpc_path(incoming.path) is services.find("eventsv2"):
                return self.custom_bus.handle(incoming, route, facts)
            return self._handle(incoming, route, facts)
        except Exception as error:  # the lab's own fault: answer as AWS does, keep serving
            failure = AwsError("InternalFailure", INTERNAL_FAILURE, 500)
            facts["internal_error"] = f"{type(error).__name__}: {error}"
            return self._refuse(facts, failure, "internal", outcome="failed")

    def _handle(
        self, incoming: Incoming, route: NetworkRoute, facts: dict[str, Any]
    ) -> WireResponse:
        try:
            call = read_call(incoming.header("x-amz-target"), incoming.body)
        except AwsError as error:
            return self._refuse(facts, error, "request")
        facts.update(service=call.service, operation=call.operation)
        signed = SignedRequest.from_items(
            incoming.method, incoming.path, incoming.headers, incoming.body
        )
        verified = verify(
            signed,
            self.state.credentials,
            region=route.region or self.state.region,
            service=call.service,
        )
        if isinstance(verified, AuthFailure):
            facts["access_key_id"] = verified.access_key_id
            return self._refuse(facts, verified.error(), "authentication")
        facts.update(caller=verified.credential.arn, access_key_id=verified.access_key_id)
        try:
            check_params(call)
        except AwsError as error:
            return self._refuse(facts, error, "validation")
        try:
            judgement = self.decider.decide(call, verified, route)
        except AwsError as error:
            return self._refuse(facts, error, "validation")
        facts["evaluations"] = judgement.evaluations
        if judgement.unsupported:
            facts["reason"] = judgement.unsupported
            error = AwsError(
                "NotImplementedException",
                f"labkit's local lab cannot authorize {call.service}:{call.operation}: "
                "labkit.catalog does not map this operation yet, so the gateway refuses it "
                "rather than guess.",
                status=501,
            )
            return self._refuse(facts, error, "authorization", outcome="unsupported")
        if not judgement.allowed:
            error = AwsError("AccessDeniedException", judgement.message)
            return self._refuse(facts, error, "authorization", outcome="denied")
        request_id = facts["request_id"]
        if not implements(call.service, call.operation):
            error = not_implemented(call.service, call.operation)
            return self._refuse(facts, error, "service", outcome="unsupported")
        try:
            response = self._serve(call, incoming, verified.credential, request_id)
        except AwsError as error:
            return self._refuse(facts, error, "service", outcome="failed")
        facts.update(outcome="allowed", http_status=response.status)
        if response.status >= 400:
            facts.update(outcome="failed", error_code=_error_code(response.body))
        self.decisions.record(DecisionRecord(**facts))
        return response

    def _refuse(
        self, facts: dict[str, Any], error: AwsError, stage: Stage, *, outcome: Outcome = "refused"
    ) -> WireResponse:
        facts.update(
            outcome=outcome,
            stage=stage,
            http_status=error.status,
            error_code=error.code,
            error_message=error.message,
        )
        self.decisions.record(DecisionRecord(**facts))
        return error.response(facts["request_id"])

    def _serve(
        self, call: ServiceCall, incoming: Incoming, credential: Any, request_id: str
    ) -> WireResponse:
        adjust = adjuster(call.service)
        change = adjust(call.operation, call.params, self._now_ms()) if adjust else None
        if change is not None and change.answer is not None:
            return _json_answer(change.answer, request_id)
        body = incoming.body
        if change is not None and change.params is not None:
            body = dumps(change.params)
        upstream = self.forwarder.send(
            incoming.method,
            incoming.path,
            incoming.headers,
            body,
            trusted=[("x-moto-account-id", credential.account_id)],
        )
        answer = upstream.body
        if change is not None and change.finish is not None and upstream.status == 200:
            answer = change.finish(answer)
        return _passed_through(upstream.status, upstream.headers, answer, request_id)


def not_implemented(service: str, operation: str) -> AwsError:
    """What the lab answers for an operation AWS has but the lab's moto does not serve."""
    return AwsError(
        "NotImplementedException",
        f"labkit's local lab does not implement {service}:{operation} (moto has no "
        "implementation of it); the call was authorized but nothing was done.",
        status=501,
    )


def _json_answer(body: bytes, request_id: str) -> WireResponse:
    return WireResponse(
        200,
        (
            ("x-amzn-RequestId", request_id),
            ("Content-Type", JSON_11),
            ("Content-Length", str(len(body))),
        ),
        body,
    )


def _passed_through(
    status: int, headers: list[tuple[str, str]], body: bytes, request_id: str
) -> WireResponse:
    if status >= 500 and not body.lstrip().startswith(b"{"):
        error = AwsError("InternalFailure", INTERNAL_FAILURE, status=500)
        return error.response(request_id)
    kept = [(k, v) for k, v in headers if k.lower() not in _DROPPED_RESPONSE_HEADERS]
    content_type = next((v for k, v in headers if k.lower() == "content-type"), "")
    if not content_type.startswith(EVENT_STREAM):
        content_type = JSON_11  # moto's own JSON type varies; AWS sends this one
    return WireResponse(
        status,
        (
            ("x-amzn-RequestId", request_id),
            *kept,
            ("Content-Type", content_type),
            ("Content-Length", str(len(body))),
        ),
        body,
    )


def _error_code(body: bytes) -> str | None:
    try:
        kind = json.loads(body).get("__type")
    except (ValueError, AttributeError):
        return None
    return str(kind).rsplit("#", 1)[-1] if kind else None
