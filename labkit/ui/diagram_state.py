"""What the lab diagram shows, read from the lab's live state (EC2 API and the last probe run).

:func:`picture` asks the lab (network, endpoints, their ENIs and policies, ``lab.history``) and
returns plain values; :mod:`labkit.ui.diagram` draws them. Nothing here is typed in: a lab
without an endpoint gives a picture without one.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

from labkit import services
from labkit.backend.contract import Subnet
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


def picture(lab: Lab, shown: tuple[str, ...] = DATA_SERVICES) -> LabPicture:
    """Read the lab now: VPC, subnets, instance, endpoints with ENIs and policy, last results."""
    facts = lab.backend.network()
    endpoints = tuple(e for e in (_endpoint(lab, s) for s in shown) if e is not None)
    last = lab.history[-1] if lab.history else None
    return LabPicture(
        account_id=lab.account_id,
        region=lab.region,
        vpc_id=facts.vpc_id,
        vpc_cidr=facts.vpc_cidr,
        subnets=tuple(facts.subnets),
        instance_id=facts.instance_id,
        instance_address=facts.instance_private_ip,
        instance_subnet=facts.instance_subnet
        or instance_subnet(tuple(facts.subnets), facts.instance_private_ip),
        endpoints=endpoints,
        other_accounts=tuple(facts.other_accounts),
        paths=path_counts(last) if last is not None else {},
        by_who=who_counts(last) if last is not None else {},
        last_run=0 if last is None else len(last),
    )
