"""Notebook 08 (debugging): a lab message and the memo's, parsed and explained; what-ifs; CLI."""

from __future__ import annotations

import pytest
from nbrun import SOLVED, run_notebook

pytestmark = [pytest.mark.notebooks, pytest.mark.slow]
NAME = "08_debugging.ipynb"
SOLUTION = """answer = {
    "Statement": [{
        "Effect": "Allow", "Principal": "*", "Action": "*",
        "Resource": f"arn:aws:logs:{lab.region}:{lab.account_id}:log-group:*",
    }]
}"""


@pytest.fixture(scope="module")
def stored():
    return run_notebook(NAME, solutions={"exercise-08": SOLUTION})


def test_the_lab_message_is_parsed_and_explained_down_to_the_statement(stored) -> None:
    message = stored.text("lab-message")
    assert "because no VPC endpoint policy allows the logs:PutLogEvents action" in message
    assert "denied_by='vpc-endpoint'" in stored.text("parsed")
    explained = stored.text("explained")
    assert "Statement[0] does not allow it" in explained
    assert "log-group:logs-test-allowed:*" in explained
    assert "log-group:logs-test-denied:*" in explained  # the suggested fix


def test_the_memo_message_is_read_as_this_lab(stored) -> None:
    explained = stored.text("memo-message")
    assert "2019 wording" in explained and "masked IDs" in explained
    assert "Statement[0] does not allow it" in explained


def test_what_ifs_change_the_verdict_but_not_the_policy(stored) -> None:
    assert "with the policies given (what-if) the request would be allowed" in stored.text(
        "what-if"
    )
    assert "Decision: ImplicitlyDenied (denied by: identity-based policy)" in stored.text(
        "what-if-identity"
    )
    assert "logs-test-allowed:*" in stored.text("policy-unchanged")


def test_three_wordings_and_the_cli_lines(stored) -> None:
    wordings = stored.text("messages")
    assert "'2019'" in wordings and "'2026'" in wordings
    cli = stored.text("cli-lines")
    assert "v1 (exit 255):" in cli and "v2 (exit 254):" in cli
    assert "An error occurred (AccessDeniedException) when calling the PutLogEvents" in cli
    assert "aws: [ERROR]: An error occurred" in cli


def test_the_exercise_as_stored_asks_to_fill_in(stored) -> None:
    assert "fill in your answer" in stored.text("exercise-08-check")


def test_the_exercise_passes_with_the_solution(stored) -> None:
    assert "pass — 08-fix-the-denial" in stored.text(SOLVED + "exercise-08-check")
