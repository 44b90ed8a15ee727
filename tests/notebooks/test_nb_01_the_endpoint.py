"""Notebook 01 (the endpoint): subnets, lifecycle, one ENI per subnet inside it, DNS, cost."""

from __future__ import annotations

import ipaddress
import re

import pytest
from nbrun import run_notebook

pytestmark = [pytest.mark.notebooks, pytest.mark.slow]
NAME = "01_the_endpoint.ipynb"


@pytest.fixture(scope="module")
def stored():
    return run_notebook(NAME)


def test_three_subnets_of_the_default_vpc(stored) -> None:
    shown = stored.plain("network")
    cidrs = re.findall(r"\b172\.31\.\d+\.0/20\b", shown)
    assert sorted(cidrs) == ["172.31.0.0/20", "172.31.16.0/20", "172.31.32.0/20"]
    for zone in ("ap-northeast-1a", "ap-northeast-1c", "ap-northeast-1d"):
        assert zone in shown


def test_the_endpoint_went_pending_then_available(stored) -> None:
    assert stored.plain("lifecycle").strip() == "['pending', 'available']"
    created = stored.plain("create")
    assert "com.amazonaws.ap-northeast-1.logs" in created
    assert re.search(r"State\s+available", created)
    assert re.search(r"VpcEndpointType\s+Interface", created)


def test_one_eni_per_subnet_with_an_address_inside_it(stored) -> None:
    rows = [
        line.split()
        for line in stored.plain("enis").splitlines()
        if re.match(r"^\d+\s+ap-northeast-1", line)
    ]
    assert len(rows) == 3
    zones = {row[1] for row in rows}
    assert zones == {"ap-northeast-1a", "ap-northeast-1c", "ap-northeast-1d"}
    for _index, _zone, cidr, address, inside in rows:
        assert ipaddress.ip_address(address) in ipaddress.ip_network(cidr)  # recomputed here
        assert inside == "True"
    assert len({row[3] for row in rows}) == 3


def test_dns_entries_list_the_endpoint_names_and_the_service_name(stored) -> None:
    shown = stored.plain("dns-entries")
    assert len(re.findall(r"^\d+\s+vpce-", shown, flags=re.M)) == 4  # regional + one per zone
    assert re.search(r"^\d+\s+logs\.ap-northeast-1\.amazonaws\.com\s", shown, flags=re.M)


def test_default_policy_and_the_hourly_cost(stored) -> None:
    policy = stored.plain("policy")
    assert '"Principal": "*"' in policy and '"Resource": "*"' in policy
    cost = stored.plain("cost")
    assert "3 AZ × $0.014/h = $0.042 per hour" in cost and "ap-northeast-1" in cost
