"""Whatever endpoint setting a client on the instance uses, its calls go the VPC's way.

With the memo's endpoint (policy: only ``logs-test-allowed``) and a shell that sourced the lab's
env file, the real AWS CLI v1 is pointed at the lab by each mechanism a client may read on its
own — the global ``AWS_ENDPOINT_URL``, the service's ``AWS_ENDPOINT_URL_CLOUDWATCH_LOGS``,
``--endpoint-url``, the config file — and every time the put to ``logs-test-denied`` meets the
endpoint policy. Pointed at the control front by hand, a Logs call is refused, not forwarded.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e_support import require_aws_cli, run_in_lab_shell

from labkit import data
from labkit.local.process.envfile import render_shell, write_private
from labkit.local.process.launcher import LocalLab

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.real_cli]

# Each variant: shell lines run after `source lab.env`, then `$AWS ... logs put-log-events`.
CLEAR = (
    'EMPTY_CONFIG=$(mktemp); URL="$AWS_ENDPOINT_URL"; '
    "for v in $(env | sed -n 's/^\\(AWS_ENDPOINT_URL[A-Z_]*\\)=.*/\\1/p'); do unset $v; done; "
)
VARIANTS = {
    "global AWS_ENDPOINT_URL": CLEAR
    + 'export AWS_ENDPOINT_URL="$URL" AWS_CONFIG_FILE="$EMPTY_CONFIG"; AWS="aws"',
    "AWS_ENDPOINT_URL_CLOUDWATCH_LOGS": CLEAR
    + 'export AWS_ENDPOINT_URL_CLOUDWATCH_LOGS="$URL" AWS_CONFIG_FILE="$EMPTY_CONFIG"; AWS="aws"',
    "--endpoint-url": CLEAR
    + 'export AWS_CONFIG_FILE="$EMPTY_CONFIG"; AWS="aws --endpoint-url $URL"',
    "the config file": CLEAR + 'AWS="aws"',
}
PUT = (
    "$AWS logs put-log-events --log-group-name {group} --log-stream-name log-stream "
    "--log-events timestamp=$(date +%s%3N),message=ExampleEvent1"
)


@pytest.fixture(scope="module")
def lab() -> Iterator[LocalLab]:
    started = LocalLab.start("walkthrough")
    try:
        info = started.info
        ec2 = started.client("ec2", "admin")
        created = ec2.create_vpc_endpoint(
            VpcEndpointType="Interface",
            VpcId=info.vpc_id,
            ServiceName=f"com.amazonaws.{info.region}.logs",
            SubnetIds=list(info.subnet_ids),
            SecurityGroupIds=list(info.security_group_ids.values()),
            PolicyDocument=data.policy_text(
                "walkthrough", account_id=info.account_id, region=info.region
            ),
        )
        vpce = created["VpcEndpoint"]["VpcEndpointId"]
        for _ in range(100):
            state = ec2.describe_vpc_endpoints(VpcEndpointIds=[vpce])["VpcEndpoints"][0]["State"]
            if state == "available":
                break
            time.sleep(0.1)
        yield started
    finally:
        started.stop()


@pytest.fixture(scope="module")
def lab_env(lab: LocalLab, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("settings") / "lab.env"
    write_private(path, render_shell(lab.env("instance")))
    return path


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_each_endpoint_setting_meets_the_endpoint_policy(
    lab: LocalLab, lab_env: Path, variant: str
) -> None:
    require_aws_cli()
    setup = VARIANTS[variant]
    allowed = run_in_lab_shell(lab_env, f"{setup}\n{PUT.format(group='logs-test-allowed')}")
    assert allowed.returncode == 0, allowed.stderr
    denied = run_in_lab_shell(lab_env, f"{setup}\n{PUT.format(group='logs-test-denied')}")
    assert denied.returncode == 255
    assert denied.stderr.strip().endswith(
        "because no VPC endpoint policy allows the logs:PutLogEvents action"
    ), denied.stderr


def test_the_control_front_given_by_hand_refuses_logs_calls(lab: LocalLab, lab_env: Path) -> None:
    require_aws_cli()
    control = lab.info.urls["control"]
    shell = run_in_lab_shell(
        lab_env, 'AWS="aws --endpoint-url ' + control + '"\n' + PUT.format(group="logs-test-denied")
    )
    assert shell.returncode == 255
    assert "(UnknownOperationException)" in shell.stderr
    assert "labkit's control front serves STS, EC2, IAM only" in shell.stderr
