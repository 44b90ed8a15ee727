"""The BinaryEquals operator: byte-for-byte comparison of base64 values."""

from __future__ import annotations

import base64

from hypothesis import given
from hypothesis import strategies as st
from policy_helpers import holds


def test_binary_equals() -> None:
    value = base64.b64encode(b"BinaryValueInBase64").decode()
    assert holds("BinaryEquals", "QmluYXJ5VmFsdWVJbkJhc2U2NA==", value)
    assert not holds("BinaryEquals", "QmluYXJ5VmFsdWVJbkJhc2U2NA==", "QQ==")
    assert not holds("BinaryEquals", "not base64!", "not base64!")
    assert not holds("BinaryEquals", "QQ==", None)
    assert holds("BinaryEqualsIfExists", "QQ==", None)


@given(st.binary(max_size=32), st.binary(max_size=32))
def test_equal_bytes_match(a: bytes, b: bytes) -> None:
    encoded = base64.b64encode(a).decode()
    assert holds("BinaryEquals", encoded, base64.b64encode(b).decode()) is (a == b)
