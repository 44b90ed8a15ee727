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
from labkit.policy.stages import (
    Outcome,
    Trace,
    applicable,
    as_evaluated,
    not_applicable_note,
    run_stages,
)


def explain(request: Request, policies: PolicySet) -> Explanation:
    """Why ``request`` is allowed or denied by ``policies``: checks, steps, summary."""
    return decide_and_explain(request, policies)[1]


def decide_and_explain(request: Request, policies: PolicySet) -> tuple[Outcome, Explanation]:
    """The decision and its explanation in one pass: the stages run once, over the verbose
    checks of every statement (``evaluate(..., explain=True)``)."""
    request = as_evaluated(request, policies)
    explained: list[PolicyExplanation] = []
    matched: dict[int, bool] = {}
    for kind, level, policy in policies.placed():
        explained.append(explain_policy(kind, level, policy, request, matched))

    def recorded(statement: Statement, _request: Request) -> bool:
        return matched[id(statement)]

    trace = Trace()
    decision, denied_by, deny = run_stages(request, policies, recorded, trace)
    blocked_by = guardrail(decision, denied_by, trace.failing)
    return (decision, denied_by, deny), Explanation(
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
    kind: PolicyKind,
    level: int | None,
    policy: Policy,
    request: Request,
    matched: dict[int, bool] | None = None,
) -> PolicyExplanation:
    """One policy: whether it is evaluated for ``request``, and every statement checked.

    ``matched`` (if given) receives each statement's verdict under ``id(statement)``.
    """
    resource_policy = kind == "resource"
    statements = []
    for statement in policy.statements:
        checked = explain_statement(statement, request, resource_policy=resource_policy)
        statements.append(checked)
        if matched is not None:
            matched[id(statement)] = checked.matched
    evaluated = applicable(kind, request)
    note = "" if evaluated else not_applicable_note(kind)
    return PolicyExplanation(kind, policy.label, policy.arn, level, evaluated, note, statements)
