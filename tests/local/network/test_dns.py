"""The DNS responder as dnspython (a real resolver library) sees it, over UDP and TCP."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import dns.flags
import dns.message
import dns.query
import dns.rcode
import dns.rdatatype
import pytest

from labkit.local.network.dns import DnsResponder

NAMES = {
    ("vpc", "logs.ap-northeast-1.amazonaws.com"): [
        "172.31.10.218",
        "172.31.20.109",
        "172.31.44.227",
    ],
    ("public", "logs.ap-northeast-1.amazonaws.com"): ["203.0.113.10"],
}


def resolve(name: str, view: str) -> list[str] | None:
    return NAMES.get((view, name.lower()))


@pytest.fixture
def responder() -> Iterator[DnsResponder]:
    server = DnsResponder(resolve)  # type: ignore[arg-type]
    server.start()
    yield server
    server.stop()


def ask(
    server: tuple[str, int], name: str, rdtype: str = "A", *, tcp: bool = False, edns: bool = True
) -> dns.message.Message:
    query = dns.message.make_query(name, rdtype, use_edns=0 if edns else False)
    send = dns.query.tcp if tcp else dns.query.udp
    return send(query, server[0], port=server[1], timeout=2)


@pytest.mark.parametrize("tcp", [False, True], ids=["udp", "tcp"])
def test_the_vpc_view_answers_the_eni_addresses_with_ttl_60(
    responder: DnsResponder, tcp: bool
) -> None:
    reply = ask(responder.addresses["vpc"], "logs.ap-northeast-1.amazonaws.com", tcp=tcp)
    assert reply.rcode() == dns.rcode.NOERROR
    (rrset,) = reply.answer
    assert rrset.ttl == 60
    assert sorted(r.address for r in rrset) == NAMES[("vpc", "logs.ap-northeast-1.amazonaws.com")]


def test_views_answer_differently(responder: DnsResponder) -> None:
    reply = ask(responder.addresses["public"], "logs.ap-northeast-1.amazonaws.com")
    assert [r.address for r in reply.answer[0]] == ["203.0.113.10"]


def test_flags_are_a_recursive_resolvers(responder: DnsResponder) -> None:
    reply = ask(responder.addresses["vpc"], "logs.ap-northeast-1.amazonaws.com")
    assert reply.flags & dns.flags.QR and reply.flags & dns.flags.RA and reply.flags & dns.flags.RD
    assert not reply.flags & dns.flags.AA


def test_edns_is_echoed_only_when_asked(responder: DnsResponder) -> None:
    with_edns = ask(responder.addresses["vpc"], "logs.ap-northeast-1.amazonaws.com")
    without = ask(responder.addresses["vpc"], "logs.ap-northeast-1.amazonaws.com", edns=False)
    assert with_edns.edns == 0 and with_edns.payload == 4096
    assert without.edns == -1


def test_unknown_names_are_nxdomain(responder: DnsResponder) -> None:
    reply = ask(responder.addresses["vpc"], "example.com")
    assert reply.rcode() == dns.rcode.NXDOMAIN and not reply.answer


def test_aaaa_for_a_known_name_is_nodata(responder: DnsResponder) -> None:
    reply = ask(responder.addresses["vpc"], "logs.ap-northeast-1.amazonaws.com", "AAAA")
    assert reply.rcode() == dns.rcode.NOERROR and not reply.answer


def test_the_owner_name_is_spelt_as_asked(responder: DnsResponder) -> None:
    reply = ask(responder.addresses["vpc"], "LOGS.ap-northeast-1.amazonaws.com")
    assert reply.answer[0].name.to_text() == "LOGS.ap-northeast-1.amazonaws.com."


def test_garbage_is_ignored_and_the_server_keeps_answering(responder: DnsResponder) -> None:
    host, port = responder.addresses["vpc"]
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.sendto(b"\x00garbage", (host, port))
    reply = ask((host, port), "logs.ap-northeast-1.amazonaws.com")
    assert reply.answer


def test_stop_frees_both_ports() -> None:
    server = DnsResponder(resolve)  # type: ignore[arg-type]
    host, port = server.start()["vpc"]
    server.stop()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
        udp.bind((host, port))
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp:
        tcp.bind((host, port))


def test_every_view_binds_loopback_on_one_port_for_udp_and_tcp(responder: DnsResponder) -> None:
    for host, port in responder.addresses.values():
        assert host == "127.0.0.1" and port > 0
        assert ask((host, port), "logs.ap-northeast-1.amazonaws.com", tcp=True).rcode() in (0, 3)
