"""IP operators: ``IpAddress``, ``NotIpAddress`` (IPv4/IPv6 CIDR; a bare address is /32 or /128)."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

from labkit.policy.conditions.base import Matcher, OperatorSpec
from labkit.policy.variables import Template

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_network(text: str) -> Network | None:
    """``text`` as a network (host bits allowed), or ``None``."""
    try:
        return ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        return None


def check_network(text: str) -> str | None:
    """Problem with an IP policy value, if any."""
    return (
        None if parse_network(text) is not None else f"{text!r} is not an IP address or CIDR range"
    )


def build_ip(templates: Sequence[Template]) -> Matcher:
    """True if the request address lies in any of the policy ranges."""
    networks = [n for t in templates if (n := parse_network(t.raw)) is not None]

    def match(value: str, _context: object) -> bool:
        try:
            address = ipaddress.ip_address(value.strip())
        except ValueError:
            return False
        return any(address.version == n.version and address in n for n in networks)

    return match


OPERATORS = (
    OperatorSpec("IpAddress", "IpAddress", build_ip, check_value=check_network),
    OperatorSpec("NotIpAddress", "IpAddress", build_ip, negated=True, check_value=check_network),
)
