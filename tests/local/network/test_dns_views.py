"""The DNS responder over the seeded VPC: the answers the VPC resolver and public DNS give."""

from __future__ import annotations

import ipaddress
from typing import Any

import dns.message
import dns.query
import dns.rcode
import pytest
from dataplane_doubles import ScriptedDecider
from lab_world import World

NAME = "logs.ap-northeast-1.amazonaws.com"


def ask(server: tuple[str, int], name: str, rdtype: str = "A") -> dns.message.Message:
    return dns.query.udp(dns.message.make_query(name, rdtype), server[0], port=server[1], timeout=2)


def addresses(reply: dns.message.Message) -> list[str]:
    return sorted(r.address for rrset in reply.answer for r in rrset)


@pytest.fixture
def views(world: World, plane_factory: Any) -> dict[str, Any]:
    world.delete_endpoints()
    _, urls = plane_factory(ScriptedDecider())
    return urls


def test_private_dns_on_answers_one_eni_per_subnet_with_ttl_60(
    world: World, views: dict[str, Any]
) -> None:
    vpce = world.create_endpoint("logs")
    reply = ask(views["dns_vpc"], NAME)
    assert reply.rcode() == dns.rcode.NOERROR and reply.answer[0].ttl == 60
    found = addresses(reply)
    assert len(found) == 3
    subnets = {
        eni.subnet_id: ipaddress.ip_address(eni.ip) for eni in world.state.endpoint(vpce).enis
    }
    cidrs = {s["SubnetId"]: s["CidrBlock"] for s in world.ec2().describe_subnets()["Subnets"]}
    assert sorted(str(ip) for ip in subnets.values()) == found
    for subnet_id, ip in subnets.items():
        assert ip in ipaddress.ip_network(cidrs[subnet_id])
        assert ip in ipaddress.ip_network("172.31.0.0/16")


def test_outside_the_vpc_the_service_name_is_public(world: World, views: dict[str, Any]) -> None:
    world.create_endpoint("logs")
    public = addresses(ask(views["dns_public"], NAME))
    assert public == world.state.resolve(NAME, "public")
    assert not any(ipaddress.ip_address(a) in ipaddress.ip_network("172.31.0.0/16") for a in public)


def test_private_dns_off_answers_public_addresses_inside_the_vpc(
    world: World, views: dict[str, Any]
) -> None:
    world.create_endpoint("logs", private_dns=False)
    assert addresses(ask(views["dns_vpc"], NAME)) == addresses(ask(views["dns_public"], NAME))


def test_endpoint_specific_names_answer_in_both_views(world: World, views: dict[str, Any]) -> None:
    vpce = world.create_endpoint("logs", private_dns=False)
    endpoint = world.state.endpoint(vpce)
    regional, *zonal = endpoint.dns_names
    by_az = endpoint.ips_by_az()
    for view in ("dns_vpc", "dns_public"):
        assert addresses(ask(views[view], regional)) == sorted(endpoint.ips)
        for name in zonal:
            az = next(zone for zone in by_az if name.split(".", 1)[0].endswith(zone))
            assert addresses(ask(views[view], name)) == [by_az[az]]


def test_unknown_names_are_nxdomain_and_aaaa_is_nodata(world: World, views: dict[str, Any]) -> None:
    world.create_endpoint("logs")
    assert ask(views["dns_vpc"], "no-such-service.example").rcode() == dns.rcode.NXDOMAIN
    aaaa = ask(views["dns_vpc"], NAME, "AAAA")
    assert aaaa.rcode() == dns.rcode.NOERROR and not aaaa.answer


def test_the_answer_follows_the_state_at_once(world: World, views: dict[str, Any]) -> None:
    public = addresses(ask(views["dns_vpc"], NAME))
    vpce = world.create_endpoint("logs")
    private = addresses(ask(views["dns_vpc"], NAME))
    assert private != public and len(private) == 3
    world.ec2().delete_vpc_endpoints(VpcEndpointIds=[vpce])
    assert addresses(ask(views["dns_vpc"], NAME)) == public
