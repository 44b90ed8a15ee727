"""The run's network: a lab VPC with subnets in three AZs and a route to the internet, or the
learner's own VPC read as it is; the security groups the run adds to it.

A lab VPC mirrors the walkthrough's default VPC (172.31.0.0/16, one /20 per AZ, DNS hostnames
on, an internet gateway) so the instance's SSM agent reaches AWS and private DNS can be turned
on. Everything is created with the run's tag and found again by it; a learner's VPC and subnets
are only read.
"""

from __future__ import annotations

import ipaddress
from typing import Any

import botocore.exceptions

from labkit.aws.tags import ec2_filter, ec2_tag_specs
from labkit.backend.contract import NetworkFacts, Subnet
from labkit.backend.errors import LabError

LAB_CIDR = "172.31.0.0/16"
SUBNET_PREFIX = 20
MAX_AZS = 3


def lab_name(part: str, run_id: str) -> str:
    """The Name tag of one part of a run (``labkit-vpc-<run>``)."""
    return f"labkit-{part}-{run_id}"


def resolver_address(vpc_cidr: str) -> str:
    """The VPC's Amazon DNS server: the base of the VPC range plus two."""
    return str(ipaddress.ip_network(vpc_cidr).network_address + 2)


def find_lab_vpc(ec2: Any, run_id: str) -> dict[str, Any] | None:
    """The run's lab VPC, if it exists."""
    found = ec2.describe_vpcs(Filters=ec2_filter(run_id, lab_name("vpc", run_id)))["Vpcs"]
    return found[0] if found else None


def read_network(ec2: Any, vpc: dict[str, Any], run_id: str | None = None) -> NetworkFacts:
    """A VPC and up to three of its subnets (one per AZ; the run's own first, if any)."""
    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}])[
        "Subnets"
    ]

    def preference(subnet: dict[str, Any]) -> tuple[bool, bool, str]:
        tags = {t["Key"]: t["Value"] for t in subnet.get("Tags", [])}
        ours = run_id is not None and tags.get("labkit:run-id") == run_id
        return (not ours, not subnet.get("DefaultForAz", False), subnet["SubnetId"])

    one_per_az: dict[str, Subnet] = {}
    for s in sorted(subnets, key=preference):
        one_per_az.setdefault(
            s["AvailabilityZone"], Subnet(s["SubnetId"], s["AvailabilityZone"], s["CidrBlock"])
        )
    chosen = tuple(one_per_az[az] for az in sorted(one_per_az)[:MAX_AZS])
    return NetworkFacts(vpc_id=vpc["VpcId"], vpc_cidr=vpc["CidrBlock"], subnets=chosen)


def learner_network(ec2: Any, vpc_id: str) -> NetworkFacts:
    """The learner's VPC as it is (read only); a clear error when it does not exist."""
    try:
        vpcs = ec2.describe_vpcs(VpcIds=[vpc_id])["Vpcs"]
    except botocore.exceptions.ClientError as exc:
        code = str(exc.response["Error"]["Code"])
        if not any(word in code for word in ("NotFound", "Malformed", "InvalidParameter")):
            raise
        vpcs = []
    if not vpcs:
        raise LabError(
            f"there is no VPC {vpc_id} in this account and Region",
            "pass the ID of a VPC listed by `aws ec2 describe-vpcs`, or leave vpc_id out and "
            "labkit creates a lab VPC of its own",
        )
    facts = read_network(ec2, vpcs[0])
    if not facts.subnets:
        raise LabError(
            f"VPC {vpc_id} has no subnets",
            "add a subnet per Availability Zone, or leave vpc_id out for a lab VPC",
        )
    return facts


def availability_zones(ec2: Any) -> list[str]:
    """The Region's first three available zones, by name."""
    zones = ec2.describe_availability_zones(
        Filters=[
            {"Name": "state", "Values": ["available"]},
            {"Name": "zone-type", "Values": ["availability-zone"]},
        ]
    )["AvailabilityZones"]
    return sorted(z["ZoneName"] for z in zones)[:MAX_AZS]


