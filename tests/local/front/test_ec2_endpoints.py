"""EC2 VPC-endpoint control plane through the control front, as AWS answers it.

aws-fidelity §1.12, §1.20–1.22, §5 and TV38–TV43; choices in docs/fidelity/local-control.md.
"""

from __future__ import annotations

import ipaddress
import json
import time
from typing import Any

import pytest
from botocore.exceptions import ClientError

from labkit import data
from labkit.local.wire.http import Incoming
from labkit.local.world.endpoint_model import DEFAULT_INTERFACE_POLICY

REGION = "ap-northeast-1"
LOGS = f"com.amazonaws.{REGION}.logs"
EVENTS = f"com.amazonaws.{REGION}.events"
VALUES = {"account_id": "111122223333", "region": REGION, "org_id": "o-a1b2c3d4e5"}


def create(core: Any, service: str = LOGS, **extra: Any) -> dict[str, Any]:
    kwargs: dict[str, Any] = {
        "VpcEndpointType": "Interface",
        "VpcId": core.seeded.vpc_id,
        "ServiceName": service,
        "SubnetIds": list(core.seeded.subnets.values()),
        "SecurityGroupIds": list(core.seeded.security_groups.values()),
    }
    kwargs.update(extra)
    return core.ec2().create_vpc_endpoint(**kwargs)["VpcEndpoint"]  # type: ignore[no-any-return]


def describe(core: Any, vpce_id: str) -> dict[str, Any]:
    found = core.ec2().describe_vpc_endpoints(VpcEndpointIds=[vpce_id])["VpcEndpoints"]
    return found[0]  # type: ignore[no-any-return]


def wait_available(core: Any, vpce_id: str, timeout: float = 10) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        endpoint = describe(core, vpce_id)
        if endpoint["State"] == "available" or time.monotonic() > deadline:
            return endpoint
        time.sleep(0.05)


def error_of(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, str, int]:
    response = excinfo.value.response
    return (
        response["Error"]["Code"],
        response["Error"]["Message"],
        response["ResponseMetadata"]["HTTPStatusCode"],
    )


def endpoint_ids(core: Any) -> list[str]:
    endpoints = core.ec2().describe_vpc_endpoints()["VpcEndpoints"]
    return sorted(e["VpcEndpointId"] for e in endpoints)


@pytest.fixture()
def clean(core: Any) -> Any:
    """Delete every endpoint before the test, so each starts from the seeded state."""
    ids = endpoint_ids(core)
    if ids:
        core.ec2().delete_vpc_endpoints(VpcEndpointIds=ids)
    return core


def test_create_answers_pending_with_real_shapes(clean: Any) -> None:
    created = create(clean)
    assert created["State"] == "pending"
    assert created["VpcEndpointType"] == "Interface"
    assert created["PolicyDocument"] == DEFAULT_INTERFACE_POLICY
    assert created["PrivateDnsEnabled"] is True
    assert len(created["NetworkInterfaceIds"]) == 3
    vpce = created["VpcEndpointId"]
    names = [(e["DnsName"], e["HostedZoneId"]) for e in created["DnsEntries"]]
    suffix = names[0][0].split(".")[0].removeprefix(f"{vpce}-")
    assert len(suffix) == 8 and suffix.isalnum() and suffix == suffix.lower()
    assert names[0] == (f"{vpce}-{suffix}.logs.{REGION}.vpce.amazonaws.com", "Z2E726K9Y6RL4W")
    zonal = {n for n, _ in names[1:4]}
    assert zonal == {f"{vpce}-{suffix}-{REGION}{z}.logs.{REGION}.vpce.amazonaws.com" for z in "acd"}
    assert names[4] == (f"logs.{REGION}.amazonaws.com", "ZONEIDPENDING")


def test_endpoint_becomes_available_with_a_private_zone_id(clean: Any) -> None:
    created = create(clean)
    later = wait_available(clean, created["VpcEndpointId"])
    assert later["State"] == "available"
    private = later["DnsEntries"][-1]
    assert private["DnsName"] == f"logs.{REGION}.amazonaws.com"
    assert private["HostedZoneId"].startswith("Z") and private["HostedZoneId"] != "ZONEIDPENDING"
    assert len(private["HostedZoneId"]) == 13


