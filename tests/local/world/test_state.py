"""LabState: identities, policies, network facts and the DNS truth, read in-process."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from labkit.local.world.state import LabState, public_address_for

REGION = "ap-northeast-1"


def test_instance_session_is_the_role_session_named_after_the_instance(core: Any) -> None:
    credential = core.state.instance_credentials()
    instance = core.seeded.instance_id
    assert credential.arn == (
        f"arn:aws:sts::111122223333:assumed-role/ec2-logs-fullaccess-role/{instance}"
    )
    assert credential.access_key_id.startswith("ASIA")
    assert credential.session_token
    assert credential.expiration is not None
    assert credential.expiration - datetime.now(UTC) > timedelta(hours=5)
    assert core.state.session_arn() == credential.arn
    assert credential.secret_access_key not in repr(credential)


def test_instance_session_is_minted_again_near_expiry(core: Any) -> None:
    first = core.state.instance_credentials()
    later = LabState(
        core.seeded,
        moto_url=core.moto_url,
        mint_instance_session=lambda: core.seeder.mint_instance_session(core.seeded),
        clock=lambda: datetime.now(UTC) + timedelta(hours=5, minutes=45),
    )
    later._instance_key = first.access_key_id
    renewed = later.instance_credentials()
    assert renewed.access_key_id != first.access_key_id
    assert renewed.arn == first.arn
    assert core.state.instance_credentials().access_key_id == first.access_key_id


def test_credentials_know_every_identity_and_refuse_strangers(core: Any) -> None:
    admin = core.state.credentials(core.seeded.admin_access_key_id)
    assert admin is not None and admin.arn == "arn:aws:iam::111122223333:user/labkit-admin"
    assert admin.principal_type == "user" and admin.org_id == "o-a1b2c3d4e5"
    assert core.state.credentials("AKIAUNKNOWNKEY000000") is None
    assert core.state.credentials("AKIALABKITSEEDING000") is None


def test_identity_policies_of_the_role_session(core: Any) -> None:
    sources = core.state.identity_policies(core.state.instance_credentials())
    assert {s.name for s in sources} == {"logs-full-access", "events-put"}
    assert all(s.kind == "inline" for s in sources)
    assert core.state.identity_policies(core.state.session_arn()) == sources
    assert core.state.permission_boundary(core.state.instance_credentials()) is None
    assert core.state.session_policy(core.state.instance_credentials()) is None


def test_instance_view(core: Any) -> None:
    instance = core.state.instance()
    assert instance.id == core.seeded.instance_id
    assert instance.subnet_id == core.seeded.subnets["default-ap-northeast-1a"]
    assert instance.availability_zone == "ap-northeast-1a"
    assert instance.private_ip.startswith("172.31.")
    assert instance.role_name == "ec2-logs-fullaccess-role"


def test_seeded_network(core: Any) -> None:
    ec2 = core.ec2()
    vpc = ec2.describe_vpcs(VpcIds=[core.seeded.vpc_id])["Vpcs"][0]
    assert vpc["CidrBlock"] == "172.31.0.0/16" and vpc["IsDefault"] is True
    for attribute in ("enableDnsSupport", "enableDnsHostnames"):
        answer = ec2.describe_vpc_attribute(VpcId=vpc["VpcId"], Attribute=attribute)
        assert next(v for k, v in answer.items() if k.startswith("EnableDns"))["Value"] is True
    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}])
    zones = sorted((s["AvailabilityZone"], s["CidrBlock"]) for s in subnets["Subnets"])
    assert zones == [
        ("ap-northeast-1a", "172.31.0.0/20"),
        ("ap-northeast-1c", "172.31.16.0/20"),
        ("ap-northeast-1d", "172.31.32.0/20"),
    ]
    for subnet_id in core.seeded.subnets.values():
        assert core.state.route_to_internet(subnet_id) == "igw"
    logs = core.seeder.client("logs", core.seeded.account_id)
    groups = {g["logGroupName"] for g in logs.describe_log_groups()["logGroups"]}
    assert groups == {"logs-test-allowed", "logs-test-denied"}
    streams = logs.describe_log_streams(logGroupName="logs-test-allowed")["logStreams"]
    assert [s["logStreamName"] for s in streams] == ["log-stream"]


def test_security_group_allows_443_from_the_vpc_only(core: Any) -> None:
    group = core.seeded.security_groups["vpc-endpoint-https"]
    instance_ip = core.state.instance().private_ip
    assert core.state.sg_allows([group], instance_ip, 443)
    assert not core.state.sg_allows([group], instance_ip, 80)
    assert not core.state.sg_allows([group], "10.1.2.3", 443)
    assert not core.state.sg_allows([], instance_ip, 443)


def test_no_internet_route_once_the_igw_route_is_gone(core: Any) -> None:
    ec2 = core.ec2()
    table = core.seeded.route_table_id
    ec2.delete_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0")
    try:
        assert core.state.route_to_internet(core.seeded.subnets["default-ap-northeast-1a"]) is None
    finally:
        ec2.create_route(
            RouteTableId=table,
            DestinationCidrBlock="0.0.0.0/0",
            GatewayId=core.seeded.internet_gateway_id,
        )


def test_dns_truth_follows_private_dns_and_lifecycle(core: Any) -> None:
    name = f"logs.{REGION}.amazonaws.com"
    assert core.state.resolve(name, "vpc") == [public_address_for("logs")]
    ec2 = core.ec2()
    created = ec2.create_vpc_endpoint(
        VpcEndpointType="Interface",
        VpcId=core.seeded.vpc_id,
        ServiceName=f"com.amazonaws.{REGION}.logs",
        SubnetIds=list(core.seeded.subnets.values()),
        SecurityGroupIds=list(core.seeded.security_groups.values()),
    )["VpcEndpoint"]
    vpce = created["VpcEndpointId"]
    try:
        assert core.state.resolve(name, "vpc") == [public_address_for("logs")]  # pending
        deadline = time.monotonic() + 10
        while core.state.endpoint(vpce).state != "available" and time.monotonic() < deadline:
            time.sleep(0.05)
        endpoint = core.state.endpoint(vpce)
        assert core.state.resolve(name, "vpc") == endpoint.ips
        assert len(endpoint.ips) == 3
        assert core.state.resolve(name.upper() + ".", "vpc") == endpoint.ips
        assert core.state.resolve(name, "public") == [public_address_for("logs")]
        regional, *zonal = endpoint.dns_names
        assert core.state.resolve(regional, "public") == endpoint.ips
        for zonal_name in zonal:
            answer = core.state.resolve(zonal_name, "vpc")
            assert answer is not None and len(answer) == 1
            az = zonal_name.split(".")[0].rsplit("-", 3)[-3:]
            assert endpoint.ips_by_az()["-".join(az)] == answer[0]
        assert core.state.endpoint_for_ip(endpoint.ips[1]).id == vpce
        assert core.state.endpoint_for_ip("172.31.255.254") is None
        ec2.modify_vpc_endpoint(VpcEndpointId=vpce, PrivateDnsEnabled=False)
        assert core.state.resolve(name, "vpc") == [public_address_for("logs")]
        assert core.state.resolve(regional, "vpc") == endpoint.ips
    finally:
        ec2.delete_vpc_endpoints(VpcEndpointIds=[vpce])
    assert core.state.resolve("nothing.example.com", "vpc") is None
    assert core.state.resolve(f"logs.{REGION}.amazonaws.com", "public") == ["203.0.113.10"]


@pytest.mark.parametrize("service", ["logs", "events", "sts", "madeup"])
def test_public_addresses_are_documentation_addresses(service: str) -> None:
    address = public_address_for(service)
    assert address.startswith(("203.0.113.", "198.51.100."))


def test_callers_carry_aws_userid_and_principal_arn(core: Any) -> None:
    session = core.state.instance_credentials()
    caller = session.caller
    role_id = core.client("iam").get_role(RoleName="ec2-logs-fullaccess-role")["Role"]["RoleId"]
    instance = session.arn.rsplit("/", 1)[1]
    assert caller.userid == f"{role_id}:{instance}" and role_id.startswith("AROA")
    assert caller.principal_arn == session.principal_arn
    admin = core.state.credentials(core.seeded.admin_access_key_id).caller
    user_id = core.client("iam").get_user(UserName="labkit-admin")["User"]["UserId"]
    assert admin.userid == user_id and user_id.startswith("AIDA")
