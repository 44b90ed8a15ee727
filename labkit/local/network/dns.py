"""The lab's DNS responder: the VPC resolver (``vpc`` view) and public DNS (``public`` view).

Each view listens on 127.0.0.1, UDP and TCP on the same OS-chosen port, and answers from
``LabState.resolve`` (the one DNS truth the egress router uses too):

* A: the addresses ``resolve`` gives, TTL 60, owner name spelt as asked; NXDOMAIN when it
  gives none;
* AAAA and other types for a known name: NOERROR with no answer (NODATA), for an unknown name
  NXDOMAIN; ANY is answered like A;
* header flags as a recursive resolver such as AmazonProvidedDNS sets them: ``qr rd ra``,
  never ``aa``; EDNS is echoed when the query carries it (UDP size 4096).

Only the Unix user who started the lab is answered: a query from another user's socket
(``wire.peer_uid``) gets REFUSED and nothing else.

A real VPC resolver listens on 172.31.0.2 port 53; the lab cannot, so ``dig`` is pointed at
the lab's port (``labkit serve`` writes what makes plain ``dig`` ask it).
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from typing import Any, Literal

from dnslib import EDNS0, QTYPE, RCODE, RR, A, DNSHeader, DNSRecord
from dnslib.server import BaseResolver, DNSLogger, DNSServer

from labkit.local.wire.peer_uid import PeerGuard
from labkit.local.wire.serve_loop import ServeLoop

TTL = 60
EDNS_UDP_SIZE = 4096
View = Literal["vpc", "public"]
Resolve = Callable[[str, View], list[str] | None]


def answer(request: DNSRecord, addresses_for: Callable[[str], list[str] | None]) -> DNSRecord:
    """The reply to ``request`` given a name → addresses function (``None`` = no such name)."""
    header = DNSHeader(
        id=request.header.id, qr=1, aa=0, ra=1, rd=request.header.rd, opcode=request.header.opcode
    )
    reply = DNSRecord(header, questions=list(request.questions))
    if request.header.opcode != 0:
        reply.header.rcode = RCODE.NOTIMP
        return reply
    if any(rr.rtype == QTYPE.OPT for rr in request.ar):
        reply.add_ar(EDNS0(udp_len=EDNS_UDP_SIZE))
    if len(request.questions) != 1:
        reply.header.rcode = RCODE.FORMERR
        return reply
    question = request.questions[0]
    addresses = addresses_for(str(question.qname).rstrip("."))
    if addresses is None:
        reply.header.rcode = RCODE.NXDOMAIN
        return reply
    if question.qtype in (QTYPE.A, QTYPE.ANY):
        for address in addresses:
            reply.add_answer(RR(question.qname, QTYPE.A, rdata=A(address), ttl=TTL))
    return reply


def refused(request: DNSRecord) -> DNSRecord:
    """REFUSED for ``request``: its question echoed, no answer."""
    header = DNSHeader(id=request.header.id, qr=1, ra=1, rd=request.header.rd)
    header.rcode = RCODE.REFUSED
    return DNSRecord(header, questions=list(request.questions))


class _ViewResolver(BaseResolver):  # type: ignore[misc]
    def __init__(self, resolve: Resolve, view: View, guard: PeerGuard) -> None:
        self._resolve = resolve
        self._view = view
        self._guard = guard

    def resolve(self, request: DNSRecord, handler: Any) -> DNSRecord:
        client = (handler.client_address[0], handler.client_address[1])
        if handler.protocol == "tcp":
            admitted = self._guard.admits_tcp(client, handler.request.getsockname()[:2])
        else:
            admitted = self._guard.admits_udp(client)
        if not admitted:
            return refused(request)
        return answer(request, lambda name: self._resolve(name, self._view))


_SILENT = DNSLogger(log="-request,-reply,-truncated,-error", prefix=False)


class _Listener:
    """One view: a UDP and a TCP dnslib server on the same loopback port."""

    def __init__(self, resolver: _ViewResolver, attempts: int = 20) -> None:
        last_error: OSError | None = None
        for _ in range(attempts):
            udp = DNSServer(resolver, address="127.0.0.1", port=0, logger=_SILENT)
            port = udp.server.server_address[1]
            try:
                tcp = DNSServer(resolver, address="127.0.0.1", port=port, tcp=True, logger=_SILENT)
            except OSError as error:  # the TCP side of that port is taken: try another port
                udp.server.server_close()
                last_error = error
                continue
            self.servers = (udp, tcp)
            self.address = ("127.0.0.1", port)
            self._loops: list[ServeLoop] = []
            return
        raise OSError(f"no loopback port free for both UDP and TCP DNS: {last_error}")

    def start(self) -> None:
        for server in self.servers:
            loop = ServeLoop(server.server, f"labkit-dns-{self.address[1]}")
            loop.start()
            self._loops.append(loop)

    def stop(self) -> None:
        for loop in self._loops:
            loop.stop()
        for server in self.servers:
            server.server.server_close()


class DnsResponder:
    """The two DNS views of one lab."""

    def __init__(self, resolve: Resolve, guard: PeerGuard | None = None) -> None:
        self.guard = guard or PeerGuard()
        self._listeners = {
            "vpc": _Listener(_ViewResolver(resolve, "vpc", self.guard)),
            "public": _Listener(_ViewResolver(resolve, "public", self.guard)),
        }

    def start(self) -> dict[str, tuple[str, int]]:
        """Start both views; returns ``{"vpc": (host, port), "public": (host, port)}``."""
        for listener in self._listeners.values():
            listener.start()
        return self.addresses

    @property
    def addresses(self) -> dict[str, tuple[str, int]]:
        """Where each view listens."""
        return {view: listener.address for view, listener in self._listeners.items()}

    def stop(self) -> None:
        """Stop both views and free their ports."""
        for listener in self._listeners.values():
            listener.stop()


def query(
    name: str, server: tuple[str, int], qtype: str = "A", *, tcp: bool = False, timeout: float = 2
) -> DNSRecord:
    """Ask ``server`` one question (a small client for diagnostics and the lab's ``dig``)."""
    packet = DNSRecord.question(name, qtype).pack()
    if tcp:
        with socket.create_connection(server, timeout=timeout) as conn:
            conn.sendall(len(packet).to_bytes(2, "big") + packet)
            size = int.from_bytes(_read_exactly(conn, 2), "big")
            return DNSRecord.parse(_read_exactly(conn, size))
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(timeout)
        sock.sendto(packet, server)
        data, _ = sock.recvfrom(65535)
        return DNSRecord.parse(data)


def _read_exactly(conn: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = conn.recv(size - len(data))
        if not chunk:
            raise ConnectionError("DNS server closed the connection mid-answer")
        data += chunk
    return data
