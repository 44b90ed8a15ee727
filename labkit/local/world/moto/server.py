"""moto served on 127.0.0.1 through the lab's listener base; what moto reads on import."""

from __future__ import annotations

import logging
import os
from typing import Any

from labkit.local.wire.botocore_data import read_through_cache, share_botocore_loader
from labkit.local.wire.forward import HOP_BY_HOP
from labkit.local.wire.http import Incoming, LoopbackServer, WireResponse
from labkit.local.wire.wsgi_forward import WsgiForwarder
from labkit.local.world.moto import dispatch_cache, lazy_data

PINNED_MOTO_VERSION = "5.2.5"


def prepare_environment() -> None:
    """Settings moto reads at import time; call before anything imports moto."""
    os.environ.setdefault("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
    os.environ.pop("MOTO_ACCOUNT_ID", None)  # would pin every request to one account
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    share_botocore_loader()
    lazy_data.defer_instance_type_offerings()
    share_motos_loader()


def share_motos_loader() -> None:
    """moto reads each service model it parses requests with through a fresh loader of its own
    (which also searches moto's data), so EC2's 3 MB model was parsed by moto and again by
    botocore's clients: one moto loader per process, reading through the cache of parsed files.
    """
    import moto.core.loaders
    import moto.core.utils

    loader = read_through_cache(moto.core.loaders.create_loader())
    moto.core.utils.create_loader = lambda: loader  # type: ignore[assignment]


def moto_version() -> str:
    """The installed moto version."""
    import moto

    return str(moto.__version__)


class MotoServer:
    """moto's WSGI application behind a :class:`LoopbackServer` (127.0.0.1, OS-chosen port).

    moto's own werkzeug server would answer any local user; the lab's listener base admits only
    the lab's own Unix user (``wire.peer_uid``), like every other lab port. Headers reach moto
    as sent (``x-moto-account-id`` included: seeding lands resources in other accounts with it);
    only hop-by-hop ones are dropped.
    """

    def __init__(self) -> None:
        from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

        prepare_environment()
        dispatch_cache.install()
        self._app = DomainDispatcherApplication(create_backend_app)
        self._server = LoopbackServer(self._serve, "moto")
        host, port = self._server.server_address[:2]
        self._forwarder = WsgiForwarder(self._app, str(host), int(port))
        self.url = ""

    def _serve(self, incoming: Incoming) -> WireResponse:
        headers = [(k, v) for k, v in incoming.headers if k.lower() not in HOP_BY_HOP]
        answer = self._forwarder.send(incoming.method, incoming.path, (), incoming.body, headers)
        return answer.as_response()

    def start(self) -> str:
        """Start serving; returns ``http://127.0.0.1:<port>``."""
        self.url = self._server.start()
        return self.url

    def wsgi_app(self) -> Any:
        """moto's WSGI application (the one the server runs), for in-process calls."""
        return self._app

    def stop(self) -> None:
        """Stop serving and free the port."""
        self._server.stop()
