"""Which path a call from the instance took, from the address its connection reached.

Inside a VPC, the service's name resolves to the private addresses of an interface endpoint's
network interfaces when that endpoint has private DNS on, and to public addresses otherwise. The
instance script records the address each connection reached; matched against the endpoints'
network interfaces in the VPC it says "through endpoint vpce-…" or "public path". An address in
the VPC that is no endpoint's, or no connection at all, leaves the path unknown.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from labkit.backend.record import NetworkRoute


@dataclass(frozen=True)
class EndpointAddress:
    """One private address of an interface endpoint's network interface."""

    vpce_id: str
    service_name: str


def endpoint_addresses(ec2: Any, vpc_id: str) -> dict[str, EndpointAddress]:
    """Every endpoint network interface address in the VPC (any owner: reading is harmless)."""
    endpoints = ec2.describe_vpc_endpoints(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])[
        "VpcEndpoints"
    ]
    by_interface: dict[str, EndpointAddress] = {}
    for endpoint in endpoints:
        for interface in endpoint.get("NetworkInterfaceIds", []):
            by_interface[interface] = EndpointAddress(
                endpoint["VpcEndpointId"], endpoint.get("ServiceName", "")
            )
    if not by_interface:
        return {}
    found = ec2.describe_network_interfaces(NetworkInterfaceIds=list(by_interface))[
        "NetworkInterfaces"
    ]
    return {
        eni["PrivateIpAddress"]: by_interface[eni["NetworkInterfaceId"]]
        for eni in found
        if eni.get("PrivateIpAddress")
    }


def route_of(
    answer: Mapping[str, Any],
    addresses: Mapping[str, EndpointAddress],
    *,
    vpc_id: str,
    vpc_cidr: str,
    source_ip: str,
) -> NetworkRoute | None:
    """The path of one call, from the instance script's record of it (None: unknown)."""
    peer = answer.get("peer")
    name = str(answer.get("host") or "")
    if not peer:
        return None
    if peer in addresses:
        return NetworkRoute(
            via_endpoint=True,
            source_ip=source_ip,
            listener="instance",
            vpce_id=addresses[peer].vpce_id,
            vpc_id=vpc_id,
            name=name,
            address=peer,
        )
    try:
        inside = ipaddress.ip_address(peer) in ipaddress.ip_network(vpc_cidr)
    except ValueError:
        return None
    if inside:
        return None  # an address in the VPC that is no endpoint's: the path is not known
    return NetworkRoute(
        via_endpoint=False, source_ip=source_ip, listener="instance", name=name, address=peer
    )
