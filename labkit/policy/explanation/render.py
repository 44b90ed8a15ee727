"""Render an :class:`~labkit.policy.explanation.tree.Explanation` as text or as a DataFrame."""

from __future__ import annotations

from typing import TYPE_CHECKING

from labkit.i18n import _
from labkit.policy.kinds import kind_label

if TYPE_CHECKING:
    import pandas

    from labkit.policy.explanation.tree import Explanation, PolicyExplanation

_MARK = {True: "[match]", False: "[no match]"}
_STEP_MARK = {"pass": "ok  ", "deny": "DENY", "skip": "--  ", "none": "--  "}

FRAME_COLUMNS = [
    "policy_kind",
    "policy",
    "level",
    "applicable",
    "statement",
    "sid",
    "effect",
    "statement_matched",
    "element",
    "operator",
    "key",
    "policy_values",
    "request_values",
    "matched",
    "detail",
]


def _policy_title(policy: PolicyExplanation) -> str:
    level = _(" (level {level})").format(level=policy.level) if policy.level is not None else ""
    name = f" {policy.label!r}" if policy.label != policy.kind else ""
    return f"{kind_label(policy.kind)}{name}{level}: {policy.outcome}"


def render_text(explanation: Explanation) -> str:
    """The explanation as indented plain text."""
    request = explanation.request
    via = (
        _("through the VPC endpoint")
        if request["viaEndpoint"]
        else _("not through the VPC endpoint")
    )
    denied_by = (
        _(" (denied by: {label})").format(label=kind_label(explanation.denied_by))
        if explanation.denied_by
        else ""
    )
    lines = [
        _("Decision: {decision}").format(decision=explanation.decision) + denied_by,
        _("Request: {principal} -> {action} on {resource} ({via})").format(
            principal=request["principal"],
            action=request["action"],
            resource=request["resource"],
            via=via,
        ),
        explanation.summary,
    ]
    if explanation.guardrail:
        lines.append(
            _("Guardrail that blocked it: {label}").format(label=kind_label(explanation.guardrail))
        )
    lines.append(_("Steps:"))
    lines.extend(
        f"  {_STEP_MARK.get(s.outcome, s.outcome)} {_(s.name)}: {s.detail}"
        for s in explanation.steps
    )
    lines.append(_("Policies:"))
    for policy in explanation.policies:
        lines.append(f"  {_policy_title(policy)}")
        if not policy.applicable:
            lines.append(f"    {policy.note}")
            continue
        for statement in policy.statements:
            sid = f" Sid={statement.sid}" if statement.sid else ""
            lines.append(f"    {statement.path}{sid} {statement.effect} {_MARK[statement.matched]}")
            for check in statement.checks:
                head = check.element
                if check.operator:
                    head = f"Condition {check.operator} {check.key}"
                lines.append(f"      {_MARK[check.matched]} {head}: {check.detail}")
                if check.operator:
                    values = ", ".join(repr(v) for v in check.policy_values)
                    got = (
                        _("missing")
                        if check.request_values is None
                        else ", ".join(map(repr, check.request_values))
                    )
                    lines.append(
                        "          "
                        + _("policy: {values}; request: {got}").format(values=values, got=got)
                    )
                resolved = {k: v for k, v in check.variables.items()}
                if resolved:
                    shown = ", ".join(
                        f"${{{k}}}={v!r}"
                        if v is not None
                        else _("${{{name}}} unresolved").format(name=k)
                        for k, v in resolved.items()
                    )
                    lines.append("          " + _("variables: {shown}").format(shown=shown))
    return "\n".join(lines)


def render_frame(explanation: Explanation) -> pandas.DataFrame:
    """One row per element/condition checked (columns: :data:`FRAME_COLUMNS`)."""
    import pandas  # slow to import (~0.4 s): only when a frame is asked for

    rows = []
    for policy in explanation.policies:
        for statement in policy.statements:
            for check in statement.checks:
                rows.append(
                    {
                        "policy_kind": policy.kind,
                        "policy": policy.label,
                        "level": policy.level,
                        "applicable": policy.applicable,
                        "statement": statement.path,
                        "sid": statement.sid,
                        "effect": statement.effect,
                        "statement_matched": statement.matched,
                        "element": check.element,
                        "operator": check.operator,
                        "key": check.key,
                        "policy_values": ", ".join(check.policy_values),
                        "request_values": None
                        if check.request_values is None
                        else ", ".join(check.request_values),
                        "matched": check.matched,
                        "detail": check.detail,
                    }
                )
    return pandas.DataFrame(rows, columns=FRAME_COLUMNS)
