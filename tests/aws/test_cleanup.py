"""Tag-based cleanup: only the run's resources go, dependents first, survivors reported."""

from __future__ import annotations

import boto3
import botocore.exceptions
import pytest

from labkit.aws import cleanup as janitor
from labkit.aws.cleanup import cleanup
from labkit.aws.cleanup_api import cleanup as public_cleanup
from labkit.aws.tags import ec2_tag_specs
from labkit.backend.run_ids import RUN_ID_TAG, check_run_id, new_run_id

RUN = "labkit-20261128-120000-abcd"
OTHER_RUN = "labkit-20261128-130000-beef"


def _make_run(session: boto3.Session, run_id: str, suffix: str) -> dict[str, str]:
    ec2, logs, events = session.client("ec2"), session.client("logs"), session.client("events")
    vpc = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]
    subnets = [s["SubnetId"] for s in ec2.describe_subnets()["Subnets"]]
    group = ec2.create_security_group(
        GroupName=f"sg-{suffix}",
        Description="test",
        VpcId=vpc["VpcId"],
        TagSpecifications=ec2_tag_specs("security-group", run_id),
    )["GroupId"]
    endpoint = ec2.create_vpc_endpoint(
        VpcEndpointType="Interface",
        VpcId=vpc["VpcId"],
        ServiceName="com.amazonaws.ap-northeast-1.logs",
        SubnetIds=subnets,
        SecurityGroupIds=[group],
        TagSpecifications=ec2_tag_specs("vpc-endpoint", run_id),
    )["VpcEndpoint"]["VpcEndpointId"]
    logs.create_log_group(logGroupName=f"group-{suffix}", tags={RUN_ID_TAG: run_id})
    logs.create_log_stream(logGroupName=f"group-{suffix}", logStreamName="log-stream")
    events.create_event_bus(Name=f"bus-{suffix}", Tags=[{"Key": RUN_ID_TAG, "Value": run_id}])
    return {"sg": group, "endpoint": endpoint}


def _clients(session: boto3.Session):
    return lambda service: session.client(service)


def test_deletes_only_the_run_in_dependency_order(aws: boto3.Session) -> None:
    mine = _make_run(aws, RUN, "mine")
    theirs = _make_run(aws, OTHER_RUN, "theirs")
    aws.client("logs").create_log_group(logGroupName="not-labkit")

    report = cleanup(RUN, _clients(aws), wait_seconds=0)

    assert report.exit_code == 0, str(report)
    assert [f.kind for f in report.deleted] == [
        "vpc-endpoint",
        "security-group",
        "event-bus",
        "log-group",
    ]
    assert {f.resource_id for f in report.deleted} == {
        mine["endpoint"],
        mine["sg"],
        "bus-mine",
        "group-mine",
    }
    groups = {g["logGroupName"] for g in aws.client("logs").describe_log_groups()["logGroups"]}
    assert groups == {"group-theirs", "not-labkit"}
    live = janitor.VpcEndpoints(_clients(aws)).find("all")
    assert [f.resource_id for f in live] == [theirs["endpoint"]]
    assert "nothing left" in str(report)


def test_all_runs(aws: boto3.Session) -> None:
    _make_run(aws, RUN, "a")
    _make_run(aws, OTHER_RUN, "b")
    report = cleanup("all", _clients(aws), wait_seconds=0)
    assert len(report.deleted) == 8 and not report.survivors
    buses = [b["Name"] for b in aws.client("events").list_event_buses()["EventBuses"]]
    assert buses == ["default"]


def test_failures_and_survivors_make_exit_code_non_zero(
    aws: boto3.Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    _make_run(aws, RUN, "x")

    def refuse(self: janitor.LogGroups, found: janitor.Found) -> None:
        raise botocore.exceptions.ClientError(
            {"Error": {"Code": "AccessDeniedException", "Message": "no"}}, "DeleteLogGroup"
        )

    monkeypatch.setattr(janitor.LogGroups, "delete", refuse)
    report = cleanup(RUN, _clients(aws), wait_seconds=0)
    assert report.exit_code == 1
    assert [f.resource_id for f in report.survivors] == ["group-x"]
    assert "FAILED" in str(report) and "survives" in str(report)


def test_run_ids_are_checked(aws: boto3.Session) -> None:
    assert check_run_id(new_run_id()) and check_run_id("all") == "all"
    with pytest.raises(ValueError, match="labkit-YYYYMMDD-HHMMSS-xxxx"):
        cleanup("*", _clients(aws))


def test_public_cleanup_prints_the_report(aws: boto3.Session, capsys) -> None:
    _make_run(aws, RUN, "p")
    report = public_cleanup(RUN, session=aws, wait_seconds=0)
    assert report.exit_code == 0
    assert f"cleanup {RUN}: deleted 4" in capsys.readouterr().out