def test_enis_sit_inside_their_subnets_and_look_like_aws(clean: Any) -> None:
    created = create(clean)
    enis = clean.ec2().describe_network_interfaces(
        NetworkInterfaceIds=created["NetworkInterfaceIds"]
    )["NetworkInterfaces"]
    subnets = {
        s["SubnetId"]: s["CidrBlock"]
        for s in clean.ec2().describe_subnets(SubnetIds=created["SubnetIds"])["Subnets"]
    }
    assert {e["SubnetId"] for e in enis} == set(subnets)
    for eni in enis:
        network = ipaddress.ip_network(subnets[eni["SubnetId"]])
        address = ipaddress.ip_address(eni["PrivateIpAddress"])
        assert address in network
        assert int(address) - int(network.network_address) >= 4  # AWS reserves .0-.3
        assert address != network.broadcast_address
        assert eni["InterfaceType"] == "vpc_endpoint"
        assert eni["RequesterManaged"] is True
        assert eni["Description"] == f"VPC Endpoint Interface {created['VpcEndpointId']}"
        assert {g["GroupId"] for g in eni["Groups"]} == {g["GroupId"] for g in created["Groups"]}
    filtered = clean.ec2().describe_network_interfaces(
        Filters=[{"Name": "interface-type", "Values": ["vpc_endpoint"]}]
    )["NetworkInterfaces"]
    assert {e["NetworkInterfaceId"] for e in filtered} == set(created["NetworkInterfaceIds"])


def test_events_endpoint_works_too(clean: Any) -> None:
    created = create(clean, EVENTS)
    assert created["ServiceName"] == EVENTS
    assert created["DnsEntries"][-1]["DnsName"] == f"events.{REGION}.amazonaws.com"
    assert ".events.ap-northeast-1.vpce.amazonaws.com" in created["DnsEntries"][0]["DnsName"]


def test_policy_given_at_create_round_trips_exactly(clean: Any) -> None:
    text = data.policy_text("walkthrough", **VALUES)
    created = create(clean, PolicyDocument=text)
    assert created["PolicyDocument"] == text
    assert describe(clean, created["VpcEndpointId"])["PolicyDocument"] == text


def test_modify_policy_then_reset_policy(clean: Any) -> None:
    created = create(clean)
    vpce = created["VpcEndpointId"]
    text = data.policy_text("walkthrough", **VALUES)
    assert clean.ec2().modify_vpc_endpoint(VpcEndpointId=vpce, PolicyDocument=text)["Return"]
    assert describe(clean, vpce)["PolicyDocument"] == text
    assert clean.state.endpoint_policy(vpce) == text
    assert clean.ec2().modify_vpc_endpoint(VpcEndpointId=vpce, ResetPolicy=True)["Return"]
    assert describe(clean, vpce)["PolicyDocument"] == DEFAULT_INTERFACE_POLICY


def test_syntax_error_names_the_position_and_keeps_the_old_policy(clean: Any) -> None:
    created = create(clean)
    vpce = created["VpcEndpointId"]
    with pytest.raises(ClientError) as excinfo:
        clean.ec2().modify_vpc_endpoint(
            VpcEndpointId=vpce, PolicyDocument='{\n  "Statement": [\n    {"Effect": "Allow",,}'
        )
    code, message, status = error_of(excinfo)
    assert (code, status) == ("InvalidPolicyDocument", 400)
    assert message == "The Policy Document is not valid. Syntax error at position (3,24)"
    assert describe(clean, vpce)["PolicyDocument"] == DEFAULT_INTERFACE_POLICY


def test_syntax_error_at_create_creates_nothing(clean: Any) -> None:
    before = endpoint_ids(clean)
    enis_before = clean.ec2().describe_network_interfaces()["NetworkInterfaces"]
    with pytest.raises(ClientError) as excinfo:
        create(clean, PolicyDocument="not json")
    assert error_of(excinfo)[0] == "InvalidPolicyDocument"
    assert "Syntax error at position (1,1)" in error_of(excinfo)[1]
    assert endpoint_ids(clean) == before
    assert len(clean.ec2().describe_network_interfaces()["NetworkInterfaces"]) == len(enis_before)


