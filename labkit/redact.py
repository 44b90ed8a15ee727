"""Mask account and instance IDs in what labkit shows, as the 2019 memo did before sharing.

The memo replaced every account ID with ``XXXXXXXXXXXX`` and the instance ID with
``i-XXXXXXXXXXXX``; :class:`Redactor` does the same to text, tables, nested data and SVG.
It is on by default in the ``workshop`` profile (see :func:`labkit.start`).

What counts as an account ID: any run of exactly twelve digits that is not part of a longer
word, number or hyphenated token (so timestamps, sequence tokens and request-ID groups survive).
Instance IDs: ``i-`` followed by 8 or 17 lowercase hex digits.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import pandas as pd

ACCOUNT_MASK = "XXXXXXXXXXXX"
INSTANCE_MASK = "i-XXXXXXXXXXXX"

_ACCOUNT = re.compile(r"(?<![\w.-])\d{12}(?![\w-])")
_INSTANCE = re.compile(r"(?<![\w-])i-(?:[0-9a-f]{17}|[0-9a-f]{8})(?![\w-])")

T = TypeVar("T")


def redact_text(text: str) -> str:
    """``text`` with every account ID and instance ID masked."""
    return _INSTANCE.sub(INSTANCE_MASK, _ACCOUNT.sub(ACCOUNT_MASK, text))


@dataclass(frozen=True)
class Redactor:
    """Applies (or, when ``enabled`` is false, skips) the masking to any value labkit shows."""

    enabled: bool = False

    def text(self, text: str) -> str:
        """Mask one string."""
        return redact_text(text) if self.enabled else text

    def __call__(self, value: T) -> T:
        """Mask a string, DataFrame, mapping, list or tuple (recursively); other values pass."""
        if not self.enabled:
            return value
        return _redact_any(value)


def _redact_any(value: Any) -> Any:
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, pd.DataFrame):
        return _redact_frame(value)
    if isinstance(value, Mapping):
        return {_redact_any(k): _redact_any(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_redact_any(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_redact_any(v) for v in value)
    return value


def _redact_frame(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(lambda v: redact_text(v) if isinstance(v, str) else v)
    out.attrs = dict(frame.attrs)
    return out
