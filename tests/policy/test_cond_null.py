"""The Null operator: "true" means the key is absent."""

from __future__ import annotations

from policy_helpers import holds


def test_null() -> None:
    assert holds("Null", "true", None)
    assert not holds("Null", "true", "vpce-1")
    assert holds("Null", "false", "vpce-1")
    assert not holds("Null", "false", None)
    assert holds("Null", ["true", "false"], "x")
    assert holds("Null", True, None)


def test_an_empty_multivalued_key_counts_as_absent() -> None:
    assert holds("Null", "true", [])
    assert holds("Null", "false", ["team"])
