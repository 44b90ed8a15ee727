"""String operators: exact/case rules, wildcards that cross colons, negation, variables."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from policy_helpers import holds

from labkit.policy.patterns import wildcard_source


@pytest.mark.parametrize(
    ("operator", "values", "value", "expected"),
    [
        ("StringEquals", "vpce-1", "vpce-1", True),
        ("StringEquals", "vpce-1", "VPCE-1", False),
        ("StringEquals", ["a", "vpce-1"], "vpce-1", True),
        ("StringEquals", "vpce-*", "vpce-1", False),
        ("StringEquals", "vpce-*", "vpce-*", True),
        ("StringNotEquals", "vpce-1", "vpce-2", True),
        ("StringNotEquals", ["a", "b"], "b", False),
        ("StringEqualsIgnoreCase", "Team-A", "team-a", True),
        ("StringNotEqualsIgnoreCase", "Team-A", "TEAM-a", False),
        (
            "StringLike",
            "arn:aws:someservice:*:111122223333:finance/*",
            "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt",
            True,
        ),
        ("StringLike", "log-?", "log-1", True),
        ("StringLike", "log-?", "log-12", False),
        ("StringLike", "Log-*", "log-1", False),
        ("StringLike", "a.c", "abc", False),
        ("StringNotLike", ["x*", "y*"], "zeta", True),
        ("StringNotLike", ["x*", "y*"], "yes", False),
        ("StringEquals", 12, "12", True),
        ("StringEquals", True, "true", True),
    ],
)
def test_string_operators(operator: str, values: object, value: str, expected: bool) -> None:
    assert holds(operator, values, value) is expected


def test_missing_key() -> None:
    for operator in ("StringEquals", "StringEqualsIgnoreCase", "StringLike"):
        assert holds(operator, "x", None) is False
    for operator in ("StringNotEquals", "StringNotEqualsIgnoreCase", "StringNotLike"):
        assert holds(operator, "x", None) is True
    assert holds("StringEqualsIfExists", "x", None) is True
    assert holds("StringEqualsIfExists", "x", "y") is False


def test_variables_resolve_in_equals_and_like() -> None:
    context = {"test:key": "111122223333-logs", "aws:PrincipalAccount": "111122223333"}
    assert holds("StringEquals", "${aws:PrincipalAccount}-logs", context)
    assert holds("StringLike", "${aws:principalaccount}-*", context)  # key names ignore case
    assert holds("StringLike", "${*}", {"test:key": "*"})
    assert not holds("StringLike", "${*}", {"test:key": "anything"})
    assert holds("StringEquals", "${aws:username, 'nobody'}", {"test:key": "nobody"})


text = st.text(alphabet="ab:*?/-", max_size=12)


@given(text, st.data())
def test_a_pattern_built_from_a_value_matches_it(value: str, data: st.DataObject) -> None:
    # Replace some characters by '?' and some runs by '*': the result must still match.
    chars = list(value.replace("*", "x").replace("?", "x"))
    pattern = ""
    i = 0
    while i < len(chars):
        choice = data.draw(st.sampled_from(["keep", "one", "run"]))
        if choice == "one":
            pattern += "?"
            i += 1
        elif choice == "run":
            length = data.draw(st.integers(0, len(chars) - i))
            pattern += "*"
            i += length
        else:
            pattern += chars[i]
            i += 1
    assert holds("StringLike", pattern, "".join(chars))
    assert not holds("StringNotLike", pattern, "".join(chars))


@given(st.text(max_size=10), st.text(max_size=10))
def test_equals_is_plain_string_equality(policy_value: str, request_value: str) -> None:
    assert holds("StringEquals", policy_value, request_value) is (policy_value == request_value)
    assert holds("StringNotEquals", policy_value, request_value) is (policy_value != request_value)
    folded = policy_value.casefold() == request_value.casefold()
    assert holds("StringEqualsIgnoreCase", policy_value, request_value) is folded


def test_wildcard_source_escapes_regex_characters() -> None:
    assert wildcard_source("a.b*c?") == r"a\.b.*c."
