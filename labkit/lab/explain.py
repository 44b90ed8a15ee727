"""Why a probe row, or a pasted AccessDenied message, was decided as it was.

``explain_row`` rebuilds the decision of one probe row: on the local lab from the gateway's
decision-log record of its request ID (the request as authorized and the policy texts in force
then, re-evaluated by :mod:`labkit.policy`, which must agree with the record); where there is no
record (real AWS, a call that never got an ID) from the row's principal/action/resource and the
endpoint and identity policies in force now. ``explain_message`` does the same for a pasted
AccessDenied text, with optional what-if policies. Both return a :class:`RowExplanation`, which
prints as text, renders as HTML, and exposes the tree as a DataFrame (``.frame``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from labkit.backend.errors import LabError
from labkit.backend.record import DecisionRecord, RecordedPolicy, RecordedRequest
from labkit.policy import PolicySet, Request, evaluate, parse_access_denied, parse_policy
from labkit.redact import Redactor

if TYPE_CHECKING:
    from labkit.lab.facade import Lab
from labkit.i18n import _
from labkit.lab.live_policies import evaluate_live
from labkit.lab.row_explanation import RowExplanation, suggestion

MEMO_ACCOUNT = "XXXXXXXXXXXX"
MEMO_INSTANCE = "i-XXXXXXXXXXXX"
MEMO_MESSAGE = (
    "An error occurred (AccessDeniedException) when calling the PutLogEvents operation: User: "
    f"arn:aws:sts::{MEMO_ACCOUNT}:assumed-role/ec2-logs-fullaccess-role/{MEMO_INSTANCE} is not "
    "authorized to perform: logs:PutLogEvents on resource: arn:aws:logs:ap-northeast-1:"
    f"{MEMO_ACCOUNT}:log-group:logs-test-denied:log-stream:log-stream"
)
"""The 2019 memo's AccessDenied message, as it published it (IDs masked)."""
DENIED_CODES = ("AccessDeniedException", "AccessDenied", "UnauthorizedOperation")
_STYLES = ("current", "2019", "2026")


def _row(frame: pd.DataFrame, row: int) -> pd.Series:
    if not isinstance(frame, pd.DataFrame) or "request_id" not in frame.columns:
        raise LabError(
            _("explain() takes a probe result (the DataFrame lab.probe() returned)"),
            _("run frame = lab.probe(...) and call lab.explain(frame, row)"),
        )
    if not isinstance(row, int) or not 0 <= row < len(frame):
        raise LabError(
            _("row {row!r} is not in this probe result (it has {count} rows)").format(
                row=row, count=len(frame)
            ),
            _("pass a row number from 0 to {last}").format(last=len(frame) - 1),
        )
    return frame.iloc[row]


def _title(series: pd.Series) -> str:
    who, op, target = series.get("who", ""), series.get("operation", ""), series.get("target", "")
    return f"{op} {target} as {who}".strip()


def explain_row(lab: Lab, frame: pd.DataFrame, row: int = 0) -> RowExplanation:
    """Why row ``row`` of a probe result was decided as it was."""
    series = _row(frame, row)
    request_id = series.get("request_id")
    record = lab.decision(str(request_id)) if isinstance(request_id, str) else None
    if record:
        return _from_record(record, _title(series), lab.redactor)
    return _reevaluated(lab, series)


def _from_record(record: DecisionRecord, title: str, redactor: Redactor) -> RowExplanation:
    notes: list[str] = []
    final = record.final
    if final is None or not record.decision:
        what = f"{record.error_code or ''} {record.error_message or ''}".strip()
        notes.append(
            _("stage {stage!r}, outcome {outcome!r}: {what}").format(
                stage=record.stage, outcome=record.outcome, what=what
            )
        )
        return RowExplanation(title, _("decision log"), None, notes, redactor=redactor)
    decision = evaluate(_request_of(final.request), _policy_set(final.policies))
    if (decision.decision, decision.denied_by) != (final.decision, final.denied_by):
        notes.append(
            _("the gateway decided {decided} but the recorded policies give {recomputed}").format(
                decided=f"{final.decision}/{final.denied_by}",
                recomputed=f"{decision.decision}/{decision.denied_by}",
            )
        )
    return RowExplanation(title, _("decision log"), decision, notes, redactor=redactor)


def _request_of(request: RecordedRequest) -> Request:
    return Request(
        request.principal,
        request.action,
        request.resource,
        dict(request.context),
        via_endpoint=request.via_endpoint,
    )


def _policy_set(policies: Sequence[RecordedPolicy]) -> PolicySet:
    slots: dict[str, Any] = {"identity": [], "scps": {}, "rcps": {}}
    for item in policies:
        kind = item.kind
        parsed = parse_policy(item.text, kind=kind, name=item.name, arn=item.arn)  # type: ignore[arg-type]
        if kind == "identity":
            slots["identity"].append(parsed)
        elif kind in ("scp", "rcp"):
            slots[kind + "s"].setdefault(item.level or 0, []).append(parsed)
        else:
            slots[kind.replace("-", "_")] = parsed
    for key in ("scps", "rcps"):
        slots[key] = [slots[key][level] for level in sorted(slots[key])]
    return PolicySet(**slots)


