"""``check``: apply an answer through the lab's API, probe for real, compare, restore."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import pandas as pd

from labkit import data
from labkit.backend.calls import Call
from labkit.backend.errors import LabError
from labkit.catalog import authorize_call
from labkit.exercises.bypass_check import check_bypasses
from labkit.exercises.definitions import Exercise, exercise
from labkit.exercises.progress import recorded
from labkit.exercises.result import CheckResult
from labkit.i18n import _
from labkit.lab import calls
from labkit.lab import endpoints as ep
from labkit.lab.explain import explain_row
from labkit.lab.iam import role_policies
from labkit.lab.launch import current
from labkit.lab.live_policies import evaluate_live
from labkit.lab.row_explanation import faults
from labkit.policy import check_policy
from labkit.policy.kinds import kind_label

if TYPE_CHECKING:
    from labkit.lab.facade import Lab


@recorded  # LABKIT_WORKSHOP_DIR set: the facilitator sees this check (exercises/progress.py)
def check(exercise_id: str, answer: Any, lab: Lab | None = None) -> CheckResult:
    """Check ``answer`` to exercise ``exercise_id`` against ``lab`` (default: the running lab).

    The answer still ``...``: "fill in your answer". No running lab (stopped, a kernel restart,
    another scenario): "not checked", with the one cell to run. A policy that does not parse or
    validate: a failed result whose hint gives line and column (nothing is applied). Otherwise
    the answer is applied, the exercise's probes run through the lab, and the previous policy is
    restored.
    """
    spec = exercise(exercise_id)
    if _is_placeholder(answer):
        summary = _("replace ... with {placeholder}").format(placeholder=spec.shown("placeholder"))
        return CheckResult(spec.id, "todo", summary)
    lab, missing = _running_lab(spec, lab)
    if lab is None:
        return CheckResult(spec.id, "no-lab", missing)
    if spec.answer_kind == "bypass-closing":  # notebook 10: every path run for real
        return check_bypasses(spec, answer, lab)
    kind = "identity" if spec.answer_kind == "identity-policy" else "vpc-endpoint"
    try:
        text = lab.policy_text(answer)
    except (TypeError, ValueError) as exc:
        return CheckResult(spec.id, "fail", _("the answer is not a policy"), [str(exc)])
    problems = [f for f in check_policy(text, kind=kind) if f.severity == "error"]
    if problems:
        hints = [
            _("line {line}, column {column}: {message}").format(
                line=f.line, column=f.column, message=f.message
            )
            if f.line
            else f.message
            for f in problems[:3]
        ]
        summary = _("the {label} is not valid").format(label=kind_label(kind))
        return CheckResult(spec.id, "fail", summary, hints)
    try:
        rows, hints = _probe_and_compare(lab, spec, text)
    except LabError as exc:  # the lab went away or refused mid-check: its state was restored
        return CheckResult(
            spec.id, "no-lab", _("{problem}. Fix: {fix}").format(problem=exc.problem, fix=exc.fix)
        )
    table = pd.DataFrame(rows, columns=["check", "expected", "got", "ok", "request_id"])
    failed = int((~table["ok"]).sum())
    if failed:
        summary = _("{failed} of {count} checks came out differently").format(
            failed=failed, count=len(table)
        )
        return CheckResult(spec.id, "fail", summary, hints, table)
    summary = _("all {count} checks as asked").format(count=len(table))
    return CheckResult(spec.id, "pass", summary, [], table)


def _probe_and_compare(lab: Lab, spec: Exercise, text: str) -> tuple[list[list[Any]], list[str]]:
    with _applied(lab, spec, text):
        frame = lab.raw(lab.probe([_call(lab, p) for p in spec.probes]))
        rows, hints = _compare(lab, spec, frame)
    more_rows, more_hints = _what_ifs(lab, spec, text)
    return rows + more_rows, hints + more_hints


def _is_placeholder(answer: Any) -> bool:
    if answer is Ellipsis or answer is None:
        return True
    return isinstance(answer, str) and answer.strip() in ("", "...")


def setup_line(spec: Exercise) -> str:
    """The set-up cell the exercise's notebook starts with, as one line of code."""
    options = f"scenario={spec.scenario!r}" if spec.scenario else ""
    return f"lab = labkit.start({options})"


def _running_lab(spec: Exercise, lab: Lab | None) -> tuple[Lab | None, str]:
    """The lab to check against, or None and one line saying which cell to run first."""
    given = lab
    if lab is None:
        lab = current()
    setup = _(
        "run the set-up cell at the top of notebook {notebook} ({setup}), then this cell again"
    ).format(notebook=spec.notebook, setup=setup_line(spec))
    if lab is None or not _is_running(lab):
        why = (
            _("the lab was stopped") if given is not None else _("no lab is running in this kernel")
        )
        return None, f"{why}: {setup}"
    if spec.scenario and lab.scenario != spec.scenario:
        needs = _(
            "this exercise needs a lab with scenario={wanted!r} (the running one has {running!r})"
        ).format(wanted=spec.scenario, running=lab.scenario)
        return None, f"{needs}: {setup}"
    return lab, ""


def _is_running(lab: Lab) -> bool:
    running = getattr(lab, "running", None)
    return bool(running) if running is not None else not getattr(lab, "_stopped", False)


# -- state: apply, then restore ----------------------------------------------------------------
def _endpoint(lab: Lab, service: str) -> dict[str, Any] | None:
    ec2 = lab.backend.client("ec2", "admin")
    name = ep.endpoint_service_name(service, lab.region)
    return ep.find(ec2, lab.backend.network().vpc_id, name, run_id=lab.run_id)


