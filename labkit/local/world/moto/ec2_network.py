"""EC2 network state: the VPC, subnets, security groups, routes and the lab instance."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from datetime import UTC, datetime

from labkit.local.world import endpoint_model as model
from labkit.local.world.moto.backends import LOCK
from labkit.local.world.moto.backends import ec2 as ec2_backend
from labkit.local.world.moto.backends import iam as iam_backend
from labkit.local.world.moto.iam import aware
from labkit.local.world.views import IngressRule, InstanceView, SubnetFacts, VpcFacts


def mark_default_vpc(account_id: str, region: str, vpc_id: str, subnet_ids: Iterable[str]) -> None:
    """Make a seeded VPC and its subnets read as the Region's default ones (IsDefault etc.)."""
    with LOCK:
        backend = ec2_backend(account_id, region)
        vpc = backend.get_vpc(vpc_id)
        vpc.is_default = True
        for subnet_id in subnet_ids:
            subnet = backend.get_subnet(subnet_id)
            subnet.default_for_az = True
            subnet.map_public_ip_on_launch = True


def ensure_usable_instance_address(account_id: str, region: str, instance_id: str) -> None:
    """moto may give an instance a subnet's reserved address (network, .1-.3, broadcast)."""
    with LOCK:
        backend = ec2_backend(account_id, region)
        eni = backend.get_instance(instance_id).nics[0]
        network = ipaddress.IPv4Network(eni.subnet.cidr_block)
        address = ipaddress.IPv4Address(eni.private_ip_address)
        offset = int(address) - int(network.network_address)
        if 4 <= offset < network.num_addresses - 1:
            return
        used = [e.private_ip_address for e in list(backend.enis.values()) if e is not eni]
        new = model.allocate_address(eni.subnet.cidr_block, used)
        eni.private_ip_address = new
        eni.private_ip_addresses = [{"Primary": True, "PrivateIpAddress": new}]


def vpc_facts(account_id: str, region: str, vpc_id: str) -> VpcFacts | None:
    """DNS attributes and CIDR of a VPC, or None."""
    vpc = ec2_backend(account_id, region).vpcs.get(vpc_id)
    if vpc is None:
        return None
    return VpcFacts(
        vpc.id,
        vpc.cidr_block,
        bool(vpc.enable_dns_support),
        bool(vpc.enable_dns_hostnames),
        bool(vpc.is_default),
    )


def subnet_facts(account_id: str, region: str, subnet_id: str) -> SubnetFacts | None:
    """Where a subnet is, or None."""
    from moto.ec2.exceptions import InvalidSubnetIdError

    try:
        subnet = ec2_backend(account_id, region).get_subnet(subnet_id)
    except InvalidSubnetIdError:
        return None
    return SubnetFacts(subnet.id, subnet.vpc_id, subnet.cidr_block, subnet.availability_zone)


def security_group_vpc(account_id: str, region: str, group_id: str) -> str | None:
    """The VPC of a security group; None when it does not exist."""
    group = ec2_backend(account_id, region).get_security_group_from_id(group_id)
    return None if group is None else str(group.vpc_id)


def security_group_ingress(
    account_id: str, region: str, group_ids: Iterable[str]
) -> list[IngressRule]:
    """The ingress rules of the given groups, one per CIDR or source group."""
    backend = ec2_backend(account_id, region)
    rules: list[IngressRule] = []
    for group_id in group_ids:
        group = backend.get_security_group_from_id(group_id)
        if group is None:
            continue
        for rule in list(group.ingress_rules):
            cidr = (rule.ip_range or {}).get("CidrIp")
            source = (rule.source_group or {}).get("GroupId")
            rules.append(
                IngressRule(
                    group_id, str(rule.ip_protocol), rule.from_port, rule.to_port, cidr, source
                )
            )
    return rules


def group_ids_of_address(account_id: str, region: str, ip: str) -> set[str]:
    """Security groups of every network interface holding ``ip``."""
    backend = ec2_backend(account_id, region)
    found: set[str] = set()
    for eni in list(backend.enis.values()):
        if eni.private_ip_address == ip:
            found.update(group.id for group in eni.group_set)
    return found


def route_to_internet(account_id: str, region: str, subnet_id: str) -> str | None:
    """``igw`` / ``nat`` when the subnet's route table has a 0.0.0.0/0 route through one."""
    backend = ec2_backend(account_id, region)
    subnet = backend.get_subnet(subnet_id)
    tables = [t for t in list(backend.route_tables.values()) if t.vpc_id == subnet.vpc_id]
    table = next((t for t in tables if subnet_id in t._associations.values()), None)
    if table is None:
        table = next((t for t in tables if t.main_association_id is not None), None)
    if table is None:
        return None
    for route in table.routes:
        if route.destination_cidr_block != "0.0.0.0/0":
            continue
        if route.nat_gateway is not None:
            return "nat"
        gateway_id = getattr(route.gateway, "id", "") if route.gateway is not None else ""
        if str(gateway_id).startswith("igw-"):
            return "igw"
    return None


def instance(account_id: str, region: str, instance_id: str) -> InstanceView:
    """The lab instance."""
    backend = ec2_backend(account_id, region)
    found = backend.get_instance(instance_id)
    eni = found.nics[0]
    profile = found.iam_instance_profile or {}
    profile_arn = profile.get("Arn") if isinstance(profile, dict) else None
    role_name = None
    if profile_arn:
        profile_name = profile_arn.rsplit("/", 1)[-1]
        iam_profile = iam_backend(account_id).instance_profiles.get(profile_name)
        if iam_profile is not None and iam_profile.roles:
            role_name = iam_profile.roles[0].name
    launch = found.launch_time
    if isinstance(launch, str):
        launch = datetime.fromisoformat(launch.replace("Z", "+00:00"))
    return InstanceView(
        id=found.id,
        account_id=account_id,
        region=region,
        vpc_id=eni.subnet.vpc_id,
        subnet_id=eni.subnet.id,
        availability_zone=eni.subnet.availability_zone,
        private_ip=eni.private_ip_address,
        public_ip=found.public_ip,
        security_group_ids=tuple(group.id for group in eni.group_set),
        image_id=found.image_id,
        instance_type=found.instance_type,
        launch_time=aware(launch) or datetime.now(UTC),
        role_name=role_name,
        instance_profile_arn=profile_arn,
        mac=eni.mac_address,
    )
