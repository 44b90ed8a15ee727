"""The gateway as a service front, driven by plain boto3 clients and raw HTTP.

Decisions here come from a scripted test double (the policy engine's own decisions are tested
in test_gateway_policies.py); what is tested is everything around the decision.
"""

from __future__ import annotations

import dataclasses
import http.client
import json
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.exceptions import ClientError
from dataplane_doubles import ScriptedDecider, deny_group
from lab_world import REGION, World

DENIED = "User: x is not authorized to perform: logs:PutLogEvents on resource: y"


def now_ms() -> int:
    return int(time.time() * 1000)


@pytest.fixture
def served(world: World, plane_factory: Any) -> tuple[World, Any, dict[str, Any]]:
    world.delete_endpoints()
    world.create_endpoint("logs")
    world.create_endpoint("events")
    plane, urls = plane_factory(ScriptedDecider(deny_group("logs-test-denied", DENIED)))
    return world, plane, urls


def raw(
    url: str,
    target: str | None,
    body: bytes,
    world: World,
    *,
    sign: bool = True,
    extra: dict[str, str] | None = None,
) -> tuple[int, dict[str, str], bytes]:
    """One request by hand (signed as botocore signs), on a fresh connection."""
    host = urlsplit(url).netloc
    headers = {"Content-Type": "application/x-amz-json-1.1", **(extra or {})}
    if target:
        headers["X-Amz-Target"] = target
    request = AWSRequest(method="POST", url=f"{url}/", data=body, headers=headers)
    if sign:
        credential = world.state.instance_credentials()
        service = "events" if (target or "").startswith("AWSEvents") else "logs"
        keys = Credentials(
            credential.access_key_id, credential.secret_access_key, credential.session_token
        )
        SigV4Auth(keys, service, REGION).add_auth(request)
    prepared = request.prepare()
    conn = http.client.HTTPConnection(host, timeout=10)
    conn.request("POST", "/", body=prepared.body, headers=dict(prepared.headers))
    reply = conn.getresponse()
    data = reply.read()
    conn.close()
    return reply.status, {k.lower(): v for k, v in reply.getheaders()}, data


def test_an_allowed_call_is_served_by_moto_with_the_gateways_request_id(served: Any) -> None:
    world, plane, urls = served
    logs = world.instance_client(urls["egress"])
    answer = logs.put_log_events(
        logGroupName="logs-test-allowed",
        logStreamName="log-stream",
        logEvents=[{"timestamp": now_ms(), "message": "ExampleEvent1"}],
    )
    request_id = answer["ResponseMetadata"]["RequestId"]
    assert uuid.UUID(request_id)
    assert answer["nextSequenceToken"].isdigit()
    headers = answer["ResponseMetadata"]["HTTPHeaders"]
    assert headers["content-type"] == "application/x-amz-json-1.1"
    assert "server" not in headers and "access-control-allow-origin" not in headers
    record = plane.decisions.get(request_id)
    assert record.outcome == "allowed" and record.http_status == 200
    assert record.caller == world.state.instance_credentials().arn


def test_a_denied_call_is_http_400_access_denied_with_the_message(served: Any) -> None:
    world, plane, urls = served
    logs = world.instance_client(urls["egress"])
    with pytest.raises(ClientError) as caught:
        logs.put_log_events(
            logGroupName="logs-test-denied",
            logStreamName="log-stream",
            logEvents=[{"timestamp": now_ms(), "message": "x"}],
        )
    error = caught.value.response
    assert error["Error"] == {"Code": "AccessDeniedException", "Message": DENIED}
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 400
    prefix = "An error occurred (AccessDeniedException) when calling the PutLogEvents operation"
    assert str(caught.value) == f"{prefix}: {DENIED}"
    record = plane.decisions.get(error["ResponseMetadata"]["RequestId"])
    assert record.outcome == "denied" and record.error_message == DENIED


