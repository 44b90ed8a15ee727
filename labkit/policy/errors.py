"""Validation results: :class:`Finding` (any severity) and :class:`PolicyValidationError`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

Severity = Literal["error", "warning", "info"]


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing found in a policy document, with the place it was found.

    ``line`` and ``column`` are 1-based and count characters of the text as given (for a dict,
    of its ``json.dumps(indent=2)`` rendering); ``path`` names the element, e.g.
    ``Statement[1].Condition.StringEquals``.
    """

    severity: Severity
    code: str
    message: str
    line: int | None = None
    column: int | None = None
    path: str | None = None
    hint: str | None = None

    def where(self) -> str:
        """The place as words: ``line 3, column 7 (Statement[0].Effect)``."""
        parts = []
        if self.line is not None:
            parts.append(f"line {self.line}, column {self.column}")
        if self.path:
            parts.append(f"({self.path})" if parts else self.path)
        return " ".join(parts) or "the document"

    def __str__(self) -> str:
        text = f"{self.severity}: {self.message} at {self.where()}"
        return f"{text}. {self.hint}" if self.hint else text

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form."""
        return {
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
            "line": self.line,
            "column": self.column,
            "path": self.path,
            "hint": self.hint,
        }


class PolicyValidationError(ValueError):
    """A policy document AWS would refuse, with where and how to fix it.

    ``code`` is AWS's error code (``InvalidPolicyDocument`` for VPC endpoint policies,
    ``MalformedPolicyDocument`` otherwise; a document over its size limit gets that limit's code,
    ``LimitExceeded`` for IAM); ``reason`` is one sentence; ``hint`` says how to fix it.
    ``findings`` holds every error found (the first one is the one this exception describes).
    ``aws_text``, when set, is AWS's own text for this refusal (see :attr:`aws_message`).
    """

    def __init__(
        self,
        code: str,
        reason: str,
        *,
        line: int | None,
        column: int | None,
        path: str | None,
        hint: str | None = None,
        rule: str = "invalid",
        findings: tuple[Finding, ...] = (),
        aws_text: str | None = None,
    ) -> None:
        self.code = code
        self.aws_text = aws_text
        self.reason = reason
        self.line = line
        self.column = column
        self.path = path
        self.hint = hint
        self.rule = rule
        self.findings = findings or (Finding("error", rule, reason, line, column, path, hint),)
        super().__init__(self._text())

    def _text(self) -> str:
        place = f"line {self.line}, column {self.column}" if self.line is not None else "document"
        if self.path:
            place += f" ({self.path})"
        text = f"{self.code}: {self.reason} at {place}."
        return f"{text} Fix: {self.hint}" if self.hint else text

    @property
    def aws_message(self) -> str:
        """The text AWS puts in its error response where known (EC2 quotes a syntax position)."""
        if self.aws_text is not None:
            return self.aws_text
        syntax = self.rule in ("json-syntax", "too-deep")
        if syntax and self.code == "InvalidPolicyDocument":
            position = f"({self.line},{self.column})"
            return f"The Policy Document is not valid. Syntax error at position {position}"
        if syntax:
            return "Syntax errors in policy."
        return self.reason

    @classmethod
    def from_finding(
        cls,
        code: str,
        finding: Finding,
        findings: tuple[Finding, ...],
        aws_text: str | None = None,
    ) -> PolicyValidationError:
        """The exception for the first error ``finding`` among ``findings``."""
        return cls(
            code,
            finding.message,
            line=finding.line,
            column=finding.column,
            path=finding.path,
            hint=finding.hint,
            rule=finding.code,
            findings=findings,
            aws_text=aws_text,
        )
