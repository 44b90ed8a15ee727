"""A decision explained for a learner: the tree, the statement and condition at fault, advice.

:class:`RowExplanation` is what ``lab.explain`` and ``lab.explain_message`` return: it prints as
text, renders as HTML and exposes the tree as a DataFrame (``.frame``).
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from labkit.policy import Decision, Explanation
from labkit.policy.kinds import KIND_LABELS
from labkit.redact import Redactor

if TYPE_CHECKING:
    pass


@dataclass
class RowExplanation:
    """One decision explained: summary, the statements/conditions at fault, the full tree.

    ``source`` says where the facts came from (``decision log``, ``re-evaluated``, ``message``);
    ``notes`` lists every assumption made. ``decision`` is ``None`` when the call never reached
    authorization (then ``notes`` says why).
    """

    title: str
    source: str
    decision: Decision | None
    notes: list[str] = field(default_factory=list)
    advice: list[str] = field(default_factory=list)
    redactor: Redactor = field(default_factory=Redactor)

    @property
    def explanation(self) -> Explanation | None:
        """The policy engine's explanation tree (None if the call was never authorized)."""
        return None if self.decision is None else self.decision.explanation

    @property
    def at_fault(self) -> list[str]:
        """The statements and conditions that decided, one sentence each."""
        return [] if self.explanation is None else faults(self.explanation)

    @property
    def summary(self) -> str:
        """One sentence: the decision and the policy type that made it."""
        if self.explanation is None:
            return "never reached authorization: " + "; ".join(self.notes)
        return self.explanation.summary

    @property
    def frame(self) -> pd.DataFrame:
        """One row per element or condition checked (policy, statement, matched, values)."""
        if self.explanation is None:
            return pd.DataFrame(columns=["policy_kind", "statement", "element", "matched"])
        return self.redactor(self.explanation.to_frame())

    def __str__(self) -> str:
        lines = [self.title, f"source: {self.source}"]
        lines += [f"note: {n}" for n in self.notes]
        if self.explanation is not None:
            lines += ["", self.explanation.summary]
            lines += ["At fault:" if self.decision and not self.decision.allowed else "Decided by:"]
            lines += [f"  - {f}" for f in self.at_fault]
        lines += [f"What would change it: {a}" for a in self.advice]
        if self.explanation is not None:
            lines += ["", self.explanation.to_text()]
        return self.redactor.text("\n".join(lines))

    def __repr__(self) -> str:
        return str(self)

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(str(self))

    def _repr_html_(self) -> str:
        esc = lambda s: html.escape(self.redactor.text(s))  # noqa: E731
        parts = [f'<div class="labkit-explain"><p><strong>{esc(self.title)}</strong></p>']
        parts.append(f"<p><em>source: {esc(self.source)}</em></p>")
        parts += [f"<p>note: {esc(n)}</p>" for n in self.notes]
        if self.explanation is not None:
            parts.append(f"<p>{esc(self.explanation.summary)}</p>")
            head = "At fault" if self.decision and not self.decision.allowed else "Decided by"
            items = "".join(f"<li>{esc(f)}</li>" for f in self.at_fault)
            parts.append(f"<p>{head}:</p><ul>{items}</ul>")
        parts += [f"<p>What would change it: {esc(a)}</p>" for a in self.advice]
        if self.explanation is not None:
            steps = pd.DataFrame([s.to_dict() for s in self.explanation.steps])
            parts.append(steps.to_html(index=False, classes="labkit-explain-steps"))
            parts.append(
                "<details><summary>every statement and condition</summary><pre>"
                f"{esc(self.explanation.to_text())}</pre></details>"
            )
        parts.append("</div>")
        return "".join(parts)


# -- what decided -----------------------------------------------------------------------------
def _sid(statement: Any) -> str:
    return f" (Sid {statement.sid})" if statement.sid else ""


def _check_text(check: Any) -> str:
    if check.operator:
        got = "missing" if check.request_values is None else ", ".join(check.request_values)
        return (
            f"Condition {check.operator} {check.key}: policy {', '.join(check.policy_values)}, "
            f"request {got} ({check.detail})"
        )
    if check.element in ("Resource", "NotResource", "Action", "NotAction"):
        got = ", ".join(check.request_values or [])
        return f"{check.element} {', '.join(check.policy_values)}: {check.detail} (request: {got})"
    return f"{check.element}: {check.detail}"


def faults(explanation: Explanation) -> list[str]:
    """The statements and conditions that decided ``explanation``, one sentence each.

    Allowed: the Allow statements that had to allow. Explicit deny: the Deny that matched and its
    conditions. Implicit deny: each Allow statement of the denying policy type with the checks
    that failed (or that the policy has no Allow at all).
    """
    if explanation.decision == "Allowed":
        return [
            f"{KIND_LABELS[r.kind]} {r.policy}: {r.path}{_sid(r)} allows it"
            for r in explanation.deciding
        ]
    out: list[str] = []
    if explanation.decision == "ExplicitlyDenied":
        first = explanation.deciding[0]
        for policy in explanation.policies:
            for statement in policy.denies:
                if (policy.kind, policy.label, statement.index) != (
                    first.kind,
                    first.policy,
                    first.index,
                ):
                    continue
                conditions = [_check_text(c) for c in statement.checks if c.operator]
                out.append(
                    f"{KIND_LABELS[policy.kind]} {policy.label}: {statement.path}"
                    f"{_sid(statement)} Deny matches"
                    + (": " + "; ".join(conditions) if conditions else " (no condition)")
                )
        return out
    for policy in explanation.policies:
        if policy.kind != explanation.denied_by or not policy.applicable:
            continue
        allows = [s for s in policy.statements if s.effect == "Allow"]
        if not allows:
            out.append(f"{KIND_LABELS[policy.kind]} {policy.label} has no Allow statement")
        for statement in allows:
            failed = [_check_text(c) for c in statement.checks if not c.matched]
            out.append(
                f"{KIND_LABELS[policy.kind]} {policy.label}: {statement.path}{_sid(statement)} "
                "does not allow it: " + "; ".join(failed)
            )
    if not out and explanation.denied_by == "resource":
        out.append("no resource-based policy of the other account allows the caller")
    return out


def _resource_pattern(resource: str) -> str:
    if ":log-group:" in resource:
        return resource.split(":log-stream:")[0].rstrip(":*") + ":*"
    return resource


def suggestion(decision: Decision) -> str:
    """What change would let the denied request through (one sentence, with a statement)."""
    request, kind = decision.request, decision.denied_by
    label = KIND_LABELS.get(kind or "", "policy")
    if decision.explicit:
        hit = decision.deny
        where = f"{hit.statement.path}{_sid(hit.statement)}" if hit else "the Deny"
        return (
            f"narrow {where} of the {label} (its Resource or Condition) so it no longer covers "
            f"{request.action} on {request.resource}, or remove it"
        )
    statement: dict[str, Any] = {"Effect": "Allow"}
    if kind == "vpc-endpoint":
        statement["Principal"] = "*"
    statement.update(Action=request.action, Resource=_resource_pattern(request.resource))
    if kind in ("vpc-endpoint", "identity", "permission-boundary", "session"):
        return f"add to the {label} a statement such as {json.dumps(statement)}"
    if kind == "resource":
        return (
            "the resource belongs to another account: its owner must allow the caller in a "
            "resource-based policy (and the caller's own policies must allow it too)"
        )
    return f"the {label} must allow {request.action} on {request.resource}"


# -- probe rows ------------------------------------------------------------------------------
