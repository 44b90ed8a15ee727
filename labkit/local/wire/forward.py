"""Forward an HTTP request to an upstream on loopback over kept-alive, TCP_NODELAY connections.

One connection per thread; a connection the upstream closed while idle is reopened once.
"""

from __future__ import annotations

import http.client
import socket
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from labkit.local.wire.http import WireResponse

# Headers that describe one hop, never forwarded (RFC 9110 §7.6.1), plus moto's account override,
# which would let a caller act in an account its keys do not belong to.
HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "content-length",
    }
)


def forwardable(name: str) -> bool:
    """Whether a request/response header may cross the hop."""
    lowered = name.lower()
    return lowered not in HOP_BY_HOP and not lowered.startswith("x-moto-")


def outgoing_headers(
    headers: Iterable[tuple[str, str]], trusted: Iterable[tuple[str, str]] = ()
) -> list[tuple[str, str]]:
    """The caller's forwardable headers, then the ones the lab itself vouches for."""
    return [(k, v) for k, v in headers if forwardable(k)] + list(trusted)


@dataclass(frozen=True)
class Upstream:
    """A response from the upstream."""

    status: int
    reason: str
    headers: list[tuple[str, str]]
    body: bytes

    def as_response(self) -> WireResponse:
        """This answer, ready for a listener to write (its own length, hop headers dropped)."""
        kept = tuple((k, v) for k, v in self.headers if forwardable(k))
        return WireResponse(
            self.status,
            (*kept, ("Content-Length", str(len(self.body)))),
            self.body,
            reason=self.reason or None,
        )


class _NoDelayConnection(http.client.HTTPConnection):
    def connect(self) -> None:
        super().connect()
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class Forwarder:
    """Sends requests to one upstream base URL (``http://127.0.0.1:<port>``)."""

    def __init__(self, base_url: str, timeout: float = 60.0) -> None:
        parts = urlsplit(base_url)
        if parts.hostname not in ("127.0.0.1", "localhost"):
            raise ValueError(f"refusing to forward to a non-loopback upstream: {base_url}")
        self.host = parts.hostname
        self.port = parts.port or 80
        self.timeout = timeout
        self._local = threading.local()

    def _connection(self, fresh: bool = False) -> http.client.HTTPConnection:
        conn = getattr(self._local, "conn", None)
        if conn is None or fresh:
            if conn is not None:
                conn.close()
            conn = _NoDelayConnection(self.host, self.port, timeout=self.timeout)
            self._local.conn = conn
        return conn

    def send(
        self,
        method: str,
        path: str,
        headers: Iterable[tuple[str, str]],
        body: bytes,
        trusted: Iterable[tuple[str, str]] = (),
    ) -> Upstream:
        """Send one request and read the whole response.

        ``headers`` come from the caller and lose hop-by-hop and ``x-moto-*`` entries;
        ``trusted`` ones are set by the lab itself (e.g. the account the signature proved).
        """
        clean = outgoing_headers(headers, trusted)
        for attempt in (0, 1):
            conn = self._connection(fresh=attempt == 1)
            try:
                conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
                for name, value in clean:
                    conn.putheader(name, value)
                conn.putheader("Content-Length", str(len(body)))
                conn.endheaders(body)
                response = conn.getresponse()
                payload = response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                if attempt == 1:
                    raise
                continue
            kept = [(k, v) for k, v in response.getheaders() if forwardable(k)]
            if response.will_close:
                conn.close()
                self._local.conn = None
            return Upstream(response.status, response.reason, kept, payload)
        raise RuntimeError("unreachable")

    def close(self) -> None:
        """Close this thread's connection."""
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None
