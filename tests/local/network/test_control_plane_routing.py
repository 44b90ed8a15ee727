"""The instance's EC2, IAM and STS calls leave through its network too, and are routed by DNS.

Through the egress, a control-plane call is resolved in the VPC's view (``ec2.<region>…``,
``iam.amazonaws.com``, ``sts.<region>…``): the public path through the internet gateway, or an
``sts``/``ec2`` interface endpoint whose policy then applies. The admin's calls count as from
outside wherever they arrive. StartLiveTail goes to ``stream-logs.<region>…`` with the default
client settings of the lab's environment (host-prefix injection off).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from lab_world import REGION, World

from labkit.local.front.control import ControlFront
from labkit.local.network.egress import INTERNET_CLIENT_IP, route_from_internet

DENY_ALL = json.dumps(
    {"Statement": [{"Effect": "Deny", "Principal": "*", "Action": "*", "Resource": "*"}]}
)


@pytest.fixture
def front(world: World) -> Iterator[ControlFront]:
    made = ControlFront(
        world.state,
        world.moto_url,
        outside_route=lambda service: route_from_internet(world.state, service),
    )
    yield made


@pytest.fixture
def planes(world: World, plane_factory: Any, front: ControlFront) -> tuple[Any, dict[str, Any]]:
    world.delete_endpoints()
    return plane_factory(decisions=front.decisions, control=front.handle)


def admin_client(world: World, url: str, service: str) -> Any:
    admin = world.state.credentials(world.seeded.admin_access_key_id)
    assert admin is not None
    return boto3.client(
        service,
        region_name=REGION,
        endpoint_url=url,
        aws_access_key_id=admin.access_key_id,
        aws_secret_access_key=admin.secret_access_key,
        config=Config(retries={"max_attempts": 1}),
    )


def record_of(plane: Any, caught: pytest.ExceptionInfo[ClientError]) -> Any:
    return plane.decisions.get(caught.value.response["ResponseMetadata"]["RequestId"])


def test_an_ec2_call_from_the_instance_takes_the_public_path_and_is_refused(
    world: World, planes: tuple[Any, dict[str, Any]]
) -> None:
    plane, urls = planes
    with pytest.raises(ClientError) as caught:
        world.instance_client(urls["egress"], "ec2").describe_vpcs()
    assert caught.value.response["Error"]["Code"] == "UnauthorizedOperation"
    record = record_of(plane, caught)
    route = record.network
    assert (route.listener, route.name, route.via_endpoint) == (
        "instance",
        f"ec2.{REGION}.amazonaws.com",
        False,
    )
    assert route.source_ip == world.state.instance().public_ip
    assert record.request.context["aws:SourceIp"] == route.source_ip


def test_an_sts_endpoint_carries_the_instances_sts_calls_under_its_policy(
    world: World, planes: tuple[Any, dict[str, Any]]
) -> None:
    plane, urls = planes
    vpce = world.create_endpoint("sts", policy=DENY_ALL)
    sts = world.instance_client(urls["egress"], "sts")
    # GetCallerIdentity needs no permission: not even the endpoint's Deny applies.
    answer = sts.get_caller_identity()
    record = plane.decisions.get(answer["ResponseMetadata"]["RequestId"])
    assert (record.network.via_endpoint, record.network.vpce_id) == (True, vpce)
    with pytest.raises(ClientError) as caught:
        sts.get_session_token()
    error = caught.value.response["Error"]
    assert error["Code"] == "AccessDenied"
    assert error["Message"].endswith("with an explicit deny in a VPC endpoint policy")
    assert record_of(plane, caught).request.context["aws:SourceVpce"] == vpce


def test_the_admins_calls_count_as_from_outside_wherever_they_arrive(
    world: World, planes: tuple[Any, dict[str, Any]]
) -> None:
    plane, urls = planes
    world.create_endpoint("logs", policy=DENY_ALL)
    logs = admin_client(world, urls["egress"], "logs")
    answer = logs.describe_log_groups()  # the endpoint's Deny-all does not see the admin
    record = plane.decisions.get(answer["ResponseMetadata"]["RequestId"])
    assert (record.network.listener, record.network.via_endpoint) == ("internet", False)
    assert record.network.source_ip == INTERNET_CLIENT_IP
    vpcs = admin_client(world, urls["egress"], "ec2").describe_vpcs()
    assert plane.decisions.get(vpcs["ResponseMetadata"]["RequestId"]).outcome == "allowed"


def test_start_live_tail_with_default_settings_goes_to_stream_logs_through_the_endpoint(
    world: World, planes: tuple[Any, dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    plane, urls = planes
    vpce = world.create_endpoint("logs")
    monkeypatch.setenv("AWS_DISABLE_HOST_PREFIX_INJECTION", "true")  # as the lab's env file sets
    credential = world.state.instance_credentials()
    logs = boto3.client(
        "logs",
        region_name=REGION,
        endpoint_url=urls["egress"],
        aws_access_key_id=credential.access_key_id,
        aws_secret_access_key=credential.secret_access_key,
        aws_session_token=credential.session_token,
    )
    group = f"arn:aws:logs:{REGION}:{world.account}:log-group:logs-test-allowed"
    answer = logs.start_live_tail(logGroupIdentifiers=[group])
    start = next(iter(answer["responseStream"]))["sessionStart"]
    assert start["logGroupIdentifiers"] == [group]
    record = plane.decisions.get(answer["ResponseMetadata"]["RequestId"])
    assert record.network.name == f"stream-logs.{REGION}.amazonaws.com"
    assert (record.network.via_endpoint, record.network.vpce_id) == (True, vpce)
    assert world.state.resolve(f"stream-logs.{REGION}.amazonaws.com", "vpc") == (
        world.state.endpoint(vpce).ips
    )


def test_a_service_the_lab_does_not_serve_is_named_in_the_error(
    world: World, planes: tuple[Any, dict[str, Any]]
) -> None:
    plane, urls = planes
    for service, call in (("ssm", "describe_parameters"), ("sqs", "list_queues")):
        client = world.instance_client(urls["egress"], service)
        with pytest.raises(ClientError) as caught:
            getattr(client, call)()
        response = caught.value.response
        assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
        text = str(response["Error"]) + str(caught.value)
        assert service in text, text
        record = plane.decisions.get(response["ResponseMetadata"]["RequestId"])
        assert record is None or record.outcome == "refused"
