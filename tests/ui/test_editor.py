"""The policy editor, headless over a real local lab: type, click Apply & rerun, read back."""

from __future__ import annotations

import json
import re

import pytest
from uihelp import break_colon, deny_puts_policy

import labkit
from labkit.ui.editor import IN_FORCE, PolicyEditor
from labkit.ui.results import NOW_DENIED_EXPLICITLY

pytestmark = pytest.mark.e2e
ALLOWED_PUT = "PutLogEvents logs-test-allowed/"
DENIED_PUT = "PutLogEvents logs-test-denied/"


@pytest.fixture(scope="module")
def lab(walkthrough_lab: labkit.Lab) -> labkit.Lab:
    return walkthrough_lab


@pytest.fixture
def editor(lab: labkit.Lab) -> PolicyEditor:
    lab.set_policy("walkthrough")
    return lab.editor()


def decisions(editor: PolicyEditor) -> list[str]:
    frame = editor.results.current
    assert frame is not None
    return [str(d) for d in frame["decision"]]


def test_opens_on_the_policy_in_force_with_its_results(lab: labkit.Lab, editor) -> None:
    assert json.loads(editor.text) == json.loads(lab.policy())
    assert editor.status.startswith("policy in force: walkthrough.")
    assert decisions(editor) == ["Allowed", "ImplicitlyDenied"]  # the walkthrough's two puts
    assert 'class="labkit-results"' in editor.results.html


def test_apply_a_deny_flips_the_allowed_put_and_the_diff_says_so(lab: labkit.Lab, editor) -> None:
    editor.text = deny_puts_policy(lab)
    assert editor.status.startswith("✔ EC2 would accept this endpoint policy"), editor.status
    editor.apply_button.click()
    assert editor.status.startswith("✔ applied at "), editor.status
    assert "through ModifyVpcEndpoint (custom)" in editor.status
    assert (
        "reran 2 calls: "
        + "✔ 0 allowed, ✖ 0 denied (no allow), ⊘ 2 denied (explicit deny); 2 changed"
        in editor.status
    )
    assert decisions(editor) == ["ExplicitlyDenied", "ExplicitlyDenied"]
    allowed_put, denied_put = editor.results.changes
    assert allowed_put.startswith(ALLOWED_PUT) and allowed_put.endswith(NOW_DENIED_EXPLICITLY)
    assert denied_put.startswith(DENIED_PUT)  # still denied, now by the Deny statement
    assert denied_put.endswith("✖ → ⊘ now denied (explicit deny)")
    assert "NoPutsFromThisAccount" in lab.policy()  # read back through DescribeVpcEndpoints
    assert NOW_DENIED_EXPLICITLY in editor.results.html
    assert "⊘ denied (explicit deny)" in editor.results.html

    editor.load_template("full-access")
    editor.apply_button.click()
    assert decisions(editor) == ["Allowed", "Allowed"]
    assert all(c.endswith("⊘ → ✔ now allowed") for c in editor.results.changes)
    assert len(editor.results.changes) == 2


def test_broken_json_shows_line_and_column_and_keeps_the_policy(lab: labkit.Lab, editor) -> None:
    before = lab.policy()
    shown = editor.results.current
    broken, line, column = break_colon(editor.text, "Effect")
    editor.text = broken
    assert editor.status.startswith(f"✖ line {line}, column {column} (Statement[0].Effect): ")
    assert "not valid JSON" in editor.status and "fix:" in editor.status
    editor.apply_button.click()
    assert editor.status.endswith("not applied: the endpoint keeps the policy it had")
    assert f"line {line}, column {column}" in editor.status
    assert lab.policy() == before
    assert editor.results.current is shown  # nothing was rerun
    assert editor.last is not None and not editor.last.applied


def test_a_grammar_error_is_refused_at_its_place(lab: labkit.Lab, editor) -> None:
    before = lab.policy()
    text = editor.text.replace('"Allow"', '"Perhaps"', 1)
    line = next(i for i, row in enumerate(text.splitlines(), 1) if '"Perhaps"' in row)
    editor.text = text
    assert re.match(rf"✖ line {line}, column \d+ \(Statement\[0\]\.Effect\)", editor.status)
    outcome = editor.apply()
    assert not outcome.applied and lab.policy() == before


def test_lint_findings_are_shown_but_aws_would_accept_the_policy(lab: labkit.Lab, editor) -> None:
    document = json.loads(lab.policy_text("walkthrough"))
    document["Statement"][0]["Action"] = "logs:PutLogEvent"  # misspelt: matches no action
    editor.text = json.dumps(document, indent=2)
    assert re.match(
        r"✔ EC2 would accept this endpoint policy; lint: 1 likely mistake\(s\), 0 warning\(s\) "
        r"below \(EC2 does not refuse these\)",
        editor.status,
    ), editor.status
    (finding,) = editor.lint_lines()
    assert "did you mean 'logs:PutLogEvents'?" in finding and finding.startswith("error: line ")
    assert "logs:PutLogEvent" in editor.lint_box.value
    outcome = editor.apply()
    assert outcome.applied  # ModifyVpcEndpoint accepts it; the misspelt action allows nothing
    assert decisions(editor) == ["ImplicitlyDenied", "ImplicitlyDenied"]


def test_templates_load_into_the_editor_without_applying(lab: labkit.Lab, editor) -> None:
    before = lab.policy()
    names = [value for _title, value in editor.template.options]
    assert names == ["", "walkthrough", "full-access", "deny-other-accounts", "org-perimeter"]
    assert editor.template.options[0][0] == IN_FORCE
    for name in names[1:]:
        editor.template.value = name
        assert json.loads(editor.text) == json.loads(lab.policy_text(name)), name
        assert editor.status.startswith(f"loaded template {name} (not applied yet)")
    assert "o-a1b2c3d4e5" in editor.text  # the perimeter's org ID filled for this lab
    editor.template.value = ""
    assert json.loads(editor.text) == json.loads(lab.policy())
    assert lab.policy() == before


def test_the_editor_is_a_text_area_a_status_line_and_a_button(editor) -> None:
    assert editor.textarea.continuous_update is False
    assert "labkit-status" in editor.status_line._dom_classes
    assert editor.apply_button.description == "Apply & rerun"
    bundle = editor._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert editor.status in bundle["text/plain"]


def test_the_lines_are_numbered_beside_the_text_as_the_status_names_them(editor) -> None:
    editor.text = '{\n  "Statement": [\n    {"Effect" "Allow"}\n  ]\n}'
    assert editor.line_numbers() == [1, 2, 3, 4, 5]
    assert editor.gutter.value == "<pre>1\n2\n3\n4\n5</pre>"
    assert editor.status.startswith("✖ line 3, column ")
    assert editor.textarea.rows >= 6  # as tall as the text: no inner scrolling
    editor.load_template("walkthrough")
    assert editor.line_numbers()[-1] == editor.text.count("\n") + 1
    assert editor.template.value == "walkthrough"  # the list shows what the editor holds
