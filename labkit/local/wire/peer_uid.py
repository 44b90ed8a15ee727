"""Who is on the other end of a loopback connection: the Unix user owning the client's socket.

On a shared host (The Littlest JupyterHub runs every participant on the host's one loopback) any
user's process can connect to any 127.0.0.1 port. A lab serves only the Unix user who started it:
each listener asks, for every connection (TCP) or datagram (UDP), which user owns the client's
socket, and refuses anyone else (:class:`PeerGuard`).

Linux tells the owner of every socket:

* TCP: a ``sock_diag`` netlink query for the exact connection (the client's address and port as
  the socket's local end, the listener's as its remote end) answers with the socket's uid in
  constant time; where netlink is unavailable or finds nothing, ``/proc/net/tcp`` and
  ``/proc/net/tcp6`` (column ``uid``) are read instead.
* UDP: ``/proc/net/udp`` and ``/proc/net/udp6``, every socket bound to the client's port on its
  address or the wildcard; all of them must belong to the owner (a second user could share a
  port with ``SO_REUSEADDR``).

Nothing is found (the client's socket is already gone, or a kernel without these tables):
refused. A system without ``/proc/net/tcp`` at all (macOS, a single-user laptop) cannot tell,
and the guard is off there (:attr:`PeerGuard.enabled`).
"""

from __future__ import annotations

import ipaddress
import os
import socket
import struct
import sys
from dataclasses import dataclass, field
from pathlib import Path

PROC_NET = Path("/proc/net")
_SOCK_DIAG_BY_FAMILY = 20
_NETLINK_SOCK_DIAG = 4
_NLM_F_REQUEST = 1
_NLMSG_ERROR = 2
_ALL_STATES = 0xFFFFFFFF
_NO_COOKIE = 0xFFFFFFFF
_UID_OFFSET = 16 + 4 + 48 + 12  # nlmsghdr, inet_diag_msg's four bytes, its id, three counters

Address = tuple[str, int]


def _proc_address(text: str) -> Address:
    """``0100007F:1F90`` (or the 32-digit IPv6 form) → ``("127.0.0.1", 8080)``.

    The kernel prints each 32-bit word of the address in host byte order.
    """
    host, port = text.split(":")
    raw = bytes.fromhex(host)
    if sys.byteorder == "little":
        raw = b"".join(raw[i : i + 4][::-1] for i in range(0, len(raw), 4))
    address = ipaddress.ip_address(raw)
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return str(address), int(port, 16)


@dataclass(frozen=True)
class ProcSocket:
    """One row of ``/proc/net/{tcp,tcp6,udp,udp6}``."""

    local: Address
    remote: Address
    uid: int


def read_proc_sockets(*tables: str, root: Path = PROC_NET) -> list[ProcSocket]:
    """Every socket listed in the named tables (``"tcp"``, ``"udp6"`` ...); missing ones skipped."""
    found: list[ProcSocket] = []
    for table in tables:
        try:
            text = (root / table).read_text(encoding="ascii", errors="replace")
        except OSError:
            continue
        for line in text.splitlines()[1:]:
            fields = line.split()
            if len(fields) < 8:
                continue  # a torn line: the table changed while it was read
            try:
                found.append(
                    ProcSocket(_proc_address(fields[1]), _proc_address(fields[2]), int(fields[7]))
                )
            except ValueError:
                continue
    return found


def tcp_owner_from_proc(client: Address, server: Address, root: Path = PROC_NET) -> int | None:
    """The uid of the socket whose local end is ``client`` and remote end ``server``."""
    for row in read_proc_sockets("tcp", "tcp6", root=root):
        if row.local == client and row.remote == server:
            return row.uid
    return None


def udp_owners_from_proc(client: Address, root: Path = PROC_NET) -> set[int]:
    """The uids of every UDP socket that would take a datagram sent back to ``client``."""
    host, port = client
    wildcard = {host, "0.0.0.0", "::"}
    return {
        row.uid
        for row in read_proc_sockets("udp", "udp6", root=root)
        if row.local[1] == port and row.local[0] in wildcard
    }


def tcp_owner_from_netlink(client: Address, server: Address) -> int | None:
    """The uid of the client's TCP socket by an exact ``sock_diag`` lookup (IPv4 only)."""
    try:
        request = _diag_request(client, server)
    except (OSError, ValueError):
        return None
    try:
        with socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, _NETLINK_SOCK_DIAG) as link:
            link.settimeout(1.0)
            link.send(request)
            reply = link.recv(8192)
    except (OSError, AttributeError):  # no netlink (not Linux) or sock_diag not built in
        return None
    if len(reply) < 16:
        return None
    kind = struct.unpack_from("=H", reply, 4)[0]
    if kind == _NLMSG_ERROR or len(reply) < _UID_OFFSET + 4:
        return None
    return int(struct.unpack_from("=I", reply, _UID_OFFSET)[0])


def _diag_request(client: Address, server: Address) -> bytes:
    """An ``inet_diag_req_v2`` for one TCP socket, wrapped in its netlink header."""
    source = socket.inet_pton(socket.AF_INET, client[0]).ljust(16, b"\0")
    dest = socket.inet_pton(socket.AF_INET, server[0]).ljust(16, b"\0")
    body = struct.pack("=BBBBI", socket.AF_INET, socket.IPPROTO_TCP, 0, 0, _ALL_STATES)
    body += struct.pack("!HH", client[1], server[1]) + source + dest
    body += struct.pack("=III", 0, _NO_COOKIE, _NO_COOKIE)
    header = struct.pack("=IHHII", 16 + len(body), _SOCK_DIAG_BY_FAMILY, _NLM_F_REQUEST, 1, 0)
    return header + body


def tcp_owner(client: Address, server: Address) -> int | None:
    """The uid owning the client end of a TCP connection to ``server`` (``None``: unknown)."""
    found = tcp_owner_from_netlink(client, server)
    return found if found is not None else tcp_owner_from_proc(client, server)


@dataclass
class PeerGuard:
    """Admits only connections and datagrams from sockets the lab's own user owns."""

    owner_uid: int = field(default_factory=os.geteuid)
    enabled: bool = field(default_factory=lambda: (PROC_NET / "tcp").exists())
    refused: int = 0

    def admits_tcp(self, client: Address, server: Address) -> bool:
        """Whether the client end of this TCP connection belongs to the owner."""
        if not self.enabled:
            return True
        admitted = tcp_owner(client, server) == self.owner_uid
        self.refused += not admitted
        return admitted

    def admits_udp(self, client: Address) -> bool:
        """Whether every socket that could receive the reply to ``client`` belongs to the owner."""
        if not self.enabled:
            return True
        owners = udp_owners_from_proc(client)
        admitted = owners == {self.owner_uid}
        self.refused += not admitted
        return admitted

    @property
    def mode(self) -> str:
        """``"peer-uid"`` where refusals are enforced, ``"off"`` where the system cannot tell."""
        return "peer-uid" if self.enabled else "off"
