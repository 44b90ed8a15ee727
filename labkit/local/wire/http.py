"""The one HTTP listener base every lab port uses: loopback only, one way of reading requests.

Every listener of the lab (the control front, the gateway's egress and public sides, the IMDS
stand-in, the refusing proxy, the lab's control API) is a :class:`LoopbackServer` around a
handler ``Incoming -> WireResponse | Drop``. The server reads each request the same way and
answers what the handler never sees itself (every refusal closes the connection):

* a ``Content-Length`` that is not one non-negative decimal integer (or two that differ): 400;
* a ``Transfer-Encoding`` (chunked bodies): 411 Length Required, as AWS answers a body without
  a length where it says (S3's ``MissingContentLength``); the body is never read as a request;
* a body over the listener's limit: 413 before the body is read;
* a request line over 16 KiB: 414; more than 100 header lines or 64 KiB of head: 431;
* a request whose head (or body) does not arrive in time (slowloris): 408;
* a connection idle between requests for :data:`IDLE_TIMEOUT` seconds: closed without a word;
* more than :data:`MAX_CONNECTIONS` connections at once: 503 to the newcomer;
* a handler that raises (the lab's own fault): 500, and the listener keeps serving;
* a connection from another Unix user's process (:mod:`labkit.local.wire.peer_uid`): 403 and
  closed before a byte of it is read, so one participant never reaches another's lab.

HTTP/1.1 with keep-alive and ``TCP_NODELAY`` (without it every call waits for Nagle plus
delayed ACK: 44 ms instead of 2.3 ms, emulator-notes §5); 127.0.0.1 on an OS-chosen port; a
deep accept queue.
"""

from __future__ import annotations

import contextlib
import io
import re
import socket
import struct
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from labkit.local.wire.peer_uid import PeerGuard
from labkit.local.wire.serve_loop import ServeLoop

MAX_BODY_BYTES = 5 * 1024 * 1024
"""Bodies larger than this are refused with 413 before they are read (lab choice)."""
MAX_REQUEST_LINE = 16 * 1024
MAX_HEAD_BYTES = 64 * 1024
MAX_HEADERS = 100
IDLE_TIMEOUT = 20.0
"""Seconds a kept-alive connection may wait for its next request before it is closed."""
HEAD_TIMEOUT = 10.0
"""Seconds a request's line and headers may take to arrive once its first byte has."""
BODY_TIMEOUT = 30.0
"""Seconds a request's body may take to arrive once its head has."""
MAX_CONNECTIONS = 1024
"""Connections served at once per listener; one more is answered 503 and closed."""
_BACKSTOP_SECONDS = 120.0  # no single socket read or write blocks longer than this
_LINGER_SECONDS = 1.0  # after a refusal, read what the client still sends for this long
_LINGER_BYTES = 1024 * 1024
_DIGITS = re.compile(r"[0-9]{1,18}")


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


