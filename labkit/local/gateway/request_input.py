"""Read a JSON 1.1 call off the wire: which service and operation, and its parameters.

The operation comes from ``X-Amz-Target``; the parameters must be a JSON object whose members
have the types botocore's service model gives them. What AWS's request framework answers when
they do not (texts as the framework words them; see docs/fidelity/local-data.md):

* a body that is not JSON: ``SerializationException`` with no message;
* a member of the wrong JSON type: ``SerializationException`` such as
  ``NUMBER_VALUE can not be converted to a String``;
* a target naming no operation of the service: ``UnknownOperationException``, no message;
* a body nested deeper than JSON readers go, or a string holding an unpaired UTF-16 surrogate
  (``"\ud800"``): ``SerializationException`` (labkit's choice, docs/fidelity/local-data.md);
* a required member missing, or a member breaking the model's ``min``/``max``/``pattern``/``enum``
  (:mod:`labkit.local.gateway.request_constraints`): the service's validation error
  (``InvalidParameterException`` for CloudWatch Logs, ``ValidationException`` for EventBridge)
  ``1 validation error detected: Value null at 'logGroupName' failed to satisfy constraint:
  Member must not be null``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

import botocore.session
from botocore.model import OperationModel, ServiceModel, Shape

from labkit import services
from labkit.local.gateway import request_constraints
from labkit.local.wire.json11 import AwsError

_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class ServiceCall:
    """One parsed API call."""

    service: str  # the service's name in labkit.services
    operation: str
    params: dict[str, Any]
    target: str


def service_of_target(target: str | None) -> str | None:
    """The service an ``X-Amz-Target`` header addresses, if it is one the gateway serves."""
    prefix, _, _ = (target or "").partition(".")
    spec = services.by_target_prefix(prefix)
    return spec.name if spec is not None and spec.plane == "data" else None


@cache
def service_model(service: str) -> ServiceModel:
    """botocore's model of ``service`` (loaded once per process)."""
    client_name = services.service(service).client_name
    return botocore.session.get_session().get_service_model(client_name)


def validation_code(service: str) -> str:
    """The code ``service`` answers a parameter that fails validation with."""
    return services.service(service).validation_error


def unknown_operation() -> AwsError:
    """What AWS answers for a target it cannot route."""
    return AwsError("UnknownOperationException", None, framework=True)


def serialization_error(message: str | None = None) -> AwsError:
    """What AWS answers for a body it cannot deserialize."""
    return AwsError("SerializationException", message, framework=True)


def parse_body(body: bytes) -> dict[str, Any]:
    """The JSON object in ``body``; an empty body is an empty object.

    Raises :class:`AwsError` (``SerializationException``) for anything else.
    """
    if not body.strip():
        return {}
    try:
        value = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise serialization_error() from None
    if not isinstance(value, dict):
        raise serialization_error(_misplaced(value, "Structure"))
    if _SURROGATE_ESCAPE.search(body):
        where = _unpaired_surrogate(value)
        if where is not None:
            raise serialization_error(
                f"Invalid UTF-16: an unpaired surrogate in the string at '{where}'; "
                "send text as valid Unicode"
            )
    return value


def _unpaired_surrogate(value: dict[str, Any]) -> str | None:
    """The path of the first key or string that holds an unpaired surrogate (no recursion)."""
    stack: list[tuple[Any, str]] = [(value, "")]
    while stack:
        item, path = stack.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                return path or "(body)"
        elif isinstance(item, dict):
            for key, inner in item.items():
                inner_path = f"{path}.{key}" if path else key
                if _SURROGATE.search(key):
                    return inner_path
                stack.append((inner, inner_path))
        elif isinstance(item, list):
            stack.extend((inner, f"{path}.{i}") for i, inner in enumerate(item, start=1))
    return None


def operation_of(target: str | None) -> tuple[str, OperationModel]:
    """The service and botocore operation model ``X-Amz-Target`` names.

    Raises :class:`AwsError` (``UnknownOperationException``) when it names none.
    """
    service = service_of_target(target)
    _, _, name = (target or "").partition(".")
    if service is None or name not in service_model(service).operation_names:
        raise unknown_operation()
    return service, service_model(service).operation_model(name)


def read_call(target: str | None, body: bytes) -> ServiceCall:
    """Parse the body and route the target; raises :class:`AwsError` as AWS would answer.

    AWS's framework checks these two before it authenticates the caller; the members' types and
    required members are checked after (:func:`check_params`).
    """
    params = parse_body(body)
    service, operation = operation_of(target)
    return ServiceCall(service, operation.name, params, target or "")


def check_params(call: ServiceCall) -> None:
    """Raise :class:`AwsError` for a member of the wrong type, then for every member missing or
    breaking the model's constraints (one validation error listing them all)."""
    shape = service_model(call.service).operation_model(call.operation).input_shape
    if shape is None:
        return
    problem = _type_problem(call.params, shape)
    if problem:
        raise serialization_error(problem)
    found = request_constraints.problems(call.params, shape)
    if found:
        raise AwsError(validation_code(call.service), request_constraints.message(found))


def _token(value: Any) -> str:
    if value is True:
        return "TRUE_VALUE"
    if value is False:
        return "FALSE_VALUE"
    if isinstance(value, int | float):
        return "NUMBER_VALUE"
    return "STRING_VALUE"


def _misplaced(value: Any, wanted: str) -> str:
    if isinstance(value, dict):
        return "Start of structure or map found where not expected."
    if isinstance(value, list):
        return "Start of list found where not expected"
    article = "an" if wanted[0] in "AEIOU" else "a"
    return f"{_token(value)} can not be converted to {article} {wanted}"


_SCALARS: dict[str, tuple[str, tuple[type, ...]]] = {
    "string": ("String", (str,)),
    "blob": ("Blob", (str,)),
    "integer": ("Integer", (int,)),
    "long": ("Long", (int,)),
    "float": ("Float", (int, float)),
    "double": ("Double", (int, float)),
    "timestamp": ("Date", (int, float, str)),
}


def _type_problem(value: Any, shape: Shape) -> str | None:
    """The framework's complaint about the first member of the wrong type, if any."""
    if value is None:
        return None
    kind = shape.type_name
    if kind == "structure":
        if not isinstance(value, dict):
            return _misplaced(value, "Structure")
        for name, member in shape.members.items():
            problem = _type_problem(value.get(name), member)
            if problem:
                return problem
        return None
    if kind == "list":
        if not isinstance(value, list):
            return _misplaced(value, "List")
        return next((p for p in (_type_problem(item, shape.member) for item in value) if p), None)
    if kind == "map":
        if not isinstance(value, dict):
            return _misplaced(value, "Map")
        return next((p for p in (_type_problem(v, shape.value) for v in value.values()) if p), None)
    if kind == "boolean":
        return None if isinstance(value, bool) else _misplaced(value, "Boolean")
    wanted, types = _SCALARS.get(kind, ("String", (str,)))
    if isinstance(value, bool) or not isinstance(value, types):
        return _misplaced(value, wanted)
    return None
