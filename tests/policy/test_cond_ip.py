"""IpAddress / NotIpAddress: IPv4 and IPv6 ranges, bare addresses, missing aws:SourceIp."""

from __future__ import annotations

import ipaddress

import pytest
from hypothesis import given
from hypothesis import strategies as st
from policy_helpers import holds


@pytest.mark.parametrize(
    ("operator", "values", "value", "expected"),
    [
        ("IpAddress", "203.0.113.0/24", "203.0.113.7", True),
        ("IpAddress", "203.0.113.0/24", "203.0.114.7", False),
        ("IpAddress", "203.0.113.7", "203.0.113.7", True),
        ("IpAddress", "203.0.113.9/24", "203.0.113.7", True),
        ("IpAddress", ["10.0.0.0/8", "2001:DB8:1234:5678::/64"], "2001:db8:1234:5678::1", True),
        ("IpAddress", "0.0.0.0/0", "2001:db8::1", False),
        ("IpAddress", "172.31.0.0/16", "not an ip", False),
        ("NotIpAddress", "172.31.0.0/16", "172.31.10.218", False),
        ("NotIpAddress", "172.31.0.0/16", "8.8.8.8", True),
    ],
)
def test_ip_operators(operator: str, values: object, value: str, expected: bool) -> None:
    assert holds(operator, values, value) is expected


def test_missing_source_ip_through_an_endpoint() -> None:
    # aws:SourceIp is absent when the request comes through a VPC endpoint.
    assert holds("IpAddress", "203.0.113.0/24", None) is False
    assert holds("NotIpAddress", "203.0.113.0/24", None) is True


@given(st.ip_addresses(v=4), st.integers(0, 32))
def test_membership_agrees_with_ipaddress(address: ipaddress.IPv4Address, prefix: int) -> None:
    network = ipaddress.ip_network(f"{address}/{prefix}", strict=False)
    assert holds("IpAddress", str(network), str(address))
    outside = (
        network.broadcast_address + 1
        if network.broadcast_address < ipaddress.IPv4Address("255.255.255.255")
        else None
    )
    if outside is not None:
        assert not holds("IpAddress", str(network), str(outside))
