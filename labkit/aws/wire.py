"""Serialize a call with botocore's own model here, send it elsewhere, parse the answer here.

The lab instance has no botocore; the kernel does. :func:`prepare` turns a :class:`Call` into the
exact request boto3 would send (validated against the service model), addressed to the
service's public name in the Region as the instance would resolve it; :func:`parse` reads what
came back with botocore's parser, so a response or an error has the same shape as from a boto3
client.
"""

from __future__ import annotations

import base64
import functools
from collections.abc import Mapping
from typing import Any

import botocore.exceptions
import botocore.parsers
import botocore.serialize
import botocore.session
import botocore.validate

from labkit import services
from labkit.backend.calls import Call


@functools.cache
def _session() -> botocore.session.Session:
    return botocore.session.get_session()


def service_model(service: str) -> Any:
    """botocore's model of ``service`` (labkit's service name)."""
    return _session().get_service_model(services.service(service).client_name)


def operation_model(service: str, operation: str) -> Any:
    """botocore's model of ``service`` ``operation``."""
    return service_model(service).operation_model(operation)


def prepare(call: Call, region: str) -> dict[str, Any]:
    """The request for ``call`` as the instance sends it (ParamValidationError if malformed)."""
    spec = services.service(call.service)
    model = operation_model(call.service, call.operation)
    report = botocore.validate.ParamValidator().validate(dict(call.params), model.input_shape)
    if report.has_errors():
        raise botocore.exceptions.ParamValidationError(report=report.generate_report())
    protocol = model.service_model.metadata["protocol"]
    request = botocore.serialize.create_serializer(protocol, include_validation=False)
    serialized = request.serialize_to_request(dict(call.params), model)
    body = serialized["body"]
    if isinstance(body, str):
        body = body.encode()
    path = serialized["url_path"] or "/"
    return {
        "service": spec.name,
        "service_id": spec.service_id,
        "signing_name": spec.signing_name,
        "region": region,
        "method": serialized["method"],
        "url": f"https://{spec.hostname(region)}{path}",
        "path": path,
        "headers": {k: str(v) for k, v in serialized["headers"].items()},
        "body": base64.b64encode(body or b"").decode(),
    }


def parse(call: Call, answer: Mapping[str, Any]) -> dict[str, Any]:
    """What the instance got back, parsed as botocore parses it (with ``ResponseMetadata``)."""
    model = operation_model(call.service, call.operation)
    protocol = model.service_model.metadata["protocol"]
    headers = dict(answer.get("headers") or {})
    body = base64.b64decode(answer.get("body") or "")
    status = int(answer["status"])
    try:
        parsed = botocore.parsers.create_parser(protocol).parse(
            {"status_code": status, "headers": headers, "body": body}, model.output_shape
        )
    except botocore.parsers.ResponseParserError:
        text = body.decode("utf-8", "replace")
        parsed = {} if status < 300 else {"Error": {"Code": str(status), "Message": text}}
        if status < 300:
            parsed["Body"] = text + (" …(cut)" if answer.get("truncated") else "")
    metadata = parsed.setdefault("ResponseMetadata", {})
    metadata["HTTPStatusCode"] = status
    metadata["HTTPHeaders"] = headers
    request_id = headers.get("x-amzn-requestid") or headers.get("x-amz-request-id")
    if request_id:
        metadata["RequestId"] = request_id
    return parsed
