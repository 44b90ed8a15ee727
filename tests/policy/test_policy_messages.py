"""AccessDenied wording: today's, 2019's, and 2026's with the policy ARN where AWS appends it."""

from __future__ import annotations

import pytest
from policy_helpers import (
    ACCOUNT,
    ALLOW_ALL,
    OTHER,
    SESSION,
    STREAM,
    decide,
    policy,
    request,
    statement,
)

from labkit.policy import access_denied_message

HEAD = f"User: {SESSION} is not authorized to perform: logs:PutLogEvents on resource: {STREAM}"
DENY = statement("Deny")


@pytest.mark.parametrize(
    ("kind", "explicit", "suffix"),
    [
        (
            "identity",
            False,
            " because no identity-based policy allows the logs:PutLogEvents action",
        ),
        (
            "resource",
            False,
            " because no resource-based policy allows the logs:PutLogEvents action",
        ),
        (
            "vpc-endpoint",
            False,
            " because no VPC endpoint policy allows the logs:PutLogEvents action",
        ),
        (
            "permission-boundary",
            False,
            " because no permissions boundary allows the logs:PutLogEvents action",
        ),
        ("session", False, " because no session policy allows the logs:PutLogEvents action"),
        ("scp", False, " with an explicit deny in a service control policy"),
        ("rcp", False, " with an explicit deny in a resource control policy"),
        ("identity", True, " with an explicit deny in an identity-based policy"),
        ("resource", True, " with an explicit deny in a resource-based policy"),
        ("vpc-endpoint", True, " with an explicit deny in a VPC endpoint policy"),
        ("permission-boundary", True, " with an explicit deny in a permissions boundary"),
        ("session", True, " with an explicit deny in a session policy"),
        ("scp", True, " with an explicit deny in a service control policy"),
        ("rcp", True, " with an explicit deny in a resource control policy"),
    ],
)
def test_current_wording(kind: str, explicit: bool, suffix: str) -> None:
    assert (
        access_denied_message(SESSION, "logs:PutLogEvents", STREAM, kind, explicit) == HEAD + suffix
    )


def test_2019_wording() -> None:
    assert (
        access_denied_message(
            SESSION, "logs:PutLogEvents", STREAM, "vpc-endpoint", False, style="2019"
        )
        == HEAD
    )
    explicit = access_denied_message(
        SESSION, "logs:PutLogEvents", STREAM, "identity", True, style="2019"
    )
    assert explicit == HEAD + " with an explicit deny"
    scp = access_denied_message(SESSION, "logs:PutLogEvents", STREAM, "scp", False, style="2019")
    assert scp == HEAD + " with an explicit deny"


def test_no_resource_clause_for_actions_without_a_resource() -> None:
    text = access_denied_message(SESSION, "logs:DescribeDestinations", "*", "identity", False)
    assert text == (
        f"User: {SESSION} is not authorized to perform: logs:DescribeDestinations because no "
        "identity-based policy allows the logs:DescribeDestinations action"
    )


def test_unknown_inputs() -> None:
    with pytest.raises(ValueError, match="message style"):
        access_denied_message(SESSION, "a:b", "*", "identity", False, style="1999")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="policy kind"):
        access_denied_message(SESSION, "a:b", "*", "endpoint", False)


SCP_ARN = "arn:aws:organizations::987654321098:policy/o-abc/service_control_policy/p-123"


def test_2026_appends_the_policy_arn_for_explicit_denials_in_the_same_account() -> None:
    identity = [policy("identity", ALLOW_ALL)]
    scp = policy("scp", ALLOW_ALL, DENY, arn=SCP_ARN)
    decision = decide(request(), identity=identity, scps=[[scp]])
    assert (
        decision.message("2026")
        == HEAD + f" with an explicit deny in a service control policy: {SCP_ARN}"
    )
    assert decision.message() == HEAD + " with an explicit deny in a service control policy"
    boundary_arn = f"arn:aws:iam::{ACCOUNT}:policy/boundary"
    boundary = policy("permission-boundary", DENY, arn=boundary_arn)
    denied = decide(request(), identity=identity, permission_boundary=boundary)
    assert denied.message(
        "2026",
    ).endswith(f"in a permissions boundary: {boundary_arn}")


def test_2026_never_appends_for_endpoint_policies_implicit_denials_or_policies_without_arn() -> (
    None
):
    identity = [policy("identity", ALLOW_ALL)]
    endpoint = policy(
        "vpc-endpoint", DENY, arn="arn:aws:ec2:ap-northeast-1:111122223333:vpc-endpoint/vpce-1"
    )
    assert decide(request(), identity=identity, vpc_endpoint=endpoint).message("2026") == (
        HEAD + " with an explicit deny in a VPC endpoint policy"
    )
    scoped = policy(
        "identity",
        statement(action="logs:CreateLogStream"),
        arn="arn:aws:iam::111122223333:policy/p",
    )
    assert decide(request(), identity=[scoped]).message("2026") == (
        HEAD + " because no identity-based policy allows the logs:PutLogEvents action"
    )
    assert decide(request(), identity=[policy("identity", DENY)]).message("2026") == (
        HEAD + " with an explicit deny in an identity-based policy"
    )


def test_2026_cross_account_only_within_one_organization() -> None:
    arn = f"arn:aws:iam::{ACCOUNT}:policy/deny-foreign"
    identity = [policy("identity", ALLOW_ALL, DENY, arn=arn)]
    foreign = f"arn:aws:logs:ap-northeast-1:{OTHER}:log-group:x:log-stream:y"
    outside = decide(request(resource=foreign), identity=identity)
    assert outside.message("2026").endswith("in an identity-based policy")  # type: ignore[union-attr]
    same_org = request(
        resource=foreign, context={"aws:PrincipalOrgID": "o-1", "aws:ResourceOrgID": "o-1"}
    )
    assert decide(same_org, identity=identity).message("2026").endswith(f": {arn}")  # type: ignore[union-attr]


def test_allowed_has_no_message() -> None:
    decision = decide(request(), identity=[policy("identity", ALLOW_ALL)])
    assert decision.message() is None and decision.message("2019") is None
    with pytest.raises(ValueError):
        decision.message("legacy")  # type: ignore[arg-type]