class _Watchdog:
    """Ends reads that take too long: one thread per listener shuts a late socket's read side.

    A handler arms a deadline before each phase of reading (waiting for a request, its head,
    its body) and disarms it after; when a deadline passes, the socket's read side is shut, the
    blocked read returns end-of-file and the handler sees :attr:`_RequestHandler.timed_out`.
    The write side stays open, so the handler can still answer 408.
    """

    def __init__(self, stopping: threading.Event) -> None:
        self._stopping = stopping
        self._armed: dict[int, tuple[float, _RequestHandler, str]] = {}
        self._lock = threading.Lock()
        self._armed_again = threading.Condition(self._lock)
        self._thread: threading.Thread | None = None

    def start(self, name: str) -> None:
        self._thread = threading.Thread(target=self._run, name=f"{name}-watchdog", daemon=True)
        self._thread.start()

    def arm(self, handler: _RequestHandler, seconds: float, phase: str) -> None:
        with self._lock:
            if not self._armed:
                self._armed_again.notify()  # the watchdog sleeps while nothing is armed
            self._armed[id(handler)] = (time.monotonic() + seconds, handler, phase)

    def disarm(self, handler: _RequestHandler) -> bool:
        """Stop watching ``handler``; True if its deadline had already passed."""
        with self._lock:
            self._armed.pop(id(handler), None)
            return handler.timed_out is not None

    def stop(self) -> None:
        """End the watchdog's thread (its listener has set ``stopping``)."""
        with self._lock:
            self._armed_again.notify()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def _run(self) -> None:
        # Looks ten times a second while a connection is open; sleeps while none is, so an
        # idle listener costs nothing.
        while not self._stopping.is_set():
            with self._lock:
                if self._stopping.is_set():
                    return  # seen under the lock: stop() notifies only after setting it
                if not self._armed:
                    self._armed_again.wait()
                    continue
                now = time.monotonic()
                late = [(k, h, p) for k, (due, h, p) in self._armed.items() if due <= now]
                for key, handler, phase in late:
                    del self._armed[key]
                    handler.timed_out = phase
                    with contextlib.suppress(OSError):
                        handler.connection.shutdown(socket.SHUT_RD)
            self._stopping.wait(0.1)


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
        idle_timeout: float = IDLE_TIMEOUT,
        head_timeout: float = HEAD_TIMEOUT,
        body_timeout: float = BODY_TIMEOUT,
        max_connections: int = MAX_CONNECTIONS,
        guard: PeerGuard | None = None,
    ) -> None:
        self.app = handler
        self.guard = guard or PeerGuard()
        self.name = name
        self.server_header = server_header  # sent when the handler's answer names no Server
        self.max_body = max_body
        self.idle_timeout = idle_timeout
        self.head_timeout = head_timeout
        self.body_timeout = body_timeout
        self.max_connections = max_connections
        self.stopping = threading.Event()
        self.watchdog = _Watchdog(self.stopping)
        self._connections = 0
        self._count_lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), _RequestHandler)
        self._loop = ServeLoop(self, f"labkit-{self.name}")

    @property
    def url(self) -> str:
        """``http://127.0.0.1:<port>``."""
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def connections(self) -> int:
        """Connections being served now."""
        return self._connections

    def start(self) -> str:
        """Serve in a daemon thread; returns the URL."""
        self.watchdog.start(f"labkit-{self.name}")
        self._loop.start()
        return self.url

    def stop(self) -> None:
        """Stop serving, release held connections and free the port (safe to call twice)."""
        self.stopping.set()
        self.watchdog.stop()
        self._loop.stop()
        self.server_close()

    def verify_request(self, request: Any, client_address: Any) -> bool:
        """Serve only the lab's own Unix user; anyone else gets 403 and a closed connection."""
        server = request.getsockname()[:2]
        if self.guard.admits_tcp((client_address[0], client_address[1]), server):
            return True
        with contextlib.suppress(OSError):
            request.sendall(_NOT_YOURS)
            request.shutdown(socket.SHUT_WR)
        return False

    def process_request(self, request: Any, client_address: Any) -> None:
        """Serve the connection in its own thread, unless too many are being served already."""
        with self._count_lock:
            full = self._connections >= self.max_connections
            if not full:
                self._connections += 1
        if full:
            with contextlib.suppress(OSError):
                request.sendall(b"HTTP/1.1 503 Service Unavailable\r\n" + _CLOSING + b"\r\n")
            self.shutdown_request(request)
            return
        super().process_request(request, client_address)

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            with self._count_lock:
                self._connections -= 1

    def handle_error(self, request: Any, client_address: Any) -> None:
        """One line on stderr for the lab's own faults; nothing for a client that went away."""
        error = sys.exc_info()[1]
        if isinstance(error, OSError):
            return
        print(f"labkit {self.name}: {type(error).__name__}: {error}", file=sys.stderr)


