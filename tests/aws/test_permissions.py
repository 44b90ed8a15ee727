"""docs/aws-permissions.json covers every AWS API the backend calls, and nothing it does not need.

One test walks a whole run (set-up, endpoints, probes of every kind, dig, explanations, a
stopped instance started again, the SSM runner, clean-up and the command's dry run) and keeps
the IAM action of every call labkit's clients made; the policy must allow each of them.
"""

from __future__ import annotations

from pathlib import Path

import boto3
import pytest
from conftest import ACCOUNT, REGION

from labkit.aws import clients as recorded
from labkit.aws.cleanup_api import cleanup
from labkit.aws.permissions import IMPLIED, policy_actions, read_policy
from labkit.backend.errors import LabError
from labkit.lab import start
from labkit.lab.launch import stop
from labkit.policy import check_policy
from labkit.probe import Call

DOC = Path(__file__).resolve().parents[2] / "docs" / "aws-permissions.json"


def test_the_document_is_a_valid_identity_policy() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert [f.message for f in check_policy(text, kind="identity") if f.severity == "error"] == []
    assert len("".join(text.split())) <= 6144, "fits a customer managed policy"
    assert set(IMPLIED) <= policy_actions(read_policy(text))


def _whole_run(aws: boto3.Session, monkeypatch: pytest.MonkeyPatch) -> set[str]:
    recorded.CALLED.clear()
    iam = aws.client("iam")
    iam.create_user(UserName="someone")
    allow = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "events:*", '
    allow += '"Resource": "*"}]}'
    iam.put_user_policy(UserName="someone", PolicyName="own", PolicyDocument=allow)
    iam.create_group(GroupName="team")
    iam.add_user_to_group(GroupName="team", UserName="someone")
    iam.put_group_policy(GroupName="team", PolicyName="shared", PolicyDocument=allow)
    managed = iam.create_policy(PolicyName="team-managed", PolicyDocument=allow)["Policy"]["Arn"]
    iam.attach_group_policy(GroupName="team", PolicyArn=managed)
    lab = start("aws", scenario="exfiltration", confirm=ACCOUNT, quiet=True)
    run_id = lab.run_id
    lab.create_endpoint("logs", policy="walkthrough")
    lab.create_endpoint("events")
    lab.set_private_dns("logs", False)
    lab.set_private_dns("logs", True)
    frame = lab.probe("matrix")
    lab.probe("events")
    lab.probe(Call("logs", "CreateLogGroup", {"logGroupName": "made-by-a-probe"}))
    lab.client("events").put_events(Entries=[{"Source": "a", "DetailType": "b", "Detail": "{}"}])
    lab.dig()
    lab.explain(frame, 3)
    lab.identity_policies()
    lab.endpoints()
    for principal in ("assumed-role/x/i-1", "user/someone"):
        arn = "sts" if principal.startswith("assumed") else "iam"
        lab.explain(
            f"User: arn:aws:{arn}::{ACCOUNT}:{principal} is not authorized to perform: "
            f"events:PutEvents on resource: arn:aws:events:{REGION}:{ACCOUNT}:event-bus/app-events"
        )
    lab.delete_endpoint("events")
    instance = lab.backend.network().instance_id
    stop()
    aws.client("ec2").stop_instances(InstanceIds=[instance])
    monkeypatch.setenv("LABKIT_AWS_PROBE_RUNNER", "ssm")
    lab = start("aws", confirm=ACCOUNT, quiet=True)  # starts the stopped instance again
    with pytest.raises(LabError, match="no probe result"):
        lab.probe("walkthrough")
    assert lab.cleanup().exit_code == 0
    stop()
    cleanup(run_id, session=aws, dry_run=True, quiet=True)
    return set(recorded.CALLED)


def test_every_api_the_backend_calls_is_allowed_and_nothing_more(
    aws: boto3.Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    called = _whole_run(aws, monkeypatch)
    print("AWS APIs the backend called:", ", ".join(sorted(called)))
    allowed = policy_actions(read_policy(DOC.read_text(encoding="utf-8")))
    assert called - allowed == set(), "add these to docs/aws-permissions.json"
    needed = called | set(IMPLIED) | {"sts:GetCallerIdentity"}
    assert allowed - needed == set(), "least privilege: labkit never calls these"
