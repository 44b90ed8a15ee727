"""Reading a JSON 1.1 call: target routing, body parsing, model types, required members."""

from __future__ import annotations

import pytest

from labkit.local.gateway.request_input import check_params, read_call, service_of_target
from labkit.local.wire.json11 import AwsError


def error_of(target: str | None, body: bytes, *, check: bool = False) -> AwsError:
    with pytest.raises(AwsError) as caught:
        call = read_call(target, body)
        if check:
            check_params(call)
    return caught.value


def test_targets_route_to_logs_and_events() -> None:
    assert read_call("Logs_20140328.PutLogEvents", b"{}").service == "logs"
    call = read_call("AWSEvents.PutEvents", b'{"Entries": []}')
    assert (call.service, call.operation, call.params) == ("events", "PutEvents", {"Entries": []})
    assert service_of_target("DynamoDB_20120810.GetItem") is None


@pytest.mark.parametrize(
    "target",
    [None, "", "Logs_20140328.NoSuchOperation", "Logs_20140328", "Nope.PutLogEvents"],
)
def test_an_unknown_operation_is_answered_as_the_framework_does(target: str | None) -> None:
    error = error_of(target, b"{}")
    assert (error.code, error.message, error.status) == ("UnknownOperationException", None, 400)
    assert error.body() == {"__type": "com.amazon.coral.service#UnknownOperationException"}


@pytest.mark.parametrize("body", [b"not json", b"{", b"\xff\xfe", b'{"a": }'])
def test_a_body_that_is_not_json_is_a_bare_serialization_exception(body: bytes) -> None:
    error = error_of("Logs_20140328.PutLogEvents", body)
    assert error.body() == {"__type": "com.amazon.coral.service#SerializationException"}


def test_the_body_is_parsed_before_the_target_is_routed() -> None:
    assert error_of("Nope.Nothing", b"garbage").code == "SerializationException"


def test_an_empty_body_is_an_empty_request() -> None:
    assert read_call("Logs_20140328.DescribeLogGroups", b"").params == {}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"[]", "Start of list found where not expected"),
        (b'{"logGroupName": 5}', "NUMBER_VALUE can not be converted to a String"),
        (b'{"logGroupName": true}', "TRUE_VALUE can not be converted to a String"),
        (b'{"logGroupName": {"a": 1}}', "Start of structure or map found where not expected."),
        (b'{"logGroupName": "g", "limit": "x"}', "STRING_VALUE can not be converted to an Integer"),
    ],
)
def test_members_of_the_wrong_type_are_serialization_errors(body: bytes, message: str) -> None:
    error = error_of("Logs_20140328.DescribeLogStreams", body, check=True)
    assert (error.code, error.message) == ("SerializationException", message)


def test_nested_types_are_checked_too() -> None:
    body = b'{"logGroupName":"g","logStreamName":"s","logEvents":[{"timestamp":"x","message":"m"}]}'
    error = error_of("Logs_20140328.PutLogEvents", body, check=True)
    assert error.message == "STRING_VALUE can not be converted to a Long"


def test_a_missing_required_member_is_the_services_validation_error() -> None:
    logs = error_of("Logs_20140328.PutLogEvents", b'{"logGroupName": "g"}', check=True)
    assert logs.code == "InvalidParameterException"
    assert logs.message == (
        "2 validation errors detected: Value null at 'logStreamName' failed to satisfy "
        "constraint: Member must not be null; Value null at 'logEvents' failed to satisfy "
        "constraint: Member must not be null"
    )
    events = error_of("AWSEvents.PutEvents", b"{}", check=True)
    assert events.code == "ValidationException"
    assert events.message == (
        "1 validation error detected: Value null at 'entries' failed to satisfy constraint: "
        "Member must not be null"
    )


def test_a_well_formed_call_passes() -> None:
    call = read_call(
        "Logs_20140328.PutLogEvents",
        b'{"logGroupName":"g","logStreamName":"s","logEvents":[{"timestamp":1,"message":"m"}]}',
    )
    check_params(call)
    assert call.operation == "PutLogEvents"