def test_authorization_comes_before_existence(served: Any) -> None:
    """TV37: a denied call to a group that does not exist is AccessDenied, not ResourceNotFound."""
    world, _, urls = served
    logs = world.instance_client(urls["egress"])
    with pytest.raises(ClientError) as caught:
        logs.put_log_events(
            logGroupName="logs-test-denied",
            logStreamName="no-such-stream",
            logEvents=[{"timestamp": now_ms(), "message": "x"}],
        )
    assert caught.value.response["Error"]["Code"] == "AccessDeniedException"


def test_moto_errors_pass_through_in_aws_words(served: Any) -> None:
    world, _, urls = served
    logs = world.instance_client(urls["egress"])
    with pytest.raises(ClientError) as caught:
        logs.put_log_events(
            logGroupName="logs-test-allowed",
            logStreamName="missing",
            logEvents=[{"timestamp": now_ms(), "message": "x"}],
        )
    assert caught.value.response["Error"] == {
        "Code": "ResourceNotFoundException",
        "Message": "The specified log stream does not exist.",
    }
    with pytest.raises(ClientError) as exists:
        logs.create_log_group(logGroupName="logs-test-allowed")
    assert exists.value.response["Error"]["Code"] == "ResourceAlreadyExistsException"


def test_garbage_unknown_operations_and_huge_bodies_get_aws_errors_and_the_gateway_serves_on(
    served: Any,
) -> None:
    world, plane, urls = served
    url = urls["egress"]
    status, headers, body = raw(url, "Logs_20140328.PutLogEvents", b"\x00not json", world)
    assert status == 400
    assert json.loads(body) == {"__type": "com.amazon.coral.service#SerializationException"}
    assert plane.decisions.get(headers["x-amzn-requestid"]).stage == "request"
    status, _, body = raw(url, "Logs_20140328.DropEverything", b"{}", world)
    assert (status, json.loads(body)) == (
        400,
        {"__type": "com.amazon.coral.service#UnknownOperationException"},
    )
    host = urlsplit(url).netloc
    conn = http.client.HTTPConnection(host, timeout=10)
    conn.putrequest("POST", "/")
    conn.putheader("Content-Length", str(6 * 1024 * 1024))
    conn.putheader("X-Amz-Target", "Logs_20140328.PutLogEvents")
    conn.endheaders()
    reply = conn.getresponse()
    assert (reply.status, reply.read(), reply.getheader("connection")) == (413, b"", "close")
    conn.close()
    answer = world.instance_client(url).describe_log_streams(logGroupName="logs-test-allowed")
    assert answer["logStreams"]


def test_keep_alive_connections_survive_errors(served: Any) -> None:
    _, _, urls = served
    host = urlsplit(urls["egress"]).netloc
    conn = http.client.HTTPConnection(host, timeout=10)
    for _ in range(3):
        conn.request("POST", "/", body=b"{", headers={"X-Amz-Target": "Logs_20140328.X"})
        reply = conn.getresponse()
        reply.read()
        assert reply.status == 400 and not reply.will_close
    conn.close()


def test_unsigned_calls_are_missing_authentication_token(served: Any) -> None:
    world, _, urls = served
    status, _, body = raw(
        urls["egress"], "Logs_20140328.DescribeLogGroups", b"{}", world, sign=False
    )
    assert status == 400
    assert json.loads(body) == {
        "__type": "MissingAuthenticationTokenException",
        "message": "Request is missing Authentication Token",
    }


def test_a_wrong_secret_is_invalid_signature_through_boto3(served: Any) -> None:
    world, plane, urls = served
    credential = world.state.instance_credentials()
    import boto3
    from botocore.config import Config

    session = boto3.session.Session(
        aws_access_key_id=credential.access_key_id,
        aws_secret_access_key="not-the-secret",
        aws_session_token=credential.session_token,
        region_name=REGION,
    )
    logs = session.client(
        "logs", endpoint_url=urls["egress"], config=Config(retries={"max_attempts": 1})
    )
    with pytest.raises(ClientError) as caught:
        logs.describe_log_groups()
    assert caught.value.response["Error"]["Code"] == "InvalidSignatureException"
    assert caught.value.response["Error"]["Message"].startswith(
        "The request signature we calculated does not match the signature you provided."
    )
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    record = plane.decisions.get(caught.value.response["ResponseMetadata"]["RequestId"])
    assert record.stage == "authentication"


