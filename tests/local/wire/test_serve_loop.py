"""Listeners sleep while idle: ServeLoop and the loopback listener's watchdog wake only for work,
and their threads end on stop."""

from __future__ import annotations

import socket
import socketserver
import threading
import time
import urllib.request

from labkit.local.wire.http import LoopbackServer, plain
from labkit.local.wire.serve_loop import ServeLoop


class _Echo(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        self.request.sendall(self.request.recv(64).upper())


def _wake_ups(name: str) -> int:
    """How often the thread called ``name`` has gone to sleep and woken so far (Linux /proc:
    its voluntary context switches)."""
    (thread,) = [t for t in threading.enumerate() if t.name == name]
    with open(f"/proc/self/task/{thread.native_id}/status") as status:
        for line in status:
            if line.startswith("voluntary_ctxt_switches:"):
                return int(line.split()[1])
    raise AssertionError("no voluntary_ctxt_switches in /proc")


def _echo(port: int, text: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as client:
        client.sendall(text)
        return client.recv(64)


def test_serves_sleeps_while_idle_and_stops_at_once() -> None:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Echo)
    loop = ServeLoop(server, "serve-loop")
    loop.start()
    port = server.server_address[1]
    try:
        assert _echo(port, b"first") == b"FIRST"
        time.sleep(0.2)  # the first connection's handler thread is done
        before = _wake_ups("serve-loop")
        time.sleep(1.0)  # socketserver's own loop at poll_interval=0.05 would wake 20 times
        assert _wake_ups("serve-loop") - before == 0
        assert _echo(port, b"second") == b"SECOND"
    finally:
        loop.stop()
        server.server_close()
    assert not any(t.name == "serve-loop" for t in threading.enumerate())
    loop.stop()  # twice is harmless


def test_an_idle_loopback_listener_and_its_watchdog_do_not_wake() -> None:
    server = LoopbackServer(lambda incoming: plain(200, "ok"), "idle")
    url = server.start()
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:  # arms and disarms the watchdog
            assert answer.read() == b"ok"
        deadline = time.monotonic() + 10
        while server.connections and time.monotonic() < deadline:
            time.sleep(0.05)  # the handler thread ends and disarms its connection
        time.sleep(0.3)  # the watchdog's last look finds nothing armed, and it sleeps
        listener, watchdog = "labkit-idle", "labkit-idle-watchdog"
        before = (_wake_ups(listener), _wake_ups(watchdog))
        time.sleep(1.0)
        assert (_wake_ups(listener), _wake_ups(watchdog)) == before
    finally:
        server.stop()
    assert not any(t.name.startswith("labkit-idle") for t in threading.enumerate())
