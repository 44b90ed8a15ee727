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


def test_a_botocore_client_is_answered_in_process_with_its_account_header() -> None:
    """``in_process_sender``: a real botocore client's request goes to the app, not a socket;
    the answer is parsed as usual and the seeding account header crosses as trusted."""
    import boto3
    from botocore.config import Config

    from labkit.local.wire.wsgi_forward import in_process_sender

    seen: dict[str, Any] = {}

    def logs_app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        seen["account"] = environ.get("HTTP_X_MOTO_ACCOUNT_ID")
        seen["target"] = environ.get("HTTP_X_AMZ_TARGET")
        seen["body"] = json.loads(environ["wsgi.input"].read(int(environ["CONTENT_LENGTH"])))
        start_response("200 OK", [("Content-Type", "application/x-amz-json-1.1")])
        return [b'{"logGroups": [{"logGroupName": "seen-in-process"}]}']

    client = boto3.client(
        "logs",
        region_name="ap-northeast-1",
        endpoint_url="http://127.0.0.1:9",  # nothing listens there: only the app can answer
        aws_access_key_id="AKIAEXAMPLEEXAMPLE00",
        aws_secret_access_key="fake",
        config=Config(retries={"max_attempts": 1}),
    )
    client.meta.events.register(
        "before-sign", lambda request, **_: request.headers.__setitem__("x-moto-account-id", "1")
    )
    client.meta.events.register(
        "before-send", in_process_sender(WsgiForwarder(logs_app, "127.0.0.1", 9))
    )
    answer = client.describe_log_groups(logGroupNamePrefix="seen")
    assert answer["logGroups"] == [{"logGroupName": "seen-in-process"}]
    assert seen == {
        "account": "1",
        "target": "Logs_20140328.DescribeLogGroups",
        "body": {"logGroupNamePrefix": "seen"},
    }
