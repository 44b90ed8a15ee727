"""moto's threaded server on 127.0.0.1, and the environment moto reads when it is imported."""

from __future__ import annotations

import logging
import os
import threading
import urllib.request
from typing import Any

from labkit.local.world.moto import lazy_data

PINNED_MOTO_VERSION = "5.2.5"


def prepare_environment() -> None:
    """Settings moto reads at import time; call before anything imports moto."""
    os.environ.setdefault("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
    os.environ.pop("MOTO_ACCOUNT_ID", None)  # would pin every request to one account
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    share_botocore_loader()
    lazy_data.defer_instance_type_offerings()


def share_botocore_loader() -> None:
    """One botocore data loader per process instead of one per Session.

    moto creates a fresh boto3 Session for several look-ups while it imports and serves
    (``get_available_regions``, response serialization), and each fresh Session would parse
    endpoints.json and the EC2 model again: about a second of a lab's cold start.
    """
    import botocore.loaders
    import botocore.session

    if getattr(botocore.session.create_loader, "labkit_shared", False):
        return
    original = botocore.loaders.create_loader
    loaders: dict[Any, Any] = {}
    lock = threading.Lock()

    def create_loader(search_path_string: Any = None) -> Any:
        with lock:
            if search_path_string not in loaders:
                loaders[search_path_string] = original(search_path_string)
            return loaders[search_path_string]

    create_loader.labkit_shared = True  # type: ignore[attr-defined]
    botocore.session.create_loader = create_loader


def moto_version() -> str:
    """The installed moto version."""
    import moto

    return str(moto.__version__)


class MotoServer:
    """moto's ThreadedMotoServer on 127.0.0.1 and an OS-chosen port."""

    def __init__(self) -> None:
        from moto.moto_server.threaded_moto_server import ThreadedMotoServer

        prepare_environment()
        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self.url = ""

    def start(self) -> str:
        """Start serving; returns ``http://127.0.0.1:<port>``."""
        self._server.start()
        host, port = self._server.get_host_and_port()
        self.url = f"http://{host}:{port}"
        return self.url

    def wsgi_app(self) -> Any:
        """moto's WSGI application (the one the server runs), for in-process calls."""
        inner = getattr(self._server, "_server", None)
        if inner is None:
            raise RuntimeError("start the moto server before asking for its WSGI app")
        return inner.app

    def stop(self) -> None:
        """Stop serving and free the port (takes about half a second: werkzeug's poll)."""
        self._server.stop()
        inner = getattr(self._server, "_server", None)
        if inner is not None:
            inner.server_close()


def reset_moto(moto_url: str) -> None:
    """Empty every moto backend of this process (moto's own reset API)."""
    request = urllib.request.Request(f"{moto_url}/moto-api/reset", method="POST", data=b"")
    direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback only
    with direct.open(request, timeout=30) as response:
        response.read()
