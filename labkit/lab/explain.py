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

import html
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from labkit.lab.errors import LabError
from labkit.policy import Decision, Explanation, PolicySet, Request, evaluate, parse_policy
from labkit.policy.kinds import KIND_LABELS
from labkit.redact import Redactor

if TYPE_CHECKING:
    from labkit.lab.facade import Lab

MEMO_ACCOUNT = "XXXXXXXXXXXX"
MEMO_INSTANCE = "i-XXXXXXXXXXXX"
_STYLES = ("current", "2019", "2026")


@dataclass
class RowExplanation:
    """One decision explained: summary, the statements/conditions at fault, the full tree.

    ``source`` says where the facts came from (``decision log``, ``re-evaluated``, ``message``);
    ``notes`` lists every assumption made. ``decision`` is ``None`` when the call never reached
    authorization (then ``notes`` says why).
    """

    title: str
    source: str
    decision: Decision | None
    notes: list[str] = field(default_factory=list)
    advice: list[str] = field(default_factory=list)
    redactor: Redactor = field(default_factory=Redactor)

    @property
    def explanation(self) -> Explanation | None:
        """The policy engine's explanation tree (None if the call was never authorized)."""
        return None if self.decision is None else self.decision.explanation

    @property
    def at_fault(self) -> list[str]:
        """The statements and conditions that decided, one sentence each."""
        return [] if self.explanation is None else faults(self.explanation)

    @property
    def summary(self) -> str:
        """One sentence: the decision and the policy type that made it."""
        if self.explanation is None:
            return "never reached authorization: " + "; ".join(self.notes)
        return self.explanation.summary

    @property
    def frame(self) -> pd.DataFrame:
        """One row per element or condition checked (policy, statement, matched, values)."""
        if self.explanation is None:
            return pd.DataFrame(columns=["policy_kind", "statement", "element", "matched"])
        return self.redactor(self.explanation.to_frame())

    def __str__(self) -> str:
        lines = [self.title, f"source: {self.source}"]
        lines += [f"note: {n}" for n in self.notes]
        if self.explanation is not None:
            lines += ["", self.explanation.summary]
            lines += ["At fault:" if self.decision and not self.decision.allowed else "Decided by:"]
            lines += [f"  - {f}" for f in self.at_fault]
        lines += [f"What would change it: {a}" for a in self.advice]
        if self.explanation is not None:
            lines += ["", self.explanation.to_text()]
        return self.redactor.text("\n".join(lines))

    def __repr__(self) -> str:
        return str(self)

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(str(self))

    def _repr_html_(self) -> str:
        esc = lambda s: html.escape(self.redactor.text(s))  # noqa: E731
        parts = [f'<div class="labkit-explain"><p><strong>{esc(self.title)}</strong></p>']
        parts.append(f"<p><em>source: {esc(self.source)}</em></p>")
        parts += [f"<p>note: {esc(n)}</p>" for n in self.notes]
        if self.explanation is not None:
            parts.append(f"<p>{esc(self.explanation.summary)}</p>")
            head = "At fault" if self.decision and not self.decision.allowed else "Decided by"
            items = "".join(f"<li>{esc(f)}</li>" for f in self.at_fault)
            parts.append(f"<p>{head}:</p><ul>{items}</ul>")
        parts += [f"<p>What would change it: {esc(a)}</p>" for a in self.advice]
        if self.explanation is not None:
            steps = pd.DataFrame([s.to_dict() for s in self.explanation.steps])
            parts.append(steps.to_html(index=False, classes="labkit-explain-steps"))
            parts.append(
                "<details><summary>every statement and condition</summary><pre>"
                f"{esc(self.explanation.to_text())}</pre></details>"
            )
        parts.append("</div>")
        return "".join(parts)


# -- what decided -----------------------------------------------------------------------------
def _sid(statement: Any) -> str:
    return f" (Sid {statement.sid})" if statement.sid else ""


def _check_text(check: Any) -> str:
    if check.operator:
        got = "missing" if check.request_values is None else ", ".join(check.request_values)
        return (
            f"Condition {check.operator} {check.key}: policy {', '.join(check.policy_values)}, "
            f"request {got} ({check.detail})"
        )
    if check.element in ("Resource", "NotResource", "Action", "NotAction"):
        got = ", ".join(check.request_values or [])
        return f"{check.element} {', '.join(check.policy_values)}: {check.detail} (request: {got})"
    return f"{check.element}: {check.detail}"