@contextmanager
def _applied(lab: Lab, spec: Exercise, text: str) -> Iterator[None]:
    """Put the answer (and the exercise's setup) in force; restore everything afterwards."""
    service = spec.service
    found = _endpoint(lab, service)
    created = found is None
    previous = None if found is None else found.get("PolicyDocument")
    if created:
        lab.create_endpoint(service)
    role_restore: tuple[str, str, str | None] | None = None
    try:
        if spec.answer_kind == "endpoint-policy":
            lab.set_policy(text, service)
        else:
            lab.set_policy(spec.setup.get("endpoint_policy", "full-access"), service)
            role_restore = _put_role_policy(lab, spec.setup["role_policy"], text)
        yield
    finally:
        if role_restore is not None:
            _restore_role_policy(lab, *role_restore)
        if created:
            lab.delete_endpoint(service)
        elif previous:
            lab.set_policy(previous, service)


def _role(lab: Lab) -> str:
    return lab.backend.info.identities["instance"].arn.split("/")[1]


def _put_role_policy(lab: Lab, name: str, text: str) -> tuple[str, str, str | None]:
    iam = lab.backend.client("iam", "admin")
    role = _role(lab)
    before = role_policies(iam, role).get(name)
    iam.put_role_policy(RoleName=role, PolicyName=name, PolicyDocument=text)
    return role, name, before


def _restore_role_policy(lab: Lab, role: str, name: str, before: str | None) -> None:
    iam = lab.backend.client("iam", "admin")
    if before is None:
        iam.delete_role_policy(RoleName=role, PolicyName=name)
    else:
        iam.put_role_policy(RoleName=role, PolicyName=name, PolicyDocument=before)


# -- probes and what-ifs -----------------------------------------------------------------------
def _fill(lab: Lab, value: str) -> str:
    return data.fill(value, lab.policy_values())


def _call(lab: Lab, probe: Mapping[str, str]) -> Call:
    who = probe.get("who", "instance")
    kind = probe["call"]
    if kind == "put-log-events":
        group = probe["group"]
        return calls.put_log_events(group, _stream(lab, group), who=who, n=1)
    if kind == "describe-log-groups":
        return Call("logs", "DescribeLogGroups", {}, who, "(all groups)")
    if kind == "tag-log-group":
        group = probe["group"]
        arn = f"arn:aws:logs:{lab.region}:{lab.account_id}:log-group:{group}"
        return Call(
            "logs", "TagResource", {"resourceArn": arn, "tags": {"exercise": "1"}}, who, group
        )
    if kind == "put-events":
        return calls.put_events(_fill(lab, probe["bus"]), who=who)
    raise ValueError(f"unknown probe call {kind!r} in an exercise definition")


def _stream(lab: Lab, group: str) -> str:
    context = lab.call_context()
    for name, streams in context.log_groups + context.other_log_groups:
        if name == group and streams:
            return streams[0]
    return "log-stream"


def _outcome(decision: Any, denied_by: Any, error_code: str) -> str:
    if isinstance(decision, str) and decision == "Allowed":
        return "Allowed"
    if isinstance(denied_by, str) and denied_by:
        return denied_by
    return error_code or "no decision"


def _compare(lab: Lab, spec: Exercise, frame: pd.DataFrame) -> tuple[list[list[Any]], list[str]]:
    rows: list[list[Any]] = []
    hints: list[str] = []
    for index, probe in enumerate(spec.probes):
        series = frame.iloc[index]
        got = _outcome(series["decision"], series["denied_by"], str(series["error_code"]))
        ok = got == probe["expect"]
        rows.append([probe["label"], probe["expect"], got, ok, series["request_id"]])
        if not ok:
            explained = explain_row(lab, frame, index)
            hints.append(_hint(probe, got, explained.explanation))
    return rows, hints


def _what_ifs(lab: Lab, spec: Exercise, text: str) -> tuple[list[list[Any]], list[str]]:
    rows: list[list[Any]] = []
    hints: list[str] = []
    for item in spec.what_if:
        call = _call(lab, item)
        account = _fill(lab, item.get("account", "{{account_id}}"))
        (authz,) = authorize_call(
            call.service, call.operation, call.params, region=lab.region, account=account
        )
        decision, _notes = evaluate_live(
            lab, lab.identity, authz.action, authz.resource, True, endpoint_policy=text
        )
        got = "Allowed" if decision.allowed else str(decision.denied_by)
        ok = got == item["expect"]
        rows.append([item["label"], item["expect"], got, ok, None])
        if not ok:
            hints.append(_hint(item, got, decision.explanation))
    return rows, hints


def _hint(probe: Mapping[str, str], got: str, explanation: Any) -> str:
    """Name the statement or condition at fault for one check that came out wrong."""
    label, want = probe["label"], probe["expect"]
    if explanation is None:
        return _("{label}: expected {want}, got {got} (the call was never authorized)").format(
            label=label, want=want, got=got
        )
    if want == "Allowed":
        why = "; ".join(faults(explanation)) or explanation.summary
        return _("{label}: should be allowed but the {kind} denied it: {why}").format(
            label=label, kind=kind_label(got), why=why
        )
    label_kind = kind_label(want)
    allowing = [
        f"{p.label}: {s.path}{' (Sid ' + s.sid + ')' if s.sid else ''}"
        for p in explanation.policies
        if p.kind == want
        for s in p.allows
    ]
    if allowing:
        return _(
            "{label}: should be denied by the {kind}, but {allowing} allows it ({action} on "
            "{resource}): narrow its Action, Resource or Condition"
        ).format(
            label=label,
            kind=label_kind,
            allowing=", ".join(allowing),
            action=explanation.request["action"],
            resource=explanation.request["resource"],
        )
    return _("{label}: expected a denial by the {kind}, got {got}: {summary}").format(
        label=label, kind=label_kind, got=got, summary=explanation.summary
    )
