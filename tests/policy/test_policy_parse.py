"""parse_policy / check_policy: what AWS refuses is refused, with line, column, path and a fix."""

from __future__ import annotations

import json

import pytest
from policy_helpers import document, statement, text

from labkit.policy import Finding, PolicyValidationError, check_policy, parse_policy


def refused(source: object, kind: str = "identity") -> PolicyValidationError:
    with pytest.raises(PolicyValidationError) as caught:
        parse_policy(source, kind=kind)  # type: ignore[arg-type]
    return caught.value


def codes(source: object, kind: str = "identity") -> list[str]:
    return [f.code for f in check_policy(source, kind=kind) if f.severity == "error"]  # type: ignore[arg-type]


def test_a_valid_identity_policy() -> None:
    policy = parse_policy(text(document(statement(action=["logs:*", "events:PutEvents"]))))
    assert policy.kind == "identity" and policy.version == "2012-10-17"
    assert [s.effect for s in policy.statements] == ["Allow"]
    assert policy.statements[0].action.patterns == ("logs:*", "events:PutEvents")
    assert policy.findings == ()


def test_not_json_names_line_and_column() -> None:
    err = refused('{\n  "Statement": [\n    {"Effect": "Allow",}\n  ]\n}')
    assert (err.line, err.column, err.path) == (3, 24, "Statement[0]")
    assert err.code == "MalformedPolicyDocument" and err.rule == "json-syntax"
    assert "line 3, column 24" in str(err) and "Fix:" in str(err)
    assert err.aws_message == "Syntax errors in policy."


def test_endpoint_policy_syntax_error_uses_ec2_wording() -> None:
    err = refused('{"Statement": [}', kind="vpc-endpoint")
    assert err.code == "InvalidPolicyDocument"
    assert err.aws_message == "The Policy Document is not valid. Syntax error at position (1,16)"


@pytest.mark.parametrize(
    ("doc", "rule", "path"),
    [
        ({"Statement": [statement()], "Versoin": "2012-10-17"}, "unknown-element", "Versoin"),
        (document(statement(Effects="Allow")), "unknown-element", "Statement[0].Effects"),
        (document(statement(Effect=None)), "missing-effect", "Statement[0]"),
        (document(statement(effect="allow")), "invalid-effect", "Statement[0].Effect"),
        (document(statement(effect=1)), "invalid-effect", "Statement[0].Effect"),
        (document(statement(NotAction="logs:*")), "action-and-notaction", "Statement[0].NotAction"),
        (document(statement(Action=None)), "missing-action", "Statement[0]"),
        (
            document(statement(NotResource="*")),
            "resource-and-notresource",
            "Statement[0].NotResource",
        ),
        (document(statement(Resource=None)), "missing-resource", "Statement[0]"),
        (document(statement(action="PutLogEvents")), "action-format", "Statement[0].Action"),
        (document(statement(action=[])), "empty-list", "Statement[0].Action"),
        (document(statement(action={"a": 1})), "wrong-type", "Statement[0].Action"),
        (document(statement(action=["logs:*", 3])), "wrong-type", "Statement[0].Action[1]"),
        (document(statement(resource="log-group:x")), "resource-format", "Statement[0].Resource"),
        ({"Version": "2012-10-17"}, "missing-statement", ""),
        ({"Statement": "Allow"}, "wrong-type", "Statement"),
        ({"Statement": ["x"]}, "wrong-type", "Statement[0]"),
        ([statement()], "wrong-type", ""),
        (document(statement(), version="2012-10-18"), "invalid-version", "Version"),
        ({"Version": 2012, "Statement": [statement()]}, "invalid-version", "Version"),
        ({"Statement": [statement()], "Id": 7}, "wrong-type", "Id"),
        (document(statement(Sid=1)), "wrong-type", "Statement[0].Sid"),
        (document(statement(Principal="*")), "principal-not-allowed", "Statement[0].Principal"),
        (
            document(statement(Condition={"StringEqualz": {"aws:SourceVpce": "v"}})),
            "unknown-operator",
            "Statement[0].Condition.StringEqualz",
        ),
        (
            document(statement(Condition={"ForSomeValues:StringEquals": {"aws:TagKeys": "v"}})),
            "unknown-operator",
            "Statement[0].Condition.ForSomeValues:StringEquals",
        ),
        (
            document(statement(Condition={"NullIfExists": {"aws:TagKeys": "true"}})),
            "unknown-operator",
            "Statement[0].Condition.NullIfExists",
        ),
        (document(statement(Condition=[])), "wrong-type", "Statement[0].Condition"),
        (
            document(statement(Condition={"StringEquals": "x"})),
            "wrong-type",
            "Statement[0].Condition.StringEquals",
        ),
        (
            document(statement(Condition={"StringEquals": {"aws:SourceVpce": None}})),
            "wrong-type",
            "Statement[0].Condition.StringEquals.aws:SourceVpce",
        ),
        (
            document(statement(Condition={"StringEquals": {"aws:SourceVpce": [{"a": 1}]}})),
            "wrong-type",
            "Statement[0].Condition.StringEquals.aws:SourceVpce[0]",
        ),
        (
            document(statement(Condition={"StringEquals": {"aws:SourceVpce": []}})),
            "empty-list",
            "Statement[0].Condition.StringEquals.aws:SourceVpce",
        ),
        (
            document(statement(Condition={"StringEquals": {"SourceVpce": "v"}})),
            "condition-key-format",
            "Statement[0].Condition.StringEquals.SourceVpce",
        ),
        (
            document(
                statement(Condition={"StringEquals": {"a:b": "1"}, "stringequals": {"a:c": "1"}})
            ),
            "duplicate-key",
            "Statement[0].Condition.stringequals",
        ),
    ],
)
def test_refused_documents(doc: object, rule: str, path: str) -> None:
    err = refused(text(doc))  # type: ignore[arg-type]
    assert err.rule == rule, str(err)
    assert err.path == path
    assert err.line is not None and err.line >= 1 and err.column is not None and err.column >= 1
    assert err.hint


