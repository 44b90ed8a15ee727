"""The lab's data plane in one object: egress and public listeners, gateway, DNS, guard proxy.

``server.py`` builds it once moto and the scenario are ready::

    plane = build_data_plane(state, message_style="current", network_timeout=2.0)
    urls = plane.start()   # {"egress", "public", "dns_vpc", "dns_public", "guard_proxy"}
    ...
    plane.decisions.get(request_id)
    plane.stop()
"""

from __future__ import annotations

import contextlib
from typing import Any
from urllib.parse import urlsplit

from labkit.local.gateway.decide import Decider, PolicyDecider
from labkit.local.gateway.decision_log import DecisionLog
from labkit.local.gateway.pipeline import Gateway
from labkit.local.network.dns import DnsResponder
from labkit.local.network.egress import Egress, Handler
from labkit.local.network.guard import RefusingProxy
from labkit.local.wire.forward import Forwarder
from labkit.local.wire.http import LoopbackServer
from labkit.local.wire.wsgi_forward import WsgiApp, WsgiForwarder

MESSAGE_STYLES = ("current", "2019", "2026")


class DataPlane:
    """Everything a request meets on its way, for one lab."""

    def __init__(
        self,
        state: Any,
        gateway: Gateway,
        decisions: DecisionLog,
        network_timeout: float,
        control: Handler | None = None,
    ) -> None:
        self.decisions = decisions
        self.gateway = gateway
        handlers: dict[str, Handler] = {"data": gateway.handle}
        if control is not None:
            handlers["control"] = control  # the instance's EC2/IAM/STS calls, as routed
        self._egress = LoopbackServer(
            Egress(state, handlers, decisions, side="instance", network_timeout=network_timeout),
            "egress",
        )
        self._public = LoopbackServer(
            Egress(state, handlers, decisions, side="internet", network_timeout=network_timeout),
            "public",
        )
        self._dns = DnsResponder(state.resolve)
        self._proxy = RefusingProxy()

    def start(self) -> dict[str, Any]:
        """Start every listener; returns their URLs and DNS ``(host, port)`` pairs."""
        try:
            urls: dict[str, Any] = {
                "egress": self._egress.start(),
                "public": self._public.start(),
                "guard_proxy": self._proxy.start(),
            }
            dns = self._dns.start()
        except BaseException:
            self.stop()
            raise
        urls["dns_vpc"] = dns["vpc"]
        urls["dns_public"] = dns["public"]
        return urls

    def stop(self) -> None:
        """Stop every listener and free every port (safe to call twice)."""
        for part in (self._egress, self._public, self._proxy, self._dns):
            with contextlib.suppress(Exception):  # keep stopping the others
                part.stop()


def build_data_plane(
    state: Any,
    *,
    message_style: str = "current",
    network_timeout: float = 2.0,
    moto_url: str | None = None,
    moto_app: WsgiApp | None = None,
    decider: Decider | None = None,
    decisions: DecisionLog | None = None,
    control: Handler | None = None,
) -> DataPlane:
    """Compose the data plane over ``state`` (a ``LabState``).

    ``message_style`` picks the AccessDenied wording (``current``; ``2019`` for the memo's;
    ``2026`` with policy ARNs); ``network_timeout`` is how long a dropped flow takes to fail.
    ``moto_url`` defaults to ``state.moto_url``; with ``moto_app`` (moto's WSGI app, same
    process) allowed calls are handed to moto in-process rather than over a loopback socket.
    ``decisions`` is the lab's decision log (one is made if not given); ``control`` is the
    control front's handler, which then serves the EC2/IAM/STS calls the egress routes.
    """
    if message_style not in MESSAGE_STYLES:
        raise ValueError(
            f"message_style must be one of {', '.join(MESSAGE_STYLES)}; got {message_style!r}"
        )
    if network_timeout <= 0:
        raise ValueError(f"network_timeout must be positive seconds, got {network_timeout!r}")
    upstream = moto_url or getattr(state, "moto_url", "")
    if not upstream:
        raise ValueError(
            "build_data_plane needs moto's URL: build the state with "
            "LabState(..., moto_url=<moto server URL>) or pass moto_url=..."
        )
    decisions = decisions if decisions is not None else DecisionLog()
    forwarder: Forwarder | WsgiForwarder = Forwarder(upstream)
    if moto_app is not None:
        parts = urlsplit(upstream)
        forwarder = WsgiForwarder(moto_app, parts.hostname or "127.0.0.1", parts.port or 80)
    gateway = Gateway(
        state,
        forwarder,
        decider or PolicyDecider(state, message_style=message_style),
        decisions,
    )
    return DataPlane(state, gateway, decisions, network_timeout, control)
