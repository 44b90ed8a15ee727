"""The aws backend against the stand-in: opt-in, read-only until confirmed, a complete set-up
tagged with the run, idempotent reruns, and nothing outside its own run ever changed."""

from __future__ import annotations

import json
import os
import time

import boto3
import pytest
from conftest import ACCOUNT, REGION

from labkit.aws import runs
from labkit.aws.backend import AwsBackend
from labkit.aws.setup.instance import AMI_PARAMETER
from labkit.aws.tags import ec2_filter, ec2_tag_specs
from labkit.backend.run_ids import RUN_ID_TAG
from labkit.lab import ConfirmationRequired, LabError, start
from labkit.lab.launch import stop

OTHER_RUN = "labkit-20261128-130000-beef"


@pytest.fixture
def lab(aws: boto3.Session):
    lab = start("aws", quiet=True)
    yield lab
    stop()


@pytest.fixture
def confirmed(aws: boto3.Session):
    lab = start("aws", confirm=ACCOUNT, quiet=True)
    yield lab
    stop()


def _tagged(session: boto3.Session, run_id: str) -> dict[str, int]:
    """How many of each EC2 resource type carry the run's tag."""
    ec2 = session.client("ec2")
    filters = ec2_filter(run_id)
    instances = [
        i
        for r in ec2.describe_instances(Filters=filters)["Reservations"]
        for i in r["Instances"]
        if i["State"]["Name"] != "terminated"
    ]
    return {
        "vpc": len(ec2.describe_vpcs(Filters=filters)["Vpcs"]),
        "subnet": len(ec2.describe_subnets(Filters=filters)["Subnets"]),
        "igw": len(ec2.describe_internet_gateways(Filters=filters)["InternetGateways"]),
        "routes": len(ec2.describe_route_tables(Filters=filters)["RouteTables"]),
        "sg": len(ec2.describe_security_groups(Filters=filters)["SecurityGroups"]),
        "instance": len(instances),
        "endpoint": len(
            [
                e
                for e in ec2.describe_vpc_endpoints(Filters=filters)["VpcEndpoints"]
                if e["State"].lower() not in ("deleted", "deleting")
            ]
        ),
    }


def test_opt_in_shows_account_region_plan_and_hourly_cost(aws: boto3.Session, capsys) -> None:
    lab = start("aws")
    try:
        out = capsys.readouterr().out
        assert "backend   aws" in out and f"region    {REGION}" in out
        assert f"account   {ACCOUNT}" in out
        assert "read-only until you confirm" in out
        assert "a lab VPC 172.31.0.0/16" in out and "3 subnets (/20, one per AZ" in out
        assert "t3.micro instance, latest Amazon Linux 2023" in out
        assert "logs endpoint (3 AZ)                           $0.0420" in out  # 3 × $0.014
        assert "total ≈ $0.104 per hour" in out
        assert f"labkit cleanup --run-id {lab.run_id}" in out
        assert "LABKIT_CONFIRM_ACCOUNT" in out
    finally:
        stop()


def test_environment_variable_opts_in(aws: boto3.Session, monkeypatch) -> None:
    monkeypatch.setenv("LABKIT_BACKEND", "aws")
    lab = start(quiet=True)
    try:
        assert lab.backend.info.backend == "aws"
        assert lab.env()["AWS_REGION"] == REGION, "`dig logs.$AWS_REGION...` needs it"
    finally:
        stop()


def test_unknown_backend_is_refused(aws: boto3.Session) -> None:
    with pytest.raises(LabError, match="use 'local'"):
        start("moto", quiet=True)


def test_read_only_until_confirmed(lab, aws: boto3.Session) -> None:
    with pytest.raises(ConfirmationRequired, match="read-only until confirmed"):
        lab.create_endpoint("logs")
    with pytest.raises(ConfirmationRequired, match="has no VPC yet"):
        lab.network()
    with pytest.raises(ConfirmationRequired, match="does not match"):
        lab.confirm("444455556666")
    with pytest.raises(ConfirmationRequired):
        lab.probe("walkthrough")
    assert set(_tagged(aws, "all").values()) == {0}
    assert aws.client("logs").describe_log_groups()["logGroups"] == []
    assert runs.remembered(ACCOUNT, REGION) is None, "nothing is remembered before set-up"


