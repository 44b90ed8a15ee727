"""The control front's answers in each protocol's own shape: EC2 XML, query XML, JSON 1.1.

* EC2: ``<Response><Errors><Error><Code/><Message/></Error></Errors><RequestID/></Response>``
  (aws-facts-2026 §3.5), ``text/xml;charset=UTF-8``;
* IAM and STS (query): ``<ErrorResponse xmlns="…"><Error><Type>Sender</Type><Code/><Message/>
  </Error><RequestId/></ErrorResponse>`` (§3.13), ``text/xml``;
* JSON 1.1 services (a data-plane call that reached the control front): ``{"__type", "message"}``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from xml.sax.saxutils import escape

from labkit import services
from labkit.local.front.ec2.errors import error_body
from labkit.local.wire.http import WireResponse

EC2_TYPE = "text/xml;charset=UTF-8"
QUERY_TYPE = "text/xml"


@dataclass
class FrontError(Exception):
    """An error the control front answers: code, message and HTTP status (400 by default)."""

    code: str
    message: str
    status: int = 400

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


def xml_answer(status: int, body: bytes, request_id: str, content_type: str) -> WireResponse:
    """An XML answer with AWS's request-id header."""
    return WireResponse(
        status,
        (
            ("x-amzn-RequestId", request_id),
            ("Content-Type", content_type),
            ("Content-Length", str(len(body))),
        ),
        body,
    )


def query_error_body(namespace: str, code: str, message: str, request_id: str) -> bytes:
    """The XML body IAM and STS send with an error."""
    return (
        f'<ErrorResponse xmlns="{namespace}"><Error><Type>Sender</Type>'
        f"<Code>{escape(code)}</Code><Message>{escape(message)}</Message></Error>"
        f"<RequestId>{escape(request_id)}</RequestId></ErrorResponse>"
    ).encode()


def error_answer(service: str | None, error: FrontError, request_id: str) -> WireResponse:
    """``error`` as ``service`` words errors on the wire (JSON 1.1 when the service is unknown)."""
    spec = services.find(service)
    if spec is not None and spec.protocol == "ec2":
        body = error_body(error.code, error.message, request_id)
        return xml_answer(error.status, body, request_id, EC2_TYPE)
    if spec is not None and spec.protocol == "query":
        namespace = spec.query_namespace or ""
        body = query_error_body(namespace, error.code, error.message, request_id)
        return xml_answer(error.status, body, request_id, QUERY_TYPE)
    payload = json.dumps({"__type": error.code, "message": error.message}).encode()
    return WireResponse(
        error.status,
        (
            ("x-amzn-RequestId", request_id),
            ("Content-Type", "application/x-amz-json-1.1"),
            ("Content-Length", str(len(payload))),
        ),
        payload,
    )