_CLOSING = b"Content-Length: 0\r\nConnection: close\r\n"
_NOT_YOURS_TEXT = b"labkit: this lab serves only the Unix user who started it\n"
_NOT_YOURS = (
    b"HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nContent-Length: "
    + str(len(_NOT_YOURS_TEXT)).encode()
    + b"\r\nConnection: close\r\n\r\n"
    + _NOT_YOURS_TEXT
)


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    timeout = _BACKSTOP_SECONDS
    server: LoopbackServer
    sys_version = ""
    timed_out: str | None = None
    _refused = False  # answered with a refusal that closes the connection

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: requests carry identities and answers carry credentials."""

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """The base class's refusals (bad request line, unsupported version) as bare answers."""
        self.request_version = "HTTP/1.1"  # answer with a status line even to HTTP/0.9 noise
        self._write(bare(code))

    def handle_expect_100(self) -> bool:
        """Say ``100 Continue`` only once the body's length has been accepted (in _serve)."""
        return True

    def handle_one_request(self) -> None:
        try:
            self._one_request()
        except OSError:  # the client went away, or a read outlived the backstop timeout
            self.close_connection = True

    def _one_request(self) -> None:
        server = self.server
        self.command, self.request_version = "", "HTTP/1.1"  # until a request line is read
        server.watchdog.arm(self, server.idle_timeout, "idle")
        first = self.rfile.peek(1)  # blocks until the next request begins (or the deadline)
        server.watchdog.arm(self, server.head_timeout, "head")
        lines = self._read_head() if first else None
        late = server.watchdog.disarm(self)
        self.close_connection = True
        if isinstance(lines, WireResponse):
            self._write(lines)
            return
        if lines is None:  # closed by the client, or the deadline passed
            if late and self.timed_out == "head":
                self._write(bare(408))
            return
        self.raw_requestline = lines[0]
        real_rfile, self.rfile = self.rfile, io.BytesIO(b"".join(lines[1:]))
        try:
            understood = self.parse_request()  # sets close_connection as the request asks
        finally:
            self.rfile = real_rfile
        if understood and self.request_version == "HTTP/0.9":
            self.send_error(400)  # a request line without a version: HTTP/0.9 is not served
        elif understood:
            self._serve()
        self.wfile.flush()

    def _read_head(self) -> list[bytes] | WireResponse | None:
        """The request line and header lines up to the blank line, within the limits."""
        lines: list[bytes] = []
        size = 0
        while True:
            line = self.rfile.readline(MAX_HEAD_BYTES + 1)
            if not line or not line.endswith(b"\n"):
                if len(line) > MAX_HEAD_BYTES:
                    return bare(414 if not lines else 431)
                if (line or lines) and self.timed_out is None:
                    return bare(400)  # the client stopped sending mid-head: not a request
                return None
            if not lines and line in (b"\r\n", b"\n"):
                continue  # a stray line ending before a request is ignored (RFC 9112 §2.2)
            size += len(line)
            if not lines and len(line) > MAX_REQUEST_LINE:
                return bare(414)
            if size > MAX_HEAD_BYTES or len(lines) > MAX_HEADERS:
                return bare(431)
            lines.append(line)
            if line in (b"\r\n", b"\n"):
                return lines

    def _serve(self) -> None:
        length = self._body_length()
        if isinstance(length, WireResponse):
            self._write(length)
            return
        if self.headers.get("Expect", "").lower() == "100-continue" and length:
            self.wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")
            self.wfile.flush()
        body = b""
        if length:
            self.server.watchdog.arm(self, self.server.body_timeout, "body")
            body = self.rfile.read(length)
            if self.server.watchdog.disarm(self) or len(body) < length:
                if self.timed_out:
                    self._write(bare(408))
                self.close_connection = True
                return
        incoming = Incoming(
            self.command,
            self.path,
            tuple(self.headers.items()),
            body,
            (self.client_address[0], self.client_address[1]),
        )
        try:
            answer = self.server.app(incoming)
        except Exception as error:  # the lab's own fault: say so once, answer 500, keep serving
            print(f"labkit {self.server.name}: {type(error).__name__}: {error}", file=sys.stderr)
            answer = bare(500)
        if isinstance(answer, Drop):
            self._drop(answer.after)
        else:
            self._write(answer)

    def _body_length(self) -> int | WireResponse:
        """The declared body length, or the refusal of a framing the listener does not take."""
        if self.headers.get("Transfer-Encoding") is not None:
            return bare(411)
        values = {v.strip() for v in self.headers.get_all("Content-Length") or []}
        if not values:
            return 0
        if len(values) > 1:
            return bare(400)
        text = values.pop()
        if not text.isascii() or not text.isdigit():
            return bare(400)
        if not _DIGITS.fullmatch(text) or int(text) > self.server.max_body:
            return payload_too_large()
        return int(text)

    def finish(self) -> None:
        """Flush, then close gently: after a refusal the client may still be sending, and
        closing with unread input would reset the connection and lose the answer."""
        super().finish()
        if not self._refused:
            return
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_WR)
            self.connection.settimeout(_LINGER_SECONDS)
            drained = 0
            while drained < _LINGER_BYTES and (chunk := self.connection.recv(65536)):
                drained += len(chunk)

    def _write(self, response: WireResponse) -> None:
        if response.close and response.status >= 400:
            self._refused = True
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