def test_policy_without_principal_is_refused_with_a_place(clean: Any) -> None:
    created = create(clean)
    vpce = created["VpcEndpointId"]
    text = json.dumps({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})
    with pytest.raises(ClientError) as excinfo:
        clean.ec2().modify_vpc_endpoint(VpcEndpointId=vpce, PolicyDocument=text)
    code, message, status = error_of(excinfo)
    assert (code, status) == ("InvalidPolicyDocument", 400)
    assert message.startswith("The Policy Document is not valid. ")
    assert "Principal" in message and "at position (1," in message
    assert "in Statement[0]." in message
    assert describe(clean, vpce)["PolicyDocument"] == DEFAULT_INTERFACE_POLICY


def test_not_principal_with_allow_is_refused(clean: Any) -> None:
    created = create(clean)
    statement = {
        "Effect": "Allow",
        "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:root"},
        "Action": "*",
        "Resource": "*",
    }
    with pytest.raises(ClientError) as excinfo:
        clean.ec2().modify_vpc_endpoint(
            VpcEndpointId=created["VpcEndpointId"],
            PolicyDocument=json.dumps({"Statement": [statement]}),
        )
    code, message, _ = error_of(excinfo)
    assert code == "InvalidPolicyDocument" and "NotPrincipal" in message


def test_oversized_policy_is_refused(clean: Any) -> None:
    created = create(clean)
    statement = {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}
    text = json.dumps({"Statement": [statement], "Padding": "x" * 20_500})
    with pytest.raises(ClientError) as excinfo:
        clean.ec2().modify_vpc_endpoint(VpcEndpointId=created["VpcEndpointId"], PolicyDocument=text)
    code, message, _ = error_of(excinfo)
    assert code == "InvalidPolicyDocument" and "20480" in message


@pytest.mark.parametrize("bracket", ["[", '{"a":'])
def test_a_policy_nested_a_thousand_deep_is_answered_and_changes_nothing(
    clean: Any, bracket: str
) -> None:
    created = create(clean)
    vpce = created["VpcEndpointId"]
    closing = "]" if bracket == "[" else "}"
    text = '{"Statement":' + bracket * 1000 + closing * 1000 + "}"
    with pytest.raises(ClientError) as excinfo:
        clean.ec2().modify_vpc_endpoint(VpcEndpointId=vpce, PolicyDocument=text)
    code, message, status = error_of(excinfo)
    assert (code, status) == ("InvalidPolicyDocument", 400)
    assert message.startswith("The Policy Document is not valid. Syntax error at position (1,")
    assert describe(clean, vpce)["PolicyDocument"] == DEFAULT_INTERFACE_POLICY


def test_private_dns_needs_dns_hostnames(clean: Any) -> None:
    ec2 = clean.ec2()
    vpc = clean.seeded.vpc_id
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": False})
    try:
        with pytest.raises(ClientError) as excinfo:
            create(clean)
        code, message, status = error_of(excinfo)
        assert (code, status) == ("InvalidParameter", 400)
        assert message == (
            "Enabling private DNS requires both enableDnsSupport and enableDnsHostnames VPC "
            f"attributes set to true for {vpc}"
        )
        assert endpoint_ids(clean) == []
        assert create(clean, PrivateDnsEnabled=False)["PrivateDnsEnabled"] is False
    finally:
        ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})


def test_second_private_dns_endpoint_conflicts(clean: Any) -> None:
    create(clean)
    with pytest.raises(ClientError) as excinfo:
        create(clean)
    code, message, _ = error_of(excinfo)
    assert code == "InvalidParameter"
    assert message == (
        "private-dns-enabled cannot be set because there is already a conflicting DNS domain "
        f"for logs.{REGION}.amazonaws.com in the VPC {clean.seeded.vpc_id}"
    )
    assert len(endpoint_ids(clean)) == 1
    assert create(clean, PrivateDnsEnabled=False)["PrivateDnsEnabled"] is False


