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
