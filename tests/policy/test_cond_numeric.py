"""Numeric operators: integer and decimal comparison; non-numbers never match."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from policy_helpers import holds


@pytest.mark.parametrize(
    ("operator", "values", "value", "expected"),
    [
        ("NumericEquals", "10", "10", True),
        ("NumericEquals", "10", "10.0", True),
        ("NumericEquals", 10, "10", True),
        ("NumericNotEquals", "10", "11", True),
        ("NumericNotEquals", ["10", "11"], "11", False),
        ("NumericLessThan", "10", "9.5", True),
        ("NumericLessThan", "10", "10", False),
        ("NumericLessThanEquals", "10", "10", True),
        ("NumericGreaterThan", "-1", "0", True),
        ("NumericGreaterThanEquals", "1e3", "1000", True),
        ("NumericEquals", "10", "ten", False),
        ("NumericNotEquals", "10", "ten", True),
        ("NumericEquals", "ten", "10", False),
        ("NumericLessThan", ["1", "100"], "50", True),
    ],
)
def test_numeric_operators(operator: str, values: object, value: str, expected: bool) -> None:
    assert holds(operator, values, value) is expected


def test_missing_key_and_if_exists() -> None:
    assert holds("NumericLessThan", "10", None) is False
    assert holds("NumericNotEquals", "10", None) is True
    assert holds("NumericLessThanIfExists", "10", None) is True


def test_no_variables_in_numeric_values() -> None:
    assert not holds("NumericEquals", "${aws:x}", {"test:key": "5", "aws:x": "5"})


@given(st.integers(-(10**6), 10**6), st.integers(-(10**6), 10**6))
def test_comparisons_agree_with_python(bound: int, value: int) -> None:
    assert holds("NumericLessThan", str(bound), str(value)) is (value < bound)
    assert holds("NumericGreaterThanEquals", str(bound), str(value)) is (value >= bound)
    assert holds("NumericEquals", str(bound), str(value)) is (value == bound)
