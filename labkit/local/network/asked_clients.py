"""Clients that ask for an AWS name, as a real client does, and still reach only the lab.

A lab client normally aims at the egress listener (``127.0.0.1:<port>``), and the egress uses
the name botocore would have used. To show what a client *setting* changes (another Region,
``use_dualstack_endpoint``, ``use_fips_endpoint``, an old SDK's Live Tail host), a client is
made without ``endpoint_url``, so botocore resolves and signs the real name; just before the
request is sent, :func:`send_to_listener` moves it to the lab's listener and keeps the name in
the ``Host`` header, where a real server would read it too. The egress then resolves that name
through the VPC's DNS (``labkit.local.network.egress.asked_host``).

``connect_to`` stands in for an entry in the instance's hosts file (or an answer from a public
resolver): the address the socket connects to, whatever the VPC resolver would answer. The
egress reads it from :data:`CONNECT_TO_HEADER` on the instance's listener only.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from labkit.local.network.guard import is_loopback_host

CONNECT_TO_HEADER = "x-labkit-connect-to"
"""The address the instance connects to instead of resolving the name (a hosts-file entry)."""


def send_to_listener(client: Any, listener_url: str, connect_to: str | None = None) -> Any:
    """Make ``client``'s requests go to ``listener_url`` with the name they were signed for.

    Registered before every other ``before-send`` handler (the loopback guard runs after it and
    sees a loopback URL). Returns the client.
    """
    base = listener_url.rstrip("/")

    def move(request: Any, **_: Any) -> None:
        parts = urlsplit(str(request.url))
        if is_loopback_host(parts.hostname):
            return
        request.headers["Host"] = parts.netloc
        client.labkit_asked_host = parts.hostname  # the name this call asked for (read by paths)
        if connect_to:
            request.headers[CONNECT_TO_HEADER] = connect_to
        path = parts.path or "/"
        request.url = base + path + (f"?{parts.query}" if parts.query else "")

    client.meta.events.register_first("before-send", move, unique_id="labkit-send-to-listener")
    return client