def ensure_lab_vpc(ec2: Any, run_id: str) -> NetworkFacts:
    """The run's lab VPC with a subnet in each of three AZs, routed to an internet gateway."""
    vpc = find_lab_vpc(ec2, run_id)
    if vpc is None:
        vpc = ec2.create_vpc(
            CidrBlock=LAB_CIDR,
            TagSpecifications=ec2_tag_specs("vpc", run_id, lab_name("vpc", run_id)),
        )["Vpc"]
    vpc_id = vpc["VpcId"]
    ec2.modify_vpc_attribute(VpcId=vpc_id, EnableDnsHostnames={"Value": True})
    _ensure_subnets(ec2, run_id, vpc_id)
    gateway = _ensure_internet_gateway(ec2, run_id, vpc_id)
    _ensure_routes(ec2, run_id, vpc_id, gateway)
    return read_network(ec2, vpc, run_id)


def _ensure_subnets(ec2: Any, run_id: str, vpc_id: str) -> None:
    existing = ec2.describe_subnets(Filters=ec2_filter(run_id))["Subnets"]
    have = {s["AvailabilityZone"] for s in existing if s["VpcId"] == vpc_id}
    blocks = list(ipaddress.ip_network(LAB_CIDR).subnets(new_prefix=SUBNET_PREFIX))
    for index, zone in enumerate(availability_zones(ec2)):
        if zone in have:
            continue
        ec2.create_subnet(
            VpcId=vpc_id,
            CidrBlock=str(blocks[index]),
            AvailabilityZone=zone,
            TagSpecifications=ec2_tag_specs("subnet", run_id, lab_name(f"subnet-{zone}", run_id)),
        )


def _ensure_internet_gateway(ec2: Any, run_id: str, vpc_id: str) -> str:
    name = lab_name("igw", run_id)
    found = ec2.describe_internet_gateways(Filters=ec2_filter(run_id, name))["InternetGateways"]
    if found:
        gateway = found[0]
    else:
        gateway = ec2.create_internet_gateway(
            TagSpecifications=ec2_tag_specs("internet-gateway", run_id, name)
        )["InternetGateway"]
    attached = {a["VpcId"] for a in gateway.get("Attachments", [])}
    if vpc_id not in attached:
        ec2.attach_internet_gateway(InternetGatewayId=gateway["InternetGatewayId"], VpcId=vpc_id)
    return str(gateway["InternetGatewayId"])


def _ensure_routes(ec2: Any, run_id: str, vpc_id: str, gateway_id: str) -> None:
    name = lab_name("routes", run_id)
    found = ec2.describe_route_tables(Filters=ec2_filter(run_id, name))["RouteTables"]
    if found:
        table = found[0]
    else:
        table = ec2.create_route_table(
            VpcId=vpc_id, TagSpecifications=ec2_tag_specs("route-table", run_id, name)
        )["RouteTable"]
    table_id = table["RouteTableId"]
    if not any(r.get("DestinationCidrBlock") == "0.0.0.0/0" for r in table.get("Routes", [])):
        ec2.create_route(
            RouteTableId=table_id, DestinationCidrBlock="0.0.0.0/0", GatewayId=gateway_id
        )
    associated = {a.get("SubnetId") for a in table.get("Associations", [])}
    for subnet in ec2.describe_subnets(Filters=ec2_filter(run_id))["Subnets"]:
        if subnet["VpcId"] == vpc_id and subnet["SubnetId"] not in associated:
            ec2.associate_route_table(RouteTableId=table_id, SubnetId=subnet["SubnetId"])


def ensure_security_group(
    ec2: Any, run_id: str, vpc_id: str, part: str, description: str, https_from: str | None
) -> str:
    """The run's security group ``part`` in the VPC; ``https_from`` admits TCP 443 from it."""
    name = lab_name(part, run_id)
    found = [
        g
        for g in ec2.describe_security_groups(Filters=ec2_filter(run_id, name))["SecurityGroups"]
        if g["VpcId"] == vpc_id
    ]
    if found:
        group = found[0]
    else:
        group_id = ec2.create_security_group(
            GroupName=name,
            Description=description,
            VpcId=vpc_id,
            TagSpecifications=ec2_tag_specs("security-group", run_id, name),
        )["GroupId"]
        group = {"GroupId": group_id, "IpPermissions": []}
    if https_from and not any(
        p.get("FromPort") == 443 and any(r.get("CidrIp") == https_from for r in p["IpRanges"])
        for p in group.get("IpPermissions", [])
    ):
        ec2.authorize_security_group_ingress(
            GroupId=group["GroupId"],
            IpPermissions=[
                {
                    "IpProtocol": "tcp",
                    "FromPort": 443,
                    "ToPort": 443,
                    "IpRanges": [{"CidrIp": https_from, "Description": "HTTPS from the VPC"}],
                }
            ],
        )
    return str(group["GroupId"])
