"""Every listener of a lab reads requests through the one base: malformed input, same answer."""

from __future__ import annotations

import contextlib
import socket
import time
from typing import Any
from urllib.parse import urlsplit

import pytest

from labkit.local.process.launcher import LocalLab
from labkit.local.wire.http import (
    HEAD_TIMEOUT,
    IDLE_TIMEOUT,
    Incoming,
    LoopbackServer,
    WireResponse,
    plain,
)

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


# -- framing and floods, on every listener --------------------------------------------------

MALFORMED = [
    (b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: +5\r\n\r\n", 400),
    (b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: \xd9\xa3\r\n\r\n", 400),  # Arabic-Indic 3
    (b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1e3\r\n\r\n", 400),
    (b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", 400),
    (b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: " + b"9" * 5000 + b"\r\n\r\n", 413),
    (b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 411),
    (b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 411),
    (b"GET /" + b"a" * 20_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414),
    (b"GET / HTTP/1.1\r\n" + b"X-Flood: y\r\n" * 150 + b"\r\n", 431),
    (b"GET / HTTP/1.1\r\nX-Big: " + b"y" * 70_000 + b"\r\n\r\n", 431),
    (b"GET / HTTP/1.1\r\n" + (b"X-A: " + b"z" * 1000 + b"\r\n") * 80 + b"\r\n", 431),
    (b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n", 400),  # a TLS hello, by mistake
    (b"GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505),
    (b"BREW\r\n\r\n", 400),
    (b"GET /\r\n\r\n", 400),  # HTTP/0.9: no version, not served
]


def exchange_then_stop_sending(url: str, payload: bytes) -> bytes:
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=5) as conn:
        conn.sendall(payload)
        conn.shutdown(socket.SHUT_WR)
        received = b""
        while chunk := conn.recv(65536):
            received += chunk
        return received


@pytest.mark.parametrize("listener", LISTENERS)
def test_a_head_cut_short_or_a_flood_still_gets_its_answer(lab: LocalLab, listener: str) -> None:
    url = lab.info.urls[listener]
    tls_hello = b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\x00" * 64
    assert status_of(exchange_then_stop_sending(url, tls_hello)) == 400
    assert status_of(exchange_then_stop_sending(url, b"GET / HTTP/1.1\r\nHost")) == 400
    flood = b"GET / HTTP/1.1\r\nX-B: " + b"y" * 300_000 + b"\r\n\r\n"
    assert status_of(exchange_then_stop_sending(url, flood)) == 431


@pytest.mark.parametrize("listener", LISTENERS)
def test_every_listener_refuses_floods_and_odd_framing_then_answers(
    lab: LocalLab, listener: str
) -> None:
    url = lab.info.urls[listener]
    for request, status in MALFORMED:
        answer = exchange(url, request)
        assert status_of(answer) == status, (request[:60], answer[:80])
        assert b"connection: close" in answer.lower()
        after = exchange(url, b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert 200 <= status_of(after) < 500 or status_of(after) == 501, after[:80]


@pytest.mark.parametrize("listener", LISTENERS)
def test_a_chunked_body_is_never_read_as_a_second_request(lab: LocalLab, listener: str) -> None:
    smuggled = b"GET /second HTTP/1.1\r\nHost: x\r\n\r\n"
    body = f"{len(smuggled):x}\r\n".encode() + smuggled + b"\r\n0\r\n\r\n"
    answer = exchange(
        lab.info.urls[listener],
        b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + body,
    )
    assert answer.count(b"HTTP/1.1 ") == 1 and status_of(answer) == 411


@pytest.mark.slow
def test_slow_and_idle_connections_are_timed_out_on_every_listener(lab: LocalLab) -> None:
    """Slowloris on all six listeners at once: a trickled head gets 408 within the head
    deadline, an idle connection is closed after the idle deadline, service goes on."""
    slow: dict[str, socket.socket] = {}
    idle: dict[str, socket.socket] = {}
    for listener in LISTENERS:
        parts = urlsplit(lab.info.urls[listener])
        address = (parts.hostname, parts.port)
        slow[listener] = socket.create_connection(address, timeout=40)  # type: ignore[arg-type]
        idle[listener] = socket.create_connection(address, timeout=40)  # type: ignore[arg-type]
        slow[listener].sendall(b"POST / HTTP/1.1\r\nHost: x\r\n")
    started = time.monotonic()
    answers: dict[str, bytes] = {}
    while len(answers) < len(slow) and time.monotonic() - started < HEAD_TIMEOUT + 10:
        for listener, conn in slow.items():
            if listener in answers:
                continue
            with contextlib.suppress(OSError):
                conn.sendall(b"X-Trickle: 1\r\n")  # a header line a second: never finishing
            conn.settimeout(0.01)
            with contextlib.suppress(TimeoutError, BlockingIOError, OSError):
                received = conn.recv(4096)
                answers[listener] = received
        time.sleep(1)
    assert {k: status_of(v) for k, v in answers.items()} == dict.fromkeys(LISTENERS, 408)
    for listener, conn in idle.items():
        conn.settimeout(IDLE_TIMEOUT + 10)
        assert conn.recv(1) == b"", listener  # closed by the listener, nothing said
        conn.close()
    for conn in slow.values():
        conn.close()
    for listener in LISTENERS:
        answer = exchange(lab.info.urls[listener], b"GET / HTTP/1.1\r\nConnection: close\r\n\r\n")
        assert 200 <= status_of(answer) < 600


# -- the base, with short deadlines -----------------------------------------------------------


def echo_server(**options: Any) -> LoopbackServer:
    def handler(incoming: Incoming) -> WireResponse:
        if incoming.route == "/boom":
            raise RuntimeError("a bug in the handler")
        return plain(200, incoming.body or b"ok")

    server = LoopbackServer(handler, "echo", **options)
    server.start()
    return server


def test_keep_alive_serves_several_requests_on_one_connection() -> None:
    server = echo_server()
    try:
        two = (
            b"POST /a HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc"
            b"POST /b HTTP/1.1\r\nContent-Length: 2\r\nConnection: close\r\n\r\nde"
        )
        answer = exchange(server.url, two)
    finally:
        server.stop()
    assert answer.count(b"HTTP/1.1 200") == 2 and answer.endswith(b"de")


def test_a_handler_that_raises_gets_500_and_the_listener_keeps_serving(
    capfd: pytest.CaptureFixture[str],
) -> None:
    server = echo_server()
    try:
        answer = exchange(server.url, b"GET /boom HTTP/1.1\r\n\r\n")
        after = exchange(server.url, b"GET / HTTP/1.1\r\nConnection: close\r\n\r\n")
    finally:
        server.stop()
    assert status_of(answer) == 500 and b"connection: close" in answer.lower()
    assert status_of(after) == 200
    err = capfd.readouterr().err
    assert "RuntimeError: a bug in the handler" in err and "Traceback" not in err


def test_a_body_that_stops_arriving_gets_408() -> None:
    server = echo_server(body_timeout=0.5)
    try:
        answer = exchange(server.url, b"POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc")
    finally:
        server.stop()
    assert status_of(answer) == 408


def test_a_head_that_stops_arriving_gets_408_and_idle_is_closed_silently() -> None:
    server = echo_server(head_timeout=0.5, idle_timeout=0.5)
    try:
        slow = exchange(server.url, b"GET / HTTP/1.1\r\nHost: x\r\n")
        silent = exchange(server.url, b"")
        kept = exchange(server.url, b"GET / HTTP/1.1\r\n\r\n")  # served, then idle, then closed
    finally:
        server.stop()
    assert status_of(slow) == 408
    assert silent == b""
    assert status_of(kept) == 200 and kept.count(b"HTTP/1.1") == 1


def test_expect_continue_is_answered_only_for_an_acceptable_length() -> None:
    server = echo_server(max_body=10)
    try:
        refused = exchange(
            server.url, b"POST / HTTP/1.1\r\nContent-Length: 11\r\nExpect: 100-continue\r\n\r\n"
        )
        accepted = exchange(
            server.url,
            b"POST / HTTP/1.1\r\nContent-Length: 2\r\nExpect: 100-continue\r\n"
            b"Connection: close\r\n\r\nhi",
        )
    finally:
        server.stop()
    assert status_of(refused) == 413 and b"100 Continue" not in refused
    assert accepted.startswith(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200")


def test_connections_over_the_cap_get_503() -> None:
    server = echo_server(max_connections=2, idle_timeout=5)
    parts = urlsplit(server.url)
    held = [socket.create_connection((parts.hostname, parts.port)) for _ in range(2)]  # type: ignore[arg-type]
    try:
        deadline = time.monotonic() + 5
        while server.connections < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        answer = exchange(server.url, b"GET / HTTP/1.1\r\n\r\n")
    finally:
        for conn in held:
            conn.close()
        server.stop()
    assert status_of(answer) == 503
