"""The lab's own control API on 127.0.0.1 (``LabInfo.urls["ctl"]``), for ``LocalLab``.

Every request needs ``Authorization: Bearer <token>``; the token reaches the parent over the
ready pipe only. Routes: ``GET /health``, ``GET /decisions/<request-id>``, ``POST /stop``.
"""

from __future__ import annotations

import hmac
import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote


class _Server(ThreadingHTTPServer):
    daemon_threads = True


class ControlApi:
    """A tiny JSON API over the lab's decision log and lifecycle."""

    def __init__(self, token: str, *, decisions: Any, stop: Callable[[], None]) -> None:
        self.token = token
        self.decisions = decisions
        self.request_stop = stop
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self.url = ""

    def start(self) -> str:
        """Listen on 127.0.0.1 (OS-chosen port); returns the base URL."""
        api = self

        class Handler(_Handler):
            owner = api

        self._server = _Server(("127.0.0.1", 0), Handler)
        host, port = self._server.server_address[:2]
        self.url = f"http://{host}:{port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.1},
            name="labkit-ctl",
            daemon=True,
        )
        self._thread.start()
        return self.url

    def stop(self) -> None:
        """Stop listening and free the port."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def answer(self, method: str, path: str, authorization: str | None) -> tuple[int, Any]:
        """(status, JSON payload) for one request."""
        expected = f"Bearer {self.token}"
        if not authorization or not hmac.compare_digest(authorization, expected):
            return 401, {"error": "missing or wrong bearer token"}
        if method == "GET" and path == "/health":
            return 200, {"ok": True}
        if method == "GET" and path.startswith("/decisions/"):
            request_id = unquote(path.removeprefix("/decisions/"))
            record = self.decisions.get(request_id)
            if record is None:
                return 404, {"error": f"no decision recorded for request id {request_id!r}"}
            return 200, record.to_dict()
        if method == "POST" and path == "/stop":
            self.request_stop()
            return 202, {"stopping": True}
        return 404, {"error": f"no route {method} {path}"}


class _Handler(BaseHTTPRequestHandler):
    owner: ControlApi
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:
        """Silent."""

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        status, payload = self.owner.answer(
            self.command, self.path.split("?")[0], self.headers.get("Authorization")
        )
        body = json.dumps(payload, default=str).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _serve
