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

from labkit.i18n import _
from labkit.policy import Decision, Explanation
from labkit.policy.kinds import kind_label
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
            return _("never reached authorization: {notes}").format(notes="; ".join(self.notes))
        return self.explanation.summary

    @property
    def frame(self) -> pd.DataFrame:
        """One row per element or condition checked (policy, statement, matched, values)."""
        if self.explanation is None:
            return pd.DataFrame(columns=["policy_kind", "statement", "element", "matched"])
        return self.redactor(self.explanation.to_frame())

    def __str__(self) -> str:
        lines = [self.title, _("source: {source}").format(source=self.source)]
        lines += [_("note: {note}").format(note=n) for n in self.notes]
        if self.explanation is not None:
            lines += ["", self.explanation.summary, self._fault_head() + ":"]
            lines += [f"  - {f}" for f in self.at_fault]
        lines += [_("What would change it: {advice}").format(advice=a) for a in self.advice]
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
        parts.append(f"<p><em>{esc(_('source: {source}').format(source=self.source))}</em></p>")
        parts += [f"<p>{esc(_('note: {note}').format(note=n))}</p>" for n in self.notes]
        if self.explanation is not None:
            parts.append(f"<p>{esc(self.explanation.summary)}</p>")
            items = "".join(f"<li>{esc(f)}</li>" for f in self.at_fault)
            parts.append(f"<p>{esc(self._fault_head())}:</p><ul>{items}</ul>")
        parts += [
            f"<p>{esc(_('What would change it: {advice}').format(advice=a))}</p>"
            for a in self.advice
        ]
        if self.explanation is not None:
            steps = pd.DataFrame([s.to_dict() for s in self.explanation.steps])
            parts.append(steps.to_html(index=False, classes="labkit-explain-steps"))
            parts.append(
                f"<details><summary>{esc(_('every statement and condition'))}</summary><pre>"
                f"{esc(self.explanation.to_text())}</pre></details>"
            )
        parts.append("</div>")
        return "".join(parts)

    def _fault_head(self) -> str:
        denied = self.decision is not None and not self.decision.allowed
        return _("At fault") if denied else _("Decided by")


# -- what decided -----------------------------------------------------------------------------
def _sid(statement: Any) -> str:
    return f" (Sid {statement.sid})" if statement.sid else ""


def _check_text(check: Any) -> str:
    if check.operator:
        got = _("missing") if check.request_values is None else ", ".join(check.request_values)
        return _("Condition {operator} {key}: policy {values}, request {got} ({detail})").format(
            operator=check.operator,
            key=check.key,
            values=", ".join(check.policy_values),
            got=got,
            detail=check.detail,
        )
    if check.element in ("Resource", "NotResource", "Action", "NotAction"):
        got = ", ".join(check.request_values or [])
        return _("{element} {values}: {detail} (request: {got})").format(
            element=check.element,
            values=", ".join(check.policy_values),
            detail=check.detail,
            got=got,
        )
    return f"{check.element}: {check.detail}"


def faults(explanation: Explanation) -> list[str]:
    """The statements and conditions that decided ``explanation``, one sentence each.

    Allowed: the Allow statements that had to allow. Explicit deny: the Deny that matched and its
    conditions. Implicit deny: each Allow statement of the denying policy type with the checks
    that failed (or that the policy has no Allow at all).
    """
    if explanation.decision == "Allowed":
        return [
            _("{label} {policy}: {path}{sid} allows it").format(
                label=kind_label(r.kind), policy=r.policy, path=r.path, sid=_sid(r)
            )
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
                text = (
                    _("{label} {policy}: {path}{sid} Deny matches: {conditions}")
                    if conditions
                    else _("{label} {policy}: {path}{sid} Deny matches (no condition)")
                )
                out.append(
                    text.format(
                        label=kind_label(policy.kind),
                        policy=policy.label,
                        path=statement.path,
                        sid=_sid(statement),
                        conditions="; ".join(conditions),
                    )
                )
        return out
    for policy in explanation.policies:
        if policy.kind != explanation.denied_by or not policy.applicable:
            continue
        allows = [s for s in policy.statements if s.effect == "Allow"]
        if not allows:
            out.append(
                _("{label} {policy} has no Allow statement").format(
                    label=kind_label(policy.kind), policy=policy.label
                )
            )
        for statement in allows:
            failed = [_check_text(c) for c in statement.checks if not c.matched]
            out.append(
                _("{label} {policy}: {path}{sid} does not allow it: {failed}").format(
                    label=kind_label(policy.kind),
                    policy=policy.label,
                    path=statement.path,
                    sid=_sid(statement),
                    failed="; ".join(failed),
                )
            )
    if not out and explanation.denied_by == "resource":
        out.append(_("no resource-based policy of the other account allows the caller"))
    return out


def _resource_pattern(resource: str) -> str:
    if ":log-group:" in resource:
        return resource.split(":log-stream:")[0].rstrip(":*") + ":*"
    return resource


def suggestion(decision: Decision) -> str:
    """What change would let the denied request through (one sentence, with a statement)."""
    request, kind = decision.request, decision.denied_by
    label = kind_label(kind) if kind else _("policy")
    if decision.explicit:
        hit = decision.deny
        where = f"{hit.statement.path}{_sid(hit.statement)}" if hit else _("the Deny")
        return _(
            "narrow {where} of the {label} (its Resource or Condition) so it no longer covers "
            "{action} on {resource}, or remove it"
        ).format(where=where, label=label, action=request.action, resource=request.resource)
    statement: dict[str, Any] = {"Effect": "Allow"}
    if kind == "vpc-endpoint":
        statement["Principal"] = "*"
    statement.update(Action=request.action, Resource=_resource_pattern(request.resource))
    if kind in ("vpc-endpoint", "identity", "permission-boundary", "session"):
        return _("add to the {label} a statement such as {statement}").format(
            label=label, statement=json.dumps(statement)
        )
    if kind == "resource":
        return _(
            "the resource belongs to another account: its owner must allow the caller in a "
            "resource-based policy (and the caller's own policies must allow it too)"
        )
    return _("the {label} must allow {action} on {resource}").format(
        label=label, action=request.action, resource=request.resource
    )


# -- probe rows ------------------------------------------------------------------------------
