"""``lab.dig()``: ask a resolver for a name's A records, as ``dig`` on the instance would."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import dnslib


@dataclass(frozen=True)
class Record:
    """One answer record."""

    name: str
    ttl: int
    rtype: str
    value: str


@dataclass(frozen=True)
class DigResult:
    """The resolver's answer: status (NOERROR, NXDOMAIN, ...) and records."""

    name: str
    view: str
    server: str
    status: str
    answers: tuple[Record, ...] = field(default_factory=tuple)

    @property
    def addresses(self) -> list[str]:
        """The A-record addresses, in the order the resolver gave them."""
        return [r.value for r in self.answers if r.rtype == "A"]

    def all_in(self, cidr: str) -> bool:
        """Whether every address lies in ``cidr`` (e.g. the VPC's 172.31.0.0/16)."""
        net = ipaddress.ip_network(cidr)
        return bool(self.addresses) and all(ipaddress.ip_address(a) in net for a in self.addresses)

    @classmethod
    def from_answer(cls, answer: Mapping[str, Any], view: str) -> DigResult:
        """A resolver's answer as a backend reports it (``name``, ``server``, ``status``,
        ``answers`` as [name, ttl, type, value]), e.g. asked on the lab instance."""
        records = tuple(
            Record(str(name), int(ttl), str(rtype), str(value))
            for name, ttl, rtype, value in answer.get("answers", [])
        )
        return cls(str(answer["name"]), view, str(answer["server"]), str(answer["status"]), records)

    def __str__(self) -> str:
        lines = [
            f";; view: {self.view}   SERVER: {self.server}   status: {self.status}",
            ";; ANSWER SECTION:",
        ]
        lines += [f"{r.name}\t{r.ttl}\tIN\t{r.rtype}\t{r.value}" for r in self.answers]
        if not self.answers:
            lines.append(";; (no answer)")
        return "\n".join(lines)

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(str(self))


def dig(name: str, server: tuple[str, int] | None, view: str, timeout: float = 2.0) -> DigResult:
    """Query ``server`` (host, port) over UDP for ``name`` A; None means this machine's resolver."""
    fqdn = name if name.endswith(".") else name + "."
    host, port = server or (_system_nameserver(), 53)
    query = dnslib.DNSRecord.question(fqdn, "A")
    try:
        reply = dnslib.DNSRecord.parse(query.send(host, port, timeout=timeout))
    except (TimeoutError, OSError) as exc:
        return DigResult(fqdn, view, f"{host}#{port}", f"no answer ({exc.__class__.__name__})")
    records = tuple(
        Record(str(rr.rname), rr.ttl, dnslib.QTYPE[rr.rtype], str(rr.rdata)) for rr in reply.rr
    )
    status = dnslib.RCODE[reply.header.rcode]
    return DigResult(fqdn, view, f"{host}#{port}", status, records)


def _system_nameserver() -> str:
    resolv = Path("/etc/resolv.conf")
    if resolv.is_file():
        for line in resolv.read_text().splitlines():
            parts = line.split()
            if len(parts) >= 2 and parts[0] == "nameserver":
                return parts[1]
    return socket.gethostbyname("localhost")
