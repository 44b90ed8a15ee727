"""What the lab diagram shows, read from the lab's live state (EC2 API and the last probe run).

:func:`picture` asks the lab (network, endpoints, their ENIs and policies, ``lab.history``) and
returns plain values; :mod:`labkit.ui.diagram` draws them. Nothing here is typed in: a lab
without an endpoint gives a picture without one.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from labkit import services
from labkit.backend.contract import Subnet
from labkit.i18n import N_
from labkit.ui.policy_info import policy_in_force, policy_summary, template_name
from labkit.ui.results import Counts
from labkit.ui.theme import is_missing

if TYPE_CHECKING:
    from labkit.lab.facade import Lab

DATA_SERVICES = tuple(spec.name for spec in services.on_plane("data"))


@dataclass(frozen=True)
class Eni:
    """One endpoint network interface: its ID, subnet and private address."""

    eni_id: str
    subnet_id: str
    address: str
    service: str


@dataclass(frozen=True)
class EndpointFacts:
    """One interface endpoint as DescribeVpcEndpoints reports it, with its policy summarised."""

    service: str
    endpoint_id: str
    state: str
    private_dns: bool
    policy_name: str
    policy_lines: tuple[str, ...]
    enis: tuple[Eni, ...] = ()


@dataclass(frozen=True)
class NetworkGateway:
    """How the VPC reaches the internet: an internet gateway or a NAT gateway."""

    kind: str  # "internet gateway" or "NAT gateway" (marked N_, translated where drawn)
    gateway_id: str


@dataclass(frozen=True)
class Route:
    """One route of the instance's route table: destination → target."""

    destination: str
    target: str


@dataclass(frozen=True)
class SecurityGroup:
    """A security group on the endpoints' ENIs, with its inbound rules in words."""

    group_id: str
    name: str
    inbound: tuple[str, ...] = ()


@dataclass(frozen=True)
class LabPicture:
    """Everything the diagram draws."""

    account_id: str
    region: str
    vpc_id: str
    vpc_cidr: str
    subnets: tuple[Subnet, ...]
    instance_id: str | None
    instance_address: str | None
    instance_subnet: str | None
    endpoints: tuple[EndpointFacts, ...] = ()
    other_accounts: tuple[str, ...] = ()
    paths: dict[str, Counts] = field(default_factory=dict)  # "endpoint:logs", "public:logs", ...
    by_who: dict[str, Counts] = field(default_factory=dict)  # "instance", "other-account"
    last_run: int = 0  # rows in the last probe run (0: no run yet)
    route_table_id: str | None = None
    routes: tuple[Route, ...] = ()
    gateways: tuple[NetworkGateway, ...] = ()
    endpoint_groups: tuple[SecurityGroup, ...] = ()


def instance_subnet(subnets: tuple[Subnet, ...], address: str | None) -> str | None:
    """The subnet whose CIDR holds ``address`` (None if no address or no subnet holds it)."""
    if not address:
        return None
    ip = ipaddress.ip_address(address)
    for subnet in subnets:
        if ip in ipaddress.ip_network(subnet.cidr):
            return subnet.subnet_id
    return None


def _service(action: object) -> str:
    return "?" if is_missing(action) else str(action).split(":", 1)[0]


def path_counts(frame: pd.DataFrame) -> dict[str, Counts]:
    """Counts per path and service: ``endpoint:logs``, ``public:events``, ``no answer``."""
    keys = []
    for via, action in zip(frame["via_endpoint"], frame["action"], strict=True):
        if is_missing(via):
            keys.append("no answer")
        else:
            keys.append(f"{'endpoint' if bool(via) else 'public'}:{_service(action)}")
    grouped = frame.assign(_path=keys).groupby("_path", sort=True)
    return {str(key): Counts.of(rows) for key, rows in grouped}


def who_counts(frame: pd.DataFrame) -> dict[str, Counts]:
    """Counts per lab identity that made the calls."""
    return {str(who): Counts.of(rows) for who, rows in frame.groupby("who", sort=True)}


def _endpoint(lab: Lab, service: str) -> EndpointFacts | None:
    found = lab.endpoint(service)
    if not found:
        return None
    enis = lab.enis(service)
    text = policy_in_force(lab, service)  # unmasked, so a template still matches when redacting
    return EndpointFacts(
        service=service,
        endpoint_id=str(found.get("VpcEndpointId", "")),
        state=str(found.get("State", "")),
        private_dns=bool(found.get("PrivateDnsEnabled")),
        policy_name=template_name(lab, text) or "custom",
        policy_lines=tuple(policy_summary(text)),
        enis=tuple(
            Eni(str(r.NetworkInterfaceId), str(r.SubnetId), str(r.PrivateIpAddress), service)
            for r in enis.itertuples()
        ),
    )


