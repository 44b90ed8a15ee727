"""lab.explain / lab.messages / lab.explain_message against a running local lab.

(Named test_lab_explain.py: tests/policy/test_explain.py already holds the basename, and pytest's
default import mode refuses two test modules with one name.)
"""

from __future__ import annotations

import pandas as pd
import pytest

import labkit
from labkit.lab.facade import Lab

pytestmark = [pytest.mark.e2e]
OTHER = "444455556666"
MEMO_TEXT = (
    "An error occurred (AccessDeniedException) when calling the PutLogEvents operation: User: "
    "arn:aws:sts::XXXXXXXXXXXX:assumed-role/ec2-logs-fullaccess-role/i-XXXXXXXXXXXX is not "
    "authorized to perform: logs:PutLogEvents on resource: arn:aws:logs:ap-northeast-1:"
    "XXXXXXXXXXXX:log-group:logs-test-denied:log-stream:log-stream"
)


@pytest.fixture(scope="module")
def lab(exfiltration_lab: Lab) -> Lab:
    return exfiltration_lab


@pytest.fixture(scope="module")
def walkthrough(lab: Lab) -> pd.DataFrame:
    lab.set_policy("walkthrough")
    return lab.probe("walkthrough")


@pytest.fixture(scope="module")
def perimeter(lab: Lab, walkthrough: pd.DataFrame) -> pd.DataFrame:
    lab.set_policy("deny-other-accounts")
    try:
        return lab.probe("exfiltration")[:2]
    finally:
        lab.set_policy("walkthrough")


def test_a_denied_row_names_the_statement_and_the_resource_that_did_not_match(
    lab: Lab, walkthrough: pd.DataFrame
) -> None:
    explained = lab.explain(walkthrough, 1)
    assert explained.source == "decision log"
    assert explained.decision.denied_by == "vpc-endpoint"
    (fault,) = explained.at_fault
    assert "Statement[0] does not allow it" in fault
    assert "log-group:logs-test-allowed:*" in fault and "no resource pattern matches" in fault
    text = str(explained)
    assert text.startswith("PutLogEvents logs-test-denied/log-stream as instance")
    assert "At fault:" in text and "DENY VPC endpoint policy" in text
    assert "At fault" in explained._repr_html_()


def test_the_frame_holds_every_check_down_to_the_resource(
    lab: Lab, walkthrough: pd.DataFrame
) -> None:
    frame = lab.explain(walkthrough, 1).frame
    endpoint = frame[frame["policy_kind"] == "vpc-endpoint"]
    resource = endpoint[endpoint["element"] == "Resource"].iloc[0]
    assert not resource["matched"] and resource["statement"] == "Statement[0]"
    assert resource["request_values"].endswith("log-group:logs-test-denied:log-stream:log-stream")
    identity = frame[(frame["policy_kind"] == "identity") & frame["statement_matched"]]
    assert set(identity["sid"]) == {"CloudWatchLogsFullAccess"}


def test_an_allowed_row_names_the_statements_that_allowed_it(
    lab: Lab, walkthrough: pd.DataFrame
) -> None:
    explained = lab.explain(walkthrough, 0)
    assert explained.decision.allowed
    assert any("CloudWatchLogsFullAccess" in f for f in explained.at_fault)
    assert any(f.startswith("VPC endpoint policy") for f in explained.at_fault)
    assert "Decided by:" in str(explained)


def test_an_explicit_deny_names_the_deny_statement_and_its_condition(
    lab: Lab, perimeter: pd.DataFrame
) -> None:
    explained = lab.explain(perimeter, 1)
    assert explained.decision.decision == "ExplicitlyDenied"
    first = explained.at_fault[0]
    assert "DenyIdentitiesOfOtherAccounts" in first and "aws:PrincipalAccount" in first
    assert f"request {OTHER}" in first