def test_an_unknown_key_is_unrecognized_client(served: Any) -> None:
    _, _, urls = served
    import boto3
    from botocore.config import Config

    session = boto3.session.Session(
        aws_access_key_id="AKIAUNKNOWNUNKNOWN00",
        aws_secret_access_key="whatever",
        region_name=REGION,
    )
    events = session.client(
        "events", endpoint_url=urls["egress"], config=Config(retries={"max_attempts": 1})
    )
    with pytest.raises(ClientError) as caught:
        events.list_event_buses()
    assert caught.value.response["Error"] == {
        "Code": "UnrecognizedClientException",
        "Message": "The security token included in the request is invalid.",
    }


def test_an_expired_session_is_expired_token(world: World, plane_factory: Any) -> None:
    """The state reports the instance session as expired: the gateway refuses it."""

    class ExpiredView:
        def __init__(self, inner: Any) -> None:
            self._inner = inner

        def __getattr__(self, name: str) -> Any:
            return getattr(self._inner, name)

        def credentials(self, key: str) -> Any:
            found = self._inner.credentials(key)
            past = datetime.now(UTC) - timedelta(minutes=1)
            return dataclasses.replace(found, expiration=past) if found else None

    from labkit.local.process.dataplane import build_data_plane

    world.delete_endpoints()
    plane = build_data_plane(ExpiredView(world.state), decider=ScriptedDecider())
    urls = plane.start()
    try:
        with pytest.raises(ClientError) as caught:
            world.instance_client(urls["egress"]).describe_log_groups()
        assert caught.value.response["Error"] == {
            "Code": "ExpiredTokenException",
            "Message": "The security token included in the request is expired",
        }
    finally:
        plane.stop()


def test_type_errors_and_missing_members_are_answered_before_moto(served: Any) -> None:
    world, _, urls = served
    status, _, body = raw(
        urls["egress"], "Logs_20140328.CreateLogGroup", b'{"logGroupName": 7}', world
    )
    assert (status, json.loads(body)) == (
        400,
        {
            "__type": "com.amazon.coral.service#SerializationException",
            "message": "NUMBER_VALUE can not be converted to a String",
        },
    )
    status, _, body = raw(urls["egress"], "Logs_20140328.CreateLogGroup", b"{}", world)
    assert json.loads(body)["__type"] == "InvalidParameterException"


def test_put_log_events_limits_moto_misses(served: Any) -> None:
    world, _, urls = served
    logs = world.instance_client(urls["egress"])
    day = 24 * 3600 * 1000
    with pytest.raises(ClientError) as span:
        logs.put_log_events(
            logGroupName="logs-test-allowed",
            logStreamName="log-stream",
            logEvents=[
                {"timestamp": now_ms() - day - 60_000, "message": "a"},
                {"timestamp": now_ms(), "message": "b"},
            ],
        )
    assert span.value.response["Error"] == {
        "Code": "InvalidParameterException",
        "Message": "The batch of log events in a single PutLogEvents request cannot span more "
        "than 24 hours.",
    }
    with pytest.raises(ClientError) as size:
        logs.put_log_events(
            logGroupName="logs-test-allowed",
            logStreamName="log-stream",
            logEvents=[{"timestamp": now_ms(), "message": "x" * 600_000}] * 2,
        )
    assert size.value.response["Error"]["Message"] == (
        "Upload too large: 1200052 bytes exceeds limit of 1048576"
    )


