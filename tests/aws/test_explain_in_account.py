"""``lab.explain(message)`` on the aws backend reads the policies really in force — the endpoint
policy, the role's inline and managed policies and its boundary, an event bus policy — explains
with the same engine, and says which policy types it cannot see and what that leaves open."""

from __future__ import annotations

import json

import boto3
import pytest
from botocore.stub import Stubber
from conftest import ACCOUNT, REGION

from labkit.aws.organization import OrgStanding, standing
from labkit.lab import start
from labkit.lab.launch import stop

ROLE = "app-role"
STREAM = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:app-logs:log-stream:s"
BUS = f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/app-events"


def _doc(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def _allow(action: str) -> dict:
    return {"Effect": "Allow", "Action": action, "Resource": "*"}


@pytest.fixture
def account(aws: boto3.Session) -> dict[str, str]:
    """A learner's account: a role with a boundary, their own endpoint, a bus with a policy."""
    iam, ec2 = aws.client("iam"), aws.client("ec2")
    boundary = iam.create_policy(
        PolicyName="only-describe", PolicyDocument=_doc(_allow("logs:Describe*"))
    )["Policy"]["Arn"]
    iam.create_role(RoleName=ROLE, AssumeRolePolicyDocument="{}", PermissionsBoundary=boundary)
    iam.put_role_policy(RoleName=ROLE, PolicyName="logs", PolicyDocument=_doc(_allow("logs:*")))
    managed = iam.create_policy(PolicyName="events-put", PolicyDocument=_doc(_allow("events:*")))
    iam.attach_role_policy(RoleName=ROLE, PolicyArn=managed["Policy"]["Arn"])
    vpc = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]
    subnets = [
        s["SubnetId"] for s in ec2.describe_subnets()["Subnets"] if s["VpcId"] == vpc["VpcId"]
    ]
    endpoint = ec2.create_vpc_endpoint(
        VpcEndpointType="Interface",
        VpcId=vpc["VpcId"],
        ServiceName=f"com.amazonaws.{REGION}.logs",
        SubnetIds=subnets,
        PrivateDnsEnabled=True,
    )["VpcEndpoint"]["VpcEndpointId"]
    events = aws.client("events")
    events.create_event_bus(Name="app-events")
    deny = {
        "Sid": "NoPutsFromTheApp",
        "Effect": "Deny",
        "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:role/{ROLE}"},
        "Action": "events:PutEvents",
        "Resource": BUS,
    }
    events.put_permission(EventBusName="app-events", Policy=_doc(deny))
    return {"vpc": vpc["VpcId"], "endpoint": endpoint}


def _message(action: str, resource: str, why: str) -> str:
    return (
        f"An error occurred (AccessDeniedException) when calling the X operation: User: "
        f"arn:aws:sts::{ACCOUNT}:assumed-role/{ROLE}/i-0123456789abcdef0 is not authorized to "
        f"perform: {action} on resource: {resource} {why}"
    )


def test_read_only_explanation_judges_the_boundary_and_names_their_endpoint(account) -> None:
    lab = start("aws", vpc_id=account["vpc"], quiet=True)  # not confirmed: nothing is created
    try:
        why = "because no permissions boundary allows the logs:PutLogEvents action"
        explained = lab.explain(_message("logs:PutLogEvents", STREAM, why))
        decision = explained.decision
        assert (decision.decision, decision.denied_by) == (
            "ImplicitlyDenied",
            "permission-boundary",
        )
        text = str(explained)
        assert f"{account['endpoint']}'s (not ours (no labkit tag))" in text
        assert "permissions boundary arn:aws:iam::123456789012:policy/only-describe" in text
        assert "this account is in no organization: no SCP or RCP applies" in text
        what_if = lab.explain_message(
            _message("logs:PutLogEvents", STREAM, why), endpoint_policy="own-account-only"
        )
        assert "what-if: the endpoint policy given" in str(what_if)
        assert not lab.backend.confirmed
    finally:
        stop()


