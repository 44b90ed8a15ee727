"""Errors the public API raises: each says what went wrong and exactly how to fix it."""

from __future__ import annotations


class LabError(RuntimeError):
    """A lab operation failed; ``fix`` says what to do. Lab state is left as it was."""

    def __init__(self, problem: str, fix: str) -> None:
        super().__init__(f"{problem}\nFix: {fix}")
        self.problem = problem
        self.fix = fix


class ConfirmationRequired(LabError):
    """A real-AWS lab was asked to create or change something before it was confirmed."""


class PolicyRejected(LabError):
    """A policy was refused (by labkit's checks or by the EC2 API); the old one stays in force.

    ``findings`` holds the errors, each with line and column where known.
    """

    def __init__(self, problem: str, fix: str, findings: list | None = None) -> None:
        super().__init__(problem, fix)
        self.findings = list(findings or [])