def test_the_confirm_variable_confirms_headless(aws: boto3.Session, monkeypatch) -> None:
    monkeypatch.setenv("LABKIT_CONFIRM_ACCOUNT", ACCOUNT)
    lab = start("aws", quiet=True)
    try:
        assert lab.backend.confirmed
        assert _tagged(aws, lab.run_id)["instance"] == 1
    finally:
        stop()
    monkeypatch.setenv("LABKIT_CONFIRM_ACCOUNT", "444455556666")
    with pytest.raises(ConfirmationRequired, match="does not match"):
        start("aws", quiet=True)


def test_set_up_creates_what_the_plan_lists_all_tagged(confirmed, aws: boto3.Session) -> None:
    run = confirmed.run_id
    assert _tagged(aws, run) == {
        "vpc": 1,
        "subnet": 3,
        "igw": 1,
        "routes": 1,
        "sg": 2,
        "instance": 1,
        "endpoint": 0,
    }
    ec2, iam = aws.client("ec2"), aws.client("iam")
    subnets = ec2.describe_subnets(Filters=ec2_filter(run))["Subnets"]
    assert sorted(s["AvailabilityZone"] for s in subnets) == [
        "ap-northeast-1a",
        "ap-northeast-1c",
        "ap-northeast-1d",
    ]
    vpc = ec2.describe_vpcs(Filters=ec2_filter(run))["Vpcs"][0]
    hostnames = ec2.describe_vpc_attribute(VpcId=vpc["VpcId"], Attribute="enableDnsHostnames")
    assert hostnames["EnableDnsHostnames"]["Value"] is True
    table = ec2.describe_route_tables(Filters=ec2_filter(run))["RouteTables"][0]
    assert any(r.get("DestinationCidrBlock") == "0.0.0.0/0" for r in table["Routes"])
    assert len([a for a in table["Associations"] if a.get("SubnetId")]) == 3

    role = confirmed.identity.split("/")[1]
    assert role == f"ec2-logs-fullaccess-role-{run}"
    assert {"Key": RUN_ID_TAG, "Value": run} in iam.list_role_tags(RoleName=role)["Tags"]
    assert sorted(iam.list_role_policies(RoleName=role)["PolicyNames"]) == [
        "events-put",
        "logs-full-access",
    ]
    attached = iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"]
    assert [p["PolicyName"] for p in attached] == ["AmazonSSMManagedInstanceCore"]

    reservation = ec2.describe_instances(Filters=ec2_filter(run))["Reservations"][0]
    instance = reservation["Instances"][0]
    latest = aws.client("ssm").get_parameter(Name=AMI_PARAMETER)["Parameter"]["Value"]
    assert instance["ImageId"] == latest
    assert instance["IamInstanceProfile"]["Arn"].endswith(f"instance-profile/{role}")
    assert confirmed.identity.endswith(f"/{instance['InstanceId']}")

    logs = aws.client("logs")
    for group in ("logs-test-allowed", "logs-test-denied"):
        streams = logs.describe_log_streams(logGroupName=group)["logStreams"]
        assert [s["logStreamName"] for s in streams] == ["log-stream"]
    assert runs.remembered(ACCOUNT, REGION) == run


def test_a_rerun_reuses_the_run_and_everything_it_made(confirmed, aws: boto3.Session) -> None:
    first = confirmed.run_id
    confirmed.create_endpoint("logs", policy="walkthrough")
    before = _tagged(aws, first)
    stop()
    again = start("aws", confirm=ACCOUNT, quiet=True)  # the remembered run
    assert again.run_id == first
    again.create_endpoint("logs")  # reused, and brought back to the default policy
    assert _tagged(aws, first) == before
    assert json.loads(again.policy())["Statement"][0]["Resource"] == "*"
    stop()
    explicit = start("aws", run_id=first, confirm=ACCOUNT, quiet=True)
    assert explicit.run_id == first and _tagged(aws, first) == before
    assert len(aws.client("ec2").describe_vpcs()["Vpcs"]) == 2, "the default VPC and the lab's"


