"""labkit lint: each rule with one failing and one clean example; places; the CLI."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from labkit.catalog.lint import lint
from labkit.cli import main
from labkit.policy.errors import Finding

ACCOUNT, REGION = "111122223333", "ap-northeast-1"
GROUP = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:app"


def identity(*statements: dict[str, Any], version: bool = True) -> dict[str, Any]:
    document: dict[str, Any] = {"Statement": list(statements)}
    if version:
        document = {"Version": "2012-10-17", **document}
    return document


def allow(action: Any, resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def endpoint_allow(action: Any = "*", resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Principal": "*", **allow(action, resource, **extra)}


def codes(findings: list[Finding]) -> set[str]:
    return {finding.code for finding in findings}


def only(findings: list[Finding], code: str) -> Finding:
    matching = [f for f in findings if f.code == code]
    assert len(matching) == 1, findings
    return matching[0]


# --- unknown actions ------------------------------------------------------------------------


def test_unknown_action_is_an_error_with_a_suggestion() -> None:
    finding = only(lint(identity(allow("logs:PutLogEvent"))), "unknown-action")
    assert finding.severity == "error"
    assert finding.path == "Statement[0].Action"
    assert finding.hint == "did you mean 'logs:PutLogEvents'?"


def test_known_actions_any_case_are_clean() -> None:
    assert lint(identity(allow(["logs:PutLogEvents", "EVENTS:putevents", "logs:Put*"]))) == []


def test_unknown_service_and_empty_wildcard() -> None:
    findings = lint(identity(allow(["logz:PutLogEvents", "logs:Frobnicate*"])))
    assert only(findings, "unknown-service").path == "Statement[0].Action[0]"
    assert only(findings, "unknown-action").path == "Statement[0].Action[1]"


def test_unknown_action_in_not_action_too() -> None:
    document = identity({"Effect": "Deny", "NotAction": "logs:PutLogEvent", "Resource": "*"})
    assert "unknown-action" in codes(lint(document))


# --- resource ARNs that can never match -----------------------------------------------------


def test_bare_log_group_arn_for_put_log_events() -> None:
    finding = only(lint(identity(allow("logs:PutLogEvents", GROUP))), "resource-mismatch")
    assert finding.severity == "error"
    assert "log-stream" in finding.message
    assert finding.hint == f"add a Resource such as '{GROUP}:*'"


def test_log_group_star_for_put_log_events_is_clean() -> None:
    assert lint(identity(allow("logs:PutLogEvents", GROUP + ":*"))) == []


def test_group_scoped_grant_for_describe_log_groups() -> None:
    findings = lint(identity(allow("logs:DescribeLogGroups", GROUP + ":*")))
    assert "resource-mismatch" in codes(findings)


@pytest.mark.parametrize(
    "resource", ["*", f"arn:aws:logs:{REGION}:{ACCOUNT}:*", "arn:aws:logs:*:*:log-group:*"]
)
def test_account_wide_grant_for_describe_log_groups_is_clean(resource: str) -> None:
    assert lint(identity(allow("logs:DescribeLogGroups", resource))) == []


def test_tagging_apis_need_the_arn_without_star() -> None:
    assert "resource-mismatch" in codes(lint(identity(allow("logs:TagResource", GROUP + ":*"))))
    assert lint(identity(allow("logs:TagResource", GROUP))) == []


def test_events_put_events_on_a_rule_arn() -> None:
    rule = f"arn:aws:events:{REGION}:{ACCOUNT}:rule/nightly"
    assert "resource-mismatch" in codes(lint(identity(allow("events:PutEvents", rule))))
    bus = f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/default"
    assert lint(identity(allow("events:PutEvents", bus))) == []


def test_wildcard_action_that_can_never_match() -> None:
    bus = f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/default"
    finding = only(lint(identity(allow("logs:Put*", bus))), "statement-never-matches")
    assert finding.severity == "error"


def test_wildcard_action_with_one_matching_action_is_clean() -> None:
    assert lint(identity(allow("logs:*", GROUP))) == []  # TagResource etc. take the bare ARN


def test_resource_entry_matching_no_action_is_a_warning() -> None:
    findings = lint(identity(allow("logs:PutLogEvents", [GROUP + ":*", "arn:aws:s3:::bucket"])))
    finding = only(findings, "resource-matches-no-action")
    assert (finding.severity, finding.path) == ("warning", "Statement[0].Resource[1]")


def test_resources_of_other_services_are_not_judged_for_unknown_forms() -> None:
    # sts:GetCallerIdentity has no resource type: the catalog does not guess its ARN.
    assert lint(identity(allow(["sts:GetCallerIdentity"], "arn:aws:sts::1:x"))) == []


def test_not_resource_statements_are_not_judged() -> None:
    document = identity({"Effect": "Deny", "Action": "logs:PutLogEvents", "NotResource": GROUP})
    assert lint(document) == []


# --- endpoint-policy rules and size (from the validator) ------------------------------------


def test_endpoint_policy_over_the_size_limit() -> None:
    document = identity(endpoint_allow(Sid="x" * 20_600))
    findings = lint(json.dumps(document), "endpoint")
    assert any(f.severity == "error" and "20,480" in f.message for f in findings)
    assert not any("20,480" in f.message for f in lint(json.dumps(document), "resource"))


def test_endpoint_policy_needs_a_principal() -> None:
    findings = lint(identity(allow("logs:*")), "endpoint")
    assert any(f.severity == "error" and f.path == "Statement[0]" for f in findings)
    assert lint(identity(endpoint_allow("logs:*")), "endpoint") == []


def test_wildcard_with_a_system_generated_key_in_an_endpoint_policy() -> None:
    condition = {"StringLike": {"aws:PrincipalAccount": "1111*"}}
    findings = lint(identity(endpoint_allow(Condition=condition)), "endpoint")
    assert any("system-generated" in f.message for f in findings)
    exact = {"StringEquals": {"aws:PrincipalAccount": ACCOUNT}}
    assert lint(identity(endpoint_allow(Condition=exact)), "endpoint") == []


# --- condition operators and keys -----------------------------------------------------------


def test_numeric_operator_on_a_string_key() -> None:
    condition = {"NumericEquals": {"aws:SourceVpce": "1"}}
    finding = only(lint(identity(allow("logs:*", Condition=condition))), "operator-key-type")
    assert finding.severity == "warning"
    assert finding.path == "Statement[0].Condition.NumericEquals.aws:SourceVpce"


@pytest.mark.parametrize(
    "condition",
    [
        {"StringEquals": {"aws:SourceVpce": "vpce-0a1b2c3d4e5f6a7b8"}},
        {"DateGreaterThan": {"aws:CurrentTime": "2019-02-16T00:00:00Z"}},
        {"NumericLessThan": {"aws:EpochTime": "1550295898"}},
        {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/app"}},
        {"StringLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/app"}},
        {"Bool": {"aws:SecureTransport": "true"}},
        {"IpAddress": {"aws:VpcSourceIp": "172.31.0.0/16"}},
        {"Null": {"events:source": "true"}},
    ],
)
def test_operators_that_fit_their_keys_are_clean(condition: dict[str, Any]) -> None:
    assert lint(identity(allow("events:*", Condition=condition))) == []


def test_plain_operator_on_a_multivalued_key() -> None:
    condition = {"StringEquals": {"events:source": "com.example.app"}}
    finding = only(
        lint(identity(allow("events:PutEvents", Condition=condition))), "missing-set-operator"
    )
    assert "ForAnyValue:StringEquals" in (finding.hint or "")
    clean = {"ForAnyValue:StringEquals": {"events:source": "com.example.app"}}
    assert lint(identity(allow("events:PutEvents", Condition=clean))) == []


def test_for_all_values_on_a_single_valued_key() -> None:
    condition = {"ForAllValues:StringEquals": {"aws:PrincipalAccount": ACCOUNT}}
    finding = only(
        lint(identity(allow("logs:*", Condition=condition))), "set-operator-single-valued"
    )
    assert "absent" in finding.message
    assert (
        lint(
            identity(
                allow("logs:*", Condition={"ForAllValues:StringEquals": {"aws:TagKeys": ["team"]}})
            )
        )
        == []
    )


def test_unknown_global_key_suggests_the_right_one() -> None:
    condition = {"StringEquals": {"aws:SourceVpcee": "vpce-1"}}
    finding = only(lint(identity(allow("logs:*", Condition=condition))), "unknown-global-key")
    assert finding.hint == "did you mean 'aws:SourceVpce'?"


def test_key_names_are_case_insensitive() -> None:
    condition = {"StringEquals": {"AWS:sourcevpce": "vpce-1"}}
    assert lint(identity(allow("logs:*", Condition=condition))) == []


def test_unknown_service_key() -> None:
    condition = {"ForAnyValue:StringEquals": {"events:sources": "x"}}
    assert "unknown-condition-key" in codes(lint(identity(allow("events:*", Condition=condition))))


# --- policy variables (from the validator) --------------------------------------------------


def test_variable_before_the_fifth_colon() -> None:
    resource = "arn:aws:logs:*:${aws:PrincipalAccount}:log-group:*"
    findings = lint(identity(allow("logs:*", resource)))
    assert any(f.path == "Statement[0].Resource" and "fifth colon" in f.message for f in findings)
    clean = "arn:aws:logs:*:*:log-group:${aws:username}:*"
    assert lint(identity(allow("logs:*", clean))) == []


def test_variable_without_version_is_literal_text() -> None:
    condition = {"StringEquals": {"aws:ResourceAccount": "${aws:PrincipalAccount}"}}
    findings = lint(identity(endpoint_allow(Condition=condition), version=False), "endpoint")
    assert any(f.severity == "warning" and "literal" in f.message for f in findings)
    assert lint(identity(endpoint_allow(Condition=condition)), "endpoint") == []


# --- places, robustness ---------------------------------------------------------------------


def test_findings_carry_line_column_and_path_of_the_text() -> None:
    text = (
        '{\n  "Version": "2012-10-17",\n  "Statement": [{\n    "Effect": "Allow",\n'
        '    "Action": "logs:PutLogEvents",\n'
        f'    "Resource": "{GROUP}"\n  }}]\n}}\n'
    )
    finding = only(lint(text), "resource-mismatch")
    assert (finding.line, finding.column, finding.path) == (5, 15, "Statement[0].Action")


def test_a_single_statement_object_and_bytes() -> None:
    document = {"Version": "2012-10-17", "Statement": allow("logs:PutLogEvent")}
    finding = only(lint(json.dumps(document).encode()), "unknown-action")
    assert finding.path == "Statement.Action"


@pytest.mark.parametrize("source", ["not json", "[]", b"\xff\xfe", '{"Statement": 3}'])
def test_bad_documents_give_findings_not_exceptions(source: str | bytes) -> None:
    findings = lint(source)
    assert findings and findings[0].severity == "error"


def test_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown policy kind"):
        lint("{}", "gateway")


def test_the_walkthrough_policy_is_clean() -> None:
    document = {
        "Statement": [
            {
                "Action": "*",
                "Effect": "Allow",
                "Resource": [f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:logs-test-allowed:*"],
                "Principal": "*",
            }
        ]
    }
    assert lint(document, "endpoint") == []


def test_errors_come_first() -> None:
    condition = {"StringEquals": {"events:source": "x"}}
    findings = lint(identity(allow("events:PutEvent", Condition=condition)))
    assert [f.severity for f in findings] == ["error", "warning"]


# --- the command ----------------------------------------------------------------------------


def write(tmp_path: Path, document: Any) -> str:
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")
    return str(path)


def test_cli_prints_findings_and_fails_on_errors(tmp_path: Path, capsys: Any) -> None:
    path = write(tmp_path, identity(allow("logs:PutLogEvents", GROUP)))
    assert main(["lint", path, "--type", "identity"]) == 1
    out = capsys.readouterr().out
    assert f"{path}:6:17: error [resource-mismatch] Statement[0].Action:" in out
    assert out.rstrip().endswith("1 error")


def test_cli_clean_policy_exits_zero(tmp_path: Path, capsys: Any) -> None:
    path = write(tmp_path, identity(allow("logs:PutLogEvents", GROUP + ":*")))
    assert main(["lint", path]) == 0
    out = capsys.readouterr().out
    assert "linted as an identity-based policy" in out
    assert out.rstrip().endswith("no findings")


def test_cli_warnings_alone_exit_zero(tmp_path: Path, capsys: Any) -> None:
    condition = {"StringEquals": {"events:source": "x"}}
    path = write(tmp_path, identity(allow("events:PutEvents", Condition=condition)))
    assert main(["lint", path]) == 0
    assert "1 warning" in capsys.readouterr().out


def test_cli_json_and_endpoint_guess(tmp_path: Path, capsys: Any) -> None:
    path = write(tmp_path, identity(endpoint_allow("logs:PutLogEvent")))
    assert main(["lint", path, "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["type"] == "endpoint"
    assert report["errors"] == 1
    assert report["findings"][0]["code"] == "unknown-action"
    assert report["findings"][0]["line"] == 7


def test_cli_reads_stdin(monkeypatch: Any, capsys: Any) -> None:
    text = json.dumps(identity(allow("logs:PutLogEvent")))
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode())))
    assert main(["lint", "-", "--type", "identity"]) == 1
    assert "-:1:" in capsys.readouterr().out


def test_cli_missing_file(tmp_path: Path, capsys: Any) -> None:
    assert main(["lint", str(tmp_path / "nope.json")]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_cli_rejects_an_unknown_type(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["lint", write(tmp_path, identity()), "--type", "gateway"])
    assert caught.value.code == 2
