"""CBOR: what botocore's smithy-rpc-v2-cbor serializer writes reads back; ours reads in botocore."""

from __future__ import annotations

from datetime import UTC, datetime

import botocore.session
import pytest
from botocore.awsrequest import AWSResponse
from botocore.parsers import create_parser

from labkit.local.wire import cbor


def test_a_put_events_request_serialized_by_botocore_reads_back() -> None:
    model = botocore.session.get_session().get_service_model("eventbridgev2")
    serializer = botocore.serialize.create_serializer("smithy-rpc-v2-cbor")
    when = datetime(2026, 4, 1, tzinfo=UTC)
    params = {
        "EventBusArn": "arn:aws:events:ap-northeast-1:111122223333:event-busv2/b/" + "a" * 25,
        "Entries": [{"Source": "lab.app", "DetailType": "t", "Detail": "{}", "Time": when}],
    }
    request = serializer.serialize_to_request(params, model.operation_model("PutEvents"))
    assert cbor.loads(request["body"]) == params


def test_an_answer_written_here_is_parsed_by_botocore() -> None:
    model = botocore.session.get_session().get_service_model("eventbridgev2")
    body = cbor.dumps({"FailedEntryCount": 0, "Entries": [{"EventId": "e-1"}]})
    parser = create_parser("smithy-rpc-v2-cbor")
    response = {"status_code": 200, "headers": {"smithy-protocol": "rpc-v2-cbor"}, "body": body}
    parsed = parser.parse(response, model.operation_model("PutEvents").output_shape)
    assert parsed["Entries"] == [{"EventId": "e-1"}]
    assert parsed["FailedEntryCount"] == 0
    assert AWSResponse  # imported for botocore's parser registry


@pytest.mark.parametrize(
    ("value", "encoded"),
    [
        (0, b"\x00"),
        (24, b"\x18\x18"),
        (-1, b"\x20"),
        ("a", b"\x61a"),
        ([], b"\x80"),
        (None, b"\xf6"),
    ],
)
def test_rfc_8949_examples(value: object, encoded: bytes) -> None:
    assert cbor.dumps(value) == encoded
    assert cbor.loads(encoded) == value


def test_indefinite_lengths_and_floats_read() -> None:
    assert cbor.loads(bytes.fromhex("9f0102ff")) == [1, 2]
    assert cbor.loads(bytes.fromhex("bf6161 01 ff".replace(" ", ""))) == {"a": 1}
    assert cbor.loads(bytes.fromhex("f93c00")) == 1.0
    assert cbor.loads(bytes.fromhex("7f616161 62ff".replace(" ", ""))) == "ab"


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"\x62a", "the body ends inside a data item at byte 1"),
        (b"\x00\x00", "bytes after the data item at byte 1"),
        (b"\xff", "a break code outside an indefinite-length item"),
        (b"\x1c", "reserved additional information 28"),
        (b"\x62\xff\xfe", "a text string that is not UTF-8"),
    ],
)
def test_malformed_bodies_say_where(data: bytes, problem: str) -> None:
    with pytest.raises(cbor.CborError, match=problem):
        cbor.loads(data)
