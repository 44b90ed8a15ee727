"""What a real interface endpoint looks like: default policies, DNS entries, ENI addresses.

Pure functions (no moto, no I/O) so that the adapter can apply them and the tests can check them.
"""

from __future__ import annotations

import ipaddress
import random
import string
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from labkit import services

# aws-fidelity §1.12: the default *interface* endpoint policy exactly as DescribeVpcEndpoints
# returns it (a Python-2 style pretty print: ", " before each newline, no Version).
DEFAULT_INTERFACE_POLICY = (
    "{\n"
    '  "Statement": [\n'
    "    {\n"
    '      "Action": "*", \n'
    '      "Effect": "Allow", \n'
    '      "Principal": "*", \n'
    '      "Resource": "*"\n'
    "    }\n"
    "  ]\n"
    "}"
)
# aws-fidelity §1.12: the default *gateway* endpoint policy (compact, Version 2008-10-17).
DEFAULT_GATEWAY_POLICY = (
    '{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*",'
    '"Resource":"*"}]}'
)
# The largest endpoint policy AWS accepts, whitespace included (aws-fidelity §1.18).
MAX_POLICY_CHARS = 20_480

# Hosted zone of each Region's public ``vpce.amazonaws.com`` names (aws-fidelity §5.12).
VPCE_PUBLIC_ZONE = {
    "ap-northeast-1": "Z2E726K9Y6RL4W",
    "us-east-1": "Z7HUB22UULQXV",
    "us-east-2": "ZC8PG0KIFKBRI",
}
ZONE_ID_PENDING = "ZONEIDPENDING"

# Gateway-only services (CreateVpcEndpoint defaults to Gateway, aws-fidelity §5.1).
GATEWAY_SERVICES = {"s3", "dynamodb"}


@dataclass(frozen=True)
class EndpointDnsEntry:
    """One ``DnsEntries`` item."""

    dns_name: str
    hosted_zone_id: str

    def to_wire(self) -> dict[str, str]:
        """The shape moto's serializer writes as ``{DnsName, HostedZoneId}``."""
        return {"DnsName": self.dns_name, "HostedZoneId": self.hosted_zone_id}


def service_short_name(service_name: str, region: str) -> str | None:
    """``com.amazonaws.<region>.logs`` → ``logs``; None for other shapes or Regions."""
    prefix = f"com.amazonaws.{region}."
    if not service_name.startswith(prefix):
        return None
    short = service_name[len(prefix) :]
    return short or None


def private_dns_name(service_name: str, region: str) -> str | None:
    """The private DNS name an endpoint for ``service_name`` serves, if the lab knows it."""
    short = service_short_name(service_name, region)
    if short is None:
        return None
    known = services.by_endpoint_service(service_name, region)
    return known.hostname(region) if known else f"{short}.{region}.amazonaws.com"


def private_dns_names(service_name: str, region: str) -> tuple[str, ...]:
    """Every name an endpoint's private DNS answers: the service's name and its prefixed names.

    A ``logs`` endpoint also answers ``stream-logs.<region>.amazonaws.com`` (StartLiveTail's
    name, which "supports VPC endpoints", aws-facts-2026 §1.14; whether AWS serves it from the
    ``logs`` endpoint or a separate ``stream-logs`` one is [unknown], §1.17). The private zone
    holds the Region's ``amazonaws.com`` names only: not the dual-stack ``.api.aws`` name
    (§1.21, [unknown]: the lab's assumption), not ``streaming-logs`` (no VPC endpoint, §1.14).
    A ``-fips`` endpoint service answers the FIPS name.
    """
    known = services.by_endpoint_service(service_name, region)
    if known is not None:
        if service_name.endswith("-fips"):
            return (known.fips_hostname(region),)
        return known.hostnames(region)
    name = private_dns_name(service_name, region)
    return (name,) if name else ()