def test_a_bad_run_id_is_refused_with_the_form(aws: boto3.Session) -> None:
    with pytest.raises(LabError, match="labkit-YYYYMMDD-HHMMSS-xxxx"):
        start("aws", run_id="my-run", quiet=True)
    with pytest.raises(LabError, match="names every run"):
        start("aws", run_id="all", quiet=True)


def test_the_learners_vpc_is_read_not_changed(aws: boto3.Session) -> None:
    ec2 = aws.client("ec2")
    vpc = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]
    lab = start("aws", vpc_id=vpc["VpcId"], confirm=ACCOUNT, quiet=True)
    try:
        facts = lab.backend.network()
        assert facts.vpc_id == vpc["VpcId"] and len(facts.subnets) == 3
        counts = _tagged(aws, lab.run_id)
        assert (counts["vpc"], counts["subnet"], counts["igw"], counts["routes"]) == (0, 0, 0, 0)
        assert counts["sg"] == 2 and counts["instance"] == 1
        assert "yours: read, never changed" in str(lab.backend.plan())
    finally:
        stop()


def test_only_its_own_run_is_changed_or_deleted(aws: boto3.Session) -> None:
    """A learner's untagged endpoint and another run's endpoint in the VPC stay as they were."""
    ec2 = aws.client("ec2")
    vpc = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]
    subnets = [
        s["SubnetId"] for s in ec2.describe_subnets()["Subnets"] if s["VpcId"] == vpc["VpcId"]
    ]
    theirs = ec2.create_vpc_endpoint(
        VpcEndpointType="Interface",
        VpcId=vpc["VpcId"],
        ServiceName=f"com.amazonaws.{REGION}.logs",
        SubnetIds=subnets,
        PrivateDnsEnabled=False,
        PolicyDocument=json.dumps(
            {
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": "*",
                        "Action": "logs:Describe*",
                        "Resource": "*",
                    }
                ]
            }
        ),
    )["VpcEndpoint"]
    other_run = ec2.create_vpc_endpoint(
        VpcEndpointType="Interface",
        VpcId=vpc["VpcId"],
        ServiceName=f"com.amazonaws.{REGION}.logs",
        SubnetIds=subnets,
        PrivateDnsEnabled=False,
        TagSpecifications=ec2_tag_specs("vpc-endpoint", OTHER_RUN),
    )["VpcEndpoint"]

    def snapshot(endpoint_id: str) -> tuple:
        # A new endpoint is "pending" for a moment (in AWS; here too once an in-process lab of
        # this test process has installed labkit's moto fix-ups): compare settled states.
        for _ in range(100):
            found = ec2.describe_vpc_endpoints(VpcEndpointIds=[endpoint_id])["VpcEndpoints"][0]
            if found["State"] != "pending":
                break
            time.sleep(0.05)
        return found["State"], found["PolicyDocument"], found["PrivateDnsEnabled"]

    before = {e["VpcEndpointId"]: snapshot(e["VpcEndpointId"]) for e in (theirs, other_run)}
    lab = start("aws", vpc_id=vpc["VpcId"], confirm=ACCOUNT, quiet=True)
    try:
        with pytest.raises(LabError, match="is there and is left alone"):
            lab.set_policy("walkthrough")  # this run has no logs endpoint yet
        with pytest.raises(LabError, match=r"no .*logs endpoint of run"):
            lab.delete_endpoint("logs")
        lab.create_endpoint("logs", policy="walkthrough")
        owners = dict(zip(lab.endpoints()["VpcEndpointId"], lab.endpoints()["owner"], strict=True))
        assert owners[theirs["VpcEndpointId"]] == "not ours (no labkit tag)"
        assert owners[other_run["VpcEndpointId"]] == f"labkit run {OTHER_RUN}"
        lab.set_policy("full-access")
        lab.set_private_dns("logs", False)
        lab.delete_endpoint("logs")
        lab.create_endpoint("logs")
        report = lab.cleanup()
        assert report.exit_code == 0, str(report)
        after = {key: snapshot(key) for key in before}
        assert after == before
    finally:
        stop()


