"""Read a query-protocol call (EC2, IAM, STS) off the wire: its operation and its parameters.

The body is form-encoded (``Action=CreateVpcEndpoint&VpcId=vpc-1&SubnetId.1=...``). The
parameters are turned back into the shape boto3 takes (``{"VpcId": ..., "SubnetIds": [...]}``)
by walking botocore's model of the operation, the inverse of botocore's own serializers: EC2
lists are ``Name.N``; query lists ``Name.member.N`` (or ``Name.N`` when flattened), maps
``Name.entry.N.key``/``.value``, structures ``Name.Member``. The catalog reads these.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.parse import parse_qsl

import botocore.session
from botocore.model import OperationModel, ServiceModel, Shape

from labkit import services
from labkit.local.front.answers import FrontError


@dataclass(frozen=True)
class QueryCall:
    """One query-protocol call: the service (labkit's name), operation and boto3-shaped params."""

    service: str
    operation: str
    params: dict[str, Any]
    raw: dict[str, str]  # the form pairs as sent


@cache
def service_model(service: str) -> ServiceModel:
    """botocore's model of ``service`` (loaded once per process)."""
    client_name = services.service(service).client_name
    return botocore.session.get_session().get_service_model(client_name)


def form_pairs(body: bytes, query: str = "") -> dict[str, str]:
    """The query string's and the form body's pairs (the body wins on repeats)."""
    pairs = dict(parse_qsl(query, keep_blank_values=True))
    pairs.update(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    return pairs


def read_query_call(service: str, body: bytes, query: str = "") -> QueryCall:
    """The call in a request to ``service``; :class:`FrontError` for a missing or unknown Action."""
    pairs = form_pairs(body, query)
    action = pairs.get("Action")
    model = service_model(service)
    if not action:
        raise FrontError("MissingAction", "The request must contain the parameter Action.")
    if action not in model.operation_names:
        if model.protocol == "ec2":
            raise FrontError(
                "InvalidAction", f"The action {action} is not valid for this web service."
            )
        version = model.api_version
        raise FrontError(
            "InvalidAction", f"Could not find operation {action} for version {version}"
        )
    operation = model.operation_model(action)
    return QueryCall(service, action, read_params(operation, pairs), pairs)


def read_params(operation: OperationModel, pairs: Mapping[str, str]) -> dict[str, Any]:
    """The boto3-shaped parameters of ``operation`` held in ``pairs``."""
    shape = operation.input_shape
    if shape is None:
        return {}
    ec2 = operation.metadata.get("protocol") == "ec2"
    keys = frozenset(pairs)
    found = _structure(shape, "", pairs, keys, ec2)
    return found if isinstance(found, dict) else {}


def _present(prefix: str, keys: frozenset[str]) -> bool:
    dotted = prefix + "."
    return prefix in keys or any(key.startswith(dotted) for key in keys)


def _name(shape: Shape, default: str, ec2: bool) -> str:
    serialization = shape.serialization
    if ec2:
        if "queryName" in serialization:
            return str(serialization["queryName"])
        if "name" in serialization:
            name = str(serialization["name"])
            return name[:1].upper() + name[1:]
        return default
    return str(serialization.get("name", default))


def _read(
    shape: Shape, prefix: str, pairs: Mapping[str, str], keys: frozenset[str], ec2: bool
) -> Any:
    kind = shape.type_name
    if kind == "structure":
        return _structure(shape, prefix, pairs, keys, ec2)
    if kind == "list":
        return _list(shape, prefix, pairs, keys, ec2)
    if kind == "map":
        return _map(shape, prefix, pairs, keys, ec2)
    return _scalar(kind, pairs.get(prefix))


def _structure(
    shape: Shape, prefix: str, pairs: Mapping[str, str], keys: frozenset[str], ec2: bool
) -> dict[str, Any] | None:
    found: dict[str, Any] = {}
    for key, member in shape.members.items():
        name = _name(member, key, ec2)
        where = f"{prefix}.{name}" if prefix else name
        if not _present(where, keys):
            continue
        value = _read(member, where, pairs, keys, ec2)
        if value is not None:
            found[key] = value
    return found


def _list(
    shape: Shape, prefix: str, pairs: Mapping[str, str], keys: frozenset[str], ec2: bool
) -> list[Any]:
    if ec2 or shape.serialization.get("flattened"):
        base = prefix
    else:
        base = f"{prefix}.{shape.member.serialization.get('name', 'member')}"
    items = []
    index = 1
    while _present(f"{base}.{index}", keys):
        items.append(_read(shape.member, f"{base}.{index}", pairs, keys, ec2))
        index += 1
    return items


def _map(
    shape: Shape, prefix: str, pairs: Mapping[str, str], keys: frozenset[str], ec2: bool
) -> dict[str, Any]:
    base = prefix if shape.serialization.get("flattened") else f"{prefix}.entry"
    key_name = _name(shape.key, "key", ec2)
    value_name = _name(shape.value, "value", ec2)
    found: dict[str, Any] = {}
    index = 1
    while _present(f"{base}.{index}", keys):
        key = pairs.get(f"{base}.{index}.{key_name}")
        if key is not None:
            found[key] = _read(shape.value, f"{base}.{index}.{value_name}", pairs, keys, ec2)
        index += 1
    return found


def _scalar(kind: str, text: str | None) -> Any:
    if text is None:
        return None
    try:
        if kind in ("integer", "long"):
            return int(text)
        if kind in ("float", "double"):
            return float(text)
    except ValueError:
        return text  # the service's validation answers it
    if kind == "boolean":
        lowered = text.strip().lower()
        return lowered == "true" if lowered in ("true", "false") else text
    if kind == "blob":
        try:
            return base64.b64decode(text, validate=True)
        except ValueError:
            return text
    return text
