"""The in-process hop to moto: same request in, same status/headers/body out, no moto override."""

from __future__ import annotations

import json
from typing import Any

from labkit.local.wire.wsgi_forward import WsgiForwarder


def echo_app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    body = environ["wsgi.input"].read(int(environ["CONTENT_LENGTH"]))
    seen = {k: v for k, v in environ.items() if k.startswith("HTTP_") or k.isupper()}
    seen = {k: v for k, v in seen.items() if isinstance(v, str)}
    payload = json.dumps({"environ": seen, "body": body.decode()}).encode()
    start_response(
        "418 I'm a teapot",
        [("Content-Type", "application/json"), ("Connection", "close"), ("x-extra", "1")],
    )
    return [payload[:5], payload[5:]]


def test_request_reaches_the_app_as_sent() -> None:
    forwarder = WsgiForwarder(echo_app, "127.0.0.1", 4566)
    answer = forwarder.send(
        "POST",
        "/some%20path?a=1",
        [("X-Amz-Target", "Logs_20140328.PutLogEvents"), ("Content-Type", "application/x")],
        b'{"k": 1}',
    )
    seen = json.loads(answer.body)
    assert answer.status == 418 and answer.reason == "I'm a teapot"
    assert seen["body"] == '{"k": 1}'
    env = seen["environ"]
    assert env["PATH_INFO"] == "/some path" and env["QUERY_STRING"] == "a=1"
    assert env["HTTP_X_AMZ_TARGET"] == "Logs_20140328.PutLogEvents"
    assert env["CONTENT_TYPE"] == "application/x" and env["CONTENT_LENGTH"] == "8"
    assert env["HTTP_HOST"] == "127.0.0.1:4566"


def test_caller_cannot_pick_the_moto_account_but_the_lab_can() -> None:
    forwarder = WsgiForwarder(echo_app, "127.0.0.1", 4566)
    answer = forwarder.send(
        "POST",
        "/",
        [("x-moto-account-id", "444455556666")],
        b"",
        trusted=[("x-moto-account-id", "111122223333")],
    )
    assert json.loads(answer.body)["environ"]["HTTP_X_MOTO_ACCOUNT_ID"] == "111122223333"


def test_hop_by_hop_response_headers_are_dropped() -> None:
    answer = WsgiForwarder(echo_app, "127.0.0.1", 1).send("GET", "/", [], b"")
    names = {name.lower() for name, _ in answer.headers}
    assert "connection" not in names and "x-extra" in names
