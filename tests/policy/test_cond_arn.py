"""ARN operators: component-by-component, case-sensitive, wildcards never cross a colon early."""

from __future__ import annotations

import pytest
from policy_helpers import holds

VALUE = "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt"


def test_documented_example_differs_from_string_like() -> None:
    pattern = "arn:aws:someservice:*:111122223333:finance/*"
    assert holds("StringLike", pattern, VALUE)
    assert not holds("ArnLike", pattern, VALUE)
    assert not holds("ArnEquals", pattern, VALUE)


@pytest.mark.parametrize(
    ("operator", "values", "value", "expected"),
    [
        (
            "ArnLike",
            "arn:aws:logs:*:111122223333:log-group:*",
            "arn:aws:logs:ap-northeast-1:111122223333:log-group:x:log-stream:y",
            True,
        ),
        (
            "ArnEquals",
            "arn:aws:logs:*:111122223333:log-group:*",
            "arn:aws:logs:ap-northeast-1:111122223333:log-group:x",
            True,
        ),
        (
            "ArnLike",
            "arn:aws:logs:*:111122223333:log-group:X",
            "arn:aws:logs:ap-northeast-1:111122223333:log-group:x",
            False,
        ),
        (
            "ArnLike",
            "arn:aws:iam::111122223333:role/*",
            "arn:aws:iam::111122223333:role/ops/admin",
            True,
        ),
        ("ArnLike", "arn:aws:iam::*:role/admin", "arn:aws:iam::111122223333:role/admin", True),
        ("ArnLike", "arn:aws:iam::1111*:role/admin", "arn:aws:iam::111122223333:role/admin", True),
        ("ArnLike", "arn:aws:*", "arn:aws:s3:::bucket", True),
        ("ArnLike", "arn:aws:iam::111122223333:root", "not-an-arn", False),
        ("ArnNotLike", "arn:aws:iam::111122223333:*", "arn:aws:iam::444455556666:user/x", True),
        ("ArnNotEquals", "arn:aws:iam::111122223333:*", "arn:aws:iam::111122223333:user/x", False),
    ],
)
def test_arn_operators(operator: str, values: object, value: str, expected: bool) -> None:
    assert holds(operator, values, value) is expected


def test_missing_key_and_variables() -> None:
    assert holds("ArnLike", "arn:aws:iam::*:root", None) is False
    assert holds("ArnNotLike", "arn:aws:iam::*:root", None) is True
    context = {
        "test:key": "arn:aws:iam::111122223333:role/app",
        "aws:PrincipalAccount": "111122223333",
    }
    assert holds("ArnLike", "arn:aws:iam::${aws:PrincipalAccount}:role/*", context)