def test_a_second_private_dns_endpoint_is_never_attempted(aws: boto3.Session, monkeypatch) -> None:
    ec2 = aws.client("ec2")
    vpc = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]
    subnets = [
        s["SubnetId"] for s in ec2.describe_subnets()["Subnets"] if s["VpcId"] == vpc["VpcId"]
    ]
    holder = ec2.create_vpc_endpoint(
        VpcEndpointType="Interface",
        VpcId=vpc["VpcId"],
        ServiceName=f"com.amazonaws.{REGION}.logs",
        SubnetIds=subnets,
        PrivateDnsEnabled=True,
    )["VpcEndpoint"]["VpcEndpointId"]
    lab = start("aws", vpc_id=vpc["VpcId"], confirm=ACCOUNT, quiet=True)
    try:
        sent: list[dict] = []
        client = lab.backend.clients.lab("ec2")
        client.meta.events.register(
            "provide-client-params.ec2.CreateVpcEndpoint", lambda params, **_: sent.append(params)
        )
        with pytest.raises(LabError, match=rf"{holder} .*already serves"):
            lab.create_endpoint("logs")
        assert sent == [], "the refused create never reached AWS"
        lab.create_endpoint("logs", private_dns=False)
        with pytest.raises(LabError, match="AWS allows one"):
            lab.set_private_dns("logs", True)
        assert len(sent) == 1 and sent[0]["PrivateDnsEnabled"] is False
    finally:
        stop()


def test_only_own_identities(confirmed, capsys) -> None:
    with pytest.raises(LabError, match="no identity 'other-account'"):
        confirmed.client("logs", "other-account")
    stop()
    lab = start("aws", scenario="exfiltration", confirm=ACCOUNT, quiet=True)
    lab.create_endpoint("logs")
    frame = lab.probe("exfiltration")
    assert list(frame["who"]) == ["instance"]
    assert "2 of 3 calls skipped: this lab has no other-account identity" in capsys.readouterr().out
    assert lab.local_only("the 2019 wording") is False
    assert capsys.readouterr().out == (
        "skipped: the 2019 wording is something only the local lab can show\n"
    )


def test_kernel_environment_is_restored(aws: boto3.Session, monkeypatch) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    before = dict(os.environ)
    lab = start("aws", region=REGION, quiet=True)
    assert os.environ["AWS_REGION"] == REGION
    assert os.environ["AWS_ACCESS_KEY_ID"] == before["AWS_ACCESS_KEY_ID"], "real mode keeps keys"
    lab.stop()
    assert dict(os.environ) == before


def test_a_missing_vpc_fails_with_a_fix(aws: boto3.Session) -> None:
    with pytest.raises(LabError, match="leave vpc_id out"):
        AwsBackend(session=aws, vpc_id="vpc-00000000000000000")


def test_a_name_taken_by_someone_else_stops_set_up_before_anything_is_made(
    aws: boto3.Session,
) -> None:
    aws.client("logs").create_log_group(logGroupName="logs-test-denied")  # the learner's own
    lab = start("aws", quiet=True)
    try:
        with pytest.raises(LabError, match="has no labkit:run-id tag") as refused:
            lab.confirm(ACCOUNT)
        assert "rename or delete it yourself" in str(refused.value)
        assert set(_tagged(aws, "all").values()) == {0}
        assert runs.remembered(ACCOUNT, REGION) is None
        groups = aws.client("logs").describe_log_groups()["logGroups"]
        assert [g["logGroupName"] for g in groups] == ["logs-test-denied"]
        assert "tags" not in groups[0] or not groups[0]["tags"]
    finally:
        stop()
