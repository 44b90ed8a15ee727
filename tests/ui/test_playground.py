"""The playground: editor, results (the matrix) and diagram together over one real local lab."""

from __future__ import annotations

import json

import pytest
from uihelp import break_colon, deny_puts_policy, svg_texts

import labkit
from labkit.ui.playground import Playground
from labkit.ui.results import NOW_ALLOWED, NOW_DENIED_EXPLICITLY, Counts

C13 = "✔ 13 allowed, ✖ 0 denied (no allow), ⊘ 0 denied (explicit deny)"

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def lab(walkthrough_lab: labkit.Lab) -> labkit.Lab:
    return walkthrough_lab


@pytest.fixture(scope="module")
def playground(lab: labkit.Lab) -> Playground:
    return lab.playground()


def test_opens_with_the_matrix_and_the_diagram_of_the_live_lab(lab, playground) -> None:
    frame = playground.results.current
    assert frame is not None and len(frame) == len(lab.calls("matrix")) == 13
    assert frame is lab.history[-1]  # the table is the run the lab just made
    shown = playground.last_diagram.svg
    for address in lab.enis()["PrivateIpAddress"]:
        assert address in shown
    assert "policy: walkthrough" in shown
    (path,) = svg_texts(shown, "labkit-path-endpoint")
    assert path == f"to logs through its endpoint: {Counts.of(frame)}".replace(",", "")
    assert int((frame["decision"] == "Allowed").sum()) == Counts.of(frame).allowed


def test_a_template_applied_changes_table_and_diagram(lab, playground) -> None:
    before = playground.results.current
    assert before is not None
    denied_before = int((before["decision"] != "Allowed").sum())
    playground.load("deny-other-accounts")
    assert "not applied yet" in playground.status and "policy: walkthrough" in (
        playground.diagram_box.value
    )
    playground.editor.apply_button.click()
    assert playground.status.startswith("✔ applied"), playground.status
    assert f"reran 13 calls: {C13}; {denied_before} changed" in (playground.status)
    assert len(playground.results.changes) == denied_before
    assert all(c.endswith(NOW_ALLOWED) for c in playground.results.changes)
    assert "policy: deny-other-accounts" in playground.diagram_box.value
    assert "DenyIdentitiesOfOtherAccounts" in playground.diagram_box.value
    (path,) = svg_texts(playground.last_diagram.svg, "labkit-path-endpoint")
    assert path == f"to logs through its endpoint: {C13}".replace(",", "")


def test_a_deny_on_principal_account_flips_the_puts(lab, playground) -> None:
    playground.text = deny_puts_policy(lab)
    outcome = playground.apply()
    assert outcome.applied
    puts = [c for c in playground.results.changes if c.startswith("PutLogEvents")]
    assert len(puts) == 2 and all(c.endswith(NOW_DENIED_EXPLICITLY) for c in puts)
    assert "NoPutsFromThisAccount: Deny logs:PutLogEvents on *" in playground.diagram_box.value
    assert "policy: custom" in playground.diagram_box.value


def test_broken_json_leaves_policy_table_and_diagram_as_they_were(lab, playground) -> None:
    policy, table, diagram = lab.policy(), playground.results.current, playground.diagram_box.value
    broken, line, column = break_colon(playground.text, "Sid")
    playground.text = broken
    assert f"line {line}, column {column}" in playground.status
    playground.editor.apply_button.click()
    assert "not applied: the endpoint keeps the policy it had" in playground.status
    assert lab.policy() == policy and json.loads(policy)["Statement"][-1]["Sid"]
    assert playground.results.current is table and playground.diagram_box.value == diagram


def test_text_fallback_says_what_the_widget_shows(playground) -> None:
    bundle = playground._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    text = bundle["text/plain"]
    assert text.startswith("Playground\nstatus: ✖ line ")
    assert "13 calls: ✔" in text and "changed since the previous run" not in text.splitlines()[0]
