"""Hand a request to moto's WSGI application in-process: the gateway's hop to moto, minus TCP.

The data plane runs in the same process as moto. Sending each allowed call over a loopback
socket costs a TCP connect per request (moto's werkzeug server answers ``Connection: close``)
plus a second HTTP parse; calling the WSGI app directly returns the same status, headers and
body. The control front keeps the HTTP :class:`~labkit.local.wire.forward.Forwarder`.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import Any
from urllib.parse import unquote, urlsplit

from labkit.local.wire.forward import Upstream, forwardable, outgoing_headers

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class WsgiForwarder:
    """Sends requests to a WSGI app as if they had arrived at ``host:port``."""

    def __init__(self, app: WsgiApp, host: str, port: int) -> None:
        self.app = app
        self.host = host
        self.port = port

    def send(
        self,
        method: str,
        path: str,
        headers: Iterable[tuple[str, str]],
        body: bytes,
        trusted: Iterable[tuple[str, str]] = (),
    ) -> Upstream:
        """Call the app once; same contract as ``Forwarder.send``."""
        environ = self._environ(method, path, outgoing_headers(headers, trusted), body)
        answer: dict[str, Any] = {}

        def start_response(status: str, response_headers: list[tuple[str, str]], *_: Any) -> None:
            answer["status"] = status
            answer["headers"] = response_headers

        chunks = self.app(environ, start_response)
        try:
            payload = b"".join(chunks)
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()
        code, _, reason = answer["status"].partition(" ")
        kept = [(k, v) for k, v in answer["headers"] if forwardable(k)]
        return Upstream(int(code), reason, kept, payload)

    def _environ(
        self, method: str, path: str, headers: list[tuple[str, str]], body: bytes
    ) -> dict[str, Any]:
        parts = urlsplit(path)
        environ: dict[str, Any] = {
            "REQUEST_METHOD": method,
            "SCRIPT_NAME": "",
            "PATH_INFO": unquote(parts.path or "/", "latin-1"),
            "QUERY_STRING": parts.query,
            "SERVER_NAME": self.host,
            "SERVER_PORT": str(self.port),
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "CONTENT_LENGTH": str(len(body)),
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
            "REQUEST_URI": path,
            "RAW_URI": path,
        }
        for name, value in headers:
            key = name.upper().replace("-", "_")
            if key == "CONTENT_TYPE":
                environ["CONTENT_TYPE"] = value
            elif key != "CONTENT_LENGTH":
                header = f"HTTP_{key}"
                environ[header] = f"{environ[header]},{value}" if header in environ else value
        environ.setdefault("HTTP_HOST", f"{self.host}:{self.port}")
        return environ


class _Body(io.BytesIO):
    """A response body botocore can read (it asks the raw response for ``stream()``)."""

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self.getvalue()


def in_process_sender(forwarder: WsgiForwarder) -> Callable[..., Any]:
    """A botocore ``before-send`` handler that answers each request from ``forwarder``'s app.

    The request keeps every header botocore signed, ``x-moto-account-id`` included (the lab's
    own seeding clients set it; nothing else reaches this sender).
    """
    from botocore.awsrequest import AWSResponse  # imported when the lab process seeds
    from botocore.compat import HTTPHeaders  # imported when the lab process seeds

    def send(request: Any, **_: Any) -> Any:
        parts = urlsplit(request.url)
        path = parts.path or "/"
        if parts.query:
            path = f"{path}?{parts.query}"
        body = request.body or b""
        if isinstance(body, str):
            body = body.encode("utf-8")
        elif not isinstance(body, bytes):
            body = body.read()
        headers = [
            (k, v.decode("latin-1") if isinstance(v, bytes) else str(v))
            for k, v in request.headers.items()
        ]
        trusted = [(k, v) for k, v in headers if k.lower() == "x-moto-account-id"]
        answer = forwarder.send(request.method, path, headers, body, trusted=trusted)
        response_headers = HTTPHeaders()
        for name, value in answer.headers:
            response_headers[name] = value
        return AWSResponse(request.url, answer.status, response_headers, _Body(answer.body))

    return send
