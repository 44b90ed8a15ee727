"""Hypothesis fuzzing: deep nesting, huge documents and odd Unicode never crash or stall parsing.

Every generated text either parses or is refused with a located ``PolicyValidationError``;
``check_policy`` never raises. The slowest input of a run is printed with ``-s``
(``FUZZ_SLOWEST``): the figure is reported, never asserted (no wall-clock limits in tests).
"""

from __future__ import annotations

import json
import time
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from labkit.policy import PolicyValidationError, check_policy, parse_policy
from labkit.policy.kinds import POLICY_KINDS

EXAMPLES = 150
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=True,
)
SLOWEST: dict[str, Any] = {"seconds": 0.0, "input": ""}
STATEMENT = {"Effect": "Allow", "Principal": "*", "Action": "logs:*", "Resource": "*"}

kinds = st.sampled_from(POLICY_KINDS)
odd_text = st.text(
    alphabet=st.characters(codec=None, categories=None, exclude_categories=()), max_size=200
)


def attempt(text: str, kind: str) -> None:
    """Parse and check ``text``; the only way to fail is a located PolicyValidationError."""
    started = time.perf_counter()
    try:
        parse_policy(text, kind=kind)  # type: ignore[arg-type]
    except PolicyValidationError as err:
        assert err.line is not None or err.path is not None, err
    findings = check_policy(text, kind=kind)  # type: ignore[arg-type]
    assert all(f.line is not None or f.path is not None for f in findings if f.severity == "error")
    took = time.perf_counter() - started
    if took > SLOWEST["seconds"]:
        SLOWEST.update(seconds=took, input=f"{kind}: {len(text):,} chars, {text[:60]!r}")


@FUZZ
@given(
    kind=kinds,
    depth=st.integers(min_value=0, max_value=5_000),
    opening=st.sampled_from(["[", '{"a":', '{"Statement":', '["x",']),
    closed=st.booleans(),
)
def test_deep_nesting_is_refused_not_crashed(
    kind: str, depth: int, opening: str, closed: bool
) -> None:
    closing = "]" if opening.startswith("[") else "}"
    text = '{"Statement":' + opening * depth + (closing * depth if closed else "") + "}"
    attempt(text, kind)


@FUZZ
@given(
    kind=kinds,
    statements=st.integers(min_value=0, max_value=60_000),
    padding=st.integers(min_value=0, max_value=300_000),
    pad_char=st.sampled_from([" ", "\n", "x", "\u3042"]),
)
def test_huge_documents_are_refused_quickly_not_read(
    kind: str, statements: int, padding: int, pad_char: str
) -> None:
    document = {"Statement": [STATEMENT] * statements, "Id": ""}
    text = json.dumps(document).replace('"Id": ""', '"Id": "' + pad_char * padding + '"')
    attempt(text, kind)


@FUZZ
@given(kind=kinds, value=odd_text, key=odd_text)
def test_odd_unicode_in_values_and_keys(kind: str, value: str, key: str) -> None:
    statement = dict(STATEMENT, Sid=value, Condition={"StringEquals": {key or "k": value}})
    text = json.dumps({"Version": "2012-10-17", "Statement": [statement]}, ensure_ascii=False)
    attempt(text, kind)
    attempt(json.dumps({"Statement": [statement]}), kind)  # the same, \\u-escaped


@FUZZ
@given(kind=kinds, text=odd_text)
def test_arbitrary_text(kind: str, text: str) -> None:
    attempt(text, kind)


@FUZZ
@given(kind=kinds, raw=st.binary(max_size=300))
def test_arbitrary_bytes(kind: str, raw: bytes) -> None:
    try:
        parse_policy(raw, kind=kind)  # type: ignore[arg-type]
    except PolicyValidationError as err:
        assert err.line is not None or err.path is not None
    check_policy(raw, kind=kind)  # type: ignore[arg-type]


def test_report_the_slowest_input() -> None:
    print(f"FUZZ_SLOWEST {SLOWEST['seconds'] * 1000:.1f} ms: {SLOWEST['input']}")
