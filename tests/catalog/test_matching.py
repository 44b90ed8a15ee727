"""pattern_can_match: can a policy Resource pattern ever match an ARN of a form?"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from labkit.catalog.matching import pattern_can_match, text_pieces

STREAM = (
    "arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}"
    ":log-stream:${LogStreamName}"
)
GROUP_SUFFIX = "arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}:log-stream:"
BARE = "arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}"
LISTING = "arn:${Partition}:logs:${Region}:${Account}:log-group::log-stream:"
RULES = "arn:${Partition}:events:${Region}:${Account}:rule/*"
A = "arn:aws:logs:ap-northeast-1:111122223333"


@pytest.mark.parametrize(
    ("pattern", "form", "expected"),
    [
        (f"{A}:log-group:app", STREAM, False),
        (f"{A}:log-group:app:*", STREAM, True),
        (f"{A}:log-group:app:*", GROUP_SUFFIX, True),
        (f"{A}:log-group:app:*", BARE, False),
        (f"{A}:log-group:app", BARE, True),
        (f"{A}:log-group:app", GROUP_SUFFIX, False),
        (f"{A}:log-group:app:*", LISTING, False),
        (f"{A}:log-group:*", LISTING, True),
        (f"{A}:*", LISTING, True),
        ("arn:aws:logs:*:*:log-group:app*", STREAM, True),
        ("arn:aws:logs:*:*:log-group:a?p:log-stream:s", STREAM, True),
        ("arn:aws:logs:*", STREAM, True),  # the last component present crosses colons
        ("arn:aws:events:*:*:*", STREAM, False),
        ("ARN:AWS:LOGS:*:*:log-group:a:*", STREAM, True),  # first five components ignore case
        ("arn:aws:logs:*:*:LOG-GROUP:a:*", STREAM, False),  # the resource part does not
        ("arn:aws:logs:*:*:log-group:a:b:*", STREAM, False),  # group names have no colon
        ("*", STREAM, True),
        ("*", "*", True),
        ("arn:aws:logs:*:*:*", "*", False),
        ("arn:aws:events:*:*:rule/*", RULES, True),
        ("arn:aws:events:*:*:rule/nightly", RULES, False),
    ],
)
def test_can_match(pattern: str, form: str, expected: bool) -> None:
    assert pattern_can_match(text_pieces(pattern), form) is expected


def test_a_variable_matches_any_text() -> None:
    pieces = [("arn:aws:logs:*:*:log-group:", True), None, (":*", True)]
    assert pattern_can_match(pieces, STREAM)


def test_escaped_wildcards_are_literal() -> None:
    pieces = [("arn:aws:logs:*:*:log-group:app", True), ("*", False)]
    assert not pattern_can_match(pieces, STREAM)  # a literal '*' is not ':log-stream:...'


SEGMENT = st.text(alphabet="ab-/", min_size=1, max_size=4)


@settings(max_examples=300, deadline=None)
@given(group=SEGMENT, stream=SEGMENT, pattern=st.text(alphabet="ab-/:*?", max_size=12))
def test_agrees_with_a_regex_on_concrete_arns(group: str, stream: str, pattern: str) -> None:
    """If a concrete ARN of the form matches the pattern, the answer must be yes."""
    arn = f"{A}:log-group:{group}:log-stream:{stream}"
    policy = f"{A}:log-group:{pattern}"
    regex = re.escape(policy).replace(r"\*", ".*").replace(r"\?", ".")
    if re.fullmatch(regex, arn, re.DOTALL):
        assert pattern_can_match(text_pieces(policy), STREAM)
