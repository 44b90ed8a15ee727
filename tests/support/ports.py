"""Whether a loopback port has been freed (a stopped lab must leave nothing listening)."""

from __future__ import annotations

import socket


def port_is_free(host: str, port: int, kind: int = socket.SOCK_STREAM) -> bool:
    """Whether nothing listens on (host, port) any more (TCP: connect refused; UDP: bindable)."""
    with socket.socket(socket.AF_INET, kind) as probe:
        if kind == socket.SOCK_STREAM:
            probe.settimeout(1)
            return probe.connect_ex((host, port)) != 0
        try:
            probe.bind((host, port))
        except OSError:
            return False
        return True
