"""The aws backend's bypass checklist reads the VPC (endpoints, routes) with Describe calls only."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from conftest import REGION

from labkit.aws.bypass_checklist import checklist


@pytest.fixture
def vpc(aws_env: dict[str, str]) -> dict[str, Any]:
    ec2 = boto3.client("ec2", region_name=REGION, endpoint_url=aws_env["AWS_ENDPOINT_URL"])
    vpc_id = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.0.0.0/24")["Subnet"]["SubnetId"]
    return {"ec2": ec2, "vpc_id": vpc_id, "subnet": subnet}


class ReadOnly:
    """An EC2 client that lets only Describe calls through."""

    def __init__(self, ec2: Any) -> None:
        self.ec2 = ec2
        self.called: list[str] = []

    def __getattr__(self, name: str) -> Any:
        assert name.startswith("describe_"), f"the checklist called {name}"
        self.called.append(name)
        return getattr(self.ec2, name)


def rows(vpc: dict[str, Any], region: str = REGION) -> dict[str, tuple[str, str]]:
    client = ReadOnly(vpc["ec2"])
    frame = checklist(client, vpc["vpc_id"], [vpc["subnet"]], region)
    assert set(client.called) <= {"describe_route_tables", "describe_vpc_endpoints"}
    return {r.path: (r.status, r.found) for r in frame.itertuples()}


def test_a_vpc_without_a_route_out_or_endpoints_has_every_path_closed_but_by_the_route(
    vpc: dict[str, Any],
) -> None:
    found = rows(vpc)
    assert len(found) == 8
    assert all(status == "closed" for status, _ in found.values())
    assert "no logs endpoint" in found["private-dns-off"][1]
    assert found["fips"][1] == f"no logs-fips name in {REGION}"


def test_an_internet_gateway_opens_the_paths_and_endpoints_close_theirs(
    vpc: dict[str, Any],
) -> None:
    ec2 = vpc["ec2"]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc["vpc_id"])
    table = ec2.create_route_table(VpcId=vpc["vpc_id"])["RouteTable"]["RouteTableId"]
    ec2.associate_route_table(RouteTableId=table, SubnetId=vpc["subnet"])
    ec2.create_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    found = rows(vpc)
    for path in ("private-dns-off", "public-endpoint", "eventsv2", "dual-stack", "foreign-keys"):
        assert found[path][0] == "open", path
    assert igw in found["public-endpoint"][1]
    for service in ("logs", "eventsv2"):
        ec2.create_vpc_endpoint(
            VpcId=vpc["vpc_id"],
            VpcEndpointType="Interface",
            ServiceName=f"com.amazonaws.{REGION}.{service}",
            SubnetIds=[vpc["subnet"]],
            PrivateDnsEnabled=True,
        )
    found = rows(vpc)
    assert found["private-dns-off"][0] == "closed"
    assert found["eventsv2"][0] == "closed"
    assert found["public-endpoint"][0] == "open"  # policies with aws:SourceVpce are not read
    assert rows(vpc, "us-east-1")["fips"][0] == "open"
