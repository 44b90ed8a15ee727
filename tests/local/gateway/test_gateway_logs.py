"""PutLogEvents batch rules the gateway applies where moto does not."""

from __future__ import annotations

import json

import pytest

from labkit.local.gateway.hooks.logs import (
    MAX_BATCH_BYTES,
    TOO_NEW_MS,
    TOO_OLD_MS,
    batch_bytes,
    finish_put_log_events,
    prepare_put_log_events,
)
from labkit.local.wire.json11 import AwsError

NOW = 1_800_000_000_000
HOUR = 3600 * 1000


def params(*stamps: int, message: str = "m") -> dict:
    return {
        "logGroupName": "g",
        "logStreamName": "s",
        "logEvents": [{"timestamp": t, "message": message} for t in stamps],
    }


def failure(request: dict) -> AwsError:
    with pytest.raises(AwsError) as caught:
        prepare_put_log_events(request, NOW)
    return caught.value


def test_batch_size_counts_utf8_bytes_plus_26_per_event() -> None:
    assert batch_bytes([{"message": "abc"}, {"message": "ログ"}]) == (3 + 26) + (6 + 26)


def test_a_batch_over_one_mebibyte_is_upload_too_large() -> None:
    big = "x" * (MAX_BATCH_BYTES - 26 + 1)
    error = failure(params(NOW, message=big))
    assert error.code == "InvalidParameterException"
    expected = f"Upload too large: {MAX_BATCH_BYTES + 1} bytes exceeds limit of 1048576"
    assert error.message == expected


def test_a_batch_of_exactly_one_mebibyte_is_accepted() -> None:
    exact = "x" * (MAX_BATCH_BYTES - 26)
    assert prepare_put_log_events(params(NOW, message=exact), NOW).rejected == {}


def test_more_than_ten_thousand_events_is_refused() -> None:
    error = failure(params(*([NOW] * 10_001)))
    assert "Member must have length less than or equal to 10000" in str(error.message)


def test_events_out_of_order_are_refused() -> None:
    error = failure(params(NOW, NOW - 1000))
    assert error.message == (
        "Log events in a single PutLogEvents request must be in chronological order."
    )


def test_accepted_events_spanning_more_than_a_day_are_refused() -> None:
    error = failure(params(NOW - 25 * HOUR, NOW))
    assert error.message == (
        "The batch of log events in a single PutLogEvents request cannot span more than 24 hours."
    )


def test_exactly_a_day_is_accepted() -> None:
    assert prepare_put_log_events(params(NOW - 24 * HOUR, NOW), NOW).rejected == {}


def test_too_old_and_too_new_events_are_set_aside_with_aws_indices() -> None:
    old = NOW - TOO_OLD_MS - 1
    new = NOW + TOO_NEW_MS + 1
    prepared = prepare_put_log_events(params(old, old, NOW, new), NOW)
    # tooOldLogEventEndIndex is exclusive, tooNewLogEventStartIndex inclusive (API reference).
    assert prepared.rejected == {"tooOldLogEventEndIndex": 2, "tooNewLogEventStartIndex": 3}
    assert [e["timestamp"] for e in prepared.params["logEvents"]] == [NOW]


def test_rejected_events_do_not_count_towards_the_day_span() -> None:
    old = NOW - TOO_OLD_MS - 1
    prepared = prepare_put_log_events(params(old, NOW), NOW)
    assert prepared.rejected == {"tooOldLogEventEndIndex": 1}


def test_the_answer_carries_the_gateways_rejected_info_not_motos() -> None:
    old = NOW - TOO_OLD_MS - 1
    prepared = prepare_put_log_events(params(old, NOW), NOW)
    moto = b'{"nextSequenceToken": "01", "rejectedLogEventsInfo": {"tooOldLogEventEndIndex": 0}}'
    answer = json.loads(finish_put_log_events(moto, prepared))
    assert answer == {
        "nextSequenceToken": "01",
        "rejectedLogEventsInfo": {"tooOldLogEventEndIndex": 1},
    }
