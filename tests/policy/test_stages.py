"""The evaluation stages: one implementation, asked through a matcher, with or without a trace."""

from __future__ import annotations

from typing import get_args

from policy_helpers import ALLOW_ALL, decide, policy, request, statement

from labkit.policy import PolicySet
from labkit.policy.model import Statement
from labkit.policy.principals import GrantLevel
from labkit.policy.request import Request
from labkit.policy.stages import GRANT_RANK, Trace, run_stages

IDENTITY = policy("identity", ALLOW_ALL, statement("Deny", action="logs:PutLogEvents"))
ENDPOINT = policy("vpc-endpoint", statement(action="logs:CreateLogStream"))
POLICIES = PolicySet(identity=[IDENTITY], vpc_endpoint=ENDPOINT)


class Recording:
    """A matcher that answers with Statement.applies and remembers what it was asked."""

    def __init__(self) -> None:
        self.asked: list[Statement] = []

    def __call__(self, statement: Statement, request: Request) -> bool:
        self.asked.append(statement)
        return statement.applies(request)


def test_without_a_trace_the_stages_stop_at_the_first_that_decides() -> None:
    match = Recording()
    outcome = run_stages(request(), POLICIES, match)
    assert outcome[:2] == ("ExplicitlyDenied", "identity")
    assert match.asked == [IDENTITY.statements[1]]


def test_with_a_trace_every_stage_runs_and_says_how_it_went() -> None:
    trace = Trace()
    outcome = run_stages(request(), POLICIES, Recording(), trace)
    assert outcome[:2] == ("ExplicitlyDenied", "identity")
    assert [(s.name, s.outcome) for s in trace.steps] == [
        ("explicit deny", "deny"),
        ("service control policies", "skip"),
        ("resource control policies", "skip"),
        ("VPC endpoint policy", "deny"),
        ("identity-based policies", "pass"),
    ]
    assert [h.kind for h in trace.denies] == ["identity"]
    assert trace.failing == ["vpc-endpoint"]


def test_the_stages_decide_by_the_matcher_they_are_given() -> None:
    def nothing_matches(statement: Statement, request: Request) -> bool:
        return False

    assert run_stages(request(), POLICIES, nothing_matches) == (
        "ImplicitlyDenied",
        "vpc-endpoint",
        None,
    )


def test_an_organization_level_without_a_policy_lacks_an_allow_and_is_explained_so() -> None:
    scp = policy("scp", ALLOW_ALL)
    decision = decide(request(), identity=[policy("identity", ALLOW_ALL)], scps=[[scp], []])
    assert (decision.decision, decision.denied_by) == ("ImplicitlyDenied", "scp")
    explanation = decision.explanation
    assert (explanation.decision, explanation.denied_by) == ("ImplicitlyDenied", "scp")
    assert "DENY service control policies: no Allow at level(s) [1]" in explanation.to_text()
    assert explanation.guardrail == "scp"


def test_grant_rank_orders_every_grant_level_strongest_first() -> None:
    assert list(GRANT_RANK) == list(get_args(GrantLevel))
    assert sorted(GRANT_RANK, key=GRANT_RANK.__getitem__) == list(get_args(GrantLevel))


ROLE_ARN_TARGET = "arn:aws:iam::111122223333:role/deploy"


def _trust(principal: object) -> object:
    return policy(
        "resource",
        statement(action="sts:AssumeRole", resource=ROLE_ARN_TARGET, Principal=principal),
    )


def test_a_role_trust_policy_must_allow_whatever_the_identity_policies_say() -> None:
    caller = request("sts:AssumeRole", ROLE_ARN_TARGET, via_endpoint=False)
    identity = policy("identity", statement(action="sts:AssumeRole"))
    trusting_service = _trust({"Service": "ec2.amazonaws.com"})
    # As an ordinary same-account resource policy, the identity Allow alone would do.
    assert decide(caller, identity=[identity], resource=trusting_service).allowed
    refused = decide(
        caller, identity=[identity], resource=trusting_service, resource_must_allow=True
    )
    assert (refused.decision, refused.denied_by) == ("ImplicitlyDenied", "resource")
    steps = [s.name for s in refused.explanation.steps]
    assert "resource-based policy must allow" in steps
    # A trust policy naming the session's role grants (limited by no boundary here).
    trusting_role = _trust({"AWS": "arn:aws:iam::111122223333:role/ec2-logs-fullaccess-role"})
    assert decide(caller, resource=trusting_role, resource_must_allow=True).allowed
    # Naming the account delegates to the identity policies: both are needed.
    trusting_account = _trust({"AWS": "111122223333"})
    assert not decide(caller, resource=trusting_account, resource_must_allow=True).allowed
    assert decide(
        caller, identity=[identity], resource=trusting_account, resource_must_allow=True
    ).allowed


def test_scps_are_skipped_for_an_anonymous_caller_and_the_explanation_says_why() -> None:
    scp = policy("scp", statement("Deny"))
    anonymous = request(principal="anonymous", via_endpoint=False)
    resource = policy("resource", statement())
    decision = decide(anonymous, resource=resource, scps=[[scp]])
    assert decision.allowed
    steps = {s.name: (s.outcome, s.detail) for s in decision.explanation.steps}
    assert steps["service control policies"][0] == "skip"
    assert "anonymous" in steps["service control policies"][1]
    (scp_policy,) = [p for p in decision.explanation.policies if p.kind == "scp"]
    assert not scp_policy.applicable and "IAM users and roles" in scp_policy.note


def test_a_bounded_caller_is_never_exempt_from_a_not_principal_deny() -> None:
    role = "arn:aws:iam::111122223333:role/ec2-logs-fullaccess-role"
    listed = {"AWS": [SESSION_ARN, role, "arn:aws:iam::111122223333:root"]}
    endpoint = policy(
        "vpc-endpoint",
        statement(Principal="*"),
        statement("Deny", Principal=None, NotPrincipal={**listed}),
    )
    caller = request()
    assert decide(caller, identity=[policy("identity", ALLOW_ALL)], vpc_endpoint=endpoint).allowed
    bounded = decide(
        caller,
        identity=[policy("identity", ALLOW_ALL)],
        vpc_endpoint=endpoint,
        permission_boundary=policy("permission-boundary", ALLOW_ALL),
    )
    assert (bounded.decision, bounded.denied_by) == ("ExplicitlyDenied", "vpc-endpoint")
    text = bounded.explanation.to_text()
    assert "permissions boundary" in text


SESSION_ARN = "arn:aws:sts::111122223333:assumed-role/ec2-logs-fullaccess-role/i-0123456789abcdef0"