def _reevaluated(lab: Lab, series: pd.Series) -> RowExplanation:
    title = _title(series)
    action, resource, principal = (
        series.get("action"),
        series.get("resource"),
        series.get("principal"),
    )
    if not all(isinstance(v, str) and v for v in (action, resource, principal)):
        note = _("no authorization to explain: {why}").format(
            why=series.get("error_code") or _("no response")
        )
        return RowExplanation(title, "re-evaluated", None, [note], redactor=lab.redactor)
    via = series.get("via_endpoint")
    notes = [_("no decision-log record: re-evaluated against the policies in force now")]
    decision, more = evaluate_live(
        lab, str(principal), str(action), str(resource), None if pd.isna(via) else bool(via)
    )
    observed = series.get("decision")
    if isinstance(observed, str) and observed != decision.decision:
        more.append(
            _(
                "the call itself was {observed} (HTTP {status}); the policies readable now give "
                "{decision}: a policy labkit cannot read, or a change since the call, makes the "
                "difference — the call's answer is what happened"
            ).format(
                observed=observed, status=series.get("http_status"), decision=decision.decision
            )
        )
    return RowExplanation(title, "re-evaluated", decision, notes + more, redactor=lab.redactor)


# -- live policies -----------------------------------------------------------------------------


def messages_for_row(lab: Lab, frame: pd.DataFrame, row: int = 0) -> dict[str, str | None]:
    """The row's AccessDenied text in each wording (None for each when the row was allowed)."""
    explained = explain_row(lab, frame, row)
    if explained.decision is None:
        return dict.fromkeys(_STYLES)
    return {style: explained.decision.message(style) for style in _STYLES}


def explain_message(
    lab: Lab,
    text: str,
    endpoint_policy: str | Mapping[str, Any] | None = None,
    identity_policy: str | Mapping[str, Any] | None = None,
) -> RowExplanation:
    """Parse a pasted AccessDenied message and explain it against the live (or what-if) policies.

    The memo's masked IDs (``XXXXXXXXXXXX``, ``i-XXXXXXXXXXXX``) are read as this lab's account
    and instance. Not an AccessDenied text: :class:`LabError` with an example of what to paste.
    """
    try:
        parsed = parse_access_denied(text)
    except (TypeError, ValueError) as exc:
        raise LabError(
            _("that is not an AccessDenied message ({error})").format(error=exc),
            _("paste the whole error, e.g. {example}").format(
                example="'An error occurred (AccessDeniedException) when calling the PutLogEvents "
                "operation: User: arn:aws:sts::111122223333:assumed-role/ROLE/i-0abc is not "
                "authorized to perform: logs:PutLogEvents on resource: arn:aws:logs:...'"
            ),
        ) from None
    notes: list[str] = []
    principal, resource = parsed.principal, parsed.resource or "*"
    if principal is None:
        raise LabError(
            _(
                "the message names only the caller's account, not its ARN, so the request cannot "
                "be rebuilt"
            ),
            _("paste a message that starts 'User: arn:aws:...'"),
        )
    unmasked = _unmask(lab, principal), _unmask(lab, resource)
    if unmasked != (principal, resource):
        notes.append(
            _("the masked IDs (XXXXXXXXXXXX) were read as this lab's account and instance")
        )
    principal, resource = unmasked
    said = _("{decision} by {policy_type}").format(
        decision=parsed.decision,
        policy_type=parsed.policy_type or _("a policy type it does not name"),
    )
    notes.append(
        _("the message says: {said} ({style} wording)").format(said=said, style=parsed.style)
    )
    decision, more = evaluate_live(
        lab,
        principal,
        parsed.action,
        resource,
        None,
        endpoint_policy=endpoint_policy,
        identity_policy=identity_policy,
    )
    notes += more
    trying = endpoint_policy is not None or identity_policy is not None
    if decision.allowed and trying:
        notes.append(_("with the policies given (what-if) the request would be allowed"))
    elif decision.allowed:
        notes.append(
            _(
                "with the policies in force now the request is allowed: they changed after the "
                "message was written"
            )
        )
    elif parsed.denied_by and decision.denied_by != parsed.denied_by:
        notes.append(
            _("with these policies it is denied by {now}, not by {said}").format(
                now=decision.denied_by, said=parsed.denied_by
            )
        )
    title = _("{action} on {resource} by {principal}").format(
        action=parsed.action, resource=resource, principal=principal
    )
    advice = [] if decision.allowed else [suggestion(decision)]
    return RowExplanation(title, _("message"), decision, notes, advice, lab.redactor)


def _unmask(lab: Lab, text: str) -> str:
    try:
        instance = lab.backend.network().instance_id or MEMO_INSTANCE
    except LabError:  # a real-AWS run not set up yet has no instance to read the mask as
        instance = MEMO_INSTANCE
    return text.replace(MEMO_INSTANCE, instance).replace(MEMO_ACCOUNT, lab.account_id)


__all__ = ["RowExplanation", "explain_message", "explain_row", "messages_for_row"]
