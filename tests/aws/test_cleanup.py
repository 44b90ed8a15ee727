"""Tag-based clean-up: only the run's resources go, dependents first, after a crash too; a
denied list call is reported; the command prints survivors and exits non-zero if any remain."""

from __future__ import annotations

import boto3
import botocore.exceptions
import pytest
from conftest import ACCOUNT, REGION

from labkit import cli
from labkit.aws import cleanup as janitor
from labkit.aws import runs
from labkit.aws.cleanup import cleanup
from labkit.aws.cleanup_api import cleanup as public_cleanup
from labkit.aws.clients import AwsClients
from labkit.aws.errors import MissingPermission
from labkit.aws.setup import instance as instance_setup
from labkit.aws.tags import ec2_tag_specs
from labkit.backend.run_ids import RUN_ID_TAG, check_run_id, new_run_id
from labkit.lab import start
from labkit.lab.launch import stop

RUN = "labkit-20261128-120000-abcd"
OTHER_RUN = "labkit-20261128-130000-beef"
EVERY_KIND = [
    "vpc-endpoint",
    "instance",
    "security-group",
    "security-group",
    "subnet",
    "subnet",
    "subnet",
    "route-table",
    "internet-gateway",
    "vpc",
    "instance-profile",
    "iam-role",
    "log-group",
    "log-group",
]


def _clients(session: boto3.Session):
    return AwsClients(session).lab


def _untagged(session: boto3.Session) -> dict[str, object]:
    """Resources of the learner's own, made without any labkit tag."""
    ec2, logs, iam = session.client("ec2"), session.client("logs"), session.client("iam")
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    group = ec2.create_security_group(GroupName="mine", Description="mine", VpcId=vpc)["GroupId"]
    logs.create_log_group(logGroupName="not-labkit")
    iam.create_role(RoleName="my-labkit-role", AssumeRolePolicyDocument="{}")
    return {"vpc": vpc, "sg": group}


def _still_there(session: boto3.Session, mine: dict[str, object]) -> None:
    ec2 = session.client("ec2")
    assert ec2.describe_vpcs(VpcIds=[mine["vpc"]])["Vpcs"]
    assert ec2.describe_security_groups(GroupIds=[mine["sg"]])["SecurityGroups"]
    groups = {g["logGroupName"] for g in session.client("logs").describe_log_groups()["logGroups"]}
    assert "not-labkit" in groups
    assert session.client("iam").get_role(RoleName="my-labkit-role")["Role"]


def _tagged_anywhere(session: boto3.Session) -> list[janitor.Found]:
    return cleanup("all", _clients(session), dry_run=True).survivors


def test_a_whole_run_goes_in_dependency_order_and_nothing_else(aws: boto3.Session) -> None:
    mine = _untagged(aws)
    other_run = OTHER_RUN
    _make_run(aws, other_run, "theirs")  # names of its own: one account holds one walkthrough
    lab = start("aws", confirm=ACCOUNT, quiet=True)
    lab.create_endpoint("logs", policy="walkthrough")
    report = lab.cleanup()
    assert report.exit_code == 0, str(report)
    assert [f.kind for f in report.deleted] == EVERY_KIND
    assert {f.run_id for f in report.deleted} == {lab.run_id}
    assert "nothing left" in str(report)
    left = _tagged_anywhere(aws)
    assert left and {f.run_id for f in left} == {other_run}, "the other run is untouched"
    _still_there(aws, mine)
    assert runs.remembered(ACCOUNT, REGION) is None, "a run with nothing left is forgotten"
    stop()


def test_log_groups_a_probe_created_are_tagged_and_deleted(aws: boto3.Session) -> None:
    lab = start("aws", confirm=ACCOUNT, quiet=True)
    from labkit.probe import Call

    made = lab.probe(Call("logs", "CreateLogGroup", {"logGroupName": "made-by-a-probe"}))
    assert made["decision"][0] == "Allowed"
    tags = aws.client("logs").list_tags_for_resource(
        resourceArn=f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:made-by-a-probe"
    )["tags"]
    assert tags == {RUN_ID_TAG: lab.run_id}
    report = lab.cleanup()
    assert "made-by-a-probe" in {f.resource_id for f in report.deleted}
    stop()


def test_clean_up_after_a_set_up_killed_halfway(aws: boto3.Session, monkeypatch) -> None:
    mine = _untagged(aws)

    def killed(*args, **kwargs):
        raise KeyboardInterrupt("set-up killed while launching the instance")

    monkeypatch.setattr(instance_setup, "_launch", killed)
    with pytest.raises(KeyboardInterrupt):
        start("aws", confirm=ACCOUNT, quiet=True)
    run_id = runs.remembered(ACCOUNT, REGION)
    assert run_id, "the run was remembered before anything was made"
    half = {f.kind for f in _tagged_anywhere(aws)}
    assert {"vpc", "subnet", "iam-role", "log-group"} <= half and "instance" not in half
    report = public_cleanup(run_id, session=aws, wait_seconds=5, quiet=True)
    assert report.exit_code == 0, str(report)
    assert _tagged_anywhere(aws) == []
    _still_there(aws, mine)


