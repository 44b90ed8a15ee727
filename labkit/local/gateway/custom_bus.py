"""EventBridge's Custom Event Bus (``eventsv2``) at the gateway: smithy-rpc-v2-cbor in and out.

The same steps as every other call of the data plane (:mod:`labkit.local.gateway.pipeline`),
in the Custom Event Bus's wire format (aws-facts-2026 §1.9): the operation from the path
``/service/AWSEventsV2/operation/<Operation>``, a CBOR body, SigV4 scoped to ``events``, the
model's required members and constraints, then the lab's one decision (``PolicyDecider``, the
same policies and AccessDenied texts as everywhere) and, when allowed, the lab's own Custom Event
Bus state (:mod:`labkit.local.world.buses_v2`; moto has none). Errors are CBOR maps
``{"__type", "message"}``; ``AccessDeniedException`` is HTTP 403 (§1.13; Classic's is 400).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from labkit import services
from labkit.backend.record import DecisionRecord, NetworkRoute
from labkit.local.gateway.decide import CallProblem, Decider
from labkit.local.gateway.decision_log import DecisionLog
from labkit.local.gateway.request_constraints import message, problems
from labkit.local.gateway.request_input import ServiceCall, service_model
from labkit.local.wire import cbor
from labkit.local.wire.http import Incoming, WireResponse
from labkit.local.wire.json11 import AwsError
from labkit.local.wire.sigv4 import AuthFailure, SignedRequest, verify
from labkit.local.world.buses_v2 import BusesV2

SERVICE = "eventsv2"
CBOR = "application/cbor"


class CustomBusState(Protocol):
    """The part of ``LabState`` the Custom Event Bus front reads."""

    region: str
    buses_v2: BusesV2

    def credentials(self, access_key_id: str) -> Any | None: ...


def cbor_response(payload: dict[str, Any], request_id: str, status: int = 200) -> WireResponse:
    """A smithy-rpc-v2-cbor answer."""
    body = cbor.dumps(payload)
    return WireResponse(
        status,
        (
            ("x-amzn-RequestId", request_id),
            ("smithy-protocol", "rpc-v2-cbor"),
            ("Content-Type", CBOR),
            ("Content-Length", str(len(body))),
        ),
        body,
    )


def error_response(error: AwsError, request_id: str) -> WireResponse:
    """An error as the Custom Event Bus sends it: a CBOR map with ``__type`` and ``message``."""
    payload: dict[str, Any] = {"__type": error.code}
    if error.message is not None:
        payload["message"] = error.message
    return cbor_response(payload, request_id, error.status)


def read_call(path: str, body: bytes) -> ServiceCall:
    """The operation the path names and the CBOR body's members; AwsError as AWS answers."""
    operation = path.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    if operation not in service_model(SERVICE).operation_names:
        raise AwsError("UnknownOperationException", None)
    try:
        params = cbor.loads(body) if body else {}
    except cbor.CborError as error:
        raise AwsError("SerializationException", f"the body is not valid CBOR: {error}") from None
    if not isinstance(params, dict):
        raise AwsError("SerializationException", "the body must be a CBOR map")
    return ServiceCall(SERVICE, operation, params, f"AWSEventsV2.{operation}")


class CustomBusFront:
    """Reads, authenticates, decides and serves one Custom Event Bus call."""

    def __init__(self, state: CustomBusState, decider: Decider, decisions: DecisionLog) -> None:
        self.state = state
        self.decider = decider
        self.decisions = decisions

    def handle(
        self, incoming: Incoming, route: NetworkRoute, facts: dict[str, Any]
    ) -> WireResponse:
        """Answer one request (``facts``: the gateway's request ID, time, route)."""
        try:
            call = read_call(incoming.path, incoming.body)
        except AwsError as error:
            return self._refuse(facts, error, "request")
        facts.update(service=SERVICE, operation=call.operation, target=call.target)
        signed = SignedRequest.from_items(
            incoming.method, incoming.path, incoming.headers, incoming.body
        )
        signing_name = services.service(SERVICE).signing_name
        region = route.region or self.state.region
        verified = verify(signed, self.state.credentials, region=region, service=signing_name)
        if isinstance(verified, AuthFailure):
            facts["access_key_id"] = verified.access_key_id
            return self._refuse(facts, verified.error(), "authentication")
        facts.update(caller=verified.credential.arn, access_key_id=verified.access_key_id)
        shape = service_model(SERVICE).operation_model(call.operation).input_shape
        found = problems(call.params, shape) if shape is not None else []
        if found:
            return self._refuse(facts, _invalid(message(found)), "validation")
        try:
            judgement = self.decider.decide(call, verified, route)
        except (CallProblem, AwsError) as problem:
            return self._refuse(facts, _invalid(str(problem)), "validation")
        facts["evaluations"] = judgement.evaluations
        if judgement.unsupported:
            facts["reason"] = judgement.unsupported
            error = AwsError(
                "NotImplementedException",
                f"labkit's local lab cannot authorize eventsv2:{call.operation}: "
                f"{judgement.unsupported}",
                status=501,
            )
            return self._refuse(facts, error, "authorization", outcome="unsupported")
        if not judgement.allowed:
            error = AwsError("AccessDeniedException", judgement.message, status=403)
            return self._refuse(facts, error, "authorization", outcome="denied")
        serve = _OPERATIONS[call.operation]
        try:
            payload = serve(
                self.state.buses_v2, call.params, verified.credential.account_id, region
            )
        except AwsError as error:
            return self._refuse(facts, error, "service", outcome="failed")
        facts.update(outcome="allowed", http_status=200)
        self.decisions.record(DecisionRecord(**facts))
        return cbor_response(payload, facts["request_id"])

    def _refuse(
        self, facts: dict[str, Any], error: AwsError, stage: Any, *, outcome: Any = "refused"
    ) -> WireResponse:
        facts.update(
            outcome=outcome,
            stage=stage,
            http_status=error.status,
            error_code=error.code,
            error_message=error.message,
        )
        self.decisions.record(DecisionRecord(**facts))
        return error_response(error, facts["request_id"])


def _invalid(text: str) -> AwsError:
    return AwsError(services.service(SERVICE).validation_error, text)


def _bus(buses: BusesV2, arn: str) -> Any:
    bus = buses.get(arn)
    if bus is None:
        raise AwsError("ResourceNotFoundException", f"Event bus {arn} does not exist.")
    return bus


def _put_events(
    buses: BusesV2, params: dict[str, Any], account: str, region: str
) -> dict[str, Any]:
    bus = _bus(buses, params["EventBusArn"])
    results = buses.put(bus.arn, list(params["Entries"]))
    return {"FailedEntryCount": 0, "Entries": results}


def _describe_event_bus(
    buses: BusesV2, params: dict[str, Any], account: str, region: str
) -> dict[str, Any]:
    return dict(_bus(buses, params["EventBusArn"]).describe())


def _list_event_buses(
    buses: BusesV2, params: dict[str, Any], account: str, region: str
) -> dict[str, Any]:
    found = buses.listed(account, region, str(params.get("NamePrefix") or ""))
    return {"EventBuses": [b.describe() for b in found]}


_OPERATIONS: dict[str, Callable[[BusesV2, dict[str, Any], str, str], dict[str, Any]]] = {
    "PutEvents": _put_events,
    "DescribeEventBus": _describe_event_bus,
    "ListEventBuses": _list_event_buses,
}
