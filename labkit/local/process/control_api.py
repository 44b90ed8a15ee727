"""The lab's own control API on 127.0.0.1 (``LabInfo.urls["ctl"]``), for ``LocalLab``.

Every request needs ``Authorization: Bearer <token>``; the token reaches the parent over the
ready pipe only. Routes: ``GET /health``, ``GET /decisions/<request-id>``, ``POST /stop``.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote

from labkit.local.wire.http import Incoming, LoopbackServer, WireResponse, plain


class ControlApi:
    """A tiny JSON API over the lab's decision log and lifecycle."""

    def __init__(self, token: str, *, decisions: Any, stop: Callable[[], None]) -> None:
        self.token = token
        self.decisions = decisions
        self.request_stop = stop
        self._server: LoopbackServer | None = None
        self.url = ""

    def start(self) -> str:
        """Listen on 127.0.0.1 (OS-chosen port); returns the base URL."""
        self._server = LoopbackServer(self.serve, "ctl")
        self.url = self._server.start()
        return self.url

    def stop(self) -> None:
        """Stop listening and free the port (safe to call twice)."""
        if self._server is not None:
            self._server.stop()
            self._server = None

    def serve(self, incoming: Incoming) -> WireResponse:
        """The listener's handler: a JSON answer for every request."""
        status, payload = self.answer(
            incoming.method, incoming.route, incoming.header("Authorization")
        )
        return plain(status, json.dumps(payload, default=str), "application/json")

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
