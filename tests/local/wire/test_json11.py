"""JSON 1.1 responses and errors as CloudWatch Logs and EventBridge send them."""

from __future__ import annotations

import json
import uuid

from labkit.local.wire.http import payload_too_large
from labkit.local.wire.json11 import AwsError, json_response, new_request_id


def test_an_error_body_is_compact_json_with_type_and_message() -> None:
    message = (
        "The batch of log events in a single PutLogEvents request cannot span more than 24 hours."
    )
    response = AwsError("InvalidParameterException", message).response("rid-1")
    assert response.status == 400
    # Same bytes as the real answer captured in aws-robotics/cloudwatchlogs-ros1#54 (139 bytes).
    assert response.body == (
        b'{"__type":"InvalidParameterException","message":"The batch of log events in a single '
        b'PutLogEvents request cannot span more than 24 hours."}'
    )
    assert len(response.body) == 139
    assert response.header("content-type") == "application/x-amz-json-1.1"
    assert response.header("x-amzn-requestid") == "rid-1"
    assert response.header("content-length") == "139"
    assert response.header("x-amzn-errortype") is None


def test_framework_errors_carry_the_namespace_and_no_message() -> None:
    error = AwsError("UnknownOperationException", None, framework=True)
    body = json.loads(error.response("r").body)
    assert body == {"__type": "com.amazon.coral.service#UnknownOperationException"}


def test_request_ids_are_uuids() -> None:
    assert uuid.UUID(new_request_id()).version == 4


def test_json_response_keeps_non_ascii_text() -> None:
    response = json_response({"message": "ログ"}, "r")
    assert json.loads(response.body) == {"message": "ログ"}


def test_oversized_requests_get_an_empty_413_that_closes_the_connection() -> None:
    response = payload_too_large()
    assert (response.status, response.body, response.close) == (413, b"", True)
    assert response.header("connection") == "close"
