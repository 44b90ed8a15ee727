"""The ``BinaryEquals`` operator: byte-for-byte equality of base64-encoded values."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence

from labkit.policy.conditions.base import Matcher, OperatorSpec
from labkit.policy.variables import Template


def decode(text: str) -> bytes | None:
    """The bytes ``text`` encodes in base64, or ``None`` if it is not base64."""
    try:
        return base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        return None


def check_base64(text: str) -> str | None:
    """Problem with a BinaryEquals policy value, if any."""
    return None if decode(text) is not None else f"{text!r} is not base64"


def build_binary(templates: Sequence[Template]) -> Matcher:
    """True if the request value decodes to the same bytes as any policy value."""
    wanted = frozenset(b for t in templates if (b := decode(t.raw)) is not None)

    def match(value: str, _context: object) -> bool:
        data = decode(value)
        return data is not None and data in wanted

    return match


OPERATORS = (OperatorSpec("BinaryEquals", "Binary", build_binary, check_value=check_base64),)
