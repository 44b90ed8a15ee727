"""The result of an evaluation: :class:`Decision`, with the deciding statements on request."""

from __future__ import annotations

from typing import Any

from labkit.policy.explanation import Explanation, StatementRef, explain
from labkit.policy.kinds import PolicyKind
from labkit.policy.messages import MessageStyle, access_denied_message, check_style
from labkit.policy.policy_set import PolicySet
from labkit.policy.request import Request
from labkit.policy.stages import DecisionValue, DenyHit


class Decision:
    """Allowed, ImplicitlyDenied or ExplicitlyDenied; the policy type that decided; why.

    The decision itself is computed on the fast path. ``deciding`` and ``explanation`` are built
    when first asked for, by checking every statement verbosely and running the same stages.
    """

    __slots__ = (
        "_deciding",
        "_deny",
        "_explanation",
        "decision",
        "denied_by",
        "policies",
        "request",
    )

    def __init__(
        self,
        decision: DecisionValue,
        denied_by: PolicyKind | None,
        request: Request,
        policies: PolicySet,
        deny: DenyHit | None = None,
        explanation: Explanation | None = None,
    ) -> None:
        self.decision = decision
        self.denied_by = denied_by
        self.request = request
        self.policies = policies
        self._deny = deny
        self._deciding: list[StatementRef] | None = None
        self._explanation = explanation

    @property
    def allowed(self) -> bool:
        """True if the request is allowed."""
        return self.decision == "Allowed"

    @property
    def explicit(self) -> bool:
        """True if a Deny statement decided."""
        return self.decision == "ExplicitlyDenied"

    @property
    def deny(self) -> DenyHit | None:
        """The Deny statement reported for an explicit denial."""
        return self._deny

    @property
    def explanation(self) -> Explanation:
        """The explanation tree (policy → statement → element/condition), built on first use."""
        if self._explanation is None:
            self._explanation = explain(self.request, self.policies)
        return self._explanation

    @property
    def deciding(self) -> list[StatementRef]:
        """The statements that decided: the reported Deny first (then any other matching Deny),
        or for an allowed request the Allow statements of every policy type that had to allow.
        Empty for an implicit denial (no statement decided; see ``explanation``)."""
        if self._deciding is None:
            self._deciding = self.explanation.deciding
        return list(self._deciding)

    def message(self, style: MessageStyle = "current") -> str | None:
        """The AccessDenied message AWS returns (``None`` when allowed)."""
        check_style(style)
        if self.denied_by is None:
            return None
        request = self.request
        policy_arn = None
        if self._deny is not None and self._same_account_or_org():
            policy_arn = self._deny.policy.arn
        return access_denied_message(
            request.principal,
            request.action,
            request.resource,
            self.denied_by,
            self.explicit,
            style=style,
            policy_arn=policy_arn,
        )

    def _same_account_or_org(self) -> bool:
        request = self.request
        if not request.cross_account:
            return True
        keys = request.condition_keys
        org = keys.get("aws:principalorgid")
        return isinstance(org, str) and org == keys.get("aws:resourceorgid")

    def to_dict(self, *, explanation: bool = True) -> dict[str, Any]:
        """JSON-serialisable form (the gateway ships it across a process boundary)."""
        data: dict[str, Any] = {
            "decision": self.decision,
            "deniedBy": self.denied_by,
            "message": self.message(),
            "messages": {style: self.message(style) for style in ("current", "2019", "2026")},
            "request": self.request.to_dict(),
            "deciding": [ref.to_dict() for ref in self.deciding],
        }
        if explanation:
            data["explanation"] = self.explanation.to_dict()
        return data

    def __repr__(self) -> str:
        by = f", denied_by={self.denied_by!r}" if self.denied_by else ""
        return f"Decision({self.decision!r}{by})"
