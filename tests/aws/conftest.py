"""Real-AWS backend tests, offline: a moto server on 127.0.0.1 stands in for AWS.

boto3's standard ``AWS_ENDPOINT_URL`` points at it; ``LABKIT_AWS_PROBE_RUNNER=local`` runs what
the lab instance would run in a local process; IMDS is off (this machine is no EC2 instance) and
the user's config folder is a temporary one. Each test starts from an empty stand-in.
"""

from __future__ import annotations

import logging
import os
import secrets
import string
import urllib.request
from collections.abc import Iterator

import boto3
import pytest
from moto.server import ThreadedMotoServer

REGION = "ap-northeast-1"
ACCOUNT = "123456789012"  # moto's default account


def _fake_key(prefix: str, length: int, alphabet: str) -> str:
    return prefix + "".join(secrets.choice(alphabet) for _ in range(length - len(prefix)))


# shaped like real keys, so that the secret scan would find them anywhere they leaked
ACCESS_KEY = _fake_key("AKIA", 20, string.ascii_uppercase + string.digits)
SECRET_KEY = _fake_key("", 40, string.ascii_letters + string.digits + "/+")


@pytest.fixture(scope="session")
def stand_in() -> Iterator[str]:
    """A moto server on 127.0.0.1 for the whole session; its URL."""
    # AWS's managed policies (AmazonSSMManagedInstanceCore) exist in AWS; moto loads them on request
    os.environ["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "true"
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def reset(url: str) -> None:
    """Forget everything the stand-in holds."""
    urllib.request.urlopen(urllib.request.Request(f"{url}/moto-api/reset", method="POST"))


@pytest.fixture
def aws_env(stand_in: str, monkeypatch: pytest.MonkeyPatch, tmp_path) -> dict[str, str]:
    """The environment of a run against the stand-in (also what a notebook kernel gets)."""
    reset(stand_in)
    for key in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "LABKIT_CONFIRM_ACCOUNT", "LABKIT_BACKEND"):
        monkeypatch.delenv(key, raising=False)
    env = {
        "AWS_ENDPOINT_URL": stand_in,
        "AWS_ACCESS_KEY_ID": ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
        "AWS_DEFAULT_REGION": REGION,
        "AWS_EC2_METADATA_DISABLED": "true",
        "LABKIT_AWS_PROBE_RUNNER": "local",
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return env


@pytest.fixture
def aws(aws_env: dict[str, str]) -> boto3.Session:
    """A boto3 session on the stand-in (account 123456789012, ap-northeast-1)."""
    return boto3.Session(region_name=REGION)
