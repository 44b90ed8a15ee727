"""Errors an engineer can act on: a missing permission names the action and the policy file,
throttling is retried by botocore's standard mode first, a quota error names the quota."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import boto3
import botocore.exceptions
import pytest
from botocore.stub import Stubber

from labkit.aws.clients import AwsClients
from labkit.aws.errors import MissingPermission, QuotaExceeded, Throttled
from labkit.aws.session import lab_config, probe_config


def _stubbed(service: str) -> tuple[object, Stubber]:
    session = boto3.Session(
        region_name="ap-northeast-1", aws_access_key_id="AKIAEXAMPLE", aws_secret_access_key="x"
    )
    client = AwsClients(session).lab(service)
    return client, Stubber(client)


def test_a_missing_permission_names_the_action_and_the_policy_file() -> None:
    ec2, stub = _stubbed("ec2")
    stub.add_client_error(
        "create_vpc",
        "UnauthorizedOperation",
        "You are not authorized to perform this operation. User: arn:aws:iam::111122223333:"
        "user/me is not authorized to perform: ec2:CreateVpc on resource: arn:aws:ec2:...",
        http_status_code=403,
    )
    with stub, pytest.raises(MissingPermission) as refused:
        ec2.create_vpc(CidrBlock="10.0.0.0/16")
    assert refused.value.action == "ec2:CreateVpc"
    assert "docs/aws-permissions.json" in str(refused.value)


def test_a_quota_error_names_the_quota() -> None:
    ec2, stub = _stubbed("ec2")
    stub.add_client_error(
        "create_vpc_endpoint",
        "VpcEndpointLimitExceeded",
        "The maximum number of VPC endpoints has been reached.",
    )
    with stub, pytest.raises(QuotaExceeded) as stopped:
        ec2.create_vpc_endpoint(VpcId="vpc-1", ServiceName="com.amazonaws.r.logs")
    assert "interface and Gateway Load Balancer endpoints per VPC" in str(stopped.value)
    assert "Service Quotas" in str(stopped.value)


def test_other_errors_stay_botocore_errors() -> None:
    ec2, stub = _stubbed("ec2")
    stub.add_client_error("delete_vpc", "DependencyViolation", "has dependencies")
    with stub, pytest.raises(botocore.exceptions.ClientError, match="DependencyViolation"):
        ec2.delete_vpc(VpcId="vpc-1")


class _Throttling(BaseHTTPRequestHandler):
    seen = 0

    def do_POST(self) -> None:
        type(self).seen += 1
        body = json.dumps({"__type": "ThrottlingException", "message": "Rate exceeded"}).encode()
        self.send_response(400)
        self.send_header("Content-Type", "application/x-amz-json-1.1")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def test_throttling_is_retried_in_standard_mode_then_explained(monkeypatch) -> None:
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "3")
    server = HTTPServer(("127.0.0.1", 0), _Throttling)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{server.server_port}")
        logs, _ = _stubbed("logs")
        with pytest.raises(Throttled) as throttled:
            logs.describe_log_groups()
        assert _Throttling.seen == 3, "botocore retried before labkit said anything"
        assert "gave up after 3 attempts" in str(throttled.value)
        assert "AWS_RETRY_MODE=adaptive" in str(throttled.value)
    finally:
        server.shutdown()


def test_retry_modes(monkeypatch) -> None:
    assert lab_config().retries == {"mode": "standard", "total_max_attempts": 6}
    monkeypatch.setenv("AWS_RETRY_MODE", "adaptive")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "10")
    assert lab_config().retries == {"mode": "adaptive", "total_max_attempts": 10}
    assert probe_config().retries["total_max_attempts"] == 1, "a probe is one call"