def private_dns_covers(service_name: str, region: str, name: str) -> bool:
    """Whether an endpoint for ``service_name`` with private DNS on answers ``name``.

    An ``eventsv2`` endpoint also answers the account-prefixed names
    (``111122223333.eventsv2.<region>.amazonaws.com``) that SDKs send PutEvents to (§1.10);
    whether AWS's zone covers them is [unknown] (§1.11): the lab's assumption.
    """
    names = private_dns_names(service_name, region)
    if name in names:
        return True
    known = services.by_endpoint_service(service_name, region)
    if known is None or not known.account_prefixed:
        return False
    head, _, rest = name.partition(".")
    return len(head) == 12 and head.isdigit() and rest in names


def random_dns_suffix(rng: random.Random | None = None) -> str:
    """The 8 lowercase alphanumerics AWS puts after ``vpce-<id>-`` (e.g. ``5ltns582``)."""
    rng = rng or random.SystemRandom()
    return "".join(rng.choice(string.ascii_lowercase + string.digits) for _ in range(8))


def random_private_zone_id(rng: random.Random | None = None) -> str:
    """A private hosted-zone id in AWS's shape (``Z`` + 12 uppercase alphanumerics)."""
    rng = rng or random.SystemRandom()
    return "Z" + "".join(rng.choice(string.ascii_uppercase + string.digits) for _ in range(12))


def dns_entries(
    *,
    vpce_id: str,
    suffix: str,
    service_name: str,
    region: str,
    availability_zones: Sequence[str],
    private_dns: bool,
    private_zone_id: str | None,
) -> list[EndpointDnsEntry]:
    """``DnsEntries`` of an interface endpoint (aws-fidelity §5.12, TV43).

    Regional endpoint-specific name first, then one zonal name per AZ, then (with private DNS)
    the service's own name, whose zone id is ``ZONEIDPENDING`` until the endpoint is available.
    """
    short = service_short_name(service_name, region) or service_name
    public_zone = VPCE_PUBLIC_ZONE.get(region, "Z2E726K9Y6RL4W")
    base = f"{vpce_id}-{suffix}"
    domain = f"{short}.{region}.vpce.amazonaws.com"
    entries = [EndpointDnsEntry(f"{base}.{domain}", public_zone)]
    entries += [EndpointDnsEntry(f"{base}-{az}.{domain}", public_zone) for az in availability_zones]
    name = private_dns_name(service_name, region)
    if private_dns and name:
        entries.append(EndpointDnsEntry(name, private_zone_id or ZONE_ID_PENDING))
    return entries


def allocate_address(cidr: str, used: Iterable[str], rng: random.Random | None = None) -> str:
    """A free host address in ``cidr``, skipping AWS's five reserved addresses per subnet.

    AWS reserves the network address, the next three (router, DNS, future use) and the
    broadcast address. Raises ``ValueError`` when the subnet is full.
    """
    network = ipaddress.IPv4Network(cidr)
    taken = {ipaddress.IPv4Address(a) for a in used if a}
    first = int(network.network_address) + 4
    last = int(network.broadcast_address) - 1
    if last < first:
        raise ValueError(f"subnet {cidr} has no usable addresses")
    rng = rng or random.SystemRandom()
    for _ in range(64):
        candidate = ipaddress.IPv4Address(rng.randint(first, last))
        if candidate not in taken:
            return str(candidate)
    for value in range(first, last + 1):
        if ipaddress.IPv4Address(value) not in taken:
            return str(ipaddress.IPv4Address(value))
    raise ValueError(f"subnet {cidr} has no free address left")


def eni_description(vpce_id: str) -> str:
    """The Description AWS gives an endpoint's network interface."""
    return f"VPC Endpoint Interface {vpce_id}"


def private_ip_dns_name(ip: str, region: str) -> str:
    """EC2's private DNS name of an address: ``ip-172-31-10-63.<region>.compute.internal``."""
    host = "ip-" + ip.replace(".", "-")
    if region == "us-east-1":
        return f"{host}.ec2.internal"
    return f"{host}.{region}.compute.internal"
