"""The policy editor's model: validate text, load templates, apply through the lab, rerun.

No widgets here. :class:`EditorModel` answers with plain values (:class:`Validation`,
:class:`Applied`), and the editor widget (:mod:`labkit.ui.editor`) only shows them.

Validation has two layers, as AWS has them: *refusals* (what ModifyVpcEndpoint would reject:
JSON syntax and the endpoint-policy grammar, from :func:`labkit.policy.check_policy`) block Apply;
*lint* findings (unknown actions, misspelt condition keys, resources that never match, from
:func:`labkit.catalog.lint.lint`) are shown but AWS accepts them, so Apply sends the policy anyway.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from labkit.backend.calls import Call
from labkit.backend.errors import LabError, PolicyRejected
from labkit.catalog.lint import lint
from labkit.i18n import N_, _
from labkit.policy import Finding, check_policy
from labkit.ui.policy_info import policy_in_force, pretty, template_name, templates
from labkit.ui.results import Counts, diff_runs

if TYPE_CHECKING:
    from labkit.lab.facade import Lab

KEPT = N_("not applied: the endpoint keeps the policy it had")
ACCEPTED = N_("EC2 would accept this endpoint policy")  # shown after ✔


def _key(finding: Finding) -> tuple[str, int | None, int | None]:
    return (finding.code, finding.line, finding.column)


def describe_finding(finding: Finding) -> str:
    """``"line 2, column 16 (Statement[0]): not valid JSON: ... — fix: ..."``."""
    text = f"{finding.where()}: {finding.message}"
    return text + (" — " + _("fix: {hint}").format(hint=finding.hint) if finding.hint else "")


@dataclass(frozen=True)
class Validation:
    """What the checks found in one text. ``ok``: nothing AWS would refuse."""

    refusals: tuple[Finding, ...] = ()
    lint: tuple[Finding, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.refusals

    @property
    def first_error(self) -> Finding | None:
        return self.refusals[0] if self.refusals else None

    def status(self) -> str:
        """The status line: the first refusal with its line and column, or that it is valid."""
        first = self.first_error
        if first is not None:
            extra = len(self.refusals) - 1
            more = " " + _("(+{count} more)").format(count=extra) if extra else ""
            return f"✖ {describe_finding(first)}{more}"
        errors = sum(1 for f in self.lint if f.severity == "error")
        warnings = len(self.lint) - errors
        if not self.lint:
            return f"✔ {_(ACCEPTED)}; " + _("lint found nothing")
        return f"✔ {_(ACCEPTED)}; " + _(
            "lint: {errors} likely mistake(s), {warnings} warning(s) below "
            "(EC2 does not refuse these)"
        ).format(errors=errors, warnings=warnings)

    def lint_lines(self) -> list[str]:
        """One line per lint finding: severity, place, message, fix."""
        return [f"{f.severity}: {describe_finding(f)}" for f in self.lint]


def validate(text: str) -> Validation:
    """Refusals (what the EC2 API rejects) and the remaining lint findings of ``text``."""
    refusals = tuple(f for f in check_policy(text, kind="vpc-endpoint") if f.severity == "error")
    seen = {_key(f) for f in refusals}
    rest = tuple(f for f in lint(text, kind="endpoint") if _key(f) not in seen)
    return Validation(refusals, () if refusals else rest)


def with_statement(text: str, statement: Mapping[str, Any]) -> str:
    """``text`` with ``statement`` appended to its ``Statement`` list, indented."""
    try:
        document = json.loads(text)
        statements = document["Statement"]
    except (ValueError, KeyError, TypeError) as exc:
        raise LabError(
            "the editor's text is not a policy with a Statement to add to",
            "load a template (or the policy in force) first, then add the statement",
        ) from exc
    document["Statement"] = [*(statements if isinstance(statements, list) else [statements])]
    document["Statement"].append(dict(statement))
    return json.dumps(document, indent=2)


@dataclass(frozen=True)
class Applied:
    """The outcome of Apply & rerun: applied or not, the status line, and the new run."""

    applied: bool
    status: str
    frame: pd.DataFrame | None = None
    findings: Sequence[Finding] = field(default_factory=tuple)


class EditorModel:
    """Edits the ``service`` endpoint's policy of ``lab`` and reruns the probe set ``calls``."""

    def __init__(
        self, lab: Lab, service: str = "logs", calls: str | Sequence[Call] = "walkthrough"
    ) -> None:
        self.lab = lab
        self.service = service
        self.calls = calls

    def templates(self) -> list[tuple[str, str]]:
        """(title, name) of the templates the editor offers."""
        return templates()

    def template_text(self, name: str) -> str:
        """Template ``name`` filled for this lab, indented."""
        return pretty(self.lab.policy_text(name))

    def in_force(self) -> str:
        """The policy in force, indented (read back through DescribeVpcEndpoints)."""
        return pretty(policy_in_force(self.lab, self.service))

    def in_force_name(self) -> str:
        """The template the policy in force is, or ``"custom"``."""
        return template_name(self.lab, policy_in_force(self.lab, self.service)) or "custom"

    def run(self) -> pd.DataFrame:
        """Make the probe calls for real (``lab.probe``); the run lands in ``lab.history``."""
        calls = self.calls if isinstance(self.calls, str) else list(self.calls)
        return self.lab.probe(calls)

    def apply(self, text: str, previous: pd.DataFrame | None = None) -> Applied:
        """Apply ``text`` with ModifyVpcEndpoint (``lab.set_policy``), then rerun the calls.

        Refused text is never sent; a refusal by the API itself is reported the same way. Either
        way the policy in force stays as it was, and the status says so.
        """
        checked = validate(text)
        if not checked.ok:
            return Applied(False, f"{checked.status()} — {_(KEPT)}", None, checked.refusals)
        try:
            self.lab.set_policy(text, self.service)
        except PolicyRejected as exc:
            first = exc.findings[0] if exc.findings else None
            reason = describe_finding(first) if first is not None else exc.problem
            return Applied(False, f"✖ {reason} — {_(KEPT)}", None, tuple(exc.findings))
        except LabError as exc:
            fix = _("Fix: {fix}").format(fix=exc.fix)
            return Applied(False, f"✖ {exc.problem} — {_(KEPT)}. {fix}")
        applied_at = time.strftime("%H:%M:%S")
        frame = self.run()
        changed = sum(1 for c in diff_runs(previous, frame) if c) if previous is not None else 0
        status = "✔ " + _(
            "applied at {time} through ModifyVpcEndpoint ({name}); reran {count} calls: {counts}"
        ).format(
            time=applied_at, name=self.in_force_name(), count=len(frame), counts=Counts.of(frame)
        )
        if previous is not None:
            status += _("; {changed} changed").format(changed=changed)
        return Applied(True, status, frame, checked.lint)
