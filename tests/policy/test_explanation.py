"""Explanations: text, DataFrame, JSON; the deciding statements; the guardrail named."""

from __future__ import annotations

import json

from policy_helpers import (
    ALLOW_ALL,
    DENIED_STREAM,
    SESSION,
    STREAM,
    decide,
    policy,
    request,
    statement,
)

from labkit.policy.explanation import FRAME_COLUMNS

IDENTITY = [policy("identity", statement(action="logs:*", Sid="RoleLogs"), name="role-inline")]
WALKTHROUGH = policy(
    "vpc-endpoint",
    statement(resource="arn:aws:logs:ap-northeast-1:111122223333:log-group:logs-test-allowed:*"),
    version=None,
)


def test_the_guardrail_that_blocked_an_otherwise_allowed_request_is_named() -> None:
    decision = decide(request(resource=DENIED_STREAM), identity=IDENTITY, vpc_endpoint=WALKTHROUGH)
    explanation = decision.explanation
    assert explanation.guardrail == "vpc-endpoint"
    assert "VPC endpoint policy blocked an otherwise allowed request" in explanation.summary
    text = explanation.to_text()
    assert "Guardrail that blocked it: VPC endpoint policy" in text
    assert "[no match] Resource: no resource pattern matches" in text
    assert "DENY VPC endpoint policy" in text
    assert decision.deciding == []


def test_no_guardrail_when_the_identity_policy_is_what_is_missing() -> None:
    scoped = [policy("identity", statement(action="logs:CreateLogStream"))]
    decision = decide(request(), identity=scoped, vpc_endpoint=WALKTHROUGH)
    assert decision.denied_by == "identity" and decision.explanation.guardrail is None
    assert decision.explanation.summary.startswith(
        "Implicitly denied: no identity-based policy allows"
    )


def test_explicit_deny_in_a_guardrail() -> None:
    endpoint = policy("vpc-endpoint", ALLOW_ALL, statement("Deny", resource="*", Sid="NoSecrets"))
    decision = decide(request(), identity=IDENTITY, vpc_endpoint=endpoint)
    assert decision.explanation.guardrail == "vpc-endpoint"
    assert [(r.kind, r.index, r.sid) for r in decision.deciding] == [
        ("vpc-endpoint", 1, "NoSecrets")
    ]
    assert "Without it the request would be allowed" in decision.explanation.summary


def test_allowed_lists_the_allow_statements_of_every_type_that_had_to_allow() -> None:
    decision = decide(request(), identity=IDENTITY, vpc_endpoint=WALKTHROUGH)
    assert decision.allowed
    assert [(r.kind, r.policy, r.sid) for r in decision.deciding] == [
        ("vpc-endpoint", "vpc-endpoint", None),
        ("identity", "role-inline", "RoleLogs"),
    ]


def test_conditions_show_values_missing_keys_and_resolved_variables() -> None:
    endpoint = policy(
        "vpc-endpoint",
        statement(
            Condition={
                "StringEquals": {"aws:ResourceAccount": "${aws:PrincipalAccount}"},
                "StringEqualsIfExists": {"aws:SourceVpc": "vpc-1"},
                "Null": {"aws:SourceIp": "true"},
            }
        ),
    )
    req = request(context={"aws:ResourceAccount": "111122223333"})
    decision = decide(req, identity=IDENTITY, vpc_endpoint=endpoint)
    checks = decision.explanation.policies[0].statements[0].checks
    by_key = {c.key: c for c in checks if c.element == "Condition"}
    account = by_key["aws:ResourceAccount"]
    assert account.matched and account.variables == {"aws:PrincipalAccount": "111122223333"}
    assert account.policy_values == ["111122223333"] and account.request_values == ["111122223333"]
    vpc = by_key["aws:SourceVpc"]
    assert not vpc.matched and vpc.request_values == ["vpc-0abc1234def567890"]
    null = by_key["aws:SourceIp"]
    assert null.matched and null.request_values is None and "absent" in null.detail


def test_frame_and_dict_forms() -> None:
    decision = decide(request(resource=DENIED_STREAM), identity=IDENTITY, vpc_endpoint=WALKTHROUGH)
    frame = decision.explanation.to_frame()
    assert list(frame.columns) == FRAME_COLUMNS
    assert len(frame) == 5
    row = frame[(frame.policy_kind == "vpc-endpoint") & (frame.element == "Resource")].iloc[0]
    assert not row.matched and DENIED_STREAM in row.request_values
    data = json.loads(json.dumps(decision.to_dict()))
    assert data["explanation"]["guardrail"] == "vpc-endpoint"
    assert (
        data["messages"]["2019"]
        == f"User: {SESSION} is not authorized to perform: logs:PutLogEvents on resource: "
        f"{DENIED_STREAM}"
    )
    assert data["request"]["resource"] == DENIED_STREAM
    assert str(decision.explanation) == decision.explanation.to_text()
    assert "Decision(" in repr(decision)


def test_endpoint_policy_not_applicable_off_the_endpoint() -> None:
    decision = decide(
        request(resource=DENIED_STREAM, via_endpoint=False),
        identity=IDENTITY,
        vpc_endpoint=WALKTHROUGH,
    )
    assert decision.allowed
    endpoint = decision.explanation.policies[0]
    assert endpoint.outcome == "NotApplicable" and "does not traverse" in endpoint.note


def test_cross_account_resource_denial_summary() -> None:
    bus = "arn:aws:events:ap-northeast-1:444455556666:event-bus/central"
    decision = decide(request("events:PutEvents", bus), identity=[policy("identity", ALLOW_ALL)])
    assert decision.denied_by == "resource"
    assert "another account" in decision.explanation.summary
    assert STREAM not in decision.explanation.to_text()


def test_one_pass_decision_and_explanation_equal_the_two_pass_ones() -> None:
    """``evaluate(..., explain=True)`` decides and explains in one pass of the stages: the same
    decision, message and explanation (every check's text) as the fast path then ``.explanation``,
    over the conformance corpus."""
    from pathlib import Path

    from labkit.policy import evaluate
    from labkit.policy.cases import PolicyCase, load_case

    corpus = Path(__file__).resolve().parents[1] / "conformance" / "policy"
    cases = [load_case(p) for p in sorted(corpus.glob("*.json"))]
    compared = 0
    for case in cases:
        assert isinstance(case, PolicyCase)
        both = evaluate(case.request, case.policies, explain=True)
        fast = evaluate(case.request, case.policies)
        assert (both.decision, both.denied_by) == (fast.decision, fast.denied_by), case.name
        assert both.message() == fast.message() and both.message("2026") == fast.message("2026")
        assert both.to_dict() == fast.to_dict(), case.name
        assert both.explanation.to_text() == fast.explanation.to_text()
        compared += 1
    assert compared >= 45
