"""Bad input through the lab's own front doors gets AWS's validation answers and changes nothing."""

from __future__ import annotations

import time
from typing import Any

import pytest
from botocore.exceptions import ClientError

from labkit.local.process.launcher import LocalLab

pytestmark = [pytest.mark.e2e]


def error(call: Any, **params: Any) -> tuple[str, str, int]:
    with pytest.raises(ClientError) as caught:
        call(**params)
    answer = caught.value.response
    return (
        answer["Error"]["Code"],
        answer["Error"]["Message"],
        answer["ResponseMetadata"]["HTTPStatusCode"],
    )


@pytest.mark.parametrize(
    "name", ["logs-test-allowed:evil", "has space", "ヌル", "nul\x00byte", "x" * 513]
)
def test_the_admin_cannot_create_a_log_group_aws_would_refuse(lab: LocalLab, name: str) -> None:
    logs = lab.client("logs", "admin", parameter_validation=False)
    code, message, status = error(logs.create_log_group, logGroupName=name)
    assert (code, status) == ("InvalidParameterException", 400)
    assert "at 'logGroupName' failed to satisfy constraint" in message
    names = [g["logGroupName"] for g in logs.describe_log_groups()["logGroups"]]
    assert name not in names


def test_empty_batches_messages_and_surrogates_are_refused(lab: LocalLab) -> None:
    logs = lab.client("logs", "instance", parameter_validation=False)
    now = int(time.time() * 1000)
    target = {"logGroupName": "logs-test-allowed", "logStreamName": "log-stream"}
    code, message, _ = error(logs.put_log_events, logEvents=[], **target)
    assert code == "InvalidParameterException" and "at 'logEvents'" in message
    code, message, _ = error(
        logs.put_log_events, logEvents=[{"timestamp": now, "message": ""}], **target
    )
    assert code == "InvalidParameterException" and "at 'logEvents.1.message'" in message
    code, message, status = error(
        logs.put_log_events, logEvents=[{"timestamp": now, "message": "\ud800"}], **target
    )
    assert (code, status) == ("SerializationException", 400)
    stored = logs.get_log_events(**target)["events"]
    assert all(e["message"] not in ("", "\ud800") for e in stored)
