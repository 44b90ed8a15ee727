"""Real-AWS backend tests, offline: a moto server on 127.0.0.1 stands in for AWS.

boto3's standard ``AWS_ENDPOINT_URL`` points at it; ``LABKIT_AWS_PROBE_RUNNER=local`` runs what
the lab instance would run in a local process; IMDS is off (this machine is no EC2 instance) and
the user's config folder is a temporary one. Each test starts from an empty stand-in.
"""

from __future__ import annotations

import json
import logging
import secrets
import string
from collections.abc import Iterator

import boto3
import moto.iam.models
import moto.settings
import pytest
from moto.server import ThreadedMotoServer
from moto_reset import empty_moto

from labkit.aws.setup.role import SSM_MANAGED_POLICY
from labkit.local.wire.botocore_data import share_botocore_loader

REGION = "ap-northeast-1"
ACCOUNT = "123456789012"  # moto's default account


def _fake_key(prefix: str, length: int, alphabet: str) -> str:
    return prefix + "".join(secrets.choice(alphabet) for _ in range(length - len(prefix)))


# shaped like real keys, so that the secret scan would find them anywhere they leaked
ACCESS_KEY = _fake_key("AKIA", 20, string.ascii_uppercase + string.digits)
SECRET_KEY = _fake_key("", 40, string.ascii_letters + string.digits + "/+")


def _only_the_managed_policies_the_lab_attaches() -> None:
    """AWS's managed policies exist in AWS; moto loads them when asked to, but all 1,300 of them
    cost 0.8 s on the first IAM call after every reset. The stand-in knows the one the lab
    attaches (the instance role's SSM policy)."""
    everything = json.loads(moto.iam.models.aws_managed_policies_data)
    moto.iam.models.aws_managed_policies_data = json.dumps(
        {SSM_MANAGED_POLICY: everything[SSM_MANAGED_POLICY]}
    )
    # Turned on for this process's moto only: an environment variable would also reach every
    # process started from here (lab processes scrub MOTO_*, other tools would not).
    moto.iam.models.load_iam_aws_managed_policies = lambda: True


def _no_default_amis() -> None:
    """moto builds ~700 AMIs (with their snapshots) on the first EC2 call after every reset,
    1-2 s. The lab reads the Amazon Linux AMI ID from the SSM parameter and launches it; moto
    launches an instance from an ID it does not hold (it checks AMIs only when told to), so
    the stand-in holds none, whichever test ran first in this process (an in-process lab's
    ``prepare_environment`` turns them off for the whole process)."""
    moto.settings.ec2_load_default_amis = lambda: False


@pytest.fixture(scope="session")
def stand_in() -> Iterator[str]:
    """A moto server on 127.0.0.1 for the whole session; its URL."""
    _only_the_managed_policies_the_lab_attaches()
    _no_default_amis()
    # moto's server runs in this process: its Sessions and the tests' share one botocore loader
    # (each fresh Session would parse the EC2 model again), as the lab process does
    share_botocore_loader()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def aws_env(stand_in: str, monkeypatch: pytest.MonkeyPatch, tmp_path) -> dict[str, str]:
    """The environment of a run against the stand-in (also what a notebook kernel gets)."""
    empty_moto()
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