def test_an_event_bus_policy_is_read_and_judged(account) -> None:
    lab = start("aws", vpc_id=account["vpc"], quiet=True)
    try:
        why = "with an explicit deny in a resource-based policy"
        explained = lab.explain(_message("events:PutEvents", BUS, why))
        assert (explained.decision.decision, explained.decision.denied_by) == (
            "ExplicitlyDenied",
            "resource",
        )
        assert "the policy of event bus app-events read and judged" in str(explained)
    finally:
        stop()


def test_what_organizations_leave_unseen(aws: boto3.Session, account) -> None:
    aws.client("organizations").create_organization(FeatureSet="ALL")
    lab = start("aws", vpc_id=account["vpc"], quiet=True)
    try:
        why = "because no permissions boundary allows the logs:PutLogEvents action"
        text = str(lab.explain(_message("logs:PutLogEvents", STREAM, why)))
        assert "this is the management account of o-" in text
    finally:
        stop()
    member = OrgStanding("member", "o-a1b2c3d4e5", "999988887777").unseen()
    assert "cannot read them from here" in member[0] and "RCPs" in member[1]


def test_an_organization_that_cannot_be_asked_is_said_so(aws: boto3.Session) -> None:
    organizations = aws.client("organizations")
    with Stubber(organizations) as stub:
        stub.add_client_error("describe_organization", "AccessDeniedException", "no")
        found = standing(organizations, ACCOUNT)
    assert found.standing == "unknown"
    assert "SCPs and RCPs, if any, are not judged" in found.unseen()[0]
    with Stubber(organizations) as stub:
        stub.add_client_error("describe_organization", "AWSOrganizationsNotInUseException", "no")
        assert standing(organizations, ACCOUNT).standing == "none"


def test_an_allowed_probe_is_never_explained_as_denied(aws: boto3.Session) -> None:
    lab = start("aws", confirm=ACCOUNT, quiet=True)
    try:
        lab.create_endpoint("logs", policy="walkthrough")
        frame = lab.probe("walkthrough")  # the stand-in enforces no endpoint policy
        assert list(frame["decision"]) == ["Allowed", "Allowed"]
        assert list(frame["http_status"]) == [200, 200]
        assert list(frame["via_endpoint"]) == [False, False]  # it reached 127.0.0.1, no ENI
        assert set(frame["principal"]) == {lab.identity}  # the instance role's session
        assert lab.explain(frame, 1).decision.decision == "Allowed"
        # had the call gone through the endpoint, the policies read now would deny it: the
        # explanation says so, and that the call's own answer is what happened
        lab.history[-1].loc[1, "via_endpoint"] = True
        explained = lab.explain(frame, 1)
        assert explained.decision.decision == "ImplicitlyDenied"
        assert "the call itself was Allowed (HTTP 200)" in str(explained)
    finally:
        stop()


def test_with_nothing_denied_the_memo_stands_in(aws: boto3.Session, capsys) -> None:
    lab = start("aws", confirm=ACCOUNT, quiet=True)
    try:
        lab.create_endpoint("logs", policy="walkthrough")
        text = lab.denied_message(lab.probe("walkthrough"))
        assert "none of the 2 calls was denied" in capsys.readouterr().out
        assert text.endswith("log-group:logs-test-denied:log-stream:log-stream")
        assert "assumed-role/ec2-logs-fullaccess-role/i-XXXXXXXXXXXX" in text
    finally:
        stop()


def test_explaining_needs_no_set_up_and_no_vpc(account) -> None:
    lab = start("aws", quiet=True)  # no VPC of the run's own yet, none given
    try:
        why = "because no permissions boundary allows the logs:PutLogEvents action"
        text = str(lab.explain(_message("logs:PutLogEvents", STREAM, why)))
        assert "no VPC to read an endpoint from" in text
        assert "denied by: permissions boundary" in text
        what_if = lab.explain_message(
            _message("logs:PutLogEvents", STREAM, why), identity_policy="identity-logs-full-access"
        )
        assert "what-if: the identity policy given" in str(what_if)
    finally:
        stop()