def test_duplicate_json_keys_are_refused_where_they_repeat() -> None:
    source = (
        '{\n  "Version": "2012-10-17",\n  "Statement": [],\n  "Statement": [{"Effect": "Allow"}]\n}'
    )
    err = refused(source)
    assert (err.rule, err.path, err.line, err.column) == ("duplicate-key", "Statement", 4, 3)
    inner = '{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*", "Effect": "Deny"}}'
    err = refused(inner)
    assert (err.rule, err.path, err.column) == ("duplicate-key", "Statement.Effect", 67)


def test_principal_rules_by_kind() -> None:
    with_principal = document(statement(Principal="*"))
    for kind in ("identity", "scp", "permission-boundary", "session"):
        assert "principal-not-allowed" in codes(with_principal, kind)
    without = document(statement())
    for kind in ("resource", "vpc-endpoint", "rcp"):
        assert "missing-principal" in codes(without, kind)
    assert "notprincipal-with-allow" in codes(
        document(statement(NotPrincipal={"AWS": "111122223333"})), "vpc-endpoint"
    )
    assert "principal-and-notprincipal" in codes(
        document(statement("Deny", Principal="*", NotPrincipal={"AWS": "111122223333"})), "resource"
    )


@pytest.mark.parametrize(
    ("principal", "rule"),
    [
        ("arn:aws:iam::111122223333:role/*", None),
        ({"AWS": "arn:aws:iam::111122223333:role/app-*"}, "principal-wildcard"),
        ({"AWS": "alice"}, "invalid-principal"),
        ({"AWS": []}, "empty-list"),
        ({"Users": "x"}, "unknown-element"),
        ({}, "empty-principal"),
        ("everyone", "invalid-principal"),
        ({"Service": "logs.*.amazonaws.com"}, "principal-wildcard"),
    ],
)
def test_invalid_principals(principal: object, rule: str | None) -> None:
    found = codes(document(statement(Principal=principal)), "resource")
    if rule is None:  # a string other than "*" is refused as such
        assert found == ["invalid-principal"]
    else:
        assert rule in found


def test_valid_principal_forms() -> None:
    forms = [
        "*",
        {"AWS": "*"},
        {"AWS": "111122223333"},
        {"AWS": "arn:aws:iam::111122223333:root"},
        {"AWS": ["arn:aws:iam::111122223333:role/r", "arn:aws:iam::111122223333:user/u"]},
        {"AWS": "arn:aws:sts::111122223333:assumed-role/r/s"},
        {"AWS": "AROAEXAMPLEID12345678"},
        {"Service": "logs.amazonaws.com"},
        {"Federated": "cognito-identity.amazonaws.com"},
        {"CanonicalUser": "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"},
    ]
    for form in forms:
        assert codes(document(statement(Principal=form)), "resource") == [], form


