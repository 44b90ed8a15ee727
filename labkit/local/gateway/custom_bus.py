"""EventBridge's Custom Event Bus (``eventsv2``) at the gateway: smithy-rpc-v2-cbor in and out.

The same steps as every other call of the data plane (:mod:`labkit.local.gateway.pipeline`),
in the Custom Event Bus's wire format (aws-facts-2026 §1.9): the operation from the path
``/service/AWSEventsV2/operation/<Operation>``, a CBOR body, SigV4 scoped to ``events``, the
model's required members and constraints, then the lab's one decision (``PolicyDecider``, the
same policies and AccessDenied texts as everywhere) and, when allowed, the lab's own Custom Event
Bus state (:mod:`labkit.local.world.buses_v2`; moto has none). Errors are CBOR maps
``{"__type", "message"}`` with the status botocore's model gives the error
(``AccessDeniedException`` 403, §1.13, Classic's is 400; ``ResourceNotFoundException`` 404),
never ``x-amzn-query-error`` or ``X-Amzn-ErrorType`` (the service is not query-compatible; the
protocol carries the type in the body). What the protocol's framework refuses before
authentication, as Smithy's RPC v2 CBOR specification and its reference server put it
(docs/fidelity/around-the-endpoint.md): a request without ``smithy-protocol: rpc-v2-cbor``, with
``X-Amz-Target``, or naming no operation of the model, 404 ``UnknownOperationException``; a body
of another ``Content-Type``, 415 ``UnsupportedMediaTypeException``; a body that is not a CBOR
map or a member of the wrong CBOR type, 400 ``SerializationException``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol

from botocore.model import Shape

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
PROTOCOL = "rpc-v2-cbor"
INTERNAL_FAILURE = (
    "The request processing has failed because of an unknown error, exception or failure."
)
"""AWS's common text for a failure of the service's own (HTTP 500)."""


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


def read_call(incoming: Incoming) -> ServiceCall:
    """The operation the path names and the CBOR body's members; AwsError as AWS answers."""
    operation = incoming.route.rstrip("/").rsplit("/", 1)[-1]
    protocol = incoming.header("smithy-protocol")
    if protocol != PROTOCOL:
        said = "no smithy-protocol header" if protocol is None else f"smithy-protocol {protocol!r}"
        raise _unknown_operation(f"the request has {said}; send 'smithy-protocol: {PROTOCOL}'")
    if incoming.header("x-amz-target") is not None or incoming.header("x-amzn-target") is not None:
        raise _unknown_operation(
            "an rpc-v2-cbor request must not carry X-Amz-Target; the path names the operation"
        )
    if operation not in service_model(SERVICE).operation_names:
        raise _unknown_operation(
            f"{operation!r} is not an operation of EventBridgeV2; the path must end "
            "/service/AWSEventsV2/operation/<Operation>"
        )
    body = incoming.body
    content_type = (incoming.header("content-type") or "").split(";", 1)[0].strip().lower()
    if body and content_type != CBOR:
        raise AwsError(
            "UnsupportedMediaTypeException",
            f"the body's Content-Type is {content_type or 'missing'!r}; send it as {CBOR}",
            status=415,
        )
    try:
        params = cbor.loads(body) if body else {}
    except cbor.CborError as error:
        raise AwsError("SerializationException", f"the body is not valid CBOR: {error}") from None
    if not isinstance(params, dict):
        raise AwsError("SerializationException", "the body must be a CBOR map")
    shape = service_model(SERVICE).operation_model(operation).input_shape
    problem = type_problem(params, shape, "") if shape is not None else None
    if problem:
        raise AwsError("SerializationException", problem)
    return ServiceCall(SERVICE, operation, params, f"AWSEventsV2.{operation}")


_CBOR_TYPES: dict[str, tuple[str, tuple[type, ...]]] = {
    "structure": ("a map", (dict,)),
    "map": ("a map", (dict,)),
    "list": ("an array", (list,)),
    "string": ("a text string", (str,)),
    "blob": ("a byte string", (bytes,)),
    "boolean": ("true or false", (bool,)),
    "integer": ("an integer", (int,)),
    "long": ("an integer", (int,)),
    "float": ("a number", (int, float)),
    "double": ("a number", (int, float)),
    "timestamp": ("a timestamp (tag 1) or a number", (datetime, int, float)),
}


def type_problem(value: Any, shape: Shape, path: str) -> str | None:
    """Where the first member whose CBOR type is not its model type is, and what it should be."""
    if value is None:
        return None
    wanted, types = _CBOR_TYPES.get(shape.type_name, ("a text string", (str,)))
    is_bool = isinstance(value, bool)
    if not isinstance(value, types) or (is_bool != (shape.type_name == "boolean")):
        where = path or "the body"
        return f"{where} must be {wanted}, not {_cbor_kind(value)}"
    if shape.type_name == "structure":
        for name, member in shape.members.items():
            problem = type_problem(value.get(name), member, f"{path}.{name}".lstrip("."))
            if problem:
                return problem
    elif shape.type_name == "list":
        for index, item in enumerate(value, start=1):
            problem = type_problem(item, shape.member, f"{path}.{index}")
            if problem:
                return problem
    elif shape.type_name == "map":
        for key, item in value.items():
            problem = type_problem(item, shape.value, f"{path}.{key}")
            if problem:
                return problem
    return None


def _cbor_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a float"
    if isinstance(value, str):
        return "a text string"
    if isinstance(value, bytes):
        return "a byte string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "a map"
    return type(value).__name__


def _unknown_operation(why: str) -> AwsError:
    return AwsError("UnknownOperationException", why, status=404)


class CustomBusFront:
    """Reads, authenticates, decides and serves one Custom Event Bus call."""

    def __init__(self, state: CustomBusState, decider: Decider, decisions: DecisionLog) -> None:
        self.state = state
        self.decider = decider
        self.decisions = decisions

    def handle(
        self, incoming: Incoming, route: NetworkRoute, facts: dict[str, Any]
    ) -> WireResponse:
        """Answer one request (``facts``: the gateway's request ID, time, route); never raises.

        A fault of the lab's own is answered in CBOR (the model's ``InternalException``, 500),
        so that a client reads it as this service's error.
        """
        try:
            return self._handle(incoming, route, facts)
        except Exception as error:  # the lab's own fault: answer in the protocol, keep serving
            facts["internal_error"] = f"{type(error).__name__}: {error}"
            failure = AwsError("InternalException", INTERNAL_FAILURE, status=500)
            return self._refuse(facts, failure, "internal", outcome="failed")

    def _handle(
        self, incoming: Incoming, route: NetworkRoute, facts: dict[str, Any]
    ) -> WireResponse:
        try:
            call = read_call(incoming)
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
        raise AwsError("ResourceNotFoundException", f"Event bus {arn} does not exist.", 404)
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
