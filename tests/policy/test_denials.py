"""parse_access_denied reads pasted messages back, with or without CLI/SDK wrappers."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from labkit.policy import access_denied_message, cli_error_output, parse_access_denied
from labkit.policy.kinds import POLICY_KINDS

SESSION = "arn:aws:sts::111122223333:assumed-role/ec2-logs-fullaccess-role/i-0123456789abcdef0"
STREAM = "arn:aws:logs:ap-northeast-1:111122223333:log-group:logs-test-denied:log-stream:log-stream"
CURRENT = (
    f"User: {SESSION} is not authorized to perform: logs:PutLogEvents on resource: {STREAM} "
    "because no VPC endpoint policy allows the logs:PutLogEvents action"
)


def test_the_walkthrough_message_in_2019_wording() -> None:
    text = (
        "An error occurred (AccessDeniedException) when calling the PutLogEvents operation: "
        f"User: {SESSION} is not authorized to perform: logs:PutLogEvents on resource: {STREAM}"
    )
    parsed = parse_access_denied(text)
    assert (parsed.principal, parsed.action, parsed.resource) == (
        SESSION,
        "logs:PutLogEvents",
        STREAM,
    )
    assert (parsed.explicit, parsed.denied_by, parsed.style) == (False, None, "2019")
    assert (parsed.error_code, parsed.operation, parsed.account) == (
        "AccessDeniedException",
        "PutLogEvents",
        "111122223333",
    )
    assert parsed.decision == "ImplicitlyDenied"


@pytest.mark.parametrize(
    "wrapped",
    [
        CURRENT,
        CURRENT + ".",
        cli_error_output("PutLogEvents", "AccessDeniedException", CURRENT)[0],
        cli_error_output("PutLogEvents", "AccessDeniedException", CURRENT, "v2")[0],
        f"com.amazonaws.services.logs.model.AccessDeniedException: {CURRENT} (Service: "
        "AWSLogs; Status Code: 400; "
        "Error Code: AccessDeniedException; Request ID: 1234; Proxy: null)",
        "operation error CloudWatch Logs: PutLogEvents, https response error StatusCode: 400, "
        "RequestID: "
        f"abc, api error AccessDeniedException: {CURRENT}",
        f"AccessDeniedException: {CURRENT}\n\tstatus code: 400, request id: 5d1f",
        f'API Error (400 {{"__type":"AccessDeniedException","message":"{CURRENT}"}})',
    ],
)
def test_wrappers(wrapped: str) -> None:
    parsed = parse_access_denied(wrapped)
    assert parsed.message == CURRENT
    assert (parsed.principal, parsed.resource, parsed.denied_by, parsed.explicit) == (
        SESSION,
        STREAM,
        "vpc-endpoint",
        False,
    )
    assert parsed.style == "current"


def test_wrapper_details() -> None:
    go = parse_access_denied(
        "operation error CloudWatch Logs: CreateLogGroup, https response error StatusCode: 400, "
        f"RequestID: x, api error AccessDeniedException: {CURRENT}"
    )
    assert (go.error_code, go.operation) == ("AccessDeniedException", "CreateLogGroup")
    java = parse_access_denied(
        f"{CURRENT} (Service: EventBridge, Status Code: 400, Error Code: AccessDeniedException)"
    )
    assert java.error_code == "AccessDeniedException"


def test_real_quotes() -> None:
    scp = parse_access_denied(
        "AccessDeniedException: User: arn:aws:sts::1:assumed-role/r/s is not authorized to "
        "perform: "
        "logs:PutRetentionPolicy on resource: "
        "arn:aws:logs:ca-central-1:1:log-group:/aws/lambda/MovieLambda:log-stream: "
        "with an explicit deny in a service control policy\n\tstatus code: 400"
    )
    assert (scp.denied_by, scp.explicit, scp.resource) == (
        "scp",
        True,
        "arn:aws:logs:ca-central-1:1:log-group:/aws/lambda/MovieLambda:log-stream:",
    )
    no_resource = parse_access_denied(
        "User: arn:aws:iam::123456789012:user/JohnDoe is not authorized to perform: "
        "codecommit:ListRepositories because no VPC endpoint policy allows the "
        "codecommit:ListRepositories action"
    )
    assert no_resource.resource is None and no_resource.denied_by == "vpc-endpoint"
    sessions = parse_access_denied(
        "User: u is not authorized to perform: codedeploy:ListDeployments on resource: "
        "arn:aws:codedeploy:us-east-1:123456789012:deploymentgroup:* with an explicit deny in "
        "a sessions policy"
    )
    assert sessions.denied_by == "session"
    transitive = parse_access_denied(
        "User: arn:aws:sts::111122223333:assumed-role/role-name/role-session-name is not "
        "authorized to perform: "
        "SNS:Publish on resource: arn:aws:sns:us-east-1:444455556666:role-name-2 "
        "with an explicit deny in a VPC endpoint policy transitively through a service control "
        "policy"
    )
    assert transitive.denied_by == "vpc-endpoint" and transitive.policy_type.endswith(
        "service control policy"
    )  # type: ignore[union-attr]
    by_account = parse_access_denied(
        "User with accountId: 1111111111 is not authorized to perform: "
        "logs:PutSubscriptionFilter on resource: "
        "arn:aws:logs:eu-west-1:2222222222:destination:testDestination"
    )
    assert by_account.principal is None and by_account.account == "1111111111"
    iam = parse_access_denied(
        "User: arn:aws:iam::1:user/b3 is not authorized to perform: "
        "iam:ListAttachedUserPolicies on resource: "
        "user b3 because no identity-based policy allows the iam:ListAttachedUserPolicies action."
    )
    assert iam.resource == "user b3" and iam.denied_by == "identity"


def test_2026_policy_arn() -> None:
    arn = "arn:aws:organizations::987654321098:policy/o-abc/service_control_policy/p-123"
    parsed = parse_access_denied(
        f"User: {SESSION} is not authorized to perform: logs:PutLogEvents on resource: {STREAM} "
        f"with an explicit deny in a service control policy: {arn}"
    )
    assert (parsed.policy_arn, parsed.style, parsed.denied_by) == (arn, "2026", "scp")


def test_not_a_denial() -> None:
    with pytest.raises(ValueError, match="no AccessDenied message found"):
        parse_access_denied(
            "An error occurred (ResourceNotFoundException): The specified log group does not exist."
        )
    with pytest.raises(TypeError):
        parse_access_denied(None)  # type: ignore[arg-type]


resource_text = st.text(alphabet="abcdef0123456789:/-_*.", min_size=1, max_size=40).filter(
    lambda r: r.strip(".") == r
)


@given(
    st.sampled_from(POLICY_KINDS),
    st.booleans(),
    st.sampled_from(["current", "2019", "2026"]),
    resource_text,
)
def test_parse_inverts_the_message(kind: str, explicit: bool, style: str, resource: str) -> None:
    arn = "arn:aws:iam::111122223333:policy/p"
    text = access_denied_message(
        SESSION, "logs:PutLogEvents", resource, kind, explicit, style=style, policy_arn=arn
    )  # type: ignore[arg-type]
    parsed = parse_access_denied(text)
    assert parsed.principal == SESSION and parsed.action == "logs:PutLogEvents"
    assert parsed.resource == (None if resource == "*" else resource)
    worded_explicit = explicit or kind in ("scp", "rcp")
    assert parsed.explicit is worded_explicit
    if style != "2019":
        assert parsed.denied_by == kind
    appended = style == "2026" and explicit and kind not in ("vpc-endpoint", "resource")
    assert parsed.policy_arn == (arn if appended else None)
