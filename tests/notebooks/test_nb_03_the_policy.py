"""Notebook 03 (the policy): default vs walkthrough policy, the role's policy, the endpoint gate,
a refused policy with its line and column, and the exercise."""

from __future__ import annotations

import json
import re

import pytest
from nbrun import ROOT, SOLVED, run_notebook

pytestmark = [pytest.mark.notebooks, pytest.mark.slow]
NAME = "03_the_policy.ipynb"
SOLUTION = """answer = {
    "Version": "2012-10-17",
    "Statement": [{
        "Effect": "Allow",
        "Action": "logs:PutLogEvents",
        "Resource": f"arn:aws:logs:{lab.region}:{lab.account_id}:log-group:logs-test-allowed:*",
    }],
}"""


@pytest.fixture(scope="module")
def stored():
    return run_notebook(NAME, solutions={"exercise-03": SOLUTION})


def test_default_policy_then_the_walkthrough_one(stored) -> None:
    default = json.loads(stored.plain("policy-default"))
    assert default["Statement"][0]["Resource"] == "*"
    walkthrough = json.loads(stored.plain("policy-walkthrough"))
    (statement,) = walkthrough["Statement"]
    assert statement["Resource"] == [
        "arn:aws:logs:ap-northeast-1:111122223333:log-group:logs-test-allowed:*"
    ]
    assert json.loads(stored.plain("apply")) == walkthrough  # read back after ModifyVpcEndpoint


def test_the_role_allows_all_of_logs(stored) -> None:
    shown = stored.plain("identity")
    assert "--- logs-full-access" in shown and '"Action": "logs:*"' in shown


def test_identity_allows_but_the_endpoint_denies(stored) -> None:
    lines = stored.plain("probe").splitlines()
    allowed = next(line for line in lines if "logs-test-allowed/" in line).split()
    denied = next(line for line in lines if "logs-test-denied/" in line).split()
    assert allowed[2:5] == ["True", "Allowed", "<NA>"]
    assert denied[2:5] == ["True", "ImplicitlyDenied", "vpc-endpoint"]


def test_the_bad_policy_is_refused_at_its_line_and_column(stored) -> None:
    shown = stored.plain("bad-policy")
    found = re.search(
        r"not valid at line (\d+), column (\d+): not valid JSON: .*trailing comma", shown
    )
    assert found, shown
    # where the comma breaks the document: the "}" after the Principal line of the template
    text = (ROOT / "data/policies/walkthrough.json").read_text(encoding="utf-8").splitlines()
    principal = next(i for i, line in enumerate(text, 1) if '"Principal": "*"' in line)
    assert int(found[1]) == principal + 1
    assert int(found[2]) == text[principal].index("}") + 1
    assert "the endpoint keeps the policy it has" in shown


def test_the_policy_in_force_is_unchanged(stored) -> None:
    assert json.loads(stored.plain("policy-after")) == json.loads(stored.plain("apply"))


def test_the_exercise_as_stored_asks_to_fill_in(stored) -> None:
    assert "03-identity-vs-endpoint" in stored.plain("exercise-03-show")
    assert "fill in your answer" in stored.plain("exercise-03-check")


def test_the_exercise_passes_with_an_identity_policy_for_the_allowed_group(stored) -> None:
    shown = stored.plain(SOLVED + "exercise-03-check")
    assert shown.startswith("pass — 03-identity-vs-endpoint"), shown
    assert json.loads(stored.plain("policy-after"))["Statement"][0]["Resource"] == [
        "arn:aws:logs:ap-northeast-1:111122223333:log-group:logs-test-allowed:*"
    ]
