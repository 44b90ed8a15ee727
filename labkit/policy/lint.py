"""Lint a policy: the validator's findings plus what the catalog knows about actions and keys.

On top of :func:`labkit.policy.check_policy` (grammar, endpoint-policy rules, size, variables):

* ``unknown-service`` / ``unknown-action`` (error): an Action value names no action in the
  Service Authorization Reference (the IAM console's "Invalid action").
* ``resource-mismatch`` (error): no Resource of the statement can ever match an action it names,
  given the ARNs AWS really authorizes (a bare log-group ARN for ``logs:PutLogEvents``, a
  group-scoped ARN for ``logs:DescribeLogGroups``); ``statement-never-matches`` (error) for an
  action wildcard none of whose actions can match.
* ``resource-matches-no-action`` (warning): one Resource entry fits none of the actions.
* ``operator-key-type`` (warning): the operator family does not fit the key's type.
* ``missing-set-operator`` / ``set-operator-single-valued`` (warning): ``ArrayOf*`` keys need
  ``ForAnyValue``/``ForAllValues``; single-valued keys should not have them.
* ``unknown-global-key`` / ``unknown-condition-key`` (warning): a key neither table lists.

Severity follows one rule: *error* when AWS refuses the document or when an element can never
do what it names; *warning* when it is accepted and partly works, or works unlike it reads.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from labkit.catalog.global_keys import all_global_keys
from labkit.catalog.lookup import (
    KeyType,
    closest_action,
    condition_key_type,
    expand_action,
    known_service,
    resource_forms,
)
from labkit.catalog.matching import Piece, pattern_can_match
from labkit.policy.conditions import UnknownOperator, parse_operator
from labkit.policy.errors import Finding, PolicyValidationError, Severity
from labkit.policy.jsontext import JsonSyntaxError, LineIndex, Node, parse
from labkit.policy.kinds import PolicyKind, check_kind
from labkit.policy.parse import check_policy, source_text
from labkit.policy.variables import VARIABLES_VERSION, Variable, fifth_colon_end, parse_template

#: ``labkit lint --type`` names and the policy kinds they stand for.
LINT_TYPES: dict[str, PolicyKind] = {
    "endpoint": "vpc-endpoint",
    "identity": "identity",
    "resource": "resource",
    "scp": "scp",
}
_RANK = {"error": 0, "warning": 1, "info": 2}
# Operator family → the key types (without ArrayOf) it compares correctly.
_FAMILY_TYPES = {
    "String": {"String", "ARN"},
    "Arn": {"ARN"},
    "Numeric": {"Numeric"},
    "Date": {"Date"},
    "Bool": {"Bool"},
    "IpAddress": {"IPAddress"},
    "Binary": {"Binary"},
}


@dataclass(frozen=True, slots=True)
class _Value:
    """A string value of the document with its place."""

    text: str
    node: Node
    path: str


class _Linter:
    """Walks one parsed document and collects catalog-based findings."""

    def __init__(self, text: str, variables: bool) -> None:
        self._lines = LineIndex(text)
        self.variables = variables
        self.findings: list[Finding] = []

    def add(
        self,
        severity: Severity,
        code: str,
        value: _Value | Node,
        path: str,
        message: str,
        hint: str,
    ) -> None:
        node = value.node if isinstance(value, _Value) else value
        line, column = self._lines.position(node.offset)
        self.findings.append(Finding(severity, code, message, line, column, path, hint))

    def statement(self, node: Node, path: str) -> None:
        members = _members(node)
        actions = _strings(members.get("Action"), f"{path}.Action")
        not_actions = _strings(members.get("NotAction"), f"{path}.NotAction")
        for value in actions + not_actions:
            self.action_name(value)
        resources = _strings(members.get("Resource"), f"{path}.Resource")
        if actions and resources and "NotAction" not in members:
            self.resources(actions, resources)
        condition = members.get("Condition")
        if condition is not None and condition.kind == "object":
            self.conditions(condition, f"{path}.Condition")

    def action_name(self, value: _Value) -> None:
        if value.text == "*" or ":" not in value.text:
            return
        service, name = value.text.split(":", 1)
        if "*" in service or "?" in service:
            return
        if not known_service(service):
            self.add(
                "error",
                "unknown-service",
                value,
                value.path,
                f"{service!r} is not a service prefix in the Service Authorization Reference",
                "check the prefix (CloudWatch Logs is 'logs', EventBridge is 'events')",
            )
            return
        if expand_action(value.text):
            return
        if "*" in name or "?" in name:
            self.add(
                "error",
                "unknown-action",
                value,
                value.path,
                f"{value.text!r} matches no {service} action",
                f"list the {service} actions in the Service Authorization Reference",
            )
            return
        guess = closest_action(service, name)
        hint = f"did you mean {guess!r}?" if guess else f"check the {service} action list"
        self.add(
            "error",
            "unknown-action",
            value,
            value.path,
            f"{value.text!r} is not an action of {service}",
            hint,
        )

    def resources(self, actions: list[_Value], resources: list[_Value]) -> None:
        if any(r.text == "*" for r in resources):
            return
        patterns = [
            (r, _pieces(r.text, self.variables)) for r in resources if r.text.startswith("arn:")
        ]
        if not patterns:
            return
        all_known = True
        matched_resources: set[int] = set()
        for action in actions:
            expanded = expand_action(action.text) if action.text != "*" else None
            if not expanded:
                all_known = False
                continue
            checked = [(info, resource_forms(info)) for info in expanded]
            if any(forms is None for _info, forms in checked):
                all_known = False
            reachable = []
            for info, forms in checked:
                if forms is None:
                    reachable.append(info)
                    continue
                hits = [
                    i
                    for i, (_r, pieces) in enumerate(patterns)
                    if any(pattern_can_match(pieces, form) for form in forms)
                ]
                matched_resources.update(hits)
                if hits:
                    reachable.append(info)
            if reachable:
                continue
            wildcard = "*" in action.text or "?" in action.text
            if wildcard:
                self.add(
                    "error",
                    "statement-never-matches",
                    action,
                    action.path,
                    f"no Resource of this statement can match any action {action.text!r} "
                    "names: the statement never applies",
                    "use Resource ARNs of the forms these actions are authorized on",
                )
                continue
            info, forms = checked[0]
            assert forms is not None
            self.add(
                "error",
                "resource-mismatch",
                action,
                action.path,
                f"no Resource of this statement can match {info.full_name}: AWS authorizes "
                f"it on {_describe_forms(forms)}",
                f"add a Resource such as {_example(forms, resources, self.variables)!r}",
            )
        if not all_known or not matched_resources:
            return  # a dead statement is reported once, at its actions
        for index, (resource, _unused) in enumerate(patterns):
            if index not in matched_resources:
                self.add(
                    "warning",
                    "resource-matches-no-action",
                    resource,
                    resource.path,
                    f"{resource.text!r} can match none of this statement's actions",
                    "remove it, or fix it to an ARN form those actions use",
                )

    def conditions(self, node: Node, path: str) -> None:
        for op_node, block in node.value:
            if block.kind != "object" or not isinstance(op_node.value, str):
                continue
            try:
                operator = parse_operator(op_node.value)
            except UnknownOperator:
                continue  # the validator reports it
            for key_node, _values in block.value:
                key = key_node.value
                clause_path = f"{path}.{op_node.value}.{key}"
                self.condition_key(operator, op_node.value, key, key_node, clause_path)

    def condition_key(self, operator: Any, written: str, key: str, node: Node, path: str) -> None:
        if ":" not in key:
            return
        key_type = condition_key_type(key)
        if key_type is None:
            self.unknown_key(key, node, path)
            return
        family = operator.spec.family
        if family == "Null":
            return
        base = key_type.type.removeprefix("ArrayOf")
        allowed = _FAMILY_TYPES.get(family, set())
        if base not in allowed and not (family == "Numeric" and key_type.name == "aws:EpochTime"):
            self.add(
                "warning",
                "operator-key-type",
                node,
                path,
                f"{written} compares {family.lower()} values, but {key_type.name} is "
                f"{key_type.type}: the condition never works as written",
                f"use a {_family_for(base)} operator with {key_type.name}",
            )
        self.set_operator(operator, written, key_type, node, path)

    def set_operator(
        self, operator: Any, written: str, key_type: KeyType, node: Node, path: str
    ) -> None:
        if key_type.multivalued and operator.qualifier is None:
            self.add(
                "warning",
                "missing-set-operator",
                node,
                path,
                f"{key_type.name} is multivalued ({key_type.type}); AWS requires "
                f"ForAnyValue or ForAllValues with it, and does not document what {written} "
                "alone does",
                f"write ForAnyValue:{written} (any value matches) or ForAllValues:{written} "
                "(every value matches)",
            )
        elif not key_type.multivalued and operator.qualifier == "ForAllValues":
            self.add(
                "warning",
                "set-operator-single-valued",
                node,
                path,
                f"ForAllValues with the single-valued key {key_type.name} is also true when "
                "the key is absent, so it can allow more than it reads",
                f"use {written.split(':', 1)[1]} without ForAllValues",
            )
        elif not key_type.multivalued and operator.qualifier == "ForAnyValue":
            self.add(
                "warning",
                "set-operator-single-valued",
                node,
                path,
                f"{key_type.name} is single-valued: ForAnyValue adds nothing",
                f"use {written.split(':', 1)[1]} without ForAnyValue",
            )

    def unknown_key(self, key: str, node: Node, path: str) -> None:
        prefix = key.split(":", 1)[0].lower()
        if prefix == "aws":
            names = [k.name for k in all_global_keys() if "${" not in k.name]
            close = difflib.get_close_matches(key, names, n=1, cutoff=0.7)
            hint = f"did you mean {close[0]!r}?" if close else "see the IAM global condition keys"
            self.add(
                "warning",
                "unknown-global-key",
                node,
                path,
                f"{key!r} is not a global condition key: AWS leaves it out of every request",
                hint,
            )
        elif known_service(prefix):
            self.add(
                "warning",
                "unknown-condition-key",
                node,
                path,
                f"{key!r} is not a condition key of {prefix}: it is never in the request",
                f"check the {prefix} condition keys in the Service Authorization Reference",
            )


def lint(source: str | bytes | Mapping[str, Any], kind: str = "identity") -> list[Finding]:
    """Every finding for a policy document of ``kind`` (a policy kind, or ``endpoint``).

    Never raises for a bad document: problems are findings. Ordered errors first, then by place.
    """
    policy_kind = check_kind(LINT_TYPES.get(kind, kind))
    findings = check_policy(source, kind=policy_kind)
    try:
        text = source_text(source, policy_kind)
        root = parse(text)
    except (PolicyValidationError, JsonSyntaxError):
        return findings
    if root.kind != "object":
        return findings
    members = _members(root)
    version = members.get("Version")
    variables = version is not None and version.value == VARIABLES_VERSION
    linter = _Linter(text, variables)
    for node, path in _statements(members.get("Statement")):
        linter.statement(node, path)
    return _merge(findings, linter.findings)


def _merge(first: list[Finding], extra: list[Finding]) -> list[Finding]:
    seen = {(f.code, f.path, f.line, f.column) for f in first}
    merged = list(first)
    for finding in extra:
        place = (finding.code, finding.path, finding.line, finding.column)
        if place not in seen:
            seen.add(place)
            merged.append(finding)
    return sorted(merged, key=lambda f: (_RANK[f.severity], f.line or 0, f.column or 0))


def _members(node: Node) -> dict[str, Node]:
    if node.kind != "object":
        return {}
    members: dict[str, Node] = {}
    for key, value in node.value:
        members.setdefault(key.value, value)
    return members


def _statements(node: Node | None) -> Iterator[tuple[Node, str]]:
    if node is None:
        return
    if node.kind == "object":
        yield node, "Statement"
    elif node.kind == "array":
        for index, item in enumerate(node.value):
            if item.kind == "object":
                yield item, f"Statement[{index}]"


def _strings(node: Node | None, path: str) -> list[_Value]:
    if node is None:
        return []
    if node.kind == "string":
        return [_Value(node.value, node, path)]
    if node.kind != "array":
        return []
    return [
        _Value(item.value, item, f"{path}[{index}]")
        for index, item in enumerate(node.value)
        if item.kind == "string"
    ]


def _pieces(value: str, variables: bool) -> list[Piece]:
    template = parse_template(value, enabled=variables, start=fifth_colon_end(value))
    pieces: list[Piece] = []
    for part in template.parts:
        if isinstance(part, Variable):
            pieces.append(None)
        elif isinstance(part, str):
            pieces.append((part, True))
        else:
            pieces.append(part)
    return pieces


def _describe_forms(forms: tuple[str, ...]) -> str:
    shown = [f"'{form}'" for form in forms[:3]]
    more = f" (and {len(forms) - 3} more)" if len(forms) > 3 else ""
    return " or ".join(shown) + more


def _example(forms: tuple[str, ...], resources: list[_Value], variables: bool) -> str:
    """A Resource value that matches a form: one of the statement's own ARNs with ``:*`` added
    (the usual fix for a bare log-group ARN), else the first form with placeholders as ``*``."""
    for resource in resources:
        widened = resource.text + ":*"
        if any(pattern_can_match(_pieces(widened, variables), form) for form in forms):
            return widened
    filled = forms[0].replace("${Partition}", "aws")
    while "${" in filled:
        start = filled.index("${")
        filled = filled[:start] + "*" + filled[filled.index("}", start) + 1 :]
    if filled.endswith(":log-group::log-stream:"):
        return filled[: -len(":log-stream:")].rstrip(":") + ":*"
    if filled.endswith(":log-stream:"):
        return filled[: -len(":log-stream:")] + ":*"
    return filled


def _family_for(base_type: str) -> str:
    for family, types in _FAMILY_TYPES.items():
        if base_type in types:
            return family
    return "String"
