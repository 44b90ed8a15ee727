"""Finding a loopback peer's Unix user, and every listener's refusal of a stranger.

The second-user checks with real processes live in ``tests/local/e2e/test_isolation.py``
(they need root); these run anywhere: the ``/proc`` tables' format, the netlink and ``/proc``
lookups agreeing on this process's own sockets, and what a refused client sees.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path

import dns.message
import dns.query
import dns.rcode
import pytest

from labkit.local.network.dns import DnsResponder
from labkit.local.wire import peer_uid
from labkit.local.wire.http import LoopbackServer, plain
from labkit.local.wire.peer_uid import PeerGuard

HEADER = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid\n"
LINUX = pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="Linux /proc/net only")


def table(tmp_path: Path, name: str, *rows: str) -> None:
    (tmp_path / name).write_text(HEADER + "".join(f"{row}\n" for row in rows))


def row(local: str, remote: str, uid: int, state: str = "01") -> str:
    return f"   0: {local} {remote} {state} 00000000:00000000 00:00000000 00000000  {uid} 0 123"


def test_proc_rows_are_read_in_host_byte_order(tmp_path: Path) -> None:
    table(tmp_path, "tcp", row("0100007F:1F90", "0100007F:C350", 1001))
    (found,) = peer_uid.read_proc_sockets("tcp", root=tmp_path)
    assert found == peer_uid.ProcSocket(("127.0.0.1", 8080), ("127.0.0.1", 50000), 1001)


def test_an_ipv4_mapped_ipv6_socket_is_found_by_its_ipv4_address(tmp_path: Path) -> None:
    mapped = "0000000000000000FFFF00000100007F"
    table(tmp_path, "tcp")
    table(tmp_path, "tcp6", row(f"{mapped}:C350", f"{mapped}:1F90", 1002))
    assert peer_uid.tcp_owner_from_proc(("127.0.0.1", 50000), ("127.0.0.1", 8080), tmp_path) == 1002
    assert peer_uid.tcp_owner_from_proc(("127.0.0.1", 8080), ("127.0.0.1", 50000), tmp_path) is None


def test_torn_and_garbled_lines_are_skipped_and_missing_tables_ignored(tmp_path: Path) -> None:
    table(
        tmp_path,
        "tcp",
        "   0: 0100007F:1F90 0100007F",
        row("zz:zz", "0100007F:C350", 5),
        row("0100007F:C350", "0100007F:1F90", 1003),
    )
    found = peer_uid.read_proc_sockets("tcp", "tcp6", "nonsense", root=tmp_path)
    assert [r.uid for r in found] == [1003]


def test_udp_owners_include_wildcard_sockets_on_the_port(tmp_path: Path) -> None:
    table(
        tmp_path,
        "udp",
        row("0100007F:D431", "00000000:0000", 1001, "07"),
        row("00000000:D431", "00000000:0000", 1002, "07"),
        row("0200007F:D431", "00000000:0000", 1003, "07"),  # 127.0.0.2: not where replies go
        row("0100007F:D432", "00000000:0000", 1004, "07"),
    )
    table(tmp_path, "udp6", row("0" * 32 + ":D431", "0" * 32 + ":0000", 1005, "07"))
    owners = peer_uid.udp_owners_from_proc(("127.0.0.1", 0xD431), tmp_path)
    assert owners == {1001, 1002, 1005}


def test_a_guard_where_the_system_cannot_tell_admits_everyone() -> None:
    guard = PeerGuard(owner_uid=12345, enabled=False)
    assert guard.admits_tcp(("127.0.0.1", 1), ("127.0.0.1", 2))
    assert guard.admits_udp(("127.0.0.1", 1))
    assert guard.mode == "off" and guard.refused == 0


@pytest.fixture
def connection() -> Iterator[tuple[tuple[str, int], tuple[str, int]]]:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        with socket.create_connection(listener.getsockname()) as client:
            accepted, address = listener.accept()
            with accepted:
                assert address == client.getsockname()
                yield address, listener.getsockname()


@LINUX
def test_netlink_and_proc_agree_on_this_process_own_connection(connection) -> None:  # type: ignore[no-untyped-def]
    client, server = connection
    assert peer_uid.tcp_owner_from_proc(client, server) == os.geteuid()
    assert peer_uid.tcp_owner_from_netlink(client, server) in (os.geteuid(), None)
    assert peer_uid.tcp_owner(client, server) == os.geteuid()
    guard = PeerGuard()
    assert guard.mode == "peer-uid" and guard.admits_tcp(client, server)


@LINUX
def test_a_connection_nobody_holds_has_no_owner_and_is_refused(connection) -> None:  # type: ignore[no-untyped-def]
    _, server = connection
    nobody = ("127.0.0.1", 9)
    assert peer_uid.tcp_owner(nobody, server) is None
    guard = PeerGuard()
    assert not guard.admits_tcp(nobody, server) and guard.refused == 1
    assert not guard.admits_udp(nobody) and guard.refused == 2


@LINUX
def test_this_process_udp_socket_is_its_own() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        assert peer_uid.udp_owners_from_proc(sock.getsockname()) == {os.geteuid()}
        assert PeerGuard().admits_udp(sock.getsockname())


class _Stranger(PeerGuard):
    """A guard that takes every peer for another user (what a stranger's connection meets)."""

    def admits_tcp(self, client: peer_uid.Address, server: peer_uid.Address) -> bool:
        self.refused += 1
        return False

    def admits_udp(self, client: peer_uid.Address) -> bool:
        self.refused += 1
        return False


def test_a_refused_connection_gets_403_and_the_handler_never_runs() -> None:
    calls: list[str] = []

    def handler(incoming):  # type: ignore[no-untyped-def]
        calls.append(incoming.path)
        return plain(200, "lab state")

    guard = _Stranger()
    server = LoopbackServer(handler, "test", guard=guard)
    host, port = server.server_address[:2]
    server.start()
    try:
        with socket.create_connection((host, port), timeout=5) as conn:
            conn.sendall(b"GET /moto-api/data.json HTTP/1.1\r\nHost: x\r\n\r\n")
            answer = b""
            while chunk := conn.recv(4096):
                answer += chunk
    finally:
        server.stop()
    assert answer.startswith(b"HTTP/1.1 403 Forbidden\r\n")
    assert answer.endswith(b"\r\n\r\nlabkit: this lab serves only the Unix user who started it\n")
    assert b"lab state" not in answer and calls == [] and guard.refused == 1


def test_a_refused_dns_query_gets_refused_over_udp_and_tcp() -> None:
    guard = _Stranger()
    responder = DnsResponder(lambda name, view: ["172.31.10.218"], guard)
    host, port = responder.start()["vpc"]
    try:
        query = dns.message.make_query("logs.ap-northeast-1.amazonaws.com", "A")
        by_udp = dns.query.udp(query, host, port=port, timeout=3)
        by_tcp = dns.query.tcp(query, host, port=port, timeout=3)
    finally:
        responder.stop()
    for reply in (by_udp, by_tcp):
        assert reply.rcode() == dns.rcode.REFUSED and not reply.answer
    assert guard.refused == 2