def test_turning_private_dns_on_later_is_checked_and_applied(clean: Any) -> None:
    first = create(clean, PrivateDnsEnabled=False)
    second = create(clean)
    with pytest.raises(ClientError) as excinfo:
        clean.ec2().modify_vpc_endpoint(
            VpcEndpointId=first["VpcEndpointId"], PrivateDnsEnabled=True
        )
    assert "conflicting DNS domain" in error_of(excinfo)[1]
    clean.ec2().modify_vpc_endpoint(VpcEndpointId=second["VpcEndpointId"], PrivateDnsEnabled=False)
    assert describe(clean, second["VpcEndpointId"])["PrivateDnsEnabled"] is False
    clean.ec2().modify_vpc_endpoint(VpcEndpointId=first["VpcEndpointId"], PrivateDnsEnabled=True)
    assert describe(clean, first["VpcEndpointId"])["PrivateDnsEnabled"] is True


def test_unknown_service_is_refused(clean: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        create(clean, f"com.amazonaws.{REGION}.no-such-service")
    code, message, status = error_of(excinfo)
    assert (code, status) == ("InvalidServiceName", 400)
    assert message == (
        f"The Vpc Endpoint Service 'com.amazonaws.{REGION}.no-such-service' does not exist"
    )
    assert endpoint_ids(clean) == []


def test_gateway_type_for_an_interface_service_is_refused(clean: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        create(clean, VpcEndpointType="Gateway")
    assert error_of(excinfo)[:2] == (
        "InvalidParameter",
        "Endpoint type (Gateway) does not match available service types ([Interface]).",
    )


def test_unknown_subnet_and_group_are_refused(clean: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        create(clean, SubnetIds=["subnet-0123456789abcdef0"])
    assert error_of(excinfo)[0] == "InvalidSubnetID.NotFound"
    with pytest.raises(ClientError) as excinfo:
        create(clean, SecurityGroupIds=["sg-0123456789abcdef0"])
    assert error_of(excinfo)[0] == "InvalidGroup.NotFound"
    assert endpoint_ids(clean) == []


def test_dry_run_answers_412_and_changes_nothing(clean: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        create(clean, DryRun=True)
    assert error_of(excinfo) == (
        "DryRunOperation",
        "Request would have succeeded, but DryRun flag is set.",
        412,
    )
    assert endpoint_ids(clean) == []


def test_modify_subnets_follows_with_enis(clean: Any) -> None:
    subnets = list(clean.seeded.subnets.values())
    created = create(clean, SubnetIds=subnets[:2])
    vpce = created["VpcEndpointId"]
    clean.ec2().modify_vpc_endpoint(
        VpcEndpointId=vpce, AddSubnetIds=[subnets[2]], RemoveSubnetIds=[subnets[0]]
    )
    after = describe(clean, vpce)
    assert after["SubnetIds"] == subnets[1:]
    enis = clean.ec2().describe_network_interfaces(NetworkInterfaceIds=after["NetworkInterfaceIds"])
    assert {e["SubnetId"] for e in enis["NetworkInterfaces"]} == set(subnets[1:])
    assert all(e["InterfaceType"] == "vpc_endpoint" for e in enis["NetworkInterfaces"])


def test_delete_removes_endpoint_and_enis_and_reports_unknown_ids(clean: Any) -> None:
    created = create(clean)
    vpce = created["VpcEndpointId"]
    missing = "vpce-0123456789abcdef0"
    answer = clean.ec2().delete_vpc_endpoints(VpcEndpointIds=[vpce, missing, "bogus"])
    failures = {u["ResourceId"]: u["Error"]["Code"] for u in answer["Unsuccessful"]}
    assert failures == {
        missing: "InvalidVpcEndpointId.NotFound",
        "bogus": "InvalidVpcEndpointId.Malformed",
    }
    assert endpoint_ids(clean) == []
    remaining = clean.ec2().describe_network_interfaces(
        Filters=[{"Name": "interface-type", "Values": ["vpc_endpoint"]}]
    )["NetworkInterfaces"]
    assert remaining == []


def test_modify_unknown_endpoint_is_not_found(clean: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        clean.ec2().modify_vpc_endpoint(VpcEndpointId="vpce-0123456789abcdef0", PolicyDocument="{}")
    assert error_of(excinfo)[0] == "InvalidVpcEndpointId.NotFound"


def test_policy_and_reset_together_are_refused(clean: Any) -> None:
    created = create(clean)
    with pytest.raises(ClientError) as excinfo:
        clean.ec2().modify_vpc_endpoint(
            VpcEndpointId=created["VpcEndpointId"],
            ResetPolicy=True,
            PolicyDocument=data.policy_text("full-access"),
        )
    assert error_of(excinfo)[0] == "InvalidParameterCombination"


def test_errors_use_ec2_xml_wire_format(clean: Any) -> None:
    status, headers, body = _raw_ec2(clean, "Action=ModifyVpcEndpoint&Version=2016-11-15")
    assert status == 400
    assert body.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error>')
    assert b"<Code>MissingParameter</Code>" in body and b"<RequestID>" in body
    assert dict(headers)["Content-Type"].startswith("text/xml")


def _raw_ec2(core: Any, form: str) -> tuple[int, list[tuple[str, str]], bytes]:
    """Sign a raw EC2 query with the admin keys and send it through the control front."""
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    request = AWSRequest(
        method="POST",
        url=core.front.url + "/",
        data=form.encode(),
        headers={
            "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
            "Host": core.front.url.removeprefix("http://"),
        },
    )
    SigV4Auth(
        Credentials(core.seeded.admin_access_key_id, core.admin_secret), "ec2", REGION
    ).add_auth(request)
    incoming = Incoming(
        "POST", "/", tuple(request.headers.items()), form.encode(), ("127.0.0.1", 0)
    )
    answer = core.front.serve(incoming)
    return answer.status, list(answer.headers), answer.body


def test_two_subnets_in_one_zone_are_refused(clean: Any) -> None:
    ec2 = clean.ec2()
    extra = ec2.create_subnet(
        VpcId=clean.seeded.vpc_id, CidrBlock="172.31.48.0/20", AvailabilityZone=f"{REGION}a"
    )["Subnet"]["SubnetId"]
    try:
        with pytest.raises(ClientError) as excinfo:
            create(clean, SubnetIds=[clean.seeded.subnets["default-ap-northeast-1a"], extra])
        code, message, _ = error_of(excinfo)
        assert code == "DuplicateSubnetsInSameZone"
        assert message.startswith(
            f"Found another VPC endpoint subnet in the availability zone of {extra}."
        )
        assert endpoint_ids(clean) == []
    finally:
        ec2.delete_subnet(SubnetId=extra)


def test_subnet_of_another_vpc_is_refused(clean: Any) -> None:
    ec2 = clean.ec2()
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.9.0.0/24", AvailabilityZone=f"{REGION}a")
    subnet_id = subnet["Subnet"]["SubnetId"]
    try:
        with pytest.raises(ClientError) as excinfo:
            create(clean, SubnetIds=[subnet_id])
        code, message, _ = error_of(excinfo)
        assert code == "InvalidParameter" and vpc in message and clean.seeded.vpc_id in message
        assert endpoint_ids(clean) == []
    finally:
        ec2.delete_subnet(SubnetId=subnet_id)
        ec2.delete_vpc(VpcId=vpc)


def test_scenario_can_pre_create_endpoints(clean: Any) -> None:
    from labkit.local.world.scenario import _seed_endpoint

    spec = data.scenario("walkthrough")
    vpce = _seed_endpoint(
        clean.seeder,
        spec,
        clean.seeded,
        {"service": "events", "policy": "events-own-default-bus", "private_dns": True},
    )
    endpoint = describe(clean, vpce)
    assert endpoint["ServiceName"] == EVENTS
    assert endpoint["PolicyDocument"] == data.policy_text("events-own-default-bus", **VALUES)
    assert len(endpoint["NetworkInterfaceIds"]) == 3
