"""The gateway deciding with the real catalog and policy engine on the lab's live policies.

Vectors from aws-fidelity.md §8 (TVnn) on the seeded walkthrough world, through plain boto3
clients exactly as a user's code would call the lab.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from botocore.exceptions import ClientError
from lab_world import REGION, World

from labkit import data

ACCOUNT = "111122223333"


def policy(name: str) -> str:
    return data.policy_text(name, account_id=ACCOUNT, region=REGION)


def put(client: Any, group: str, stream: str = "log-stream") -> dict[str, Any]:
    return client.put_log_events(
        logGroupName=group,
        logStreamName=stream,
        logEvents=[{"timestamp": int(time.time() * 1000), "message": "ExampleEvent1"}],
    )


def denial(call: Any) -> dict[str, Any]:
    with pytest.raises(ClientError) as caught:
        call()
    return caught.value.response


@pytest.fixture
def memo(world: World, plane_factory: Any) -> tuple[World, Any, dict[str, Any], str]:
    """The memo's endpoint policy on a logs endpoint with private DNS; the real decider."""
    world.delete_endpoints()
    vpce = world.create_endpoint("logs", policy=policy("walkthrough"))
    plane, urls = plane_factory()
    return world, plane, urls, vpce


def test_tv01_the_allowed_group_is_written(memo: Any) -> None:
    world, plane, urls, vpce = memo
    answer = put(world.instance_client(urls["egress"]), "logs-test-allowed")
    record = plane.decisions.get(answer["ResponseMetadata"]["RequestId"])
    assert record.decision == "Allowed"
    assert record.request.context["aws:SourceVpce"] == vpce
    kinds = {p.kind for p in record.final.policies}
    assert kinds == {"identity", "vpc-endpoint"}
    endpoint_text = next(p.text for p in record.final.policies if p.kind == "vpc-endpoint")
    assert "logs-test-allowed:*" in endpoint_text


def test_tv02_the_denied_group_gets_todays_message(memo: Any) -> None:
    world, plane, urls, _ = memo
    session_arn = world.state.instance_credentials().arn
    response = denial(lambda: put(world.instance_client(urls["egress"]), "logs-test-denied"))
    message = (
        f"User: {session_arn} is not authorized to perform: logs:PutLogEvents on resource: "
        f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:logs-test-denied:log-stream:log-stream "
        "because no VPC endpoint policy allows the logs:PutLogEvents action"
    )
    assert response["Error"] == {"Code": "AccessDeniedException", "Message": message}
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
    record = plane.decisions.get(response["ResponseMetadata"]["RequestId"])
    assert (record.decision, record.denied_by, record.final.message) == (
        "ImplicitlyDenied",
        "vpc-endpoint",
        message,
    )
    assert record.final.explanation  # the engine's explanation, as plain data
    assert record.request.resource.endswith(":log-group:logs-test-denied:log-stream:log-stream")


def test_the_2019_wording_on_request(world: World, plane_factory: Any) -> None:
    world.delete_endpoints()
    world.create_endpoint("logs", policy=policy("walkthrough"))
    _, urls = plane_factory(message_style="2019")
    response = denial(lambda: put(world.instance_client(urls["egress"]), "logs-test-denied"))
    assert response["Error"]["Message"].endswith(
        ":log-group:logs-test-denied:log-stream:log-stream"
    )


def test_tv03_the_public_path_ignores_the_endpoint_policy(world: World, plane_factory: Any) -> None:
    world.delete_endpoints()
    world.create_endpoint("logs", policy=policy("walkthrough"), private_dns=False)
    plane, urls = plane_factory()
    answer = put(world.instance_client(urls["egress"]), "logs-test-denied")
    record = plane.decisions.get(answer["ResponseMetadata"]["RequestId"])
    assert record.decision == "Allowed"
    assert "aws:SourceVpce" not in record.request.context
    assert record.request.context["aws:SourceIp"] == world.state.instance().public_ip
    assert {p.kind for p in record.final.policies} == {"identity"}


def test_tv07_describe_log_groups_is_denied_by_the_memos_policy(memo: Any) -> None:
    world, _, urls, _ = memo
    response = denial(lambda: world.instance_client(urls["egress"]).describe_log_groups())
    assert response["Error"]["Message"].endswith(
        f"on resource: arn:aws:logs:{REGION}:{ACCOUNT}:log-group::log-stream: "
        "because no VPC endpoint policy allows the logs:DescribeLogGroups action"
    )


def test_tv37_authorization_comes_before_existence(memo: Any) -> None:
    world, _, urls, _ = memo
    response = denial(
        lambda: put(world.instance_client(urls["egress"]), "no-such-group", "no-such-stream")
    )
    assert response["Error"]["Code"] == "AccessDeniedException"
    allowed_but_missing = denial(
        lambda: put(world.instance_client(urls["egress"]), "logs-test-allowed", "missing")
    )
    assert allowed_but_missing["Error"]["Code"] == "ResourceNotFoundException"  # TV36


def test_a_policy_change_applies_to_the_next_call(memo: Any) -> None:
    world, _, urls, vpce = memo
    client = world.instance_client(urls["egress"])
    denial(lambda: put(client, "logs-test-denied"))
    world.ec2().modify_vpc_endpoint(VpcEndpointId=vpce, PolicyDocument=policy("full-access"))
    assert put(client, "logs-test-denied")["ResponseMetadata"]["HTTPStatusCode"] == 200


def test_tv32_the_events_endpoint_policy_scopes_put_events_to_the_default_bus(
    world: World, plane_factory: Any
) -> None:
    world.delete_endpoints()
    world.create_endpoint("events", policy=policy("events-own-default-bus"))
    _, urls = plane_factory()
    events = world.instance_client(urls["egress"], "events")
    entry = {"Source": "com.example.app", "DetailType": "t", "Detail": "{}"}
    answer = events.put_events(Entries=[entry])
    assert answer["FailedEntryCount"] == 0
    response = denial(lambda: events.put_events(Entries=[{**entry, "EventBusName": "other"}]))
    assert response["Error"]["Message"].endswith(
        f"on resource: arn:aws:events:{REGION}:{ACCOUNT}:event-bus/other "
        "because no VPC endpoint policy allows the events:PutEvents action"
    )


def test_tv33_aws_sources_fail_per_entry_after_authorization(memo: Any) -> None:
    world, _, urls, _ = memo
    events = world.instance_client(urls["egress"], "events")
    answer = events.put_events(
        Entries=[
            {"Source": "aws.ec2", "DetailType": "t", "Detail": "{}"},
            {"Source": "com.example.app", "DetailType": "t", "Detail": "{}"},
        ]
    )
    assert answer["FailedEntryCount"] == 1
    assert answer["Entries"][0]["ErrorCode"] == "NotAuthorizedForSourceException"
    assert "EventId" in answer["Entries"][1]


def test_the_identity_policy_is_evaluated_too(memo: Any) -> None:
    """The role allows events:PutEvents only: ListEventBuses is denied by the identity policy."""
    world, _, urls, _ = memo
    response = denial(lambda: world.instance_client(urls["egress"], "events").list_event_buses())
    assert response["Error"]["Message"].endswith(
        "because no identity-based policy allows the events:ListEventBuses action"
    )
