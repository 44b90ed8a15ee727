"""Serve a listening socket without polling: the loop sleeps until a connection or a stop.

``socketserver``'s ``serve_forever`` wakes every ``poll_interval`` to look for a stop request;
with a short interval (so that a lab stops at once) every listener of an idle lab woke 20 times
a second, which cost an idle lab about 3.5 % of a core (0.35 s of CPU in 10 s), and a workshop
machine running dozens of idle labs a whole core. Here the loop waits on the listening socket
and on a pipe that ``stop()`` writes to, so it costs nothing between connections and still
stops at once.
"""

from __future__ import annotations

import contextlib
import os
import selectors
import socketserver
import threading


class ServeLoop:
    """Accept and serve connections of one ``socketserver`` server in a daemon thread."""

    def __init__(self, server: socketserver.BaseServer, name: str) -> None:
        self._server = server
        self._name = name
        self._wake_read, self._wake_write = os.pipe()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Serve in a daemon thread named ``name``."""
        self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        server = self._server
        server.timeout = 0  # handle_request: the socket is known readable, never wait in it
        with selectors.DefaultSelector() as selector:
            selector.register(server, selectors.EVENT_READ)
            selector.register(self._wake_read, selectors.EVENT_READ)
            while True:
                ready = selector.select()
                if any(key.fileobj == self._wake_read for key, _ in ready):
                    return
                server.handle_request()
                server.service_actions()

    def stop(self, timeout: float = 5.0) -> None:
        """Wake the loop, wait for it to end (at most ``timeout`` s); safe to call twice."""
        if self._thread is not None:
            with contextlib.suppress(OSError):
                os.write(self._wake_write, b"x")
            self._thread.join(timeout=timeout)
            self._thread = None
        for fd in (self._wake_read, self._wake_write):
            with contextlib.suppress(OSError):
                os.close(fd)
        self._wake_read = self._wake_write = -1
