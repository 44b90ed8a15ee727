"""The check of exercise 10: close every way around the endpoint with an identity policy.

The answer is added to the instance role as an inline policy; the logs endpoint is put in place
with the exercise's policy; every path of ``lab.bypasses()`` runs for real, and so do the
exercise's probes (what must still work through the endpoint). Everything is put back after.
A path passes when its call did not reach the service (denied, or no connection) or the lab
could not build it ("not tried"); the hints name each path still open and what closes it.
Another account's keys are the exception: no policy of yours decides their calls
(aws-facts-2026 §1.3), so that row shows what happened and is not held against the answer.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import pandas as pd

from labkit.backend.errors import LabError
from labkit.exercises.definitions import Exercise
from labkit.exercises.result import CheckResult
from labkit.lab import calls
from labkit.lab.bypasses import run_bypasses
from labkit.lab.iam import role_policies
from labkit.policy import check_policy

if TYPE_CHECKING:
    from labkit.lab.facade import Lab

COLUMNS = ["check", "expected", "got", "ok", "request_id"]
BEYOND_POLICIES = ("foreign-keys",)  # closed by egress control only (no route, a firewall)


def check_bypasses(spec: Exercise, answer: Any, lab: Lab) -> CheckResult:
    """Apply ``answer`` (an identity policy), run every path and the probes, restore."""
    try:
        text = lab.policy_text(answer)
    except (TypeError, ValueError) as exc:
        return CheckResult(spec.id, "fail", "the answer is not a policy", [str(exc)])
    problems = [f for f in check_policy(text, kind="identity") if f.severity == "error"]
    if problems:
        hints = [
            f"line {f.line}, column {f.column}: {f.message}" if f.line else f.message
            for f in problems[:3]
        ]
        return CheckResult(spec.id, "fail", "the identity policy is not valid", hints)
    with _in_force(lab, spec, text):
        paths = run_bypasses(lab)
        probes = lab.raw(lab.probe([_probe_call(lab, p) for p in spec.probes]))
    rows, hints = _path_rows(paths)
    for probe, (_, row) in zip(spec.probes, probes.iterrows(), strict=True):
        got = "Allowed" if row["decision"] == "Allowed" else str(row["error_code"] or "no answer")
        ok = got == probe["expect"]
        rows.append([probe["label"], probe["expect"], got, ok, row["request_id"]])
        if not ok:
            hints.append(
                f"{probe['label']}: expected {probe['expect']}, got {got} "
                f"({row['denied_by'] if isinstance(row['denied_by'], str) else 'no policy'}): "
                "your policy closes the endpoint too; let calls through it pass"
            )
    table = pd.DataFrame(rows, columns=COLUMNS)
    failed = int((~table["ok"]).sum())
    if failed:
        still = [h.split(":", 1)[0] for h in hints if h.startswith("still open")]
        summary = f"{failed} of {len(table)} checks came out differently"
        if still:
            summary += "; open: " + ", ".join(s.removeprefix("still open ") for s in still)
        return CheckResult(spec.id, "fail", summary, hints, table)
    return CheckResult(spec.id, "pass", f"all {len(table)} checks as asked", [], table)


def _path_rows(paths: pd.DataFrame) -> tuple[list[list[Any]], list[str]]:
    rows: list[list[Any]] = []
    hints: list[str] = []
    for _, path in paths.iterrows():
        reached = bool(path["reaches_service"]) if pd.notna(path["reaches_service"]) else False
        result = str(path["result"])
        if path["path"] in BEYOND_POLICIES:
            got = f"open: {path['call']} reached {path['name']}" if reached else result
            rows.append([f"path {path['path']}", "beyond your policies", got, True, None])
            continue
        if result.startswith("not tried"):
            got = result
        elif reached:
            got = f"open: {path['call']} reached {path['name']}"
            hints.append(
                f"still open {path['path']}: {path['call']} went to {path['name']} "
                f"({path['dns']}) and was allowed; closed by: {path['closed_by']}"
            )
        else:
            stopped = path["stopped_by"]
            got = f"closed ({stopped})" if isinstance(stopped, str) else f"closed ({result})"
        rows.append([f"path {path['path']}", "closed", got, not reached, None])
    return rows, hints


def _probe_call(lab: Lab, probe: dict[str, str]) -> Any:
    group = probe["group"]
    for name, streams in lab.call_context().log_groups:
        if name == group and streams:
            return calls.put_log_events(group, streams[0], n=1)
    raise LabError(f"exercise probe names log group {group!r}, which the scenario lacks")


@contextmanager
def _in_force(lab: Lab, spec: Exercise, text: str) -> Iterator[None]:
    """The exercise's endpoint and the answer in force; the previous state after."""
    found = lab.endpoint(spec.service)
    created = found is None
    previous = None if found is None else found.get("PolicyDocument")
    if created:
        lab.create_endpoint(spec.service, policy=spec.setup.get("endpoint_policy"))
    else:
        lab.set_policy(spec.setup.get("endpoint_policy", "full-access"), spec.service)
    iam = lab.backend.client("iam", "admin")
    role = lab.backend.info.identities["instance"].arn.split("/")[1]
    name = spec.setup["role_policy"]
    before = role_policies(iam, role).get(name)
    iam.put_role_policy(RoleName=role, PolicyName=name, PolicyDocument=text)
    try:
        yield
    finally:
        if before is None:
            iam.delete_role_policy(RoleName=role, PolicyName=name)
        else:
            iam.put_role_policy(RoleName=role, PolicyName=name, PolicyDocument=before)
        if created:
            lab.delete_endpoint(spec.service)
        elif previous:
            lab.set_policy(previous, spec.service)
