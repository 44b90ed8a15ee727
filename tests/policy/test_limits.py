"""Size and nesting limits per policy type, measured before a document is read."""

from __future__ import annotations

import json

import pytest

from labkit.policy import PolicyValidationError, check_policy, limits, parse_policy
from labkit.policy.jsontext import MAX_DEPTH

STATEMENT = {"Effect": "Allow", "Action": "logs:PutLogEvents", "Resource": "*"}


def identity_of_size(non_space: int) -> str:
    """An identity policy with exactly ``non_space`` characters that are not white space."""
    base = json.dumps({"Statement": [STATEMENT], "Id": ""}, separators=(",", ":"))
    pad = non_space - len(base)
    assert pad >= 0
    return base.replace('"Id":""', '"Id":"' + "x" * pad + '"')


def test_an_identity_policy_is_measured_without_its_white_space() -> None:
    exact = identity_of_size(limits.ROLE_INLINE.characters)
    spaced = exact.replace(",", ",\n        ")
    assert len(spaced) > limits.ROLE_INLINE.characters
    assert parse_policy(spaced).statements  # white space is free
    with pytest.raises(PolicyValidationError) as caught:
        parse_policy(identity_of_size(limits.ROLE_INLINE.characters + 1), name="app-role")
    err = caught.value
    assert err.code == "LimitExceeded" and err.rule == limits.TOO_LARGE
    assert err.aws_message == "Maximum policy size of 10240 bytes exceeded for role app-role"
    assert (err.line, err.column) == (1, limits.ROLE_INLINE.characters + 1)
    assert "white space not counted" in err.reason


@pytest.mark.parametrize(
    ("name", "characters", "code"),
    [
        ("user-inline", 2_048, "LimitExceeded"),
        ("group-inline", 5_120, "LimitExceeded"),
        ("managed", 6_144, "LimitExceeded"),
        ("role-trust", 2_048, "LimitExceeded"),
    ],
)
def test_a_named_iam_limit_is_applied(name: str, characters: int, code: str) -> None:
    assert parse_policy(identity_of_size(characters), limit=name)
    with pytest.raises(PolicyValidationError) as caught:
        parse_policy(identity_of_size(characters + 1), limit=name)
    assert caught.value.code == code


@pytest.mark.parametrize(
    ("kind", "code", "characters"),
    [
        ("scp", "ConstraintViolationException", 5_120),
        ("session", "ValidationError", 2_048),
        ("vpc-endpoint", "InvalidPolicyDocument", 20_480),
    ],
)
def test_limits_that_count_white_space(kind: str, code: str, characters: int) -> None:
    statement = dict(STATEMENT, Principal="*") if kind == "vpc-endpoint" else STATEMENT
    text = json.dumps({"Statement": [statement]})
    over = text[:-1] + " " * (characters - len(text) + 1) + "}"
    assert len(over) == characters + 1
    with pytest.raises(PolicyValidationError) as caught:
        parse_policy(over, kind=kind)  # type: ignore[arg-type]
    assert caught.value.code == code
    assert parse_policy(over[:-2] + "}", kind=kind)  # type: ignore[arg-type]


def test_an_unknown_limit_name_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="unknown size limit 'huge'"):
        parse_policy("{}", limit="huge")


def test_a_huge_document_gets_one_error_and_is_not_read() -> None:
    huge = json.dumps({"Statement": [dict(STATEMENT, Principal="*")] * 100_000})
    for kind in ("vpc-endpoint", "identity", "resource"):
        findings = check_policy(huge, kind=kind)  # type: ignore[arg-type]
        assert [f.code for f in findings] == [limits.TOO_LARGE]
        assert f"{len(huge):,} characters" in findings[0].message


@pytest.mark.parametrize("opening", ["[", '{"k":'])
def test_nesting_a_thousand_deep_is_refused_at_its_place(opening: str) -> None:
    closing = "]" if opening == "[" else "}"
    text = '{"Statement":' + opening * 1000 + closing * 1000 + "}"
    findings = check_policy(text, kind="vpc-endpoint")
    assert [f.code for f in findings] == [limits.TOO_DEEP]
    assert findings[0].line == 1 and findings[0].column is not None
    with pytest.raises(PolicyValidationError) as caught:
        parse_policy(text, kind="vpc-endpoint")
    assert caught.value.aws_message.startswith("The Policy Document is not valid. Syntax error")
    with pytest.raises(PolicyValidationError) as caught:
        parse_policy(text)
    assert caught.value.aws_message == "Syntax errors in policy."


def test_brackets_inside_strings_do_not_count_as_nesting() -> None:
    text = json.dumps({"Statement": [dict(STATEMENT, Sid="x")], "Id": "[" * 500 + '"{'})
    assert limits.measure(text, limits.ROLE_INLINE) is None


def test_nesting_at_the_limit_is_read_by_the_json_reader() -> None:
    text = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    assert limits.measure(text, limits.ROLE_INLINE) is None
    assert limits.measure("[" + text + "]", limits.ROLE_INLINE) is not None


def test_a_deep_or_self_holding_dict_is_refused_with_its_path() -> None:
    deep: dict[str, object] = {"Statement": []}
    inner = deep
    for _ in range(2000):
        inner["Condition"] = {}
        inner = inner["Condition"]  # type: ignore[assignment]
    with pytest.raises(PolicyValidationError) as caught:
        parse_policy(deep)
    assert caught.value.rule == limits.TOO_DEEP
    assert caught.value.path and caught.value.path.startswith("Condition.Condition")
    looped: dict[str, object] = {"Statement": []}
    looped["Id"] = looped
    assert [f.code for f in check_policy(looped)] == [limits.TOO_DEEP]


def test_a_dict_with_too_many_values_is_refused_before_rendering() -> None:
    many = {"Statement": [dict(STATEMENT)] * 40_000}
    with pytest.raises(PolicyValidationError) as caught:
        parse_policy(many)
    assert caught.value.rule == limits.TOO_LARGE and caught.value.code == "LimitExceeded"
