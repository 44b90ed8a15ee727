"""Knock on a lab's ports with the standard library only; print what came back as JSON.

Run as a script (``python3 -c <this file's text> <targets JSON>``) by the lab's owner and by a
second Unix user, so that both try exactly the same requests. Targets:
``{"http": [[host, port, path], ...], "dns": [[host, port, name], ...]}``.
"""

from __future__ import annotations

import http.client
import json
import socket
import struct
import sys
from typing import Any


def http_knock(host: str, port: int, path: str) -> dict[str, Any]:
    """GET ``path``: status, body size and its start, or the error that ended the exchange."""
    found: dict[str, Any] = {"port": port, "path": path, "status": None, "size": 0, "head": ""}
    conn = http.client.HTTPConnection(host, port, timeout=10)
    try:
        conn.request("GET", path, headers={"Host": f"{host}:{port}"})
        response = conn.getresponse()
        body = response.read()
        found.update(status=response.status, size=len(body), head=body[:200].decode("latin-1"))
    except (OSError, http.client.HTTPException) as error:
        found["error"] = f"{type(error).__name__}: {error}"
    finally:
        conn.close()
    return found


def _question(name: str, ident: int) -> bytes:
    labels = b"".join(bytes([len(p)]) + p.encode() for p in name.rstrip(".").split("."))
    return struct.pack("!HHHHHH", ident, 0x0100, 1, 0, 0, 0) + labels + b"\0" + b"\0\1\0\1"


def _rcode_and_count(reply: bytes) -> tuple[int, int]:
    _, flags, _, answers = struct.unpack_from("!HHHH", reply)
    return flags & 0xF, answers


def dns_knock(host: str, port: int, name: str) -> dict[str, Any]:
    """One A question over UDP and one over TCP: each one's rcode and answer count, or error."""
    found: dict[str, Any] = {"port": port}
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
            udp.settimeout(3)
            udp.sendto(_question(name, 0x1111), (host, port))
            found["udp"] = _rcode_and_count(udp.recvfrom(4096)[0])
    except OSError as error:
        found["udp"] = f"{type(error).__name__}: {error}"
    try:
        with socket.create_connection((host, port), timeout=3) as tcp:
            packet = _question(name, 0x2222)
            tcp.sendall(struct.pack("!H", len(packet)) + packet)
            size = struct.unpack("!H", tcp.recv(2))[0]
            reply = b""
            while len(reply) < size:
                chunk = tcp.recv(size - len(reply))
                if not chunk:
                    break
                reply += chunk
            found["tcp"] = _rcode_and_count(reply)
    except (OSError, struct.error) as error:
        found["tcp"] = f"{type(error).__name__}: {error}"
    return found


def main(targets: dict[str, Any]) -> dict[str, Any]:
    """Every knock's result."""
    return {
        "http": [http_knock(h, p, path) for h, p, path in targets.get("http", [])],
        "dns": [dns_knock(h, p, name) for h, p, name in targets.get("dns", [])],
    }


if __name__ == "__main__":
    print(json.dumps(main(json.loads(sys.argv[1]))))
