"""The Bool operator."""

from __future__ import annotations

from policy_helpers import holds


def test_bool() -> None:
    assert holds("Bool", "true", "true")
    assert holds("Bool", "true", "True")
    assert holds("Bool", True, "true")
    assert not holds("Bool", "false", "true")
    assert holds("Bool", ["false", "true"], "false")
    assert not holds("Bool", "yes", "true")
    assert not holds("Bool", "true", None)
    assert holds("BoolIfExists", "false", None)
    assert holds("ForAnyValue:Bool", "true", ["false", "true"])
