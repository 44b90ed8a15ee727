"""Never reach a real AWS host from a local lab: fail fast, and say so.

Two layers:

* :func:`install` registers a botocore ``before-send`` hook on a session or client; a request
  bound for anything but a loopback address raises :class:`RealAWSRefused` before a socket is
  opened (``LocalLab.client()`` and ``session()`` use it).
* :class:`RefusingProxy` is a loopback HTTP proxy that refuses every request; the lab's env file
  points ``HTTPS_PROXY``/``HTTP_PROXY`` at it (with ``NO_PROXY=127.0.0.1,localhost``) so that
  the AWS CLI, or any tool that honours the proxy variables, cannot reach a real host either:
  a ``CONNECT`` is answered ``403`` with the reason in the status line, a plain request with a
  JSON error naming the host.
"""

from __future__ import annotations

import ipaddress
from typing import Any
from urllib.parse import urlsplit

from botocore.exceptions import BotoCoreError

from labkit.local.wire.http import Incoming, LoopbackServer, WireResponse, plain
from labkit.local.wire.json11 import dumps

LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain"})
NO_PROXY = "127.0.0.1,localhost"
PROXY_PATH = "/labkit-local-lab-never-reaches-real-aws"
"""Path added to the proxy URL: clients ignore it, but botocore's error shows it
(``Failed to connect to proxy URL: "http://127.0.0.1:PORT/labkit-local-lab-..."``)."""


class RealAWSRefused(BotoCoreError):
    """A local-lab client tried to send a request to a non-loopback host."""

    fmt = (
        "labkit local lab refused to send {operation} to {url}: a local lab never reaches a "
        "real AWS host. Use the lab's clients (lab.client(...), lab.session(...)) or source "
        "the lab's env file so that calls go to the lab's 127.0.0.1 endpoints."
    )


def is_loopback_host(host: str | None) -> bool:
    """Whether ``host`` (a name or an address) is this machine's loopback."""
    if not host:
        return False
    host = host.strip("[]").lower()
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_loopback_url(url: str) -> bool:
    """Whether ``url`` points at a loopback host."""
    return is_loopback_host(urlsplit(url).hostname)


def _refuse_non_loopback(request: Any, event_name: str = "", **_: Any) -> None:
    url = str(getattr(request, "url", ""))
    if not is_loopback_url(url):
        parts = event_name.split(".")
        operation = ".".join(parts[1:3]) if len(parts) >= 3 else "a request"
        raise RealAWSRefused(operation=operation, url=url)


def install(target: Any) -> Any:
    """Register the loopback-only hook on a boto3/botocore session or client; returns it."""
    events = getattr(getattr(target, "meta", None), "events", None)
    if events is None:
        core = getattr(target, "_session", target)  # boto3.Session wraps a botocore session
        events = core.get_component("event_emitter") if hasattr(core, "get_component") else None
    if events is None:
        raise TypeError(f"cannot install the labkit guard on {type(target).__name__}")
    events.register("before-send", _refuse_non_loopback, unique_id="labkit-loopback-guard")
    return target


def proxy_env(proxy_url: str) -> dict[str, str]:
    """Environment variables that send every non-loopback request to the refusing proxy."""
    proxy_url = proxy_url.rstrip("/") + PROXY_PATH
    return {
        "HTTPS_PROXY": proxy_url,
        "HTTP_PROXY": proxy_url,
        "https_proxy": proxy_url,
        "http_proxy": proxy_url,
        "NO_PROXY": NO_PROXY,
        "no_proxy": NO_PROXY,
    }


def refuse(incoming: Incoming) -> WireResponse:
    """Every request the proxy gets: 403, naming the host it would have reached."""
    if incoming.method == "CONNECT":
        reason = (
            f"labkit local lab refuses to reach {incoming.path}: a local lab never reaches real AWS"
        )
        headers = (("Content-Type", "text/plain"), ("Content-Length", "0"))
        return WireResponse(403, (*headers, ("Connection", "close")), close=True, reason=reason)
    host = urlsplit(incoming.path).hostname or incoming.header("Host") or "?"
    message = f"labkit local lab refused to reach {host}: a local lab never reaches real AWS"
    answer = plain(
        403, dumps({"__type": "RealAWSRefused", "message": message}), "application/x-amz-json-1.1"
    )
    return WireResponse(403, (*answer.headers, ("Connection", "close")), answer.body, close=True)


class RefusingProxy:
    """A loopback proxy that refuses everything (for ``HTTPS_PROXY``)."""

    def __init__(self) -> None:
        self._server = LoopbackServer(refuse, "guard-proxy")

    @property
    def url(self) -> str:
        """``http://127.0.0.1:<port>``."""
        return self._server.url

    def start(self) -> str:
        """Serve in a daemon thread; returns the URL."""
        return self._server.start()

    def stop(self) -> None:
        """Stop and free the port."""
        self._server.stop()
