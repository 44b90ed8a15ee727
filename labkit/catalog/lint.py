"""Lint a policy: the validator's findings plus what the catalog knows about actions and keys.

On top of :func:`labkit.policy.check_policy` (grammar, endpoint-policy rules, size, variables),
the catalog's checks (:mod:`labkit.catalog.checks`) run on every statement:

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

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from labkit.catalog.checks import Problem, action_problem, key_problems, resource_problems
from labkit.catalog.matching import Piece
from labkit.policy.conditions import UnknownOperator, parse_operator
from labkit.policy.errors import Finding, PolicyValidationError
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
    linter = _Linter(text, version is not None and version.value == VARIABLES_VERSION)
    for node, path in _statements(members.get("Statement")):
        linter.statement(node, path)
    return _merge(findings, linter.findings)


@dataclass(frozen=True, slots=True)
class _Value:
    """A string value of the document with its place."""

    text: str
    node: Node
    path: str


class _Linter:
    """Walks one parsed document and places the catalog's problems."""

    def __init__(self, text: str, variables: bool) -> None:
        self._lines = LineIndex(text)
        self.variables = variables
        self.findings: list[Finding] = []

    def add(self, problem: Problem, node: Node, path: str) -> None:
        line, column = self._lines.position(node.offset)
        self.findings.append(
            Finding(
                problem.severity, problem.code, problem.message, line, column, path, problem.hint
            )
        )

    def statement(self, node: Node, path: str) -> None:
        members = _members(node)
        actions = _strings(members.get("Action"), f"{path}.Action")
        for value in actions + _strings(members.get("NotAction"), f"{path}.NotAction"):
            problem = action_problem(value.text)
            if problem is not None:
                self.add(problem, value.node, value.path)
        resources = _strings(members.get("Resource"), f"{path}.Resource")
        if actions and resources:
            pairs = [(r.text, _pieces(r.text, self.variables)) for r in resources]
            found = resource_problems([a.text for a in actions], pairs)
            for index, problem in found.actions.items():
                self.add(problem, actions[index].node, actions[index].path)
            for index, problem in found.resources.items():
                self.add(problem, resources[index].node, resources[index].path)
        condition = members.get("Condition")
        if condition is not None and condition.kind == "object":
            self.conditions(condition, f"{path}.Condition")

    def conditions(self, node: Node, path: str) -> None:
        for op_node, block in node.value:
            if block.kind != "object":
                continue
            try:
                operator = parse_operator(op_node.value)
            except UnknownOperator:
                continue  # the validator reports it
            for key_node, _values in block.value:
                problems = key_problems(
                    operator.spec.family, operator.qualifier, op_node.value, key_node.value
                )
                for problem in problems:
                    self.add(problem, key_node, f"{path}.{op_node.value}.{key_node.value}")


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
    """A Resource value as matching pieces: variables (after the fifth colon) match any text."""
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