def test_check_policy_reports_every_error_and_never_raises() -> None:
    doc = document(statement(effect="allow", action="logs", resource="x"), version="1")
    found = check_policy(text(doc))
    assert {f.code for f in found} >= {
        "invalid-version",
        "invalid-effect",
        "action-format",
        "resource-format",
    }
    assert all(isinstance(f, Finding) and f.line and f.column for f in found)
    assert check_policy("not json")[0].code == "json-syntax"
    assert check_policy(b"\xff\xfe")[0].code == "encoding"
    err = refused(text(doc))
    assert len(err.findings) == 4 and err.findings[0].code == err.rule


def test_dict_sources_are_placed_in_their_indented_rendering() -> None:
    doc = document(statement(effect="Permit"))
    err = refused(doc)
    rendering = json.dumps(doc, indent=2).splitlines()
    assert '"Effect": "Permit"' in rendering[err.line - 1]
    assert rendering[err.line - 1][err.column - 1 :].startswith('"Permit"')


def test_dict_with_values_json_cannot_hold() -> None:
    err = refused(document(statement(action={"logs:*"})))
    assert err.rule == "wrong-type" and err.path == "Statement[0].Action"
    assert "set" in err.reason
    assert refused({"Statement": [statement()], "x": float("nan")}).path == "x"


def test_bytes_are_utf8() -> None:
    assert parse_policy(text(document(statement())).encode()).statements
    err = refused(b'{"Statement": "\xff"}')
    assert (err.rule, err.line, err.column) == ("encoding", 1, 16)
    with pytest.raises(TypeError):
        parse_policy(42)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown policy kind"):
        parse_policy("{}", kind="endpoint")  # type: ignore[arg-type]


def test_statement_may_be_a_single_object_and_version_may_be_absent() -> None:
    policy = parse_policy('{"Statement": {"Effect": "Deny", "Action": "*", "Resource": "*"}}')
    assert policy.version is None and policy.statements[0].path == "Statement"
    assert policy.denies and not policy.allows


def test_duplicate_sid_is_an_error_for_iam_and_a_warning_elsewhere() -> None:
    doc = document(statement(Sid="A"), statement(Sid="A"))
    assert "duplicate-sid" in codes(doc, "identity")
    warned = parse_policy(
        text(document(statement(Sid="A", Principal="*"), statement(Sid="A", Principal="*"))),
        kind="vpc-endpoint",
    )
    assert [f.code for f in warned.findings] == ["duplicate-sid"]


def test_warnings_are_kept_on_the_policy() -> None:
    doc = document(
        statement(
            resource="arn:aws:logs:*:${aws:PrincipalAccount}:log-group:*",
            Condition={
                "NumericLessThan": {"aws:MultiFactorAuthAge": ["ten", "${aws:x}"]},
                "stringEquals": {"aws:SourceVpce": "v"},
            },
        )
    )
    found = [f.code for f in parse_policy(text(doc)).findings]
    assert found == [
        "variable-before-fifth-colon",
        "invalid-condition-value",
        "invalid-condition-value",
        "variable-not-supported",
        "operator-spelling",
    ]
    literal = parse_policy(
        text(document(statement(resource="arn:aws:s3:::b/${aws:username}"), version=None))
    )
    assert [f.code for f in literal.findings] == ["variables-literal"]


def test_rcp_rules() -> None:
    full = document(statement(Principal="*"))
    assert codes(full, "rcp") == []
    assert "rcp-allow" in codes(document(statement(action="s3:*", Principal="*")), "rcp")
    assert "rcp-principal" in codes(
        document(statement("Deny", Principal={"AWS": "111122223333"})), "rcp"
    )


def test_parsing_the_same_text_twice_is_cached_and_immutable() -> None:
    source = text(document(statement()))
    assert parse_policy(source) is parse_policy(source)
    assert parse_policy(source, name="a") is not parse_policy(source, name="b")
    with pytest.raises(AttributeError):
        parse_policy(source).kind = "scp"  # type: ignore[misc]


def test_an_empty_statement_list_is_accepted_with_a_warning() -> None:
    policy = parse_policy('{"Version": "2012-10-17", "Statement": []}')
    assert policy.statements == () and [f.code for f in policy.findings] == ["empty-statement"]


def test_a_byte_order_mark_is_refused() -> None:
    err = refused('\ufeff{"Statement": []}')
    assert (err.rule, err.line, err.column) == ("json-syntax", 1, 1)
    assert "U+FEFF" in err.reason
