"""AWS's evaluation steps recomputed from verbose statement checks (for explanations).

Same rules as :mod:`labkit.policy.evaluate`, on the results of
:mod:`labkit.policy.explain_statements`; :func:`labkit.policy.explain.explain` checks that both
reach the same decision.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from labkit.policy.decision import StatementRef
from labkit.policy.explain_statements import StatementExplanation
from labkit.policy.explain_tree import PolicyExplanation, Step
from labkit.policy.kinds import KIND_LABELS, PolicyKind

if TYPE_CHECKING:
    from labkit.policy.decision import Decision

_GRANT_RANK = {"everyone": 0, "direct": 1, "role": 2, "account": 3}
GUARDRAILS = frozenset({"scp", "rcp", "vpc-endpoint", "permission-boundary", "session"})


def _ref(policy: PolicyExplanation, statement: StatementExplanation) -> StatementRef:
    return StatementRef(
        policy.kind,
        policy.label,
        statement.index,
        statement.sid,
        statement.effect,
        statement.path,
        policy.arn,
        policy.level,
    )


class Derivation:
    """The evaluation steps recomputed from verbose statement checks."""

    def __init__(self, decision: Decision, explained: list[PolicyExplanation]) -> None:
        self.source = decision
        self.request = decision.request
        self.explained = explained
        self.steps: list[Step] = []
        self.failing: list[PolicyKind] = []
        self.decision, self.denied_by = self._derive()

    def of(self, kind: str) -> list[PolicyExplanation]:
        return [p for p in self.explained if p.kind == kind]

    def _derive(self) -> tuple[str, PolicyKind | None]:
        from labkit.policy.kinds import EXPLICIT_DENY_ORDER

        denying = [p for kind in EXPLICIT_DENY_ORDER for p in self.of(kind) if p.denies]
        if denying:
            where = ", ".join(f"{KIND_LABELS[p.kind]} {p.label!r}" for p in denying)
            self.steps.append(
                Step("explicit deny", "deny", f"a Deny statement matches in: {where}")
            )
        else:
            self.steps.append(Step("explicit deny", "pass", "no Deny statement matches"))
        self._organization_step("scp", "service control policies")
        self._organization_step("rcp", "resource control policies")
        self._endpoint_step()
        self._principal_steps()
        if denying:
            return "ExplicitlyDenied", denying[0].kind
        return ("ImplicitlyDenied", self.failing[0]) if self.failing else ("Allowed", None)

    def _organization_step(self, kind: str, name: str) -> None:
        entries = self.of(kind)
        if not entries:
            self.steps.append(Step(name, "skip", "none apply"))
            return
        levels = sorted({p.level for p in entries if p.level is not None})
        missing = [n for n in levels if not any(p.allows for p in entries if p.level == n)]
        if missing:
            self.failing.append(kind)  # type: ignore[arg-type]
            self.steps.append(Step(name, "deny", f"no Allow at level(s) {missing} (0 = root)"))
        else:
            self.steps.append(Step(name, "pass", f"an Allow at each of {len(levels)} level(s)"))

    def _endpoint_step(self) -> None:
        entries = self.of("vpc-endpoint")
        if not entries:
            self.steps.append(Step("VPC endpoint policy", "skip", "no endpoint policy given"))
            return
        policy = entries[0]
        if not policy.applicable:
            self.steps.append(Step("VPC endpoint policy", "skip", policy.note))
        elif policy.allows:
            self.steps.append(
                Step("VPC endpoint policy", "pass", f"allowed by {policy.allows[0].path}")
            )
        else:
            self.failing.append("vpc-endpoint")
            self.steps.append(
                Step("VPC endpoint policy", "deny", "no statement allows the request")
            )

    def _principal_steps(self) -> None:
        grants = [s.grant for p in self.of("resource") for s in p.allows if s.grant]
        grant = min(grants, key=_GRANT_RANK.__getitem__) if grants else None
        identity = any(p.allows for p in self.of("identity"))
        if self.of("resource"):
            detail = (
                f"an Allow names the caller ({grant})" if grant else "no Allow names the caller"
            )
            self.steps.append(Step("resource-based policy", "pass" if grant else "none", detail))
        detail = "an Allow matches" if identity else "no Allow matches"
        self.steps.append(Step("identity-based policies", "pass" if identity else "none", detail))
        direct = not self.request.cross_account and grant in ("everyone", "direct")
        limits: dict[str, bool] = {}
        for kind, name in (
            ("permission-boundary", "permissions boundary"),
            ("session", "session policy"),
        ):
            entries = self.of(kind)
            if not entries:
                continue
            limits[kind] = any(p.allows for p in entries)
            if direct:
                self.steps.append(
                    Step(name, "skip", "a resource-based policy names the caller itself")
                )
            else:
                outcome, detail = (
                    ("pass", "an Allow matches") if limits[kind] else ("deny", "no Allow matches")
                )
                self.steps.append(Step(name, outcome, detail))
        missing: PolicyKind | None = None
        if self.request.cross_account:
            if not identity:
                missing = "identity"
            elif grant is None:
                missing = "resource"
        elif not direct and grant != "role" and not identity:
            missing = "identity"
        if missing is None and not direct:
            missing = next((k for k, ok in limits.items() if not ok), None)  # type: ignore[assignment]
        if missing is not None:
            self.failing.append(missing)

    def guardrail(self) -> PolicyKind | None:
        """The guardrail that blocked a request the principal's permissions would allow."""
        kind = self.denied_by
        if kind is None:
            return None
        if self.decision == "ExplicitlyDenied":
            blocked = kind in GUARDRAILS and not self.failing
        else:
            blocked = kind in GUARDRAILS and self.failing == [kind]
        return kind if blocked else None

    def deciding(self) -> list[StatementRef]:
        if self.decision == "ExplicitlyDenied":
            hit = self.source.deny
            refs = [_ref(p, s) for p in self.explained for s in p.denies]
            if hit is not None:
                first = [
                    r
                    for r in refs
                    if r.kind == hit.kind
                    and r.index == hit.statement.index
                    and r.policy == hit.policy.label
                ]
                refs = first[:1] + [r for r in refs if r not in first[:1]]
            return refs
        if self.decision == "ImplicitlyDenied":
            return []
        return [_ref(p, s) for p in self.explained for s in p.allows]

    def summary(self) -> str:
        request = self.request
        what = f"{request.action} on {request.resource}"
        if self.decision == "Allowed":
            allowed_by = sorted({KIND_LABELS[p.kind] for p in self.explained if p.allows})
            return f"Allowed: {what} — allowed by {', '.join(allowed_by)}; no Deny applies."
        label = KIND_LABELS[self.denied_by or "identity"]
        if self.decision == "ExplicitlyDenied":
            hit = self.source.deny
            where = (
                f" ({hit.statement.path}{' ' + hit.statement.sid if hit.statement.sid else ''})"
                if hit
                else ""
            )
            text = f"Explicitly denied: a Deny in the {label}{where} matches {what}."
            if self.guardrail():
                text += f" Without it the request would be allowed: the {label} blocked it."
            return text
        if self.guardrail():
            return (
                f"Implicitly denied: the principal's policies allow {what}, but no statement of "
                f"the {label} allows it, so the {label} blocked an otherwise allowed request."
            )
        if self.denied_by == "resource":
            return (
                f"Implicitly denied: the resource belongs to another account, and no "
                f"resource-based policy there allows {what} for this caller."
            )
        return f"Implicitly denied: no {label} allows {what}."
