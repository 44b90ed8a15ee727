"""The one HTTP listener base every lab port uses: loopback only, one way of reading requests.

Every listener of the lab (the control front, the gateway's egress and public sides, the IMDS
stand-in, the refusing proxy, the lab's control API) is a :class:`LoopbackServer` around a
handler ``Incoming -> WireResponse | Drop``. The server reads each request the same way and
answers what the handler never sees itself:

* a ``Content-Length`` that is not a non-negative integer: 400, connection closed;
* a chunked body (``Transfer-Encoding: chunked``): 411 Length Required, connection closed;
* a body over the listener's limit: 413 before the body is read, connection closed.

HTTP/1.1 with keep-alive and ``TCP_NODELAY`` (without it every call waits for Nagle plus
delayed ACK: 44 ms instead of 2.3 ms, emulator-notes §5); 127.0.0.1 on an OS-chosen port; a
deep accept queue.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

MAX_BODY_BYTES = 5 * 1024 * 1024
"""Bodies larger than this are refused with 413 before they are read (lab choice)."""


@dataclass(frozen=True)
class WireResponse:
    """An HTTP response ready to write: status, headers in order, body bytes."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes = b""
    close: bool = False  # close the connection after writing
    reason: str | None = None  # the status line's phrase (default: the standard one)

    def header(self, name: str) -> str | None:
        """The first header called ``name`` (case-insensitive), if any."""
        wanted = name.lower()
        return next((v for k, v in self.headers if k.lower() == wanted), None)


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

    @property
    def route(self) -> str:
        """The path without its query string."""
        return self.path.split("?", 1)[0]


@dataclass(frozen=True)
class Drop:
    """Answer nothing: hold the connection ``after`` seconds, then reset it."""

    after: float
    reason: str


Handler = Callable[[Incoming], WireResponse | Drop]


def status_reason(status: int) -> str:
    """The standard reason phrase for a status line."""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def bare(status: int) -> WireResponse:
    """An empty answer that closes the connection."""
    return WireResponse(status, (("Content-Length", "0"), ("Connection", "close")), close=True)


def payload_too_large() -> WireResponse:
    """What AWS's front door answers to an oversized request: 413, no body, connection closed.

    Shape as captured for EventBridge PutEvents in boto/boto3#3411 (empty body,
    ``connection: close``; no request id).
    """
    return bare(413)


def plain(status: int, body: str | bytes, content_type: str = "text/plain") -> WireResponse:
    """A response with a body and its length."""
    payload = body.encode() if isinstance(body, str) else body
    headers = (("Content-Type", content_type), ("Content-Length", str(len(payload))))
    return WireResponse(status, headers, payload)


class LoopbackServer(ThreadingHTTPServer):
    """A threaded HTTP/1.1 server on 127.0.0.1 with an OS-chosen port."""

    daemon_threads = True
    block_on_close = False
    request_queue_size = 256
    allow_reuse_address = False

    def __init__(
        self,
        handler: Handler,
        name: str,
        *,
        server_header: str | None = None,
        max_body: int = MAX_BODY_BYTES,
    ) -> None:
        self.app = handler
        self.name = name
        self.server_header = server_header  # sent when the handler's answer names no Server
        self.max_body = max_body
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
        """Stop serving, release held connections and free the port (safe to call twice)."""
        self.stopping.set()
        if self._thread is not None:
            self.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self.server_close()


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server: LoopbackServer
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: requests carry identities and answers carry credentials."""

    def handle_one_request(self) -> None:
        # Every method goes to the handler (AWS clients use POST, GET, PUT, DELETE, HEAD;
        # proxies see CONNECT).
        self.raw_requestline = self.rfile.readline(65537)
        if not self.raw_requestline:
            self.close_connection = True
            return
        if len(self.raw_requestline) > 65536 or not self.parse_request():
            if len(self.raw_requestline) > 65536:
                self._write(bare(414))
            self.close_connection = True
            return
        self._serve()
        self.wfile.flush()

    def _serve(self) -> None:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            self._write(bare(411))
            return
        length_text = (self.headers.get("Content-Length") or "").strip()
        if length_text and not length_text.isdigit():
            self._write(bare(400))
            return
        length = int(length_text) if length_text else 0
        if length > self.server.max_body:
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
        self.send_response_only(response.status, response.reason or status_reason(response.status))
        for name, value in response.headers:
            self.send_header(name, value)
        if response.header("date") is None:
            self.send_header("Date", self.date_time_string())
        if self.server.server_header and response.header("server") is None:
            self.send_header("Server", self.server.server_header)
        self.end_headers()
        if response.body and self.command != "HEAD":
            self.wfile.write(response.body)
        if response.close:
            self.close_connection = True

    def _drop(self, after: float) -> None:
        """Hold the connection silently, then reset it (RST, as a dropped flow ends)."""
        self.server.stopping.wait(after)
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
