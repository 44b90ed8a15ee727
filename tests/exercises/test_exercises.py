"""Every exercise passes with its solution and fails, with a hint at the fault, on a wrong answer.

One local lab (scenario exfiltration: it has the walkthrough's log groups and another account),
checked for real: answers are applied through the EC2/IAM APIs and probed.
"""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

import pytest

import labkit
from labkit import exercises
from labkit.lab.facade import Lab

pytestmark = [pytest.mark.e2e]
EXPECTED_IDS = [
    "03-identity-vs-endpoint",
    "04-scope-endpoint-policy",
    "05-no-tagging",
    "06-data-perimeter",
    "07-events-own-bus",
    "08-fix-the-denial",
]


@pytest.fixture(scope="module")
def lab(exfiltration_lab: Lab) -> Lab:
    return exfiltration_lab


def endpoint_policy(
    resource: str | list[str], action: str = "*", **condition: Any
) -> dict[str, Any]:
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": "*",
        "Action": action,
        "Resource": resource,
    }
    if condition:
        statement["Condition"] = {"StringEquals": condition}
    return {"Statement": [statement]}


def state(lab: Lab) -> tuple[Any, ...]:
    events = lab.endpoint("events")
    return lab.policy("logs"), events and events["PolicyDocument"], lab.identity_policies()


def test_the_exercises_for_notebooks_03_to_08() -> None:
    assert exercises.ids() == [*EXPECTED_IDS, "10-close-the-paths"]  # 10: test_close_the_paths
    for exercise_id in EXPECTED_IDS:
        shown = exercises.show(exercise_id)
        assert exercise_id in shown._repr_markdown_() and shown.prompt in str(shown)


@pytest.mark.parametrize("exercise_id", EXPECTED_IDS)
def test_the_solution_passes_and_the_lab_is_left_as_it_was(lab: Lab, exercise_id: str) -> None:
    before = state(lab)
    result = exercises.check(exercise_id, exercises.solution(exercise_id, lab), lab)
    assert result.passed, str(result)
    assert result.status == "pass" and not result.hints
    assert bool(result.rows["ok"].all()) and len(result.rows) >= 2
    assert state(lab) == before


@pytest.mark.parametrize("exercise_id", EXPECTED_IDS)
def test_the_placeholder_asks_to_fill_in(lab: Lab, exercise_id: str) -> None:
    result = exercises.check(exercise_id, ..., lab)
    assert result.status == "todo" and not result.passed
    assert str(result).startswith("fill in your answer")
    assert "fill in your answer" in result._repr_html_()


def wrong_answers(lab: Lab) -> list[tuple[str, Any, list[str]]]:
    """(exercise, a typical wrong answer, what the hint must name)."""
    region, me, other = lab.region, lab.account_id, "444455556666"
    group = f"arn:aws:logs:{region}:{me}:log-group:logs-test-allowed"
    return [
        (
            "03-identity-vs-endpoint",
            {
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Action": "logs:PutLogEvents", "Resource": group}
                ],
            },
            ["put to logs-test-allowed", "Statement[0]", "Resource", "no resource pattern matches"],
        ),
        (
            "03-identity-vs-endpoint",
            endpoint_policy(group + ":*", "logs:PutLogEvents"),
            ["Principal"],
        ),
        (
            "04-scope-endpoint-policy",
            "walkthrough",
            ["DescribeLogGroups", "Statement[0]", "Resource", "log-group::log-stream:"],
        ),
        (
            "04-scope-endpoint-policy",
            {
                "Statement": [
                    endpoint_policy([group, group + ":*"], "logs:*")["Statement"][0],
                    endpoint_policy("*", "logs:DescribeLogGroups")["Statement"][0],
                ]
            },
            ["TagResource on logs-test-allowed", "Statement[0] allows it", "narrow"],
        ),
        (
            "05-no-tagging",
            "full-access",
            ["TagResource on logs-test-denied", "Statement[0] allows it", "narrow"],
        ),
        (
            "05-no-tagging",
            "walkthrough",
            ["put to logs-test-denied", "Statement[0] does not allow it"],
        ),
        (
            "06-data-perimeter",
            "full-access",
            ["exfil-drop", "Statement[0] allows it", f":{other}:log-group:exfil-drop"],
        ),
        (
            "06-data-perimeter",
            endpoint_policy("*", **{"aws:PrincipalAccount": other}),
            ["logs-test-allowed", "Condition StringEquals aws:PrincipalAccount", f"request {me}"],
        ),
        ("07-events-own-bus", "full-access", ["exfil-bus", "Statement[0] allows it"]),
        (
            "08-fix-the-denial",
            "full-access",
            ["another account (what-if)", "Statement[0] allows it"],
        ),
        (
            "08-fix-the-denial",
            "walkthrough",
            ["put to logs-test-denied", "Statement[0] does not allow it", "Resource"],
        ),
    ]


