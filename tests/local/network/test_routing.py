"""Routing that follows DNS on the seeded walkthrough VPC, seen by plain boto3 clients."""

from __future__ import annotations

import time
from typing import Any

import pytest
from botocore.exceptions import ReadTimeoutError
from dataplane_doubles import ScriptedDecider
from lab_world import World

from labkit.local.network.egress import INTERNET_CLIENT_IP, client_timeouts


def put(client: Any, group: str = "logs-test-allowed") -> dict[str, Any]:
    return client.put_log_events(
        logGroupName=group,
        logStreamName="log-stream",
        logEvents=[{"timestamp": int(time.time() * 1000), "message": "routing"}],
    )


@pytest.fixture
def clean(world: World) -> World:
    world.delete_endpoints()
    return world


def test_private_dns_on_goes_through_the_endpoint(clean: World, plane_factory: Any) -> None:
    vpce = clean.create_endpoint("logs")
    decider = ScriptedDecider()
    plane, urls = plane_factory(decider)
    answer = put(clean.instance_client(urls["egress"]))
    route = decider.seen[-1][2]
    enis = {eni.ip for eni in clean.state.endpoint(vpce).enis}
    assert route.via_endpoint and route.vpce_id == vpce and route.vpc_id == clean.seeded.vpc_id
    assert route.address in enis
    assert route.source_ip == clean.state.instance().private_ip
    record = plane.decisions.get(answer["ResponseMetadata"]["RequestId"])
    assert record.network.vpce_id == vpce and record.outcome == "allowed"


def test_private_dns_off_takes_the_public_path(clean: World, plane_factory: Any) -> None:
    clean.create_endpoint("logs", private_dns=False)
    decider = ScriptedDecider()
    _, urls = plane_factory(decider)
    put(clean.instance_client(urls["egress"]))
    route = decider.seen[-1][2]
    assert not route.via_endpoint and route.vpce_id is None
    assert route.source_ip == clean.state.instance().public_ip
    assert route.address == clean.state.resolve("logs.ap-northeast-1.amazonaws.com", "public")[0]


def test_the_events_endpoint_routes_events_only(clean: World, plane_factory: Any) -> None:
    events_vpce = clean.create_endpoint("events")
    decider = ScriptedDecider()
    _, urls = plane_factory(decider)
    put(clean.instance_client(urls["egress"]))
    clean.instance_client(urls["egress"], "events").list_event_buses()
    logs_route, events_route = decider.seen[-2][2], decider.seen[-1][2]
    assert not logs_route.via_endpoint
    assert events_route.via_endpoint and events_route.vpce_id == events_vpce


def test_an_endpoint_security_group_without_443_times_out(clean: World, plane_factory: Any) -> None:
    ec2 = clean.ec2()
    closed = ec2.create_security_group(
        GroupName=f"no-https-{time.monotonic_ns()}",
        Description="no ingress at all",
        VpcId=clean.seeded.vpc_id,
    )["GroupId"]
    clean.create_endpoint("logs", security_groups=[closed])
    decider = ScriptedDecider()
    plane, urls = plane_factory(decider, network_timeout=1.0)
    client = clean.instance_client(urls["egress"], **client_timeouts(1.0))
    started = time.monotonic()
    with pytest.raises(ReadTimeoutError) as caught:
        put(client)
    assert "Read timeout on endpoint URL" in str(caught.value)
    assert time.monotonic() - started < 5
    assert decider.seen == []  # the call never reached the service
    dropped = plane.decisions.recent(1)[0]
    assert dropped.outcome == "dropped"
    private_ip = clean.state.instance().private_ip
    assert f"do not allow TCP 443 from the instance's address {private_ip}" in (
        dropped.error_message
    )


def test_the_public_path_without_an_internet_route_times_out(
    clean: World, plane_factory: Any
) -> None:
    ec2 = clean.ec2()
    table = clean.seeded.route_table_id
    igw = clean.seeded.internet_gateway_id
    ec2.delete_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0")
    try:
        plane, urls = plane_factory(ScriptedDecider(), network_timeout=1.0)
        client = clean.instance_client(urls["egress"], read_timeout=0.5, connect_timeout=0.5)
        with pytest.raises(ReadTimeoutError):
            put(client)
        assert "no 0.0.0.0/0 route" in plane.decisions.recent(1)[0].error_message
        clean.create_endpoint("logs")  # an endpoint needs no internet route
        assert put(client)["ResponseMetadata"]["HTTPStatusCode"] == 200
    finally:
        ec2.create_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)


def test_a_client_that_waits_longer_sees_the_connection_reset(
    clean: World, plane_factory: Any
) -> None:
    from botocore.exceptions import ConnectionClosedError

    ec2 = clean.ec2()
    ec2.delete_route(RouteTableId=clean.seeded.route_table_id, DestinationCidrBlock="0.0.0.0/0")
    try:
        _, urls = plane_factory(ScriptedDecider(), network_timeout=0.3)
        client = clean.instance_client(urls["egress"], read_timeout=10)
        started = time.monotonic()
        with pytest.raises(ConnectionClosedError):
            put(client)
        assert 0.3 <= time.monotonic() - started < 5
    finally:
        ec2.create_route(
            RouteTableId=clean.seeded.route_table_id,
            DestinationCidrBlock="0.0.0.0/0",
            GatewayId=clean.seeded.internet_gateway_id,
        )


def test_the_internet_side_always_takes_the_public_path(clean: World, plane_factory: Any) -> None:
    clean.create_endpoint("logs")
    decider = ScriptedDecider()
    _, urls = plane_factory(decider)
    put(clean.instance_client(urls["public"]))
    route = decider.seen[-1][2]
    assert not route.via_endpoint and route.source_ip == INTERNET_CLIENT_IP
    assert route.listener == "internet"
