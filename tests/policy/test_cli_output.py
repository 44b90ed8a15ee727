"""What the AWS CLI prints for an AccessDenied error, v1 and v2, and its exit code."""

from __future__ import annotations

import pytest

from labkit.policy import cli_error_output

MESSAGE = (
    "User: arn:aws:sts::111122223333:assumed-role/r/i-1 is not authorized to perform: "
    "logs:PutLogEvents"
)


def test_cli_v1() -> None:
    text, code = cli_error_output("PutLogEvents", "AccessDeniedException", MESSAGE)
    assert (
        text
        == "\nAn error occurred (AccessDeniedException) when calling the PutLogEvents operation: "
        f"{MESSAGE}\n"
    )
    assert code == 255


def test_cli_v2_enhanced_and_legacy() -> None:
    text, code = cli_error_output("DescribeLogGroups", "AccessDeniedException", MESSAGE, "v2")
    assert text == (
        "\naws: [ERROR]: An error occurred (AccessDeniedException) when calling the "
        f"DescribeLogGroups operation: {MESSAGE}\n"
    )
    assert code == 254
    legacy, code = cli_error_output(
        "DescribeLogGroups", "AccessDeniedException", MESSAGE, "v2-legacy"
    )
    assert legacy == text.replace("aws: [ERROR]: ", "") and code == 254


def test_unknown_cli() -> None:
    with pytest.raises(ValueError, match="v1, v2, v2-legacy"):
        cli_error_output("Op", "Code", "m", "v3")  # type: ignore[arg-type]
