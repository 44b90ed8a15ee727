"""``evaluate``: decide a request against the policies that apply, as AWS does.

The stages of AWS's evaluation logic are in :mod:`labkit.policy.stages`; here they run on the
fast path, each statement matched by :meth:`Statement.applies
<labkit.policy.model.Statement.applies>`, stopping at the first stage that decides; with
``explain=True`` they run once over the explanation's verbose checks instead.
"""

from __future__ import annotations

from labkit.policy.decision import Decision
from labkit.policy.explanation.build import decide_and_explain
from labkit.policy.model import Statement
from labkit.policy.policy_set import PolicySet
from labkit.policy.request import Request
from labkit.policy.stages import as_evaluated, run_stages

_applies = Statement.applies


def evaluate(request: Request, policies: PolicySet, *, explain: bool = False) -> Decision:
    """Decide ``request`` against ``policies`` as AWS does.

    With ``explain``, the decision and its explanation come from one pass of the stages over
    the verbose checks (the decision is the same; ``Decision.explanation`` is then ready).
    """
    if not isinstance(request, Request):
        raise TypeError(f"evaluate() takes a Request, not {type(request).__name__}")
    if not isinstance(policies, PolicySet):
        raise TypeError(f"evaluate() takes a PolicySet, not {type(policies).__name__}")
    if explain:
        (decision, denied_by, deny), explanation = decide_and_explain(request, policies)
        return Decision(
            decision, denied_by, as_evaluated(request, policies), policies, deny, explanation
        )
    request = as_evaluated(request, policies)
    decision, denied_by, deny = run_stages(request, policies, _applies)
    return Decision(decision, denied_by, request, policies, deny)
