"""VPC endpoint policy rules: Principal, NotPrincipal with Deny, 20,480 characters, and the
newer wildcard and account-ID restrictions reported as warnings."""

from __future__ import annotations

import json

import pytest
from policy_helpers import document, statement

from labkit.policy import PolicyValidationError, check_policy, parse_policy
from labkit.policy.endpoint_rules import MAX_CHARACTERS, short_wildcard

DEFAULT = (  # the wire form of the default interface endpoint policy (aws-fidelity 1.12)
    '{\n  "Statement": [\n    {\n      "Action": "*", \n      "Effect": "Allow", \n'
    '      "Principal": "*", \n      "Resource": "*"\n    }\n  ]\n}'
)


def warnings(doc: object) -> list[str]:
    return [
        f.code
        for f in check_policy(json.dumps(doc), kind="vpc-endpoint")
        if f.severity == "warning"
    ]


def test_the_default_interface_policy_text_is_valid() -> None:
    policy = parse_policy(DEFAULT, kind="vpc-endpoint")
    assert policy.version is None and policy.findings == ()


def test_size_limit_counts_white_space() -> None:
    base = json.dumps(document(statement(Principal="*")))
    exact = base[:-1] + " " * (MAX_CHARACTERS - len(base)) + "}"
    assert len(exact) == MAX_CHARACTERS
    parse_policy(exact, kind="vpc-endpoint")
    over = exact[:-1] + " }"
    with pytest.raises(PolicyValidationError) as caught:
        parse_policy(over, kind="vpc-endpoint")
    err = caught.value
    assert err.rule == "policy-too-large" and err.code == "InvalidPolicyDocument"
    assert (err.line, err.column) == (1, MAX_CHARACTERS + 1)
    assert "20,481 characters" in err.reason
    identity = over.replace(', "Principal": "*"', "") + " " * 40
    assert len(parse_policy(identity).text) > MAX_CHARACTERS  # other kinds: other limits, not here


def test_principal_required_and_not_principal_only_with_deny() -> None:
    with pytest.raises(PolicyValidationError, match="must contain a Principal"):
        parse_policy(json.dumps(document(statement())), kind="vpc-endpoint")
    with pytest.raises(PolicyValidationError, match="NotPrincipal is supported only with"):
        parse_policy(
            json.dumps(document(statement(NotPrincipal={"AWS": "111122223333"}))),
            kind="vpc-endpoint",
        )
    deny = document(
        statement(Principal="*"), statement("Deny", NotPrincipal={"AWS": "111122223333"})
    )
    assert parse_policy(json.dumps(deny), kind="vpc-endpoint").statements[1].principal.negated  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ({"StringLike": {"aws:PrincipalAccount": "1111*"}}, ["system-id-wildcard"]),
        ({"StringEquals": {"aws:SourceVpce": "vpce-*"}}, ["system-id-wildcard"]),
        ({"NumericEquals": {"aws:PrincipalAccount": "111122223333"}}, ["system-id-numeric"]),
        ({"StringLike": {"aws:PrincipalArn": "arn:*"}}, ["short-wildcard"]),
        ({"StringLike": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/app-*"}}, []),
        ({"StringLike": {"aws:PrincipalTag/team": "*-ops"}}, ["short-wildcard"]),
        ({"StringLike": {"aws:PrincipalTag/team": "platform-*"}}, []),
        ({"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::1111*:role/x"}}, ["account-wildcard-mix"]),
        ({"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/x"}}, []),
        ({"StringEquals": {"aws:PrincipalAccount": "111122223333"}}, []),
    ],
)
def test_newer_rules_are_warnings(condition: dict[str, object], expected: list[str]) -> None:
    assert warnings(document(statement(Principal="*", Condition=condition))) == expected


def test_account_part_of_resource_arns() -> None:
    mixed = document(statement(Principal="*", resource="arn:aws:logs:*:1111*:log-group:*"))
    assert warnings(mixed) == ["account-wildcard-mix"]
    fine = document(
        statement(
            Principal="*",
            resource=["arn:aws:logs:*:*:log-group:*", "arn:aws:logs:*:111122223333:*"],
        )
    )
    assert warnings(fine) == []


def test_warnings_do_not_stop_the_policy_from_loading() -> None:
    doc = document(statement(Principal="*", Condition={"StringLike": {"aws:SourceVpce": "vpce-*"}}))
    policy = parse_policy(json.dumps(doc), kind="vpc-endpoint")
    finding = policy.findings[0]
    assert (
        finding.code == "system-id-wildcard"
        and finding.path == "Statement[0].Condition.StringLike.aws:SourceVpce"
    )
    assert finding.line == 1 and finding.column > 1


def test_short_wildcard() -> None:
    assert short_wildcard("*") and short_wildcard("ab*cd") and short_wildcard("abcdef*?x")
    assert (
        not short_wildcard("abcdef*")
        and not short_wildcard("*abcdef")
        and not short_wildcard("plain")
    )
