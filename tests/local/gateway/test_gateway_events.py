"""PutEvents rules: per-entry results for aws.* sources, the 256 KB total size."""

from __future__ import annotations

import json

import pytest

from labkit.local.gateway.hooks.events import (
    MAX_TOTAL_BYTES,
    entry_size,
    finish_put_events,
    local_only_answer,
    prepare_put_events,
)
from labkit.local.wire.json11 import AwsError


def entry(source: str, detail: str = "{}") -> dict:
    return {"Source": source, "DetailType": "t", "Detail": detail}


def test_entry_size_follows_the_user_guide() -> None:
    sized = {"Time": 1, "Source": "ab", "DetailType": "c", "Detail": "{}", "Resources": ["r1"]}
    assert entry_size(sized) == 14 + 2 + 1 + 2 + 2


def test_aws_sources_fail_per_entry_and_the_rest_keep_their_places() -> None:
    prepared = prepare_put_events({"Entries": [entry("aws.ec2"), entry("com.example.app")]})
    assert prepared.params["Entries"] == [entry("com.example.app")]
    moto = b'{"FailedEntryCount": 0, "Entries": [{"EventId": "e-1"}]}'
    answer = json.loads(finish_put_events(moto, prepared))
    assert answer == {
        "FailedEntryCount": 1,
        "Entries": [
            {
                "ErrorCode": "NotAuthorizedForSourceException",
                "ErrorMessage": "Not authorized for the source.",
            },
            {"EventId": "e-1"},
        ],
    }


def test_when_every_entry_is_refused_moto_is_not_needed() -> None:
    prepared = prepare_put_events({"Entries": [entry("aws.s3"), entry("aws.ec2")]})
    assert prepared.forward_count == 0
    answer = json.loads(local_only_answer(prepared))
    assert answer["FailedEntryCount"] == 2 and len(answer["Entries"]) == 2


def test_entries_totalling_256_kb_or_more_fail_the_whole_call() -> None:
    filler = "x" * (MAX_TOTAL_BYTES - len("a") - len("t"))
    with pytest.raises(AwsError) as caught:
        prepare_put_events({"Entries": [entry("a", filler)]})
    assert (caught.value.code, caught.value.message) == (
        "ValidationException",
        "Total size of the entries in the request is over the limit.",
    )
    below = prepare_put_events({"Entries": [entry("a", filler[:-1])]})
    assert below.forward_count == 1
