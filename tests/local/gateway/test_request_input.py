"""Reading a JSON 1.1 call: target routing, body parsing, model types, required members."""

from __future__ import annotations

import json

import pytest

from labkit.local.gateway.request_constraints import compiled
from labkit.local.gateway.request_input import (
    check_params,
    read_call,
    service_model,
    service_of_target,
)
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


def checked(target: str, params: dict[str, object]) -> AwsError:
    return error_of(target, json.dumps(params).encode(), check=True)


PUT = "Logs_20140328.PutLogEvents"


@pytest.mark.parametrize(
    "name", ["a\x00b", "with space", "ログ", "logs-test-allowed:evil", "", "x" * 513, "a*"]
)
def test_log_group_names_follow_the_models_pattern_and_length(name: str) -> None:
    error = checked("Logs_20140328.CreateLogGroup", {"logGroupName": name})
    assert error.code == "InvalidParameterException" and error.status == 400
    assert error.message is not None
    assert error.message.startswith(("1 validation error detected: ", "2 validation errors"))
    assert f"Value '{name[:20]}" in error.message
    assert "at 'logGroupName' failed to satisfy constraint: Member must" in error.message


def test_the_pattern_and_length_texts() -> None:
    bad = checked("Logs_20140328.CreateLogGroup", {"logGroupName": "a b"})
    assert bad.message == (
        "1 validation error detected: Value 'a b' at 'logGroupName' failed to satisfy "
        "constraint: Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+"
    )
    long = checked("Logs_20140328.CreateLogGroup", {"logGroupName": "x" * 513})
    assert long.message is not None
    assert long.message.endswith("Member must have length less than or equal to 512")


def test_an_empty_batch_and_an_empty_message_are_refused() -> None:
    empty = checked(PUT, {"logGroupName": "g", "logStreamName": "s", "logEvents": []})
    assert empty.message == (
        "1 validation error detected: Value '[]' at 'logEvents' failed to satisfy constraint: "
        "Member must have length greater than or equal to 1"
    )
    blank = checked(
        PUT,
        {"logGroupName": "g", "logStreamName": "s", "logEvents": [{"timestamp": 1, "message": ""}]},
    )
    assert blank.message == (
        "1 validation error detected: Value '' at 'logEvents.1.message' failed to satisfy "
        "constraint: Member must have length greater than or equal to 1"
    )


def test_numbers_enums_and_several_errors_at_once() -> None:
    error = checked(
        "Logs_20140328.DescribeLogGroups",
        {"limit": 51, "logGroupClass": "GOLD", "logGroupNamePrefix": ""},
    )
    assert error.message is not None and error.message.startswith(
        "4 validation errors detected: "
    )  # "" breaks min and pattern
    assert (
        "Value '51' at 'limit' failed to satisfy constraint: Member must have value less than "
        "or equal to 50" in error.message
    )
    assert "Member must satisfy enum value set: [STANDARD, INFREQUENT_ACCESS" in error.message
    events = checked("AWSEvents.PutEvents", {"Entries": []})
    assert events.code == "ValidationException"
    assert "at 'entries' failed to satisfy constraint: Member must have length greater" in (
        events.message or ""
    )


def test_a_huge_batch_is_echoed_only_in_part() -> None:
    events = [{"timestamp": 1, "message": "m" * 100}] * 10_001
    error = checked(PUT, {"logGroupName": "g", "logStreamName": "s", "logEvents": events})
    assert error.message is not None and len(error.message) < 1_300
    assert error.message.endswith("Member must have length less than or equal to 10000")


@pytest.mark.parametrize(
    "body",
    [
        b'{"logGroupName":"g","logStreamName":"s","logEvents":[{"timestamp":1,"message":"\\ud800"}]}',
        b'{"logGroupName":"g","logStreamName":"s","logEvents":[{"timestamp":1,"message":"a\\udfffb"}]}',
        b'{"\\ud800":"x"}',
    ],
)
def test_an_unpaired_surrogate_is_a_serialization_error(body: bytes) -> None:
    error = error_of(PUT, body)
    assert error.code == "SerializationException" and error.status == 400
    assert "unpaired surrogate" in (error.message or "")


def test_a_paired_surrogate_is_text() -> None:
    body = (
        b'{"logGroupName":"g","logStreamName":"s",'
        b'"logEvents":[{"timestamp":1,"message":"\\ud83d\\ude00"}]}'
    )
    check_params(read_call(PUT, body))


def test_a_body_nested_too_deep_for_json_is_a_serialization_error() -> None:
    assert error_of(PUT, b"[" * 100_000 + b"]" * 100_000).code == "SerializationException"
    assert error_of(PUT, b'{"a":' * 5_000 + b"1" + b"}" * 5_000).code == "SerializationException"


def test_every_model_pattern_of_the_served_services_compiles() -> None:
    for service in ("logs", "events"):
        model = service_model(service)
        for name in model.shape_names:
            pattern = model.shape_for(name).metadata.get("pattern")
            if pattern:
                assert compiled(pattern) is not None, (service, name, pattern)
