"""HTTP plumbing for the data plane: loopback listeners and the keep-alive hop to moto.

Both hops speak HTTP/1.1 with keep-alive and ``TCP_NODELAY`` (without it every call waits for
Nagle plus delayed ACK: 44 ms instead of 2.3 ms, emulator-notes §5). Listeners bind 127.0.0.1 on
an OS-chosen port and take a deep accept queue.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from labkit.local.wire.json11 import WireResponse, payload_too_large, status_reason

MAX_BODY_BYTES = 5 * 1024 * 1024
"""Bodies larger than this are refused with 413 before they are read (lab choice)."""


@dataclass(frozen=True)
class Incoming:
    """One HTTP request as a listener received it."""

    method: str
    path: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    client: tuple[str, int]

    def header(self, name: str) -> str | None:
        """The first header called ``name`` (case-insensitive)."""
        wanted = name.lower()
        return next((v for k, v in self.headers if k.lower() == wanted), None)


@dataclass(frozen=True)
class Drop:
    """Answer nothing: hold the connection ``after`` seconds, then reset it."""

    after: float
    reason: str


Handler = Callable[[Incoming], WireResponse | Drop]


class LoopbackServer(ThreadingHTTPServer):
    """A threaded HTTP/1.1 server on 127.0.0.1 with an OS-chosen port."""

    daemon_threads = True
    block_on_close = False
    request_queue_size = 256
    allow_reuse_address = False

    def __init__(self, handler: Handler, name: str) -> None:
        self.app = handler
        self.name = name
        self.stopping = threading.Event()
        super().__init__(("127.0.0.1", 0), _RequestHandler)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """``http://127.0.0.1:<port>``."""
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> str:
        """Serve in a daemon thread; returns the URL."""
        self._thread = threading.Thread(
            target=self.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"labkit-{self.name}",
            daemon=True,
        )
        self._thread.start()
        return self.url

    def stop(self) -> None:
        """Stop serving, release held connections and free the port."""
        self.stopping.set()
        if self._thread is not None:
            self.shutdown()
            self._thread.join(timeout=5)
        self.server_close()


def _bare(status: int) -> WireResponse:
    """An empty answer that closes the connection."""
    return WireResponse(status, (("Content-Length", "0"), ("Connection", "close")), close=True)


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server: LoopbackServer
    server_version = "labkit"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: the decision log records what matters."""

    def do_POST(self) -> None:
        self._serve()

    def do_GET(self) -> None:
        self._serve()

    def do_PUT(self) -> None:
        self._serve()

    def do_DELETE(self) -> None:
        self._serve()

    def _serve(self) -> None:
        length_text = self.headers.get("Content-Length")
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            self._write(_bare(411))
            return
        try:
            length = int(length_text) if length_text else 0
        except ValueError:
            length = -1
        if length < 0:
            self._write(_bare(400))
            return
        if length > MAX_BODY_BYTES:
            self._write(payload_too_large())
            return
        body = self.rfile.read(length) if length else b""
        incoming = Incoming(
            self.command,
            self.path,
            tuple(self.headers.items()),
            body,
            (self.client_address[0], self.client_address[1]),
        )
        answer = self.server.app(incoming)
        if isinstance(answer, Drop):
            self._drop(answer.after)
        else:
            self._write(answer)

    def _write(self, response: WireResponse) -> None:
        self.send_response_only(response.status, status_reason(response.status))
        for name, value in response.headers:
            self.send_header(name, value)
        if not any(name.lower() == "date" for name, _ in response.headers):
            self.send_header("Date", self.date_time_string())
        self.end_headers()
        if response.body and self.command != "HEAD":
            self.wfile.write(response.body)
        self.wfile.flush()
        if response.close:
            self.close_connection = True

    def _drop(self, after: float) -> None:
        """Hold the connection silently, then reset it (RST, as a dropped flow ends)."""
        self.server.stopping.wait(after)
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
