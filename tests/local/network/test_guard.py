"""The guard: a local lab's clients never reach a real AWS host, and say why."""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
from collections.abc import Iterator

import boto3
import pytest
from botocore.config import Config

from labkit.local.network.guard import (
    RealAWSRefused,
    RefusingProxy,
    install,
    is_loopback_url,
    proxy_env,
)


def session() -> boto3.session.Session:
    return boto3.session.Session(
        aws_access_key_id="ASIAFAKEFAKEFAKE0001",
        aws_secret_access_key="fake",
        region_name="ap-northeast-1",
    )


@pytest.fixture
def proxy() -> Iterator[RefusingProxy]:
    server = RefusingProxy()
    server.start()
    yield server
    server.stop()


@pytest.mark.parametrize(
    ("url", "loopback"),
    [
        ("http://127.0.0.1:8080/", True),
        ("http://127.8.9.10/", True),
        ("http://localhost:1/", True),
        ("http://[::1]:5/", True),
        ("https://logs.ap-northeast-1.amazonaws.com/", False),
        ("https://10.0.0.1/", False),
        ("https://127.0.0.1.nip.io/", False),
    ],
)
def test_loopback_detection(url: str, loopback: bool) -> None:
    assert is_loopback_url(url) is loopback


def test_a_guarded_client_refuses_a_real_aws_host_before_any_socket() -> None:
    client = install(session()).client("logs", config=Config(retries={"max_attempts": 1}))
    with pytest.raises(RealAWSRefused) as caught:
        client.describe_log_groups()
    text = str(caught.value)
    assert "https://logs.ap-northeast-1.amazonaws.com/" in text
    assert "a local lab never reaches a real AWS host" in text
    assert "logs.DescribeLogGroups" in text


def test_the_guard_installs_on_a_single_client_too() -> None:
    client = session().client("events", config=Config(retries={"max_attempts": 1}))
    install(client)
    with pytest.raises(RealAWSRefused):
        client.list_event_buses()


def test_a_guarded_client_still_reaches_loopback(proxy: RefusingProxy) -> None:
    client = install(session()).client(
        "logs", endpoint_url=proxy.url, config=Config(retries={"max_attempts": 1})
    )
    with pytest.raises(client.exceptions.ClientError) as caught:
        client.describe_log_groups()  # reaches the loopback proxy, which refuses it
    assert caught.value.response["Error"]["Code"] == "RealAWSRefused"


def test_the_proxy_refuses_connect_with_the_reason(proxy: RefusingProxy) -> None:
    host, port = proxy.url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=5)
    conn.request("CONNECT", "logs.ap-northeast-1.amazonaws.com:443")
    reply = conn.getresponse()
    assert reply.status == 403
    assert "refuses to reach logs.ap-northeast-1.amazonaws.com:443" in reply.reason


def test_proxy_env_exempts_loopback() -> None:
    env = proxy_env("http://127.0.0.1:9")
    expected = "http://127.0.0.1:9/labkit-local-lab-never-reaches-real-aws"
    assert env["HTTPS_PROXY"] == env["https_proxy"] == env["HTTP_PROXY"] == expected
    assert env["NO_PROXY"] == "127.0.0.1,localhost"


@pytest.mark.real_cli
def test_the_aws_cli_with_the_proxy_env_fails_fast(proxy: RefusingProxy) -> None:
    """The real AWS CLI, aimed at the real service, cannot get past the refusing proxy."""
    aws = os.path.join(os.path.dirname(sys.executable), "aws")
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": "/nonexistent",
        "AWS_ACCESS_KEY_ID": "ASIAFAKEFAKEFAKE0001",
        "AWS_SECRET_ACCESS_KEY": "fake",
        "AWS_DEFAULT_REGION": "ap-northeast-1",
        "AWS_MAX_ATTEMPTS": "1",
        "AWS_CONFIG_FILE": "/nonexistent",
        **proxy_env(proxy.url),
    }
    done = subprocess.run(
        [aws, "logs", "describe-log-groups"], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 255
    assert done.stderr == (
        f'\nFailed to connect to proxy URL: "{proxy.url}/labkit-local-lab-never-reaches-real-aws"\n'
    )
