"""Date operators: ISO 8601 (with or without offset) and epoch seconds; no wildcards."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from policy_helpers import holds

from labkit.policy.conditions.date import check_date, parse_date


@pytest.mark.parametrize(
    ("operator", "values", "value", "expected"),
    [
        ("DateGreaterThan", "2020-01-01T00:00:01Z", "2026-11-28T17:53:20Z", True),
        ("DateLessThan", "2020-01-01", "2019-12-31T23:59:59Z", True),
        ("DateEquals", "2026-01-01T09:00:00+09:00", "2026-01-01T00:00:00Z", True),
        ("DateEquals", "1767225600", "2026-01-01T00:00:00Z", True),
        ("DateNotEquals", "2026-01-01", "2026-01-02", True),
        ("DateLessThanEquals", "2026-01-01T00:00:00Z", "2026-01-01", True),
        ("DateGreaterThanEquals", "2026-01-01", "not a date", False),
        ("DateEquals", "2026-*", "2026-01-01", False),
    ],
)
def test_date_operators(operator: str, values: object, value: str, expected: bool) -> None:
    assert holds(operator, values, value) is expected


def test_parse_date_forms() -> None:
    assert parse_date("2026-01-31T12:00Z") == datetime(2026, 1, 31, 12, tzinfo=UTC)
    assert parse_date("2026-01") == datetime(2026, 1, 1, tzinfo=UTC)
    assert parse_date("1700000000") == datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)
    assert parse_date("2026-13-01") is None
    assert check_date("2026-*") is not None and check_date("2026-01-01") is None


def test_missing_key() -> None:
    assert holds("DateLessThan", "2026-01-01", None) is False
    assert holds("DateNotEquals", "2026-01-01", None) is True
    assert holds("DateLessThanIfExists", "2026-01-01", None) is True


@given(st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2100, 1, 1)))
def test_iso_and_epoch_agree(moment: datetime) -> None:
    moment = moment.replace(microsecond=0, tzinfo=UTC)
    assert holds("DateEquals", moment.isoformat(), str(int(moment.timestamp())))


def test_a_bare_year_reads_as_epoch_seconds() -> None:
    assert parse_date("2026") == datetime(1970, 1, 1, 0, 33, 46, tzinfo=UTC)
