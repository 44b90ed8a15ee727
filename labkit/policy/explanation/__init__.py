"""Why a request was allowed or denied: policy → statement → element/condition, the evaluation
steps, the deciding statements and a summary (:class:`Explanation`, built by :func:`explain`).

Modules: :mod:`.statements` (verbose checks of one statement), :mod:`.tree` (the data),
:mod:`.summary` (guardrail, deciding statements, summary sentence), :mod:`.render` (text and
DataFrame), :mod:`.build` (running the evaluation stages over the checks).
"""

from __future__ import annotations

from labkit.policy.explanation.build import explain
from labkit.policy.explanation.render import FRAME_COLUMNS
from labkit.policy.explanation.statements import Check, StatementExplanation
from labkit.policy.explanation.tree import Explanation, PolicyExplanation, StatementRef
from labkit.policy.stages import Step

__all__ = [
    "FRAME_COLUMNS",
    "Check",
    "Explanation",
    "PolicyExplanation",
    "StatementExplanation",
    "StatementRef",
    "Step",
    "explain",
]
