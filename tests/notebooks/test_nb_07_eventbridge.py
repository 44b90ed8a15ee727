"""Notebook 07 (EventBridge): events endpoint, per-entry failures, own-default-bus policy."""

from __future__ import annotations

import pytest
from nbrun import SOLVED, run_notebook
from test_nb_06_exfiltration import table

pytestmark = [pytest.mark.notebooks, pytest.mark.slow]
NAME = "07_eventbridge.ipynb"
SOLUTION = """answer = {
    "Statement": [{
        "Effect": "Allow", "Principal": "*", "Action": "events:PutEvents",
        "Resource": f"arn:aws:events:{lab.region}:{lab.account_id}:event-bus/default",
    }]
}"""


@pytest.fixture(scope="module")
def stored():
    return run_notebook(NAME, solutions={"exercise-07": SOLUTION})


def test_the_open_endpoint_puts_to_own_buses_and_the_other_bus_needs_its_policy(stored) -> None:
    rows = {r["target"]: r for r in table(stored, "events-open")}
    assert rows["default"]["decision"] == rows["app-events"]["decision"] == "Allowed"
    assert rows["444455556666/exfil-bus"]["denied_by"] == "resource"
    assert rows["default (aws.ec2 + lab.app)"]["http_status"] == "200"
    assert '"FailedEntryCount": 1' in stored.text("events-open-body")
    assert "resource-based policy" in stored.text("events-explain")


def test_per_entry_results_are_shown(stored) -> None:
    shown = stored.text("per-entry")
    assert "FailedEntryCount: 1" in shown
    assert "NotAuthorizedForSourceException" in shown and "EventId" in shown


def test_the_own_default_bus_policy_denies_the_rest_at_the_endpoint(stored) -> None:
    rows = {r["target"]: r for r in table(stored, "events-scoped")}
    assert rows["default"]["decision"] == "Allowed"
    for target in ("app-events", "444455556666/exfil-bus"):
        assert rows[target]["denied_by"] == "vpc-endpoint"
    assert "PutEventsToOwnDefaultBusOnly" in stored.text("events-scoped-explain")


def test_the_exercise_as_stored_asks_to_fill_in(stored) -> None:
    assert "fill in your answer" in stored.text("exercise-07-check")


def test_the_exercise_passes_with_the_solution(stored) -> None:
    assert "pass — 07-events-own-bus" in stored.text(SOLVED + "exercise-07-check")