def faults(explanation: Explanation) -> list[str]:
    """The statements and conditions that decided ``explanation``, one sentence each.

    Allowed: the Allow statements that had to allow. Explicit deny: the Deny that matched and its
    conditions. Implicit deny: each Allow statement of the denying policy type with the checks
    that failed (or that the policy has no Allow at all).
    """
    if explanation.decision == "Allowed":
        return [
            f"{KIND_LABELS[r.kind]} {r.policy}: {r.path}{_sid(r)} allows it"
            for r in explanation.deciding
        ]
    out: list[str] = []
    if explanation.decision == "ExplicitlyDenied":
        first = explanation.deciding[0]
        for policy in explanation.policies:
            for statement in policy.denies:
                if (policy.kind, policy.label, statement.index) != (
                    first.kind,
                    first.policy,
                    first.index,
                ):
                    continue
                conditions = [_check_text(c) for c in statement.checks if c.operator]
                out.append(
                    f"{KIND_LABELS[policy.kind]} {policy.label}: {statement.path}"
                    f"{_sid(statement)} Deny matches"
                    + (": " + "; ".join(conditions) if conditions else " (no condition)")
                )
        return out
    for policy in explanation.policies:
        if policy.kind != explanation.denied_by or not policy.applicable:
            continue
        allows = [s for s in policy.statements if s.effect == "Allow"]
        if not allows:
            out.append(f"{KIND_LABELS[policy.kind]} {policy.label} has no Allow statement")
        for statement in allows:
            failed = [_check_text(c) for c in statement.checks if not c.matched]
            out.append(
                f"{KIND_LABELS[policy.kind]} {policy.label}: {statement.path}{_sid(statement)} "
                "does not allow it: " + "; ".join(failed)
            )
    if not out and explanation.denied_by == "resource":
        out.append("no resource-based policy of the other account allows the caller")
    return out


def _resource_pattern(resource: str) -> str:
    if ":log-group:" in resource:
        return resource.split(":log-stream:")[0].rstrip(":*") + ":*"
    return resource


def suggestion(decision: Decision) -> str:
    """What change would let the denied request through (one sentence, with a statement)."""
    request, kind = decision.request, decision.denied_by
    label = KIND_LABELS.get(kind or "", "policy")
    if decision.explicit:
        hit = decision.deny
        where = f"{hit.statement.path}{_sid(hit.statement)}" if hit else "the Deny"
        return (
            f"narrow {where} of the {label} (its Resource or Condition) so it no longer covers "
            f"{request.action} on {request.resource}, or remove it"
        )
    statement: dict[str, Any] = {"Effect": "Allow"}
    if kind == "vpc-endpoint":
        statement["Principal"] = "*"
    statement.update(Action=request.action, Resource=_resource_pattern(request.resource))
    if kind in ("vpc-endpoint", "identity", "permission-boundary", "session"):
        return f"add to the {label} a statement such as {json.dumps(statement)}"
    if kind == "resource":
        return (
            "the resource belongs to another account: its owner must allow the caller in a "
            "resource-based policy (and the caller's own policies must allow it too)"
        )
    return f"the {label} must allow {request.action} on {request.resource}"


