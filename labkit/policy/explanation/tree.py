"""The explanation tree: policies, the statements that decided, the whole :class:`Explanation`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from labkit.policy.explanation.render import render_frame, render_text
from labkit.policy.explanation.statements import StatementExplanation
from labkit.policy.kinds import PolicyKind
from labkit.policy.stages import Step

if TYPE_CHECKING:
    import pandas


@dataclass(frozen=True, slots=True)
class StatementRef:
    """A statement that decided: its policy's kind, name, ARN and level, its index and Sid."""

    kind: PolicyKind
    policy: str
    index: int
    sid: str | None
    effect: str
    path: str
    policy_arn: str | None = None
    level: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form."""
        return {
            "kind": self.kind,
            "policy": self.policy,
            "policyArn": self.policy_arn,
            "level": self.level,
            "index": self.index,
            "sid": self.sid,
            "effect": self.effect,
            "path": self.path,
        }

    def __str__(self) -> str:
        sid = f" ({self.sid})" if self.sid else ""
        level = f" level {self.level}" if self.level is not None else ""
        return f"{self.kind}{level} {self.policy} {self.path}{sid}"


@dataclass
class PolicyExplanation:
    """One policy: whether it applies, what its statements did."""

    kind: PolicyKind
    label: str
    arn: str | None
    level: int | None
    applicable: bool
    note: str
    statements: list[StatementExplanation]

    @property
    def denies(self) -> list[StatementExplanation]:
        """Matching Deny statements."""
        return (
            [s for s in self.statements if s.matched and s.effect == "Deny"]
            if self.applicable
            else []
        )

    @property
    def allows(self) -> list[StatementExplanation]:
        """Matching Allow statements."""
        return (
            [s for s in self.statements if s.matched and s.effect == "Allow"]
            if self.applicable
            else []
        )

    @property
    def outcome(self) -> str:
        """``Deny``, ``Allow``, ``NoMatch`` or ``NotApplicable``."""
        if not self.applicable:
            return "NotApplicable"
        return "Deny" if self.denies else "Allow" if self.allows else "NoMatch"

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form."""
        return {
            "kind": self.kind,
            "label": self.label,
            "arn": self.arn,
            "level": self.level,
            "applicable": self.applicable,
            "note": self.note,
            "outcome": self.outcome,
            "statements": [s.to_dict() for s in self.statements],
        }


@dataclass
class Explanation:
    """Why a request was allowed or denied; render with :meth:`to_text`, :meth:`to_frame`."""

    decision: str
    denied_by: PolicyKind | None
    summary: str
    guardrail: PolicyKind | None
    request: dict[str, Any]
    steps: list[Step]
    policies: list[PolicyExplanation]
    deciding: list[StatementRef] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form."""
        return {
            "decision": self.decision,
            "deniedBy": self.denied_by,
            "summary": self.summary,
            "guardrail": self.guardrail,
            "request": self.request,
            "steps": [s.to_dict() for s in self.steps],
            "policies": [p.to_dict() for p in self.policies],
            "deciding": [r.to_dict() for r in self.deciding],
        }

    def to_text(self) -> str:
        """The tree as indented text."""
        return render_text(self)

    def to_frame(self) -> pandas.DataFrame:
        """One row per element or condition checked, with its policy and statement."""
        return render_frame(self)

    def __str__(self) -> str:
        return self.to_text()
