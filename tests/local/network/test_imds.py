"""The IMDS stand-in: IMDSv2 token flow, instance facts, the role session, and refusals."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from labkit.local.network.imds import MetadataService, TokenBook
from labkit.local.world.views import Credential, InstanceView


class StateDouble:
    """Just what the metadata service reads (a test double, not a lab)."""

    def __init__(self) -> None:
        self.minted = 0

    def instance(self) -> InstanceView:
        return InstanceView(
            id="i-0123456789abcdef0",
            account_id="111122223333",
            region="ap-northeast-1",
            vpc_id="vpc-1",
            subnet_id="subnet-1",
            availability_zone="ap-northeast-1a",
            private_ip="172.31.10.20",
            public_ip=None,
            security_group_ids=("sg-1",),
            image_id="ami-0a1b2c3d4e5f67890",
            instance_type="t3.micro",
            launch_time=datetime(2026, 11, 28, tzinfo=UTC),
            role_name="ec2-logs-fullaccess-role",
            instance_profile_arn="arn:aws:iam::111122223333:instance-profile/ec2-logs-fullaccess-role",
            mac="02:00:00:00:00:01",
        )

    def instance_credentials(self) -> Credential:
        self.minted += 1
        return Credential(
            access_key_id="ASIAEXAMPLEEXAMPLE01",
            secret_access_key="fake-secret",
            session_token="fake-token",
            expiration=datetime.now(UTC) + timedelta(hours=6),
            arn="arn:aws:sts::111122223333:assumed-role/ec2-logs-fullaccess-role/i-0123456789abcdef0",
            account_id="111122223333",
            principal_arn="arn:aws:iam::111122223333:role/ec2-logs-fullaccess-role",
            principal_type="assumed-role",
        )


@pytest.fixture(scope="module")
def imds() -> Iterator[MetadataService]:
    service = MetadataService(StateDouble())  # type: ignore[arg-type]
    service.start()
    yield service
    service.stop()


def call(
    imds: MetadataService, method: str, path: str, headers: dict[str, str] | None = None
) -> tuple[int, str]:
    request = urllib.request.Request(imds.url + path.lstrip("/"), method=method)
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode()


def token(imds: MetadataService, ttl: str = "21600") -> str:
    status, body = call(
        imds, "PUT", "/latest/api/token", {"X-aws-ec2-metadata-token-ttl-seconds": ttl}
    )
    assert status == 200
    return body


def get(imds: MetadataService, path: str) -> tuple[int, str]:
    return call(imds, "GET", path, {"X-aws-ec2-metadata-token": token(imds)})


def test_binds_loopback(imds: MetadataService) -> None:
    assert imds.url.startswith("http://127.0.0.1:")


def test_get_without_token_is_401(imds: MetadataService) -> None:
    assert call(imds, "GET", "/latest/meta-data/instance-id")[0] == 401
    bad = {"X-aws-ec2-metadata-token": "forged"}
    assert call(imds, "GET", "/latest/meta-data/instance-id", bad)[0] == 401


@pytest.mark.parametrize("ttl", ["0", "21601", "abc", ""])
def test_token_ttl_must_be_1_to_21600(imds: MetadataService, ttl: str) -> None:
    headers = {"X-aws-ec2-metadata-token-ttl-seconds": ttl} if ttl else {}
    assert call(imds, "PUT", "/latest/api/token", headers)[0] == 400


def test_forwarded_token_request_is_refused(imds: MetadataService) -> None:
    headers = {"X-aws-ec2-metadata-token-ttl-seconds": "60", "X-Forwarded-For": "1.2.3.4"}
    assert call(imds, "PUT", "/latest/api/token", headers)[0] == 403


def test_expired_token_is_refused() -> None:
    now = [0.0]
    book = TokenBook(clock=lambda: now[0])
    issued = book.issue(10)
    assert book.valid(issued)
    now[0] = 10.5
    assert not book.valid(issued)


def test_instance_facts(imds: MetadataService) -> None:
    assert get(imds, "/latest/meta-data/instance-id") == (200, "i-0123456789abcdef0")
    assert get(imds, "/latest/meta-data/placement/region") == (200, "ap-northeast-1")
    assert get(imds, "/latest/meta-data/placement/availability-zone") == (200, "ap-northeast-1a")
    assert get(imds, "/latest/meta-data/local-ipv4") == (200, "172.31.10.20")
    status, listing = get(imds, "/latest/meta-data/")
    assert status == 200 and "instance-id" in listing.split("\n")
    assert "placement/" in listing.split("\n")
    assert get(imds, "/latest/meta-data/nothing-here")[0] == 404


def test_identity_document(imds: MetadataService) -> None:
    status, body = get(imds, "/latest/dynamic/instance-identity/document")
    document = json.loads(body)
    assert status == 200
    assert document["instanceId"] == "i-0123456789abcdef0"
    assert document["accountId"] == "111122223333"
    assert document["region"] == "ap-northeast-1"
    assert document["privateIp"] == "172.31.10.20"


def test_role_credentials(imds: MetadataService) -> None:
    assert get(imds, "/latest/meta-data/iam/security-credentials/") == (
        200,
        "ec2-logs-fullaccess-role",
    )
    status, body = get(imds, "/latest/meta-data/iam/security-credentials/ec2-logs-fullaccess-role")
    answer: dict[str, Any] = json.loads(body)
    assert status == 200
    assert answer["Code"] == "Success" and answer["Type"] == "AWS-HMAC"
    assert answer["AccessKeyId"] == "ASIAEXAMPLEEXAMPLE01"
    assert answer["Token"] == "fake-token"
    assert answer["Expiration"].endswith("Z")
    status, info = get(imds, "/latest/meta-data/iam/info")
    assert json.loads(info)["InstanceProfileArn"].endswith(
        ":instance-profile/ec2-logs-fullaccess-role"
    )


def test_botocore_reads_the_role_session(imds: MetadataService) -> None:
    from botocore.credentials import InstanceMetadataProvider
    from botocore.utils import InstanceMetadataFetcher

    fetcher = InstanceMetadataFetcher(timeout=5, num_attempts=1, base_url=imds.url)
    credentials = InstanceMetadataProvider(iam_role_fetcher=fetcher).load()
    assert credentials is not None
    assert credentials.method == "iam-role"
    assert credentials.get_frozen_credentials().access_key == "ASIAEXAMPLEEXAMPLE01"
