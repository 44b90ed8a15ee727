"""How clauses combine: ForAnyValue/ForAllValues (empty and missing sets), IfExists, negation
on several values, plain operators on multivalued keys, OR across values, AND across keys."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from policy_helpers import ALLOW_ALL, decide, document, holds, policy, request, statement

from labkit.policy import parse_policy


@pytest.mark.parametrize(
    ("operator", "values", "context", "expected"),
    [
        ("ForAllValues:StringEquals", ["team", "env"], ["team"], True),
        ("ForAllValues:StringEquals", ["team", "env"], ["team", "owner"], False),
        ("ForAllValues:StringEquals", ["team"], [], True),
        ("ForAllValues:StringEquals", ["team"], None, True),
        ("ForAnyValue:StringEquals", ["team"], ["owner", "team"], True),
        ("ForAnyValue:StringEquals", ["team"], ["owner"], False),
        ("ForAnyValue:StringEquals", ["team"], [], False),
        ("ForAnyValue:StringEquals", ["team"], None, False),
        ("ForAnyValue:StringEqualsIfExists", ["team"], None, True),
        ("ForAnyValue:StringEqualsIfExists", ["team"], [], False),
        ("ForAllValues:StringNotEquals", ["team"], ["a", "b"], True),
        ("ForAllValues:StringNotEquals", ["team"], ["a", "team"], False),
        ("ForAnyValue:StringNotEquals", ["team"], ["a", "team"], True),
        ("ForAnyValue:StringNotEquals", ["team"], ["team"], False),
        ("ForAnyValue:StringLike", ["te*"], ["owner", "team"], True),
        ("ForAllValues:StringEquals", ["team"], "team", True),
        ("StringEquals", ["com.example.app"], ["aws.ec2", "com.example.app"], True),
        ("StringEquals", ["com.example.app"], ["aws.ec2"], False),
        ("StringNotEquals", ["com.example.app"], ["aws.ec2", "com.example.app"], False),
        ("StringEquals", ["x"], [], False),
        ("StringNotEquals", ["x"], [], True),
    ],
)
def test_set_operators(operator: str, values: list[str], context: object, expected: bool) -> None:
    assert holds(operator, values, context) is expected


def test_negated_operator_on_several_values_must_match_none() -> None:
    accounts = ["111122223333", "777788889999"]
    assert holds("StringNotEquals", accounts, "777788889999") is False
    assert holds("StringNotEquals", accounts, "444455556666") is True


def test_keys_and_operators_are_anded_values_ored() -> None:
    endpoint = policy(
        "vpc-endpoint",
        statement(
            Condition={
                "StringEquals": {
                    "aws:PrincipalAccount": ["999999999999", "111122223333"],
                    "aws:SourceVpce": "vpce-0a1b2c3d4e5f6a7b8",
                },
                "StringLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/ec2-*"},
            }
        ),
    )
    identity = [policy("identity", ALLOW_ALL)]
    assert decide(request(), identity=identity, vpc_endpoint=endpoint).allowed
    other = request(context={"aws:SourceVpce": "vpce-0ffff0000ffff0000"})
    assert decide(other, identity=identity, vpc_endpoint=endpoint).denied_by == "vpc-endpoint"
    user = request(principal="arn:aws:iam::111122223333:user/u")
    assert not decide(user, identity=identity, vpc_endpoint=endpoint).allowed


def test_condition_key_names_ignore_case() -> None:
    identity = parse_policy(
        document(
            statement(Condition={"StringEquals": {"AWS:SOURCEVPCE": "vpce-0a1b2c3d4e5f6a7b8"}})
        )
    )
    assert decide(
        request(context={"aws:sourcevpce": "vpce-0a1b2c3d4e5f6a7b8"}), identity=[identity]
    ).allowed


values = st.lists(st.sampled_from(["a", "b", "c"]), max_size=3)


@given(values, st.one_of(st.none(), values))
def test_set_operators_follow_their_definitions(
    policy_values: list[str], request_values: list[str] | None
) -> None:
    if not policy_values:
        return
    present = request_values or []
    any_value = any(v in policy_values for v in present)
    all_values = all(v in policy_values for v in present)
    assert holds("ForAnyValue:StringEquals", policy_values, request_values) is any_value
    assert holds("ForAllValues:StringEquals", policy_values, request_values) is all_values
    assert holds("ForAllValues:StringNotEquals", policy_values, request_values) is all(
        v not in policy_values for v in present
    )
    assert holds("ForAnyValue:StringNotEquals", policy_values, request_values) is any(
        v not in policy_values for v in present
    )
