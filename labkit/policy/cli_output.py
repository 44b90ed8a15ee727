"""What the AWS CLI prints on stderr for a service error, and its exit code.

botocore's ``ClientError`` reads ``An error occurred (CODE) when calling the OP operation: MSG``.
CLI v1 writes a blank line, that text and a newline, and exits 255. CLI v2 exits 254; its
default ("enhanced") error format, released in 2026, prefixes ``aws: [ERROR]: ``; the ``legacy``
format (``--cli-error-format legacy``) prints what v1 prints.
"""

from __future__ import annotations

from typing import Literal, get_args

CliVersion = Literal["v1", "v2", "v2-legacy"]
CLI_VERSIONS: tuple[str, ...] = get_args(CliVersion)
EXIT_CODES = {"v1": 255, "v2": 254, "v2-legacy": 254}


def client_error_text(operation: str, code: str, message: str) -> str:
    """botocore's ``str(ClientError)`` for a service error (no retries exhausted)."""
    return f"An error occurred ({code}) when calling the {operation} operation: {message}"


def cli_error_output(
    operation: str, code: str, message: str, cli: CliVersion = "v1"
) -> tuple[str, int]:
    """The exact stderr text and exit code of the AWS CLI for a service error."""
    if cli not in EXIT_CODES:
        raise ValueError(f"unknown AWS CLI {cli!r}; use one of: {', '.join(CLI_VERSIONS)}")
    text = client_error_text(operation, code, message)
    if cli == "v2":
        text = f"aws: [ERROR]: {text.strip()}"
    return f"\n{text}\n", EXIT_CODES[cli]