def test_too_old_events_are_reported_and_not_stored(served: Any) -> None:
    world, _, urls = served
    logs = world.instance_client(urls["egress"])
    stream = f"s-{uuid.uuid4().hex[:8]}"
    logs.create_log_stream(logGroupName="logs-test-allowed", logStreamName=stream)
    old = now_ms() - 15 * 24 * 3600 * 1000
    answer = logs.put_log_events(
        logGroupName="logs-test-allowed",
        logStreamName=stream,
        logEvents=[{"timestamp": old, "message": "old"}, {"timestamp": now_ms(), "message": "new"}],
    )
    assert answer["rejectedLogEventsInfo"] == {"tooOldLogEventEndIndex": 1}
    stored = logs.get_log_events(
        logGroupName="logs-test-allowed", logStreamName=stream, startFromHead=True
    )
    assert [e["message"] for e in stored["events"]] == ["new"]


def test_put_events_answers_per_entry(served: Any) -> None:
    world, _, urls = served
    events = world.instance_client(urls["egress"], "events")
    answer = events.put_events(
        Entries=[
            {"Source": "aws.ec2", "DetailType": "t", "Detail": "{}"},
            {"Source": "com.example.app", "DetailType": "t", "Detail": "{}"},
            {"Source": "com.example.app", "DetailType": "t", "Detail": "not json"},
        ]
    )
    assert answer["FailedEntryCount"] == 2
    first, second, third = answer["Entries"]
    assert first == {
        "ErrorCode": "NotAuthorizedForSourceException",
        "ErrorMessage": "Not authorized for the source.",
    }
    assert uuid.UUID(second["EventId"])
    assert third == {"ErrorCode": "MalformedDetail", "ErrorMessage": "Detail is malformed."}
    only_aws = events.put_events(Entries=[{"Source": "aws.s3", "DetailType": "t", "Detail": "{}"}])
    assert only_aws["FailedEntryCount"] == 1


def test_put_events_over_256_kb_fails_as_a_whole(served: Any) -> None:
    world, _, urls = served
    events = world.instance_client(urls["egress"], "events")
    big = json.dumps({"pad": "x" * 262_144})
    with pytest.raises(ClientError) as caught:
        events.put_events(Entries=[{"Source": "com.example.app", "DetailType": "t", "Detail": big}])
    assert caught.value.response["Error"] == {
        "Code": "ValidationException",
        "Message": "Total size of the entries in the request is over the limit.",
    }


def test_a_decider_crash_is_an_internal_failure_and_the_gateway_serves_on(
    world: World, plane_factory: Any
) -> None:
    def explode(call: Any, verified: Any, route: Any) -> str | None:
        if call.operation == "DescribeLogGroups":
            raise RuntimeError("boom")
        return None

    world.delete_endpoints()
    plane, urls = plane_factory(ScriptedDecider(explode))
    logs = world.instance_client(urls["egress"])
    with pytest.raises(ClientError) as caught:
        logs.describe_log_groups()
    assert caught.value.response["Error"]["Code"] == "InternalFailure"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500
    record = plane.decisions.get(caught.value.response["ResponseMetadata"]["RequestId"])
    assert record.internal_error == "RuntimeError: boom"
    assert logs.describe_log_streams(logGroupName="logs-test-allowed")["logStreams"]


def test_an_operation_moto_lacks_is_not_implemented_not_a_500(
    world: World, plane_factory: Any
) -> None:
    world.delete_endpoints()
    plane, urls = plane_factory(ScriptedDecider())
    logs = world.instance_client(urls["egress"])
    with pytest.raises(ClientError) as caught:
        logs.get_data_protection_policy(logGroupIdentifier="logs-test-allowed")
    error = caught.value.response["Error"]
    assert error["Code"] == "NotImplementedException"
    assert "logs:GetDataProtectionPolicy" in error["Message"]
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 501
    record = plane.decisions.get(caught.value.response["ResponseMetadata"]["RequestId"])
    assert (record.outcome, record.stage) == ("unsupported", "service")
    assert record.decision == "Allowed"
