"""Notebook 05 (the playground): the widget over the live lab, a template, a Deny with
aws:PrincipalAccount, broken JSON refused at its line, and the static table and diagram."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import pytest
from nbrun import SOLVED, run_notebook

pytestmark = [pytest.mark.notebooks, pytest.mark.slow]
NAME = "05_playground.ipynb"
WIDGET = "application/vnd.jupyter.widget-view+json"
SOLUTION = """answer = {
    "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"},
        {"Effect": "Deny", "Principal": "*", "Action": "logs:Tag*", "Resource": "*"},
    ]
}"""

COUNTS = r"13 calls: ✔ (\d+) allowed, ✖ (\d+) denied \(no allow\), ⊘ 0 denied \(explicit deny\)"
ELEVEN = "✔ 11 allowed, ✖ 0 denied (no allow), ⊘ 2 denied (explicit deny)"


@pytest.fixture(scope="module")
def stored():
    return run_notebook(NAME, solutions={"exercise-05": SOLUTION})


def test_the_playground_opens_on_the_walkthrough_policy(stored) -> None:
    (cell,) = stored.cells_tagged("playground")
    assert len([o for o in cell.outputs if WIDGET in o.get("data", {})]) == 1  # a live widget
    shown = stored.plain("playground")
    assert shown.startswith("Playground\nstatus: policy in force: walkthrough.")
    found = re.search(COUNTS, shown)
    assert found and int(found[1]) + int(found[2]) == 13 and int(found[2]) > 0, shown


def test_full_access_makes_every_denied_call_allowed(stored) -> None:
    shown = stored.plain("try-template")
    opened = re.search(COUNTS, stored.plain("playground"))
    assert opened
    denied = int(opened[2])
    assert re.search(
        rf"✔ applied at [\d:]+ through ModifyVpcEndpoint \(full-access\); reran 13 calls: "
        rf"✔ 13 allowed, ✖ 0 denied \(no allow\), ⊘ 0 denied \(explicit deny\); {denied} changed",
        shown,
    ), shown
    assert shown.count("✖ → ✔ now allowed") == denied


def test_a_deny_on_aws_principal_account_flips_the_two_puts(stored) -> None:
    shown = stored.plain("try-deny")
    assert "(custom); reran 13 calls: " + ELEVEN + "; 2" in (shown)
    changed = [line.strip() for line in shown.splitlines() if "→" in line]
    assert len(changed) == 2
    assert all(
        c.startswith("PutLogEvents ") and c.endswith("✔ → ⊘ now denied (explicit deny)")
        for c in changed
    )


def test_broken_json_is_refused_at_its_line_and_the_policy_stays(stored) -> None:
    shown = stored.plain("try-broken")
    found = re.search(
        r"✖ line (\d+), column (\d+) \(Statement\[0\]\.Effect\): not valid JSON", shown
    )
    assert found, shown
    assert shown.rstrip().endswith("not applied: the endpoint keeps the policy it had")
    policy = json.loads(stored.plain("policy-after"))
    assert [s.get("Sid") for s in policy["Statement"]] == [None, "NoPutsByThisAccount"]
    # the line given is the one holding the Effect key in the pretty-printed text
    lines = json.dumps(policy, indent=2).splitlines()
    effect = next(i for i, line in enumerate(lines, 1) if '"Effect"' in line)
    assert int(found[1]) == effect


def test_static_results_and_diagram(stored) -> None:
    table = stored.text("static-results")
    assert 'class="labkit-results"' in table and "⊘ denied (explicit deny)" in table
    assert "2 changed since the previous run" in table  # b against a (c was never applied)
    assert "13 calls: " + ELEVEN in table
    (cell,) = stored.cells_tagged("static-diagram")
    data = cell.outputs[0]["data"]
    svg = data["image/svg+xml"]
    root = ET.fromstring(svg)
    addresses = [
        t.text
        for t in root.iter("{http://www.w3.org/2000/svg}text")
        if t.get("class") == "labkit-address"
    ]
    described = data["text/plain"]
    enis = re.findall(r"ENI eni-[0-9a-f]+ (172\.31\.\d+\.\d+) in subnet-", described)
    assert len(enis) == 3 and set(enis) <= set(addresses)
    assert "policy custom" in described and "endpoint:logs: " + ELEVEN in described


def test_the_exercise_as_stored_asks_to_fill_in(stored) -> None:
    assert "05-no-tagging" in stored.text("exercise-05-show")
    assert "fill in your answer" in stored.text("exercise-05-check")


def test_the_exercise_passes_with_an_answer_written_here(stored) -> None:
    shown = stored.text(SOLVED + "exercise-05-check")
    assert "pass — 05-no-tagging: all 5 checks as asked" in shown
