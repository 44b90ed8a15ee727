"""The script that runs on the lab instance: standard library only, signs as botocore does, records
where each connection went, answers DNS like dig, takes the role from IMDSv2, prints no secret."""

from __future__ import annotations

import ast
import base64
import calendar
import json
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import boto3
import botocore.auth
import botocore.awsrequest
import botocore.credentials
import dnslib
import dnslib.server
import pytest
from conftest import REGION

from labkit.aws import instance_probe, wire
from labkit.aws.runners import decode
from labkit.backend.calls import Call

SCRIPT = Path(instance_probe.__file__)
CREDS = {"key": "AKIAIOSFODNN7EXAMPLE", "secret": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}


def test_standard_library_only_and_python_3_9() -> None:
    tree = ast.parse(SCRIPT.read_text(), feature_version=(3, 9))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    assert imported - {"__future__"} <= sys.stdlib_module_names


@pytest.mark.parametrize("token", [None, "FwoGZXIvYXdzEXAMPLETOKEN"])
def test_signatures_equal_botocores(token: str | None) -> None:
    request = wire.prepare(
        Call("logs", "DescribeLogGroups", {"logGroupNamePrefix": "logs-test"}), REGION
    )
    body = base64.b64decode(request["body"])
    aws_request = botocore.awsrequest.AWSRequest(
        method="POST", url=request["url"], data=body, headers=dict(request["headers"])
    )
    credentials = botocore.credentials.Credentials(CREDS["key"], CREDS["secret"], token)
    botocore.auth.SigV4Auth(credentials, "logs", REGION).add_auth(aws_request)
    when = calendar.timegm(time.strptime(aws_request.headers["X-Amz-Date"], "%Y%m%dT%H%M%SZ"))
    ours = instance_probe.sign(
        "POST",
        request["url"],
        request["headers"],
        body,
        {**CREDS, "token": token},
        "logs",
        REGION,
        now=when,
    )
    assert ours["Authorization"] == aws_request.headers["Authorization"]


def test_a_request_reaches_the_service_and_says_where(aws: boto3.Session, monkeypatch) -> None:
    # The instance's 5 s timeout is for a real network; a loaded test machine may answer slower.
    monkeypatch.setattr(instance_probe, "TIMEOUT", 60)
    aws.client("logs").create_log_group(logGroupName="logs-test-allowed")
    request = wire.prepare(Call("logs", "DescribeLogGroups", {}), REGION)
    answer = instance_probe.send(request, {**CREDS, "token": None})
    assert answer["status"] == 200 and answer["peer"] == "127.0.0.1"
    parsed = wire.parse(Call("logs", "DescribeLogGroups", {}), answer)
    assert [g["logGroupName"] for g in parsed["logGroups"]] == ["logs-test-allowed"]
    assert parsed["ResponseMetadata"]["RequestId"]


def test_no_connection_is_reported_not_raised(monkeypatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")  # discard port: refused
    request = wire.prepare(Call("logs", "DescribeLogGroups", {}), REGION)
    answer = instance_probe.send(request, {**CREDS, "token": None})
    assert answer["status"] is None and "ConnectionRefusedError" in answer["error"]


class _Zone(dnslib.server.BaseResolver):
    def resolve(self, request, handler):
        reply = request.reply()
        name = str(request.q.qname)
        if name == "logs.ap-northeast-1.amazonaws.com.":
            for address in ("172.31.10.218", "172.31.20.109", "172.31.44.227"):
                reply.add_answer(dnslib.RR(name, dnslib.QTYPE.A, rdata=dnslib.A(address), ttl=60))
        else:
            reply.header.rcode = dnslib.RCODE.NXDOMAIN
        return reply


@pytest.fixture
def dns_port() -> Iterator[int]:
    server = dnslib.server.DNSServer(_Zone(), port=0, address="127.0.0.1")
    server.start_thread()
    yield server.server.server_address[1]
    server.stop()


def test_dns_answers_as_dig_reads_them(dns_port: int) -> None:
    found = instance_probe.resolve("logs.ap-northeast-1.amazonaws.com", "127.0.0.1", dns_port)
    assert found["status"] == "NOERROR" and found["server"] == f"127.0.0.1#{dns_port}"
    assert [a[1:] for a in found["answers"]] == [
        [60, "A", "172.31.10.218"],
        [60, "A", "172.31.20.109"],
        [60, "A", "172.31.44.227"],
    ]
    missing = instance_probe.resolve("nothing.example.", "127.0.0.1", dns_port)
    assert missing["status"] == "NXDOMAIN" and missing["answers"] == []


class _Imds(BaseHTTPRequestHandler):
    token = "imds-token"

    def do_PUT(self) -> None:
        assert self.headers["X-aws-ec2-metadata-token-ttl-seconds"]
        self._answer(self.token)

    def do_GET(self) -> None:
        if self.headers.get("X-aws-ec2-metadata-token") != self.token:
            self.send_response(401)
            self.end_headers()
            return
        if self.path.endswith("/security-credentials/"):
            self._answer("lab-role")
        else:
            secret = CREDS["secret"]
            self._answer(
                json.dumps({"AccessKeyId": CREDS["key"], "SecretAccessKey": secret, "Token": "t"})
            )

    def _answer(self, text: str) -> None:
        self.send_response(200)
        self.end_headers()
        self.wfile.write(text.encode())

    def log_message(self, *args: object) -> None:
        pass


def test_on_the_instance_the_role_comes_from_imdsv2(monkeypatch) -> None:
    server = HTTPServer(("127.0.0.1", 0), _Imds)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
            monkeypatch.delenv(key, raising=False)
        monkeypatch.setenv(
            "AWS_EC2_METADATA_SERVICE_ENDPOINT", f"http://127.0.0.1:{server.server_port}"
        )
        assert instance_probe.credentials() == {**CREDS, "token": "t"}
    finally:
        server.shutdown()


def test_the_output_holds_no_secret(aws: boto3.Session, aws_env: dict[str, str]) -> None:
    request = wire.prepare(Call("logs", "DescribeLogGroups", {}), REGION)
    line = instance_probe.encode(instance_probe.run({"requests": [request], "dns": []}))
    assert line.startswith(instance_probe.MARKER)
    decoded = json.dumps(decode(line))
    for secret in (aws_env["AWS_SECRET_ACCESS_KEY"], aws_env["AWS_ACCESS_KEY_ID"]):
        assert secret not in decoded and secret not in line