@pytest.mark.parametrize("case", range(11))
def test_a_typical_wrong_answer_fails_with_a_hint_at_the_fault(lab: Lab, case: int) -> None:
    exercise_id, answer, named = wrong_answers(lab)[case]
    before = state(lab)
    result = exercises.check(exercise_id, answer, lab)
    assert result.status == "fail" and not result.passed
    hints = " ".join(result.hints)
    for words in named:
        assert words in hints, f"{exercise_id}: hint {hints!r} does not name {words!r}"
    assert state(lab) == before


def test_a_policy_that_does_not_parse_gets_line_and_column_and_nothing_changes(lab: Lab) -> None:
    before = state(lab)
    result = exercises.check("04-scope-endpoint-policy", '{"Statement": [\n  {"Effect": }]}', lab)
    assert result.status == "fail" and result.rows is None
    assert result.hints[0].startswith("line 2, column")
    assert state(lab) == before


def test_an_endpoint_the_check_had_to_create_is_deleted_again(lab: Lab) -> None:
    assert lab.endpoint("events") is None
    result = exercises.check("07-events-own-bus", exercises.solution("07-events-own-bus", lab), lab)
    assert result.passed
    assert lab.endpoint("events") is None


def test_a_wrong_call_raises_with_a_fix(lab: Lab) -> None:
    with pytest.raises(labkit.LabError) as caught:
        exercises.check("05-nope", {}, lab)
    assert "03-identity-vs-endpoint" in caught.value.fix


def test_without_the_right_running_lab_the_check_says_in_one_line_what_to_run() -> None:
    walkthrough_lab = SimpleNamespace(scenario="walkthrough", running=True)
    stopped = SimpleNamespace(scenario="exfiltration", running=False)
    for given in (walkthrough_lab, stopped):
        result = exercises.check("06-data-perimeter", {}, given)  # type: ignore[arg-type]
        assert result.status == "no-lab" and not result.passed and result.rows is None
        line = str(result)
        assert "\n" not in line and line.startswith("not checked — 06-data-perimeter: ")
        assert "run the set-up cell at the top of notebook 06" in line
        assert "lab = labkit.start(scenario='exfiltration')" in line
    assert "scenario='exfiltration' (the running one has 'walkthrough')" in str(
        exercises.check("06-data-perimeter", {}, walkthrough_lab)  # type: ignore[arg-type]
    )
    assert "the lab was stopped" in str(exercises.check("06-data-perimeter", {}, stopped))  # type: ignore[arg-type]


def test_the_result_renders_as_text_and_html(lab: Lab) -> None:
    result = exercises.check("07-events-own-bus", "full-access", lab)
    text, page = str(result), result._repr_html_()
    assert text.startswith("not yet — 07-events-own-bus") and "hint: " in text
    assert "labkit-exercise-fail" in page and "<table" in page
    assert json.loads(json.dumps(result.rows["ok"].tolist())) == [True, False]
