"""The aws backend: explicit opt-in, read-only until the account ID is typed, tags what it makes."""

from __future__ import annotations

import os

import boto3
import pytest

from labkit.aws.backend import AwsBackend
from labkit.backend.run_ids import RUN_ID_TAG
from labkit.lab import ConfirmationRequired, LabError, start
from labkit.lab.launch import stop

ACCOUNT = "123456789012"  # moto's default account


@pytest.fixture
def lab(aws: boto3.Session):
    lab = start("aws", quiet=True)
    yield lab
    stop()


def test_opt_in_shows_account_region_and_plan(aws: boto3.Session, capsys) -> None:
    lab = start("aws")
    try:
        out = capsys.readouterr().out
        assert "backend   aws" in out and "region    ap-northeast-1" in out
        assert f"account   {ACCOUNT}" in out
        assert "read-only until you confirm" in out
        assert "interface endpoint com.amazonaws.ap-northeast-1.logs in 3 subnets" in out
        assert "$0.042 per hour" in out  # 3 AZ × $0.014
        assert f"labkit.cleanup('{lab.run_id}')" in out
    finally:
        stop()


def test_environment_variable_opts_in(aws: boto3.Session, monkeypatch) -> None:
    monkeypatch.setenv("LABKIT_BACKEND", "aws")
    lab = start(quiet=True)
    try:
        assert lab.backend.info.backend == "aws"
    finally:
        stop()


def test_unknown_backend_is_refused(aws: boto3.Session) -> None:
    with pytest.raises(LabError, match="use 'local'"):
        start("moto", quiet=True)


def test_read_only_until_confirmed(lab, aws: boto3.Session) -> None:
    with pytest.raises(ConfirmationRequired, match="read-only until confirmed"):
        lab.create_endpoint("logs")
    assert aws.client("ec2").describe_vpc_endpoints()["VpcEndpoints"] == []
    assert (
        aws.client("ec2").describe_security_groups(
            Filters=[{"Name": "tag-key", "Values": [RUN_ID_TAG]}]
        )["SecurityGroups"]
        == []
    )
    with pytest.raises(ConfirmationRequired, match="does not match"):
        lab.confirm("444455556666")
    with pytest.raises(ConfirmationRequired):
        lab.probe("walkthrough")


def test_confirmed_run_creates_tagged_resources_and_cleans_up(lab, aws: boto3.Session) -> None:
    lab.confirm(ACCOUNT)
    summary = lab.create_endpoint("logs")
    fields = dict(zip(summary["field"], summary["value"], strict=True))
    assert fields["State"] == "available"
    assert fields["ServiceName"] == "com.amazonaws.ap-northeast-1.logs"
    ec2 = aws.client("ec2")
    endpoint = ec2.describe_vpc_endpoints()["VpcEndpoints"][0]
    assert {"Key": RUN_ID_TAG, "Value": lab.run_id} in endpoint["Tags"]
    assert len(endpoint["SubnetIds"]) == 3
    group = ec2.describe_security_groups(GroupIds=[endpoint["Groups"][0]["GroupId"]])[
        "SecurityGroups"
    ][0]
    assert {"Key": RUN_ID_TAG, "Value": lab.run_id} in group["Tags"]
    rule = group["IpPermissions"][0]
    assert (rule["FromPort"], rule["ToPort"], rule["IpRanges"][0]["CidrIp"]) == (
        443,
        443,
        "172.31.0.0/16",
    )
    report = lab.cleanup()
    assert report.exit_code == 0
    assert [f.kind for f in report.deleted] == ["vpc-endpoint", "security-group"]


def test_only_own_identity(lab) -> None:
    with pytest.raises(LabError, match="no identity 'other-account'"):
        lab.client("logs", "other-account")


def test_kernel_environment_is_restored(aws: boto3.Session, monkeypatch) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    before = dict(os.environ)
    lab = start("aws", region="ap-northeast-1", quiet=True)
    assert os.environ["AWS_DEFAULT_REGION"] == "ap-northeast-1"
    assert os.environ["AWS_ACCESS_KEY_ID"] == before["AWS_ACCESS_KEY_ID"], "real mode keeps keys"
    lab.stop()
    assert dict(os.environ) == before


def test_no_default_vpc_fails_with_a_fix(aws: boto3.Session) -> None:
    ec2 = aws.client("ec2")
    with pytest.raises(LabError, match="create-default-vpc"):
        AwsBackend(session=aws, vpc_id="vpc-00000000000000000")
    assert ec2.describe_vpcs()["Vpcs"]
