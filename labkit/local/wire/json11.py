"""AWS JSON 1.1 on the wire: responses, errors and request ids, as CloudWatch Logs and
EventBridge send them.

A real CloudWatch Logs error (captured in aws-robotics/cloudwatchlogs-ros1#54) carries exactly
``content-type: application/x-amz-json-1.1``, ``x-amzn-requestid`` and a compact JSON body
``{"__type":"InvalidParameterException","message":"..."}``; no ``x-amzn-ErrorType`` header.
Errors raised by AWS's request framework itself (an unknown ``X-Amz-Target``, a body that is not
JSON) come back with the framework's namespace in ``__type`` and no message, e.g.
``{"__type":"com.amazon.coral.service#UnknownOperationException"}``; botocore strips the
namespace, so clients see ``UnknownOperationException``.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from labkit.local.wire.http import WireResponse

JSON_11 = "application/x-amz-json-1.1"
CORAL = "com.amazon.coral.service#"
"""Namespace AWS's request framework puts before its own error codes."""


def new_request_id() -> str:
    """A fresh request id in the form CloudWatch Logs and EventBridge use (a UUID4)."""
    return str(uuid.uuid4())


def dumps(payload: Any) -> bytes:
    """Compact JSON as AWS sends it (no spaces after separators)."""
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def json_response(payload: Any, request_id: str, status: int = 200) -> WireResponse:
    """A JSON 1.1 response carrying ``payload``."""
    body = dumps(payload)
    return WireResponse(status, _headers(request_id, len(body)), body)


def _headers(request_id: str, length: int) -> tuple[tuple[str, str], ...]:
    return (
        ("x-amzn-RequestId", request_id),
        ("Content-Type", JSON_11),
        ("Content-Length", str(length)),
    )


@dataclass(eq=False)
class AwsError(Exception):
    """An error AWS answers in JSON 1.1 form.

    ``code`` is the bare error code (``AccessDeniedException``); ``framework`` puts AWS's
    request-framework namespace in front of it on the wire; ``message`` ``None`` leaves the
    message out of the body, as the framework does for serialization and unknown-operation errors.
    """

    code: str
    message: str | None
    status: int = 400
    framework: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.code}: {self.message}" if self.message else self.code

    @property
    def wire_type(self) -> str:
        """The ``__type`` value as sent."""
        return f"{CORAL}{self.code}" if self.framework else self.code

    def body(self) -> dict[str, Any]:
        """The JSON body as a dict."""
        payload: dict[str, Any] = {"__type": self.wire_type}
        if self.message is not None:
            payload["message"] = self.message
        payload.update(self.extra)
        return payload

    def response(self, request_id: str) -> WireResponse:
        """This error as an HTTP response."""
        return json_response(self.body(), request_id, self.status)
