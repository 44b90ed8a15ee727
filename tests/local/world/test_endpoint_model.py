"""Pure pieces of the endpoint model: default policies, DNS entries, address allocation."""

from __future__ import annotations

import ipaddress
import json
import random

import pytest

from labkit.local.front.ec2.errors import Ec2Error
from labkit.local.front.ec2.query import QueryParams
from labkit.local.world.endpoint_model import (
    DEFAULT_GATEWAY_POLICY,
    DEFAULT_INTERFACE_POLICY,
    ZONE_ID_PENDING,
    allocate_address,
    dns_entries,
    private_dns_name,
    random_dns_suffix,
    random_private_zone_id,
    service_short_name,
)


def test_default_interface_policy_is_aws_wire_text() -> None:
    # aws-fidelity §1.12, verbatim.
    expected = (
        '{\n  "Statement": [\n    {\n      "Action": "*", \n      "Effect": "Allow", \n'
        '      "Principal": "*", \n      "Resource": "*"\n    }\n  ]\n}'
    )
    assert expected == DEFAULT_INTERFACE_POLICY
    assert "Version" not in json.loads(DEFAULT_INTERFACE_POLICY)
    assert json.loads(DEFAULT_GATEWAY_POLICY)["Version"] == "2008-10-17"
    assert " " not in DEFAULT_GATEWAY_POLICY


def test_dns_entries_order_and_zones() -> None:
    entries = dns_entries(
        vpce_id="vpce-0a1b2c3d4e5f6a7b8",
        suffix="5ltns582",
        service_name="com.amazonaws.ap-northeast-1.logs",
        region="ap-northeast-1",
        availability_zones=["ap-northeast-1c", "ap-northeast-1a"],
        private_dns=True,
        private_zone_id=None,
    )
    assert [(e.dns_name, e.hosted_zone_id) for e in entries] == [
        (
            "vpce-0a1b2c3d4e5f6a7b8-5ltns582.logs.ap-northeast-1.vpce.amazonaws.com",
            "Z2E726K9Y6RL4W",
        ),
        (
            "vpce-0a1b2c3d4e5f6a7b8-5ltns582-ap-northeast-1c.logs.ap-northeast-1.vpce.amazonaws.com",
            "Z2E726K9Y6RL4W",
        ),
        (
            "vpce-0a1b2c3d4e5f6a7b8-5ltns582-ap-northeast-1a.logs.ap-northeast-1.vpce.amazonaws.com",
            "Z2E726K9Y6RL4W",
        ),
        ("logs.ap-northeast-1.amazonaws.com", ZONE_ID_PENDING),
    ]
    without = dns_entries(
        vpce_id="vpce-0a1b2c3d4e5f6a7b8",
        suffix="5ltns582",
        service_name="com.amazonaws.ap-northeast-1.logs",
        region="ap-northeast-1",
        availability_zones=[],
        private_dns=False,
        private_zone_id="Z1K56Z6FNPJRR",
    )
    assert len(without) == 1


def test_identifiers_have_aws_shapes() -> None:
    suffix = random_dns_suffix(random.Random(1))
    assert len(suffix) == 8 and suffix == suffix.lower() and suffix.isalnum()
    zone = random_private_zone_id(random.Random(1))
    assert len(zone) == 13 and zone.startswith("Z") and zone == zone.upper()


def test_service_names() -> None:
    assert service_short_name("com.amazonaws.ap-northeast-1.logs", "ap-northeast-1") == "logs"
    assert service_short_name("com.amazonaws.us-east-1.logs", "ap-northeast-1") is None
    assert private_dns_name("com.amazonaws.ap-northeast-1.events", "ap-northeast-1") == (
        "events.ap-northeast-1.amazonaws.com"
    )


def test_allocation_skips_reserved_and_used_addresses() -> None:
    network = ipaddress.ip_network("172.31.0.0/28")  # 16 addresses, 11 usable
    used: list[str] = []
    for _ in range(11):
        used.append(allocate_address(str(network), used, random.Random(len(used))))
    offsets = sorted(int(ipaddress.ip_address(a)) - int(network.network_address) for a in used)
    assert offsets == list(range(4, 15))
    with pytest.raises(ValueError, match="no free address"):
        allocate_address(str(network), used)


def test_query_params_lists_and_booleans() -> None:
    params = QueryParams.parse(
        b"Action=ModifyVpcEndpoint&AddSubnetId.2=b&AddSubnetId.1=a&ResetPolicy=true&DryRun=maybe"
    )
    assert params.action == "ModifyVpcEndpoint"
    assert params.list("AddSubnetId") == ["a", "b"]
    assert params.boolean("ResetPolicy") is True
    assert params.boolean("PrivateDnsEnabled") is None
    with pytest.raises(Ec2Error) as excinfo:
        params.boolean("DryRun")
    assert excinfo.value.code == "InvalidParameterValue"
