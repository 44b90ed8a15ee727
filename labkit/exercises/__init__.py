"""Exercises that check themselves against a running lab.

Each exercise has an ID named after its notebook (``"04-scope-endpoint-policy"``), a prompt, and
a checker. Policy exercises are checked for real: the answer is applied through the same API a
learner uses (ModifyVpcEndpoint for an endpoint policy, PutRolePolicy for an identity policy),
the lab's probes run, the rows are compared with what the exercise asks for, and the previous
policy is put back (an endpoint the check had to create is deleted again).

>>> import labkit
>>> from labkit import exercises
>>> lab = labkit.start()
>>> exercises.show("04-scope-endpoint-policy")     # the prompt (Markdown in Jupyter)
>>> answer = ...                                   # the learner writes a policy here
>>> exercises.check("04-scope-endpoint-policy", answer, lab)
fill in your answer: replace ... with an endpoint policy (a dict or JSON text)

A result shows ``pass``, or ``fail`` with hints that name the statement or condition at fault
(from the policy engine's explanation of the probe row that came out wrong), or ``fill in your
answer`` while the answer is still the placeholder ``...``. ``check`` raises
:class:`labkit.LabError` only for a wrong *call* (unknown exercise ID, no running lab, a lab
started with another scenario); a wrong *answer* is a result, never an exception.

Public API: :func:`check`, :func:`show` (alias :func:`exercise`), :func:`ids`,
:func:`solution`, :class:`Exercise`, :class:`CheckResult`.
"""

from __future__ import annotations

from labkit.exercises.definitions import Exercise, exercise, ids, show, solution
from labkit.exercises.result import CheckResult
from labkit.exercises.run import check

__all__ = ["CheckResult", "Exercise", "check", "exercise", "ids", "show", "solution"]
