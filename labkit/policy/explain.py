"""Explanation trees: policy → statement → element/condition, the evaluation steps, and a summary.

Built from a :class:`~labkit.policy.decision.Decision` on request by checking every statement
verbosely. The steps are recomputed from those checks with the same rules as the fast path, and
the result must agree with it (a mismatch is a bug and raises).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from labkit.policy.explain_statements import explain_statement
from labkit.policy.explain_steps import Derivation
from labkit.policy.explain_tree import Explanation, PolicyExplanation, Step

if TYPE_CHECKING:
    from labkit.policy.decision import Decision

__all__ = ["Explanation", "PolicyExplanation", "Step", "explain"]


def explain(decision: Decision) -> Explanation:
    """Build the explanation of ``decision``."""
    request, policies = decision.request, decision.policies
    explained: list[PolicyExplanation] = []
    for kind, level, policy in policies.placed():
        applicable, note = True, ""
        if kind == "vpc-endpoint" and not request.via_endpoint:
            applicable = False
            note = "not evaluated: the request does not traverse the VPC endpoint"
        statements = [
            explain_statement(s, request, resource_policy=kind == "resource")
            for s in policy.statements
        ]
        explained.append(
            PolicyExplanation(kind, policy.label, policy.arn, level, applicable, note, statements)
        )
    derived = Derivation(decision, explained)
    if (derived.decision, derived.denied_by) != (decision.decision, decision.denied_by):
        raise RuntimeError(
            f"explanation disagrees with the decision: {derived.decision}/{derived.denied_by} vs "
            f"{decision.decision}/{decision.denied_by} for {request!r}"
        )
    return Explanation(
        decision.decision,
        decision.denied_by,
        derived.summary(),
        derived.guardrail(),
        request.to_dict(),
        derived.steps,
        explained,
        derived.deciding(),
    )