# -- probe rows ------------------------------------------------------------------------------
def _row(frame: pd.DataFrame, row: int) -> pd.Series:
    if not isinstance(frame, pd.DataFrame) or "request_id" not in frame.columns:
        raise LabError(
            "explain() takes a probe result (the DataFrame lab.probe() returned)",
            "run frame = lab.probe(...) and call lab.explain(frame, row)",
        )
    if not isinstance(row, int) or not 0 <= row < len(frame):
        raise LabError(
            f"row {row!r} is not in this probe result (it has {len(frame)} rows)",
            f"pass a row number from 0 to {len(frame) - 1}",
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


def _from_record(record: Mapping[str, Any], title: str, redactor: Redactor) -> RowExplanation:
    notes: list[str] = []
    request = record.get("request")
    if not request or not record.get("decision"):
        notes.append(
            f"stage {record.get('stage')!r}, outcome {record.get('outcome')!r}: "
            f"{record.get('error_code') or ''} {record.get('error_message') or ''}".strip()
        )
        return RowExplanation(title, "decision log", None, notes, redactor=redactor)
    decision = evaluate(_request_of(request), _policy_set(record.get("policies", [])))
    if (decision.decision, decision.denied_by) != (record.get("decision"), record.get("denied_by")):
        notes.append(
            f"the gateway decided {record.get('decision')}/{record.get('denied_by')} but the "
            f"recorded policies give {decision.decision}/{decision.denied_by}"
        )
    return RowExplanation(title, "decision log", decision, notes, redactor=redactor)


def _request_of(request: Mapping[str, Any]) -> Request:
    return Request(
        request["principal"],
        request["action"],
        request["resource"],
        dict(request.get("context", {})),
        via_endpoint=bool(request.get("via_endpoint")),
    )


def _policy_set(policies: list[Mapping[str, Any]]) -> PolicySet:
    slots: dict[str, Any] = {"identity": [], "scps": {}, "rcps": {}}
    for item in policies:
        kind = item["kind"]
        parsed = parse_policy(item["text"], kind=kind, name=item.get("name"), arn=item.get("arn"))
        if kind == "identity":
            slots["identity"].append(parsed)
        elif kind in ("scp", "rcp"):
            slots[kind + "s"].setdefault(item.get("level") or 0, []).append(parsed)
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
        note = f"no authorization to explain: {series.get('error_code') or 'no response'}"
        return RowExplanation(title, "re-evaluated", None, [note], redactor=lab.redactor)
    via = series.get("via_endpoint")
    notes = ["no decision-log record: re-evaluated against the policies in force now"]
    decision, more = _evaluate_live(
        lab, str(principal), str(action), str(resource), None if pd.isna(via) else bool(via)
    )
    return RowExplanation(title, "re-evaluated", decision, notes + more, redactor=lab.redactor)


# -- live policies -----------------------------------------------------------------------------
def _service_of(action: str) -> str:
    return action.split(":", 1)[0]


def _live_endpoint(lab: Lab, service: str) -> dict[str, Any] | None:
    from labkit.lab import endpoints as ep

    try:
        name = ep.service_name(lab.region, service)
    except Exception:  # a service labkit has no endpoint name for
        return None
    return ep.find(lab.backend.client("ec2", "admin"), lab.backend.network().vpc_id, name)


def _instance_role(lab: Lab) -> str:
    return lab.backend.info.identities["instance"].arn.split("/")[1]


def _as_policy_text(lab: Lab, policy: str | Mapping[str, Any], kind: str) -> str:
    try:
        text = lab.policy_text(policy)
    except (TypeError, ValueError) as exc:
        raise LabError(f"the what-if {kind} policy is not usable: {exc}", _POLICY_FIX) from None
    from labkit.policy import check_policy

    errors = [f for f in check_policy(text, kind=kind) if f.severity == "error"]
    if errors:
        first = errors[0]
        where = f"line {first.line}, column {first.column}" if first.line else "the document"
        raise LabError(
            f"the what-if {kind} policy is not valid at {where}: {first.message}", _POLICY_FIX
        )
    return text


_POLICY_FIX = "pass a dict, JSON text or a data/policies template name (e.g. 'own-account-only')"


def _evaluate_live(
    lab: Lab,
    principal: str,
    action: str,
    resource: str,
    via_endpoint: bool | None,
    *,
    endpoint_policy: str | Mapping[str, Any] | None = None,
    identity_policy: str | Mapping[str, Any] | None = None,
) -> tuple[Decision, list[str]]:
    """Evaluate one request against the live (or what-if) endpoint and identity policies."""
    from labkit.catalog import Authorization, Caller, NetworkPath, build_request

    notes: list[str] = []
    service = _service_of(action)
    endpoint = _live_endpoint(lab, service)
    endpoint_text = None
    if endpoint_policy is not None:
        endpoint_text = _as_policy_text(lab, endpoint_policy, "vpc-endpoint")
        notes.append("what-if: the endpoint policy given, not the one in force")
    elif endpoint is not None:
        endpoint_text = endpoint.get("PolicyDocument") or None
    if via_endpoint is None:
        via_endpoint = endpoint_text is not None and (
            endpoint is None or bool(endpoint.get("PrivateDnsEnabled"))
        )
        notes.append(
            "assumed the request went through the "
            + ("endpoint (it exists, private DNS on)" if via_endpoint else "public path")
        )
    elif via_endpoint and endpoint_text is None:
        notes.append(f"there is no {service} endpoint now: its policy cannot be judged")
    identity_texts = _identity_texts(lab, principal, identity_policy, notes)
    caller = Caller.from_arn(principal, org_id=lab.backend.network().org_id)
    account = resource.split(":")[4] if resource.count(":") >= 5 else lab.account_id
    authz = Authorization(action, resource, None, resource_account=account or lab.account_id)
    vpce = (endpoint or {}).get("VpcEndpointId") or "vpce-what-if"
    network = NetworkPath(
        bool(via_endpoint),
        vpce_id=vpce if via_endpoint else None,
        vpc_id=lab.backend.network().vpc_id if via_endpoint else None,
        source_ip=lab.backend.network().instance_private_ip,
    )
    facts = lab.backend.network()
    org = facts.org_id if account == lab.account_id else None
    request = build_request(caller, authz, network, region=lab.region, resource_org_id=org)
    policies = PolicySet(
        identity=[
            parse_policy(text, kind="identity", name=name) for name, text in identity_texts.items()
        ],
        vpc_endpoint=(
            parse_policy(endpoint_text, kind="vpc-endpoint", name=vpce)
            if via_endpoint and endpoint_text
            else None
        ),
    )
    return evaluate(request, policies), notes


def _identity_texts(
    lab: Lab, principal: str, what_if: str | Mapping[str, Any] | None, notes: list[str]
) -> dict[str, str]:
    if what_if is not None:
        notes.append("what-if: the identity policy given, not the role's own")
        return {"what-if": _as_policy_text(lab, what_if, "identity")}
    role = _instance_role(lab)
    if f":assumed-role/{role}/" in principal or principal.endswith(f":role/{role}"):
        from labkit.lab.iam import role_policies

        return role_policies(lab.backend.client("iam", "admin"), role)
    notes.append(
        f"the identity policies of {principal} are not readable from this lab: assumed to allow "
        "the action (only the other policies are judged)"
    )
    return {"assumed-allow": json.dumps(_ALLOW_ALL)}


_ALLOW_ALL = {
    "Version": "2012-10-17",
    "Statement": [{"Sid": "AssumedAllow", "Effect": "Allow", "Action": "*", "Resource": "*"}],
}


# -- messages ------------------------------------------------------------------------------------
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
    from labkit.policy import parse_access_denied

    try:
        parsed = parse_access_denied(text)
    except (TypeError, ValueError) as exc:
        raise LabError(
            f"that is not an AccessDenied message ({exc})",
            "paste the whole error, e.g. 'An error occurred (AccessDeniedException) when calling "
            "the PutLogEvents operation: User: arn:aws:sts::111122223333:assumed-role/ROLE/i-0abc"
            " is not authorized to perform: logs:PutLogEvents on resource: arn:aws:logs:...'",
        ) from None
    notes: list[str] = []
    principal, resource = parsed.principal, parsed.resource or "*"
    if principal is None:
        raise LabError(
            "the message names only the caller's account, not its ARN, so the request cannot be "
            "rebuilt",
            "paste a message that starts 'User: arn:aws:...'",
        )
    unmasked = _unmask(lab, principal), _unmask(lab, resource)
    if unmasked != (principal, resource):
        notes.append("the masked IDs (XXXXXXXXXXXX) were read as this lab's account and instance")
    principal, resource = unmasked
    said = f"{parsed.decision} by {parsed.policy_type or 'an unnamed policy type (2019 wording)'}"
    notes.append(f"the message says: {said} ({parsed.style} wording)")
    decision, more = _evaluate_live(
        lab,
        principal,
        parsed.action,
        resource,
        None,
        endpoint_policy=endpoint_policy,
        identity_policy=identity_policy,
    )
    notes += more
    if decision.allowed:
        notes.append("with these policies the request is allowed: something changed since")
    elif parsed.denied_by and decision.denied_by != parsed.denied_by:
        notes.append(
            f"with these policies it is denied by {decision.denied_by}, not by {parsed.denied_by}"
        )
    title = f"{parsed.action} on {resource} by {principal}"
    advice = [] if decision.allowed else [suggestion(decision)]
    return RowExplanation(title, "message", decision, notes, advice, lab.redactor)


def _unmask(lab: Lab, text: str) -> str:
    instance = lab.backend.network().instance_id or MEMO_INSTANCE
    return text.replace(MEMO_INSTANCE, instance).replace(MEMO_ACCOUNT, lab.account_id)


__all__ = ["RowExplanation", "explain_message", "explain_row", "messages_for_row"]
