"""Build an :class:`Explanation`: every statement checked verbosely, then the evaluation stages.

The stages are :mod:`labkit.policy.stages`, the ones that decided the request, asked here
whether a statement matches through the verbose checks and run in full with a
:class:`~labkit.policy.stages.Trace` that records each step.
"""

from __future__ import annotations

from labkit.policy.explanation.statements import explain_statement
from labkit.policy.explanation.summary import deciding, guardrail, summary
from labkit.policy.explanation.tree import Explanation, PolicyExplanation
from labkit.policy.kinds import PolicyKind
from labkit.policy.model import Policy, Statement
from labkit.policy.policy_set import PolicySet
from labkit.policy.request import Request
from labkit.policy.stages import Trace, applicable, as_evaluated, not_applicable_note, run_stages


def explain(request: Request, policies: PolicySet) -> Explanation:
    """Why ``request`` is allowed or denied by ``policies``: checks, steps, summary."""
    request = as_evaluated(request, policies)
    explained: list[PolicyExplanation] = []
    matched: dict[int, bool] = {}
    for kind, level, policy in policies.placed():
        explanation = explain_policy(kind, level, policy, request)
        explained.append(explanation)
        for statement, checked in zip(policy.statements, explanation.statements, strict=True):
            matched[id(statement)] = checked.matched

    def recorded(statement: Statement, _request: Request) -> bool:
        return matched[id(statement)]

    trace = Trace()
    decision, denied_by, deny = run_stages(request, policies, recorded, trace)
    blocked_by = guardrail(decision, denied_by, trace.failing)
    return Explanation(
        decision,
        denied_by,
        summary(request, decision, denied_by, deny, blocked_by, explained),
        blocked_by,
        request.to_dict(),
        trace.steps,
        explained,
        deciding(decision, deny, explained),
    )


def explain_policy(
    kind: PolicyKind, level: int | None, policy: Policy, request: Request
) -> PolicyExplanation:
    """One policy: whether it is evaluated for ``request``, and every statement checked."""
    statements = [
        explain_statement(s, request, resource_policy=kind == "resource") for s in policy.statements
    ]
    evaluated = applicable(kind, request)
    note = "" if evaluated else not_applicable_note(kind)
    return PolicyExplanation(kind, policy.label, policy.arn, level, evaluated, note, statements)
