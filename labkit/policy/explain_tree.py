"""The explanation tree's data: policies, steps, and the whole :class:`Explanation`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from labkit.policy.decision import StatementRef
from labkit.policy.explain_statements import StatementExplanation
from labkit.policy.kinds import PolicyKind

if TYPE_CHECKING:
    import pandas


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
class Step:
    """One stage of AWS's evaluation logic and how it went."""

    name: str
    outcome: str
    detail: str

    def to_dict(self) -> dict[str, str]:
        """JSON-serialisable form."""
        return {"name": self.name, "outcome": self.outcome, "detail": self.detail}


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
        from labkit.policy.explain_render import render_text

        return render_text(self)

    def to_frame(self) -> pandas.DataFrame:
        """One row per element or condition checked, with its policy and statement."""
        from labkit.policy.explain_render import render_frame

        return render_frame(self)

    def __str__(self) -> str:
        return self.to_text()
