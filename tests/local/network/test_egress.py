"""Routing that follows DNS, decided on a fake VPC (the real VPC is in test_routing.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from labkit.backend.record import NetworkRoute
from labkit.local.network.egress import (
    INTERNET_CLIENT_IP,
    NAT_PUBLIC_IP,
    Blocked,
    route_from_instance,
    route_from_internet,
    signing_service,
)
from labkit.local.wire.http import Incoming

ENIS = ["172.31.10.218", "172.31.20.109", "172.31.44.227"]


@dataclass
class Endpoint:
    id: str = "vpce-0a1b2c3d4e5f6a7b8"
    vpc_id: str = "vpc-1"
    security_group_ids: tuple[str, ...] = ("sg-https",)


@dataclass
class Instance:
    vpc_id: str = "vpc-1"
    subnet_id: str = "subnet-a"
    private_ip: str = "172.31.0.4"
    public_ip: str | None = "54.0.0.4"


@dataclass
class FakeVpc:
    region: str = "ap-northeast-1"
    private_dns: bool = True
    endpoint: Endpoint | None = field(default_factory=Endpoint)
    sg_open: bool = True
    way_out: str | None = "igw"
    machine: Instance = field(default_factory=Instance)
    asked: list[tuple[str, str]] = field(default_factory=list)
    readings: list[list[Any]] = field(default_factory=list)
    handed: list[Any] = field(default_factory=list)

    def endpoints(self) -> list[Any]:
        reading = [self.endpoint]
        self.readings.append(reading)
        return reading

    def resolve(self, name: str, view: str, endpoints: Any = None) -> list[str] | None:
        self.asked.append((name, view))
        self.handed.append(endpoints)
        if view == "vpc" and self.private_dns and self.endpoint is not None:
            return ENIS
        return ["203.0.113.10"]

    def instance(self) -> Instance:
        return self.machine

    def endpoint_for_ip(self, ip: str, endpoints: Any = None) -> Endpoint | None:
        self.handed.append(endpoints)
        return self.endpoint if ip in ENIS else None

    def sg_allows(self, group_ids: Any, src_ip: str, port: int) -> bool:
        return self.sg_open and port == 443 and src_ip == self.machine.private_ip

    def route_to_internet(self, subnet_id: str) -> str | None:
        return self.way_out

    def works_outside(self, access_key_id: str) -> bool:
        return access_key_id == "AKIAADMIN"


def test_private_dns_on_sends_the_call_through_the_endpoint() -> None:
    vpc = FakeVpc()
    route = route_from_instance(vpc, "logs")  # type: ignore[arg-type]
    assert isinstance(route, NetworkRoute)
    assert vpc.asked == [("logs.ap-northeast-1.amazonaws.com", "vpc")]
    assert route.via_endpoint and route.vpce_id == "vpce-0a1b2c3d4e5f6a7b8"
    assert (route.vpc_id, route.source_ip, route.address) == ("vpc-1", "172.31.0.4", ENIS[0])


def test_an_endpoint_whose_security_group_refuses_443_times_out() -> None:
    blocked = route_from_instance(FakeVpc(sg_open=False), "logs")  # type: ignore[arg-type]
    assert isinstance(blocked, Blocked)
    assert "connection timed out" in blocked.reason
    assert "do not allow TCP 443 from the instance's address 172.31.0.4" in blocked.reason


def test_private_dns_off_takes_the_public_path_with_the_public_ip() -> None:
    route = route_from_instance(FakeVpc(private_dns=False), "logs")  # type: ignore[arg-type]
    assert isinstance(route, NetworkRoute) and not route.via_endpoint
    assert (route.source_ip, route.vpce_id, route.address) == ("54.0.0.4", None, "203.0.113.10")


def test_the_public_path_without_a_route_out_times_out() -> None:
    vpc = FakeVpc(private_dns=False, way_out=None)
    blocked = route_from_instance(vpc, "logs")  # type: ignore[arg-type]
    assert isinstance(blocked, Blocked)
    assert "no 0.0.0.0/0 route to an internet or NAT gateway" in blocked.reason


def test_an_internet_gateway_needs_a_public_address() -> None:
    vpc = FakeVpc(private_dns=False, machine=Instance(public_ip=None))
    blocked = route_from_instance(vpc, "logs")  # type: ignore[arg-type]
    assert isinstance(blocked, Blocked) and "no public IPv4 address" in blocked.reason


def test_a_nat_gateway_carries_the_call_from_its_own_address() -> None:
    vpc = FakeVpc(private_dns=False, way_out="nat", machine=Instance(public_ip=None))
    route = route_from_instance(vpc, "logs")  # type: ignore[arg-type]
    assert isinstance(route, NetworkRoute) and route.source_ip == NAT_PUBLIC_IP


def test_an_endpoint_in_another_vpc_is_unreachable() -> None:
    vpc = FakeVpc(endpoint=Endpoint(vpc_id="vpc-other"))
    assert isinstance(route_from_instance(vpc, "logs"), Blocked)  # type: ignore[arg-type]


def test_calls_from_the_internet_use_the_public_view_and_path() -> None:
    vpc = FakeVpc()
    route = route_from_internet(vpc, "events")  # type: ignore[arg-type]
    assert vpc.asked == [("events.ap-northeast-1.amazonaws.com", "public")]
    assert not route.via_endpoint and route.source_ip == INTERNET_CLIENT_IP
    assert route.listener == "internet"


@pytest.mark.parametrize(
    ("headers", "service"),
    [
        ((("X-Amz-Target", "Logs_20140328.PutLogEvents"),), "logs"),
        ((("X-Amz-Target", "AWSEvents.PutEvents"),), "events"),
        (
            (
                (
                    "Authorization",
                    "AWS4-HMAC-SHA256 Credential=AKID/20261128/ap-northeast-1/events/aws4_request,"
                    " SignedHeaders=host, Signature=0",
                ),
            ),
            "events",
        ),
        ((("X-Amz-Target", "Nope.Op"),), None),
        (
            (
                (
                    "Authorization",
                    "AWS4-HMAC-SHA256 Credential=AKID/20261128/us-east-1/iam/aws4_request,"
                    " SignedHeaders=host, Signature=0",
                ),
            ),
            "iam",
        ),
    ],
)
def test_the_service_comes_from_the_target_or_the_credential_scope(
    headers: tuple[tuple[str, str], ...], service: str | None
) -> None:
    incoming = Incoming("POST", "/", headers, b"", ("127.0.0.1", 1))
    assert signing_service(incoming) == service


def test_routing_reads_the_endpoints_once_for_the_answer_and_the_address() -> None:
    vpc = FakeVpc()
    route = route_from_instance(vpc, "logs")  # type: ignore[arg-type]
    assert not isinstance(route, Blocked) and route.via_endpoint
    assert len(vpc.readings) == 1
    assert vpc.handed == [vpc.readings[0], vpc.readings[0]]