def _route_table(ec2: Any, vpc_id: str, subnet_id: str | None) -> tuple[str | None, list[Route]]:
    """The route table of ``subnet_id`` (else the VPC's main one), as DescribeRouteTables says."""
    tables = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])
    found = tables.get("RouteTables", [])
    chosen = next(
        (
            t
            for t in found
            if any(a.get("SubnetId") == subnet_id for a in t.get("Associations", []))
        ),
        next((t for t in found if any(a.get("Main") for a in t.get("Associations", []))), None),
    )
    if chosen is None and found:
        chosen = found[0]
    if chosen is None:
        return None, []
    routes = [
        Route(
            str(r.get("DestinationCidrBlock") or r.get("DestinationPrefixListId") or "?"),
            str(r.get("GatewayId") or r.get("NatGatewayId") or r.get("VpcEndpointId") or "?"),
        )
        for r in chosen.get("Routes", [])
    ]
    return str(chosen.get("RouteTableId")), routes


def _gateways(ec2: Any, vpc_id: str) -> list[NetworkGateway]:
    """The VPC's internet gateways and available NAT gateways."""
    igws = ec2.describe_internet_gateways(
        Filters=[{"Name": "attachment.vpc-id", "Values": [vpc_id]}]
    ).get("InternetGateways", [])
    found = [NetworkGateway(N_("internet gateway"), str(g["InternetGatewayId"])) for g in igws]
    nats = ec2.describe_nat_gateways(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}]).get(
        "NatGateways", []
    )
    found += [
        NetworkGateway(N_("NAT gateway"), str(n["NatGatewayId"]))
        for n in nats
        if str(n.get("State", "available")) == "available"
    ]
    return found


def _inbound(permission: Mapping[str, Any]) -> list[str]:
    low, high = permission.get("FromPort"), permission.get("ToPort")
    ports = "all ports" if low in (None, -1) else str(low) if low == high else f"{low}-{high}"
    protocol = str(permission.get("IpProtocol", "?")).replace("-1", "all")
    sources = [r.get("CidrIp") for r in permission.get("IpRanges", [])]
    sources += [g.get("GroupId") for g in permission.get("UserIdGroupPairs", [])]
    return [f"in {protocol} {ports} from {source}" for source in sources if source]


def _groups(ec2: Any, group_ids: list[str]) -> list[SecurityGroup]:
    if not group_ids:
        return []
    described = ec2.describe_security_groups(GroupIds=group_ids).get("SecurityGroups", [])
    return [
        SecurityGroup(
            str(g["GroupId"]),
            str(g.get("GroupName", "")),
            tuple(line for p in g.get("IpPermissions", []) for line in _inbound(p)),
        )
        for g in described
    ]


def picture(lab: Lab, shown: tuple[str, ...] = DATA_SERVICES) -> LabPicture:
    """Read the lab now: VPC, subnets, instance, endpoints with ENIs and policy, last results."""
    facts = lab.backend.network()
    endpoints = tuple(e for e in (_endpoint(lab, s) for s in shown) if e is not None)
    last = lab.history[-1] if lab.history else None
    ec2 = lab.backend.client("ec2", "admin")
    subnet = facts.instance_subnet or instance_subnet(
        tuple(facts.subnets), facts.instance_private_ip
    )
    table_id, routes = _route_table(ec2, facts.vpc_id, subnet)
    group_ids = sorted({g for e in endpoints for g in _endpoint_groups(lab, e.service)})
    return LabPicture(
        account_id=lab.account_id,
        region=lab.region,
        vpc_id=facts.vpc_id,
        vpc_cidr=facts.vpc_cidr,
        subnets=tuple(facts.subnets),
        instance_id=facts.instance_id,
        instance_address=facts.instance_private_ip,
        instance_subnet=subnet,
        endpoints=endpoints,
        other_accounts=tuple(facts.other_accounts),
        paths=path_counts(last) if last is not None else {},
        by_who=who_counts(last) if last is not None else {},
        last_run=0 if last is None else len(last),
        route_table_id=table_id,
        routes=tuple(routes),
        gateways=tuple(_gateways(ec2, facts.vpc_id)),
        endpoint_groups=tuple(_groups(ec2, group_ids)),
    )


def _endpoint_groups(lab: Lab, service: str) -> list[str]:
    found = lab.endpoint(service) or {}
    return [str(g.get("GroupId")) for g in found.get("Groups", []) if g.get("GroupId")]
