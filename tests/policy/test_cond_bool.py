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


def test_no_policy_variables_in_bool_values() -> None:
    # The IAM variables page lists Bool among the operators without variables (labkit's choice
    # where the 2023 operators page says otherwise): the text is compared as written.
    assert not holds("Bool", "${aws:x}", {"test:key": "true", "aws:x": "true"})
