"""Every listener of a lab reads requests through the one base: malformed input, same answer."""

from __future__ import annotations

import socket
from urllib.parse import urlsplit

import pytest

from labkit.local.process.launcher import LocalLab
from labkit.local.wire.http import LoopbackServer, WireResponse, plain

LISTENERS = ("control", "egress", "public", "imds", "ctl", "guard_proxy")


def exchange(url: str, head: bytes, timeout: float = 5.0) -> bytes:
    """Send raw bytes, read until the server closes (or the timeout)."""
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=timeout) as conn:
        conn.sendall(head)
        received = b""
        while True:
            chunk = conn.recv(65536)
            if not chunk:
                return received
            received += chunk


def status_of(answer: bytes) -> int:
    return int(answer.split(b" ", 2)[1])


@pytest.mark.parametrize("listener", LISTENERS)
@pytest.mark.parametrize(
    ("headers", "status"),
    [
        (b"Content-Length: abc\r\n", 400),
        (b"Content-Length: -1\r\n", 400),
        (b"Transfer-Encoding: chunked\r\n", 411),
        (b"Content-Length: 999999999\r\n", 413),
    ],
    ids=["length-not-a-number", "negative-length", "chunked", "too-large"],
)
def test_every_listener_refuses_malformed_framing_and_closes(
    lab: LocalLab, listener: str, headers: bytes, status: int
) -> None:
    url = lab.info.urls[listener]
    answer = exchange(url, b"POST / HTTP/1.1\r\nHost: x\r\n" + headers + b"\r\n")
    assert status_of(answer) == status
    assert b"connection: close" in answer.lower()


@pytest.mark.parametrize("listener", LISTENERS)
def test_every_listener_answers_after_a_malformed_request(lab: LocalLab, listener: str) -> None:
    url = lab.info.urls[listener]
    exchange(url, b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n")
    answer = exchange(url, b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert 200 <= status_of(answer) < 600


def test_a_handler_sees_every_method_and_the_body() -> None:
    seen: list[tuple[str, str, bytes]] = []

    def handler(incoming):  # type: ignore[no-untyped-def]
        seen.append((incoming.method, incoming.route, incoming.body))
        return plain(200, "ok")

    server = LoopbackServer(handler, "test")
    url = server.start()
    try:
        for method in ("GET", "PUT", "PATCH", "CONNECT"):
            exchange(url, f"{method} /p?q=1 HTTP/1.1\r\nConnection: close\r\n\r\n".encode())
        exchange(url, b"POST /b HTTP/1.1\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc")
    finally:
        server.stop()
        server.stop()  # a second stop is harmless
    assert seen == [
        ("GET", "/p", b""),
        ("PUT", "/p", b""),
        ("PATCH", "/p", b""),
        ("CONNECT", "/p", b""),
        ("POST", "/b", b"abc"),
    ]
    assert server.url.startswith("http://127.0.0.1:")


def test_the_server_header_is_sent_only_when_configured() -> None:
    def handler(_):  # type: ignore[no-untyped-def]
        return WireResponse(204, (("Content-Length", "0"),))

    quiet, named = LoopbackServer(handler, "a"), LoopbackServer(handler, "b", server_header="EC2ws")
    try:
        a = exchange(quiet.start(), b"GET / HTTP/1.1\r\nConnection: close\r\n\r\n")
        b = exchange(named.start(), b"GET / HTTP/1.1\r\nConnection: close\r\n\r\n")
    finally:
        quiet.stop()
        named.stop()
    assert b"server:" not in a.lower() and b"Server: EC2ws" in b
