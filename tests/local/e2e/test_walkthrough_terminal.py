"""The walkthrough's terminal session, command for command, with the real AWS CLI v1 and dig.

The memo created the endpoint in the console; here the lab's admin creates it (the console's
part), then a bash shell on the "instance" sources the lab's env file and types the memo's
commands verbatim. The scenario already holds both groups with the stream ``log-stream`` that
the memo's put commands use (the memo's create command names ``logs-stream``), so each command
prints what AWS prints in that state, in today's wording.
"""

from __future__ import annotations

import ipaddress
import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e_support import dig_answers, require_aws_cli, require_dig, run_in_lab_shell

from labkit import data
from labkit.local.process.envfile import render_shell, write_private
from labkit.local.process.launcher import LocalLab

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.real_cli]

VPC = ipaddress.ip_network("172.31.0.0/16")


@pytest.fixture(scope="module")
def lab() -> Iterator[LocalLab]:
    started = LocalLab.start("walkthrough")
    try:
        yield started
    finally:
        started.stop()


@pytest.fixture(scope="module")
def console_endpoint(lab: LocalLab) -> str:
    """Steps 1-2: the logs endpoint with the memo's policy, created by the admin."""
    info = lab.info
    ec2 = lab.client("ec2", "admin")
    created = ec2.create_vpc_endpoint(
        VpcEndpointType="Interface",
        VpcId=info.vpc_id,
        ServiceName=f"com.amazonaws.{info.region}.logs",
        SubnetIds=list(info.subnet_ids),
        SecurityGroupIds=list(info.security_group_ids.values()),
        PrivateDnsEnabled=True,
        PolicyDocument=data.policy_text(
            "walkthrough", account_id=info.account_id, region=info.region
        ),
    )
    vpce = str(created["VpcEndpoint"]["VpcEndpointId"])
    for _ in range(60):  # pending, then available (as on AWS)
        found = ec2.describe_vpc_endpoints(VpcEndpointIds=[vpce])["VpcEndpoints"][0]
        if found["State"] == "available":
            return vpce
        time.sleep(0.5)
    pytest.fail(f"{vpce} never became available")


@pytest.fixture(scope="module")
def lab_env(lab: LocalLab, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The file ``labkit serve --env-file`` writes, for this lab's instance."""
    path = tmp_path_factory.mktemp("shell") / "lab.env"
    write_private(path, render_shell(lab.env("instance")))
    return path


def denied(lab: LocalLab, action: str, resource: str) -> str:
    return (
        f"User: {lab.info.session_arn} is not authorized to perform: {action} on resource: "
        f"{resource} because no VPC endpoint policy allows the {action} action"
    )


def group_arn(lab: LocalLab, group: str, stream: str = "") -> str:
    info = lab.info
    return f"arn:aws:logs:{info.region}:{info.account_id}:log-group:{group}:log-stream:{stream}"


def test_step_4_create_log_groups_and_streams(
    lab: LocalLab, console_endpoint: str, lab_env: Path
) -> None:
    require_aws_cli()
    exists = run_in_lab_shell(
        lab_env, "aws logs create-log-group --log-group-name logs-test-allowed"
    )
    assert exists.returncode == 255
    assert exists.stderr == (
        "\nAn error occurred (ResourceAlreadyExistsException) when calling the CreateLogGroup "
        "operation: The specified log group already exists\n"
    )
    stream = run_in_lab_shell(
        lab_env,
        "aws logs create-log-stream --log-group-name logs-test-allowed "
        "--log-stream-name logs-stream",
    )
    assert (stream.returncode, stream.stdout, stream.stderr) == (0, "", "")
    group = run_in_lab_shell(lab_env, "aws logs create-log-group --log-group-name logs-test-denied")
    assert group.returncode == 255
    assert group.stderr == (
        "\nAn error occurred (AccessDeniedException) when calling the CreateLogGroup operation: "
        + denied(lab, "logs:CreateLogGroup", group_arn(lab, "logs-test-denied"))
        + "\n"
    )
    denied_stream = run_in_lab_shell(
        lab_env,
        "aws logs create-log-stream --log-group-name logs-test-denied "
        "--log-stream-name logs-stream",
    )
    assert denied_stream.returncode == 255
    assert "AccessDeniedException" in denied_stream.stderr
    assert group_arn(lab, "logs-test-denied", "logs-stream") in denied_stream.stderr


def test_step_5_dig_answers_three_private_addresses_ttl_60(
    lab: LocalLab, console_endpoint: str, lab_env: Path
) -> None:
    require_dig()
    shell = run_in_lab_shell(lab_env, "dig logs.ap-northeast-1.amazonaws.com")
    assert shell.returncode == 0, shell.stderr
    assert "status: NOERROR" in shell.stdout and "flags: qr rd ra;" in shell.stdout
    answers = dig_answers(shell.stdout)
    assert len(answers) == 3
    subnets = {ipaddress.ip_address(address) for _, _, address in answers}
    for name, ttl, address in answers:
        assert (name, ttl) == ("logs.ap-northeast-1.amazonaws.com.", 60)
        assert ipaddress.ip_address(address) in VPC
    assert len(subnets) == 3


def test_step_6_put_log_events_allowed_and_denied(
    lab: LocalLab, console_endpoint: str, lab_env: Path
) -> None:
    require_aws_cli()
    allowed = run_in_lab_shell(
        lab_env,
        "aws logs put-log-events --log-group-name logs-test-allowed --log-stream-name log-stream "
        "--log-events timestamp=$(date +%s%3N),message=ExampleEvent1 "
        "timestamp=$(date +%s%3N),message=ExampleEvent2",
    )
    assert allowed.returncode == 0, allowed.stderr
    assert json.loads(allowed.stdout)["nextSequenceToken"].isdigit()
    refused = run_in_lab_shell(
        lab_env,
        "aws logs put-log-events --log-group-name logs-test-denied --log-stream-name log-stream "
        "--log-events timestamp=$(date +%s%3N),message=ExampleEvent1 "
        "timestamp=$(date +%s%3N),message=ExampleEvent2",
    )
    assert refused.returncode == 255
    assert refused.stdout == ""
    assert refused.stderr == (
        "\nAn error occurred (AccessDeniedException) when calling the PutLogEvents operation: "
        + denied(lab, "logs:PutLogEvents", group_arn(lab, "logs-test-denied", "log-stream"))
        + "\n"
    )


def test_the_denied_put_is_in_the_decision_log(lab: LocalLab, console_endpoint: str) -> None:
    logs = lab.client("logs")
    with pytest.raises(logs.exceptions.ClientError) as caught:
        logs.put_log_events(
            logGroupName="logs-test-denied",
            logStreamName="log-stream",
            logEvents=[{"timestamp": 1, "message": "x"}],
        )
    record = lab.decision(caught.value.response["ResponseMetadata"]["RequestId"])
    assert record.denied_by == "vpc-endpoint"
    assert record.network.vpce_id == console_endpoint
    assert any(p.kind == "vpc-endpoint" for p in record.final.policies)
