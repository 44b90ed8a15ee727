"""Rows on real AWS come from what each call returned: 2xx Allowed, AccessDenied and
UnauthorizedOperation denied with the message parsed, anything else an error with its code."""

from __future__ import annotations

from labkit.aws.response_record import record_from_response
from labkit.backend.calls import Call
from labkit.backend.record import NetworkRoute

REGION, ACCOUNT = "ap-northeast-1", "111122223333"
ROLE = f"arn:aws:sts::{ACCOUNT}:assumed-role/ec2-logs-fullaccess-role/i-0abc"
PUT = Call(
    "logs",
    "PutLogEvents",
    {
        "logGroupName": "logs-test-denied",
        "logStreamName": "log-stream",
        "logEvents": [{"timestamp": 1, "message": "m"}],
    },
)
STREAM = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:logs-test-denied:log-stream:log-stream"
THROUGH = NetworkRoute(via_endpoint=True, vpce_id="vpce-0abc", address="172.31.10.218")


def _record(error: dict | None, network: NetworkRoute | None = THROUGH):
    return record_from_response(
        PUT, "req-1", error, region=REGION, account=ACCOUNT, principal=ROLE, network=network
    )


def test_a_2xx_answer_is_allowed_with_the_path_it_took() -> None:
    record = _record(None)
    assert (record.outcome, record.decision, record.via_endpoint) == ("allowed", "Allowed", True)
    assert record.request.action == "logs:PutLogEvents" and record.request.resource == STREAM
    assert record.principal == ROLE and record.network.vpce_id == "vpce-0abc"
    public = _record(None, NetworkRoute(via_endpoint=False, address="52.95.1.1"))
    assert public.via_endpoint is False and public.decision == "Allowed"


def test_access_denied_is_denied_with_its_message_parsed() -> None:
    message = (
        f"User: {ROLE} is not authorized to perform: logs:PutLogEvents on resource: {STREAM} "
        "because no VPC endpoint policy allows the logs:PutLogEvents action"
    )
    record = _record({"Code": "AccessDeniedException", "Message": message})
    assert (record.outcome, record.decision, record.denied_by) == (
        "denied",
        "ImplicitlyDenied",
        "vpc-endpoint",
    )
    assert record.request.resource == STREAM and record.final.message == message


def test_unauthorized_operation_is_denied() -> None:
    message = (
        "You are not authorized to perform this operation. User: "
        f"{ROLE} is not authorized to perform: logs:PutLogEvents on resource: {STREAM} with an "
        "explicit deny in an identity-based policy. Encoded authorization failure message: AbCd"
    )
    record = _record({"Code": "UnauthorizedOperation", "Message": message})
    assert (record.decision, record.denied_by) == ("ExplicitlyDenied", "identity")


def test_a_denial_whose_text_cannot_be_read_leaves_the_decision_open() -> None:
    record = _record({"Code": "AccessDenied", "Message": "Access Denied"})
    assert (record.outcome, record.stage, record.decision) == ("denied", "authorization", None)
    assert record.error_code == "AccessDenied"


def test_any_other_error_is_an_error_with_its_code_not_an_allow() -> None:
    for code in ("ResourceNotFoundException", "ThrottlingException", "InternalFailure"):
        record = _record({"Code": code, "Message": "m"})
        assert (record.outcome, record.decision, record.error_code) == ("failed", None, code)
        assert record.via_endpoint is True, "the path is still what the connection reached"


def test_no_answer_and_bad_credentials() -> None:
    assert _record({"Code": "Timeout", "Message": "timed out"}, None).outcome == "dropped"
    refused = _record({"Code": "UnrecognizedClientException", "Message": "bad"})
    assert (refused.outcome, refused.stage) == ("refused", "authentication")
    assert _record({"Code": "Timeout"}, None).via_endpoint is None