def _make_run(session: boto3.Session, run_id: str, suffix: str) -> dict[str, str]:
    ec2, logs, events = session.client("ec2"), session.client("logs"), session.client("events")
    vpc = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]
    subnets = [
        s["SubnetId"] for s in ec2.describe_subnets()["Subnets"] if s["VpcId"] == vpc["VpcId"]
    ]
    group = ec2.create_security_group(
        GroupName=f"sg-{suffix}",
        Description="test",
        VpcId=vpc["VpcId"],
        TagSpecifications=ec2_tag_specs("security-group", run_id),
    )["GroupId"]
    endpoint = ec2.create_vpc_endpoint(
        VpcEndpointType="Interface",
        VpcId=vpc["VpcId"],
        ServiceName=f"com.amazonaws.{REGION}.logs",
        SubnetIds=subnets,
        SecurityGroupIds=[group],
        TagSpecifications=ec2_tag_specs("vpc-endpoint", run_id),
    )["VpcEndpoint"]["VpcEndpointId"]
    logs.create_log_group(logGroupName=f"group-{suffix}", tags={RUN_ID_TAG: run_id})
    logs.create_log_stream(logGroupName=f"group-{suffix}", logStreamName="log-stream")
    events.create_event_bus(Name=f"bus-{suffix}", Tags=[{"Key": RUN_ID_TAG, "Value": run_id}])
    return {"sg": group, "endpoint": endpoint}


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
            {"Error": {"Code": "ResourceInUse", "Message": "no"}}, "DeleteLogGroup"
        )

    monkeypatch.setattr(janitor.LogGroups, "delete", refuse)
    report = cleanup(RUN, _clients(aws), wait_seconds=0)
    assert report.exit_code == 1
    assert [f.resource_id for f in report.survivors] == ["group-x"]
    assert "FAILED" in str(report) and "survives" in str(report)


def test_a_denied_list_call_is_reported_not_raised(aws: boto3.Session, monkeypatch) -> None:
    _make_run(aws, RUN, "d")

    def denied(self: janitor.EventBuses, run_id: str) -> list:
        raise MissingPermission("events:ListEventBuses", "User: x is not authorized")

    monkeypatch.setattr(janitor.EventBuses, "find", denied)
    report = cleanup(RUN, _clients(aws), wait_seconds=0)
    assert report.exit_code == 1
    assert [k for k, _ in report.unlisted] == ["event-bus"]
    assert "AWS refused events:ListEventBuses" in report.unlisted[0][1]
    assert {f.kind for f in report.deleted} == {"vpc-endpoint", "security-group", "log-group"}
    assert "what is left there is unknown" in str(report)


def test_dry_run_lists_and_deletes_nothing(aws: boto3.Session) -> None:
    made = _make_run(aws, RUN, "dry")
    report = cleanup(RUN, _clients(aws), dry_run=True)
    assert report.deleted == [] and report.exit_code == 1
    assert made["endpoint"] in {f.resource_id for f in report.survivors}
    assert "would delete 4" in str(report) and "dry run: nothing was deleted" in str(report)
    assert len(cleanup(RUN, _clients(aws), dry_run=True).survivors) == 4


def test_run_ids_are_checked(aws: boto3.Session) -> None:
    assert check_run_id(new_run_id()) and check_run_id("all") == "all"
    with pytest.raises(ValueError, match="labkit-YYYYMMDD-HHMMSS-xxxx"):
        cleanup("*", _clients(aws))


def test_public_cleanup_prints_the_report(aws: boto3.Session, capsys) -> None:
    _make_run(aws, RUN, "p")
    report = public_cleanup(RUN, session=aws, wait_seconds=0)
    assert report.exit_code == 0
    assert f"cleanup {RUN}: deleted 4" in capsys.readouterr().out


def test_the_command(aws: boto3.Session, capsys) -> None:
    _make_run(aws, RUN, "c")
    assert cli.main(["cleanup", "--run-id", RUN, "--dry-run", "--region", REGION]) == 1
    assert "would delete 4" in capsys.readouterr().out
    assert cli.main(["cleanup", "--run-id", RUN, "--wait", "5"]) == 0
    assert "nothing left" in capsys.readouterr().out
    assert cli.main(["cleanup", "--all", "--dry-run"]) == 0
    assert cli.main(["cleanup", "--run-id", "nonsense"]) == 2
    assert "labkit-YYYYMMDD-HHMMSS-xxxx" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        cli.main(["cleanup"])  # one of --run-id / --all is required
