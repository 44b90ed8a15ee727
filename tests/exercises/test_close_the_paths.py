"""Exercise 10: the checker runs every path for real, passes a correct answer and names the
paths each wrong answer leaves open."""

from __future__ import annotations

from typing import Any

import pytest

from labkit import exercises
from labkit.lab.facade import Lab

pytestmark = [pytest.mark.e2e]
EXERCISE = "10-close-the-paths"


@pytest.fixture(scope="module")
def lab(walkthrough_lab: Lab) -> Lab:
    return walkthrough_lab


def deny(actions: list[str], condition: dict[str, Any]) -> dict[str, Any]:
    statement = {"Effect": "Deny", "Action": actions, "Resource": "*", "Condition": condition}
    return {"Version": "2012-10-17", "Statement": [statement]}


OUTSIDE_AN_ENDPOINT = {"Null": {"aws:SourceVpce": "true"}}


def state(lab: Lab) -> tuple[Any, ...]:
    return lab.policy("logs"), lab.identity_policies(), lab.endpoint("logs")["PrivateDnsEnabled"]


def test_the_solution_closes_every_path_and_leaves_the_lab_as_it_was(lab: Lab) -> None:
    before = state(lab)
    result = exercises.check(EXERCISE, exercises.solution(EXERCISE, lab), lab)
    assert result.passed, str(result)
    rows = result.rows.set_index("check")
    assert len(rows) == 9  # eight paths and the probe through the endpoint
    assert rows.loc["path eventsv2", "got"] == "closed (identity)"
    assert rows.loc["path fips", "got"].startswith("closed (no connection")
    assert rows.loc["path foreign-keys", "got"].startswith("not tried, because")
    assert state(lab) == before


@pytest.mark.parametrize(
    ("answer", "open_paths"),
    [
        (deny(["logs:*"], OUTSIDE_AN_ENDPOINT), ["eventsv2"]),
        (deny(["logs:PutLogEvents", "events:*"], OUTSIDE_AN_ENDPOINT), ["live-tail-old-sdk"]),
        (
            deny(["*"], {"StringNotEquals": {"aws:RequestedRegion": "ap-northeast-1"}}),
            ["private-dns-off", "public-endpoint", "eventsv2", "live-tail-old-sdk", "dual-stack"],
        ),
    ],
    ids=["logs-only", "put-only", "region-fence-only"],
)
def test_a_wrong_answer_names_each_path_still_open(
    lab: Lab, answer: dict[str, Any], open_paths: list[str]
) -> None:
    result = exercises.check(EXERCISE, answer, lab)
    assert result.status == "fail"
    assert result.summary.endswith("open: " + ", ".join(open_paths)), result.summary
    for path in open_paths:
        assert any(h.startswith(f"still open {path}:") and "closed by:" in h for h in result.hints)
    closed = result.rows[result.rows["ok"]]
    assert "path other-region" in set(closed["check"])  # every wrong answer closes this one


def test_closing_the_endpoint_too_is_named(lab: Lab) -> None:
    everything = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}],
    }
    result = exercises.check(EXERCISE, everything, lab)
    assert result.status == "fail"
    assert any("your policy closes the endpoint too" in h for h in result.hints)


def test_a_policy_that_does_not_parse_is_refused_with_its_place(lab: Lab) -> None:
    result = exercises.check(EXERCISE, '{"Statement": [', lab)
    assert result.status == "fail" and "line 1" in result.hints[0]
    assert exercises.check(EXERCISE, ..., lab).status == "todo"
