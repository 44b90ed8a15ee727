"""Evaluation rules the IAM User Guide states, each a case of its own (evaluator_rules/).

The cases use the conformance-case format (tests/conformance/README.md). Every expectation is
written from the AWS text its ``source`` quotes (aws-facts-2026 §3.18, §4), never from a
simulator's output: AWS managed policy ARNs are no other account's resources, SCPs never limit an
anonymous request, a resource-based grant to a role ARN is limited by the permissions boundary, a
``NotPrincipal`` Deny always denies a bounded principal, and ``sts:GetCallerIdentity`` needs no
permission and ignores explicit denies.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from labkit.policy import evaluate
from labkit.policy.cases import PolicyCase, load_case

CASES = sorted((Path(__file__).parent / "evaluator_rules").glob("*.json"))


def test_each_rule_of_the_issue_has_its_cases() -> None:
    names = {path.stem for path in CASES}
    for prefix in (
        "aws-managed-policy-",
        "scp-deny-does-not-apply-to-an-anonymous",
        "resource-grant-to-the-role-arn-",
        "endpoint-notprincipal-deny-always-denies-a-bounded",
        "get-caller-identity-",
    ):
        assert any(name.startswith(prefix) for name in names), prefix


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_rule_case(path: Path) -> None:
    case = load_case(path)
    assert isinstance(case, PolicyCase)
    assert case.name == path.stem
    assert "aws-facts-2026" in case.data["source"], "cite the AWS text the case is written from"
    decision = evaluate(case.request, case.policies)
    data = case.data
    assert decision.decision == data["expected"], decision.explanation.to_text()
    if "expectedDeniedBy" in data:
        assert decision.denied_by == data["expectedDeniedBy"], decision.explanation.to_text()
    if "expectedMessage" in data:
        assert decision.message() == data["expectedMessage"]
    # The explanation runs the same stages and agrees, also after a JSON round trip.
    shipped = json.loads(json.dumps(decision.to_dict()))
    assert shipped["explanation"]["decision"] == data["expected"]