def test_messages_in_each_wording(lab: Lab, walkthrough: pd.DataFrame) -> None:
    messages = lab.messages(walkthrough, 1)
    assert messages["current"] == walkthrough["message"][1]
    assert messages["2019"] == messages["current"].split(" because ")[0]
    assert messages["2026"] == messages["current"]  # endpoint policies have no ARN to append
    assert lab.messages(walkthrough, 0) == {"current": None, "2019": None, "2026": None}


def test_a_row_without_a_record_is_re_evaluated_against_live_policies(
    lab: Lab, walkthrough: pd.DataFrame
) -> None:
    orphan = walkthrough.copy()
    orphan["request_id"] = pd.array([None, None], dtype="string")
    explained = lab.explain(orphan, 1)
    assert explained.source == "re-evaluated"
    assert explained.decision.denied_by == "vpc-endpoint"
    assert "Statement[0] does not allow it" in explained.at_fault[0]


def test_bad_rows_and_frames_raise_with_a_fix(lab: Lab, walkthrough: pd.DataFrame) -> None:
    with pytest.raises(labkit.LabError, match="pass a row number from 0 to 1"):
        lab.explain(walkthrough, 7)
    with pytest.raises(labkit.LabError, match=r"lab\.probe"):
        lab.explain(pd.DataFrame({"x": [1]}), 0)


def test_a_pasted_lab_message_is_explained_against_the_live_policies(
    lab: Lab, walkthrough: pd.DataFrame
) -> None:
    explained = lab.explain_message(walkthrough["message"][1])
    assert explained.source == "message"
    assert explained.decision.denied_by == "vpc-endpoint"
    assert "Statement[0] does not allow it" in explained.at_fault[0]
    assert any(
        "the message says: ImplicitlyDenied by VPC endpoint policy" in n for n in explained.notes
    )
    assert '"Action": "logs:PutLogEvents"' in explained.advice[0]
    assert "log-group:logs-test-denied:*" in explained.advice[0]


def test_the_memo_message_with_masked_ids_reads_as_this_lab(lab: Lab) -> None:
    explained = lab.explain_message(MEMO_TEXT)
    request = explained.explanation.request
    assert request["principal"] == lab.identity
    assert f":{lab.account_id}:log-group:logs-test-denied:" in request["resource"]
    assert explained.decision.denied_by == "vpc-endpoint"
    assert any("2019 wording" in n for n in explained.notes)
    assert not any(n.count("2019 wording") > 1 for n in explained.notes)  # said once
    assert any("masked IDs" in n for n in explained.notes)


def test_what_if_policies_change_the_verdict_without_applying_them(lab: Lab) -> None:
    before = lab.policy()
    opened = lab.explain_message(MEMO_TEXT, endpoint_policy="own-account-only")
    assert opened.decision.allowed
    assert any(
        "with the policies given (what-if) the request would be allowed" in n for n in opened.notes
    )
    assert not any("changed" in n for n in opened.notes)  # nothing changed: it is a what-if
    narrow = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "logs:DescribeLogGroups", "Resource": "*"}],
    }
    denied = lab.explain_message(MEMO_TEXT, endpoint_policy="full-access", identity_policy=narrow)
    assert denied.decision.denied_by == "identity"
    assert "Action logs:DescribeLogGroups: no action pattern matches" in denied.at_fault[0]
    assert lab.policy() == before


def test_not_an_access_denied_text_raises_with_an_example_and_changes_nothing(lab: Lab) -> None:
    before = lab.policy()
    with pytest.raises(labkit.LabError) as caught:
        lab.explain_message("ResourceNotFoundException: The specified log group does not exist.")
    assert "not an AccessDenied message" in caught.value.problem
    assert "User: arn:aws:sts::" in caught.value.fix
    with pytest.raises(labkit.LabError, match="not valid at line"):
        lab.explain_message(MEMO_TEXT, endpoint_policy='{"Statement": [}')
    assert lab.policy() == before
