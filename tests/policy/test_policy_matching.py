"""Action and resource matching: case rules, wildcards, ARN components, NotAction/NotResource."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from policy_helpers import request

from labkit.policy import parse_policy
from labkit.policy.elements import ActionElement, ResourceElement
from labkit.policy.patterns import wildcard_source
from labkit.policy.variables import literal

STREAM = (
    "arn:aws:logs:ap-northeast-1:111122223333:log-group:logs-test-allowed:log-stream:log-stream"
)


def actions(*patterns: str, negated: bool = False) -> ActionElement:
    return ActionElement(patterns, negated)


def resources(*patterns: str, negated: bool = False) -> ResourceElement:
    return ResourceElement(patterns, tuple(literal(p) for p in patterns), negated)


@pytest.mark.parametrize(
    ("pattern", "action", "expected"),
    [
        ("*", "logs:PutLogEvents", True),
        ("logs:*", "logs:PutLogEvents", True),
        ("LOGS:putlogevents", "logs:PutLogEvents", True),
        ("logs:Put*", "logs:PutLogEvents", True),
        ("logs:Put*", "logs:CreateLogStream", False),
        ("logs:?utLogEvents", "logs:PutLogEvents", True),
        ("logs:PutLogEvent", "logs:PutLogEvents", False),
        ("events:*", "logs:PutLogEvents", False),
        ("*:PutLogEvents", "logs:PutLogEvents", True),
        ("logs:Put.LogEvents", "logs:PutXLogEvents", False),
    ],
)
def test_action_patterns(pattern: str, action: str, expected: bool) -> None:
    assert actions(pattern).applies(action.lower()) is expected
    assert actions(pattern, negated=True).applies(action.lower()) is (not expected)


@pytest.mark.parametrize(
    ("pattern", "resource", "expected"),
    [
        ("*", STREAM, True),
        ("*", "*", True),
        ("arn:aws:logs:ap-northeast-1:111122223333:log-group:logs-test-allowed:*", STREAM, True),
        (
            "arn:aws:logs:ap-northeast-1:111122223333:log-group:logs-test-allowed:*",
            "arn:aws:logs:ap-northeast-1:111122223333:log-group:logs-test-allowed",
            False,
        ),
        (
            "arn:aws:logs:ap-northeast-1:111122223333:log-group:logs-test-allowed:*",
            "arn:aws:logs:ap-northeast-1:111122223333:log-group::log-stream:",
            False,
        ),
        ("arn:aws:logs:ap-northeast-1:111122223333:log-group:logs-test-allowed", STREAM, False),
        ("arn:aws:logs:ap-northeast-1:111122223333:log-group:Logs-Test-Allowed:*", STREAM, False),
        ("ARN:AWS:LOGS:AP-NORTHEAST-1:111122223333:log-group:logs-test-allowed:*", STREAM, True),
        ("arn:aws:logs:*:111122223333:log-group:*", STREAM, True),
        ("arn:aws:logs:*:*:*", STREAM, True),
        ("arn:aws:logs:*", STREAM, True),
        ("arn:aws:*:ap-northeast-1:111122223333:log-group:*", STREAM, True),
        ("arn:aws:logs:ap-*:111122223333:log-group:*", STREAM, True),
        ("arn:aws:logs:*1:111122223333:log-group:*", STREAM, True),
        (
            "arn:aws:logs:*:111122223333:log-group:*",
            "arn:aws:logs:a:b:c:111122223333:log-group:x",
            False,
        ),
        ("arn:aws:logs:ap-northeast-1:111122223333:log-group:logs-test-???????:*", STREAM, True),
        ("arn:aws:logs:ap-northeast-1:111122223333:log-group:logs-test-allowed:*", "*", False),
        ("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a:b/c", True),
    ],
)
def test_resource_patterns(pattern: str, resource: str, expected: bool) -> None:
    assert resources(pattern).applies(resource, {}) is expected
    assert resources(pattern, negated=True).applies(resource, {}) is (not expected)


def test_several_patterns_are_ored() -> None:
    element = resources("arn:aws:logs:*:*:log-group:a:*", "arn:aws:logs:*:*:log-group:logs-test-*")
    assert element.applies(STREAM, {})


names = st.text(alphabet="abcXYZ:/-_.", min_size=1, max_size=15)


@given(
    st.text(alphabet="abcdefXYZ", min_size=1, max_size=8),
    st.text(alphabet="abcdefXYZ", min_size=1, max_size=12),
)
def test_action_matching_ignores_case(service: str, name: str) -> None:
    action = f"{service}:{name}"
    assert actions(action.upper()).applies(action.lower())
    assert actions(action.lower()).applies(action.swapcase().lower())
    assert actions(f"{service}:*").applies(action.lower())


@given(names)
def test_resource_part_is_case_sensitive_and_star_crosses_colons(name: str) -> None:
    arn = f"arn:aws:logs:ap-northeast-1:111122223333:log-group:{name}"
    assert resources(arn).applies(arn, {})
    assert resources("arn:aws:logs:ap-northeast-1:111122223333:log-group:*").applies(arn, {})
    assert resources("arn:aws:logs:*:*:*").applies(arn, {})
    changed = arn[: -len(name)] + name.swapcase()
    if changed != arn:
        assert not resources(arn).applies(changed, {})


@given(st.text(alphabet="abc", min_size=1, max_size=6), st.text(alphabet="abc:", max_size=8))
def test_a_star_in_the_region_never_crosses_a_colon(region: str, rest: str) -> None:
    pattern = "arn:aws:logs:*:111122223333:log-group:*"
    assert resources(pattern).applies(f"arn:aws:logs:{region}:111122223333:log-group:{rest}", {})
    assert not resources(pattern).applies(
        f"arn:aws:logs:{region}:x:111122223333:log-group:{rest}", {}
    )


@given(st.text(alphabet="ab*?", max_size=10), st.text(alphabet="ab", max_size=12))
def test_wildcards_agree_with_fnmatch(pattern: str, value: str) -> None:
    import fnmatch

    expected = fnmatch.fnmatchcase(value, pattern)
    assert (re.fullmatch(wildcard_source(pattern), value, re.DOTALL) is not None) is expected


@pytest.mark.timeout(20)
def test_adversarial_patterns_do_not_backtrack() -> None:
    pattern = "arn:aws:s3:::" + "*a" * 15 + "*b"
    value = "arn:aws:s3:::" + "a" * 20_000
    assert not resources(pattern).applies(value, {})
    assert resources(pattern).applies(value + "b", {})
    like = "*a" * 15 + "*b"
    assert not actions("s3:" + like).applies("s3:" + "a" * 20_000)


@pytest.mark.parametrize(
    ("elements", "applies"),
    [
        ({"Action": ["logs:Create*", "*"], "Resource": "*"}, True),
        ({"Action": "logs:CreateLogStream", "Resource": ["*", "arn:aws:s3:::b"]}, False),
        ({"NotAction": "*", "Resource": "*"}, False),
        ({"Action": "*", "NotResource": "*"}, False),
        ({"NotAction": "events:*", "NotResource": "arn:aws:s3:::*"}, True),
        ({"Action": "*", "Resource": ["*", "arn:aws:logs:*:*:log-group:${aws:username}"]}, True),
        ({"Action": "*", "Resource": ["*", "arn:aws:logs:*:*:log-group:${aws:userid}"]}, False),
        (
            {"Action": "*", "Resource": "arn:aws:logs:*:*:log-group:*-${aws:username}:*"},
            True,
        ),
        (
            {"Action": "*", "Resource": "arn:aws:logs:*:*:log-group:*-${aws:userid}:*"},
            False,
        ),
    ],
)
def test_a_listed_star_covers_everything_and_negated_it_covers_nothing(
    elements: dict[str, object], applies: bool
) -> None:
    data = {"Effect": "Allow", **elements}
    statement = parse_policy({"Version": "2012-10-17", "Statement": data}).statements[0]
    assert statement.applies(request(context={"aws:username": "allowed"})) is applies
