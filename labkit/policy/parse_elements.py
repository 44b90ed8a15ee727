"""Readers for the statement elements: Action, Resource, Principal and Condition (with checks)."""

from __future__ import annotations

import re

from labkit.policy import endpoint_rules
from labkit.policy.conditions import OPERATORS, ConditionClause, UnknownOperator, parse_operator
from labkit.policy.conditions.base import OperatorSpec
from labkit.policy.elements import ActionElement, PrincipalElement, ResourceElement
from labkit.policy.jsontext import Node
from labkit.policy.principals import PrincipalSet, account_of_principal_value
from labkit.policy.reading import Reader, join, suggest
from labkit.policy.variables import Template, Variable, fifth_colon_end, literal, parse_template

_ACTION = re.compile(r"[A-Za-z0-9*?_.-]+:[A-Za-z0-9*?_.-]*")
_UNIQUE_ID = re.compile(r"[A-Z0-9]{16,128}")
_PRINCIPAL_TYPES = ("AWS", "Service", "Federated", "CanonicalUser")
_OPERATOR_NAMES = tuple(spec.name for spec in OPERATORS.values())


def read_action(reader: Reader, node: Node, path: str, negated: bool) -> ActionElement | None:
    """Action / NotAction: ``*`` or ``service:pattern`` values."""
    name = "NotAction" if negated else "Action"
    values = reader.strings(node, path, name)
    patterns = []
    for value, item, item_path in values:
        if value != "*" and not _ACTION.fullmatch(value):
            reader.error(
                "action-format",
                item,
                item_path,
                f"action {value!r} is not in the form service:action",
                'prefix every action with its service, e.g. "logs:PutLogEvents", or use "*"',
            )
            continue
        patterns.append(value)
    if not patterns:
        return None
    return ActionElement(tuple(patterns), negated)


def read_resource(reader: Reader, node: Node, path: str, negated: bool) -> ResourceElement | None:
    """Resource / NotResource: ``*`` or ARN patterns; variables only after the fifth colon."""
    name = "NotResource" if negated else "Resource"
    patterns: list[str] = []
    templates: list[Template] = []
    for value, item, item_path in reader.strings(node, path, name):
        if value != "*" and not value.startswith("arn:"):
            reader.error(
                "resource-format",
                item,
                item_path,
                f'resource {value!r} must be in ARN format or "*"',
                'write an ARN such as "arn:aws:logs:REGION:ACCOUNT:log-group:NAME:*", or "*"',
            )
            continue
        start = fifth_colon_end(value)
        if reader.variables_enabled and "${" in value[:start]:
            reader.warn(
                "variable-before-fifth-colon",
                item,
                item_path,
                "a policy variable before the fifth colon of an ARN is not replaced: it is literal "
                "text and the pattern never matches a real ARN",
                "use variables only in the resource part (after the fifth colon), or a condition "
                "such as aws:ResourceAccount",
            )
        if reader.kind == "vpc-endpoint":
            endpoint_rules.check_resource_value(reader, value, item, item_path)
        patterns.append(value)
        templates.append(parse_template(value, enabled=reader.variables_enabled, start=start))
    if not patterns:
        return None
    return ResourceElement(tuple(patterns), tuple(templates), negated)


def read_principal(reader: Reader, node: Node, path: str, negated: bool) -> PrincipalElement | None:
    """Principal / NotPrincipal: ``"*"`` or ``{"AWS"|"Service"|...: value or list}``."""
    name = "NotPrincipal" if negated else "Principal"
    if node.kind == "string":
        if node.value != "*":
            reader.error(
                "invalid-principal",
                node,
                path,
                f'{name} as a string must be "*", not {node.value!r}',
                f'write "{name}": "*" or "{name}": {{"AWS": "{node.value}"}}',
            )
            return None
        return PrincipalElement(PrincipalSet(everyone=True), "*", negated)
    if not reader.expect(node, ("string", "object"), path, name):
        return None
    members = reader.members(node, path)
    reader.unknown_members(members, _PRINCIPAL_TYPES, path, name)
    if not members:
        reader.error(
            "empty-principal", node, path, f"{name} names no principal", 'use "*" or {"AWS": ...}'
        )
        return None
    found: dict[str, set[str]] = {
        t: set() for t in ("accounts", "arns", "services", "federated", "canonical")
    }
    everyone = False
    for kind in _PRINCIPAL_TYPES:
        if kind not in members:
            continue
        for value, item, item_path in reader.strings(
            members[kind][1], join(path, kind), f"{name}.{kind}"
        ):
            if kind == "AWS" and value == "*":
                everyone = True
                continue
            if not _valid_principal_value(reader, kind, value, item, item_path):
                continue
            if kind == "AWS":
                account = account_of_principal_value(value)
                found["accounts" if account else "arns"].add(account or value)
            else:
                bucket = {
                    "Service": "services",
                    "Federated": "federated",
                    "CanonicalUser": "canonical",
                }[kind]
                found[bucket].add(value.lower() if kind == "Service" else value)
    principals = PrincipalSet(
        everyone,
        frozenset(found["accounts"]),
        frozenset(found["arns"]),
        frozenset(found["services"]),
        frozenset(found["federated"]),
        frozenset(found["canonical"]),
    )
    return PrincipalElement(principals, node.plain(), negated)


def _valid_principal_value(reader: Reader, kind: str, value: str, item: Node, path: str) -> bool:
    if "*" in value or "?" in value:
        reader.error(
            "principal-wildcard",
            item,
            path,
            f"{value!r}: a wildcard cannot match part of a principal name or ARN",
            'name the principal exactly, or use "Principal": "*" with a condition on '
            "aws:PrincipalArn",
        )
        return False
    if kind != "AWS":
        if not value.strip():
            reader.error(
                "invalid-principal", item, path, f"empty {kind} principal", "name the principal"
            )
            return False
        return True
    if account_of_principal_value(value) or _UNIQUE_ID.fullmatch(value):
        return True
    if value.startswith("arn:") and value.count(":") >= 5:
        return True
    reader.error(
        "invalid-principal",
        item,
        path,
        f"invalid principal {value!r}",
        'use a 12-digit account ID, an IAM user/role ARN, a role session ARN, or "*"',
    )
    return False


def read_conditions(
    reader: Reader, node: Node, path: str
) -> tuple[tuple[ConditionClause, ...], list[Variable]]:
    """The Condition block as clauses, plus the variables (without default) it needs."""
    if not reader.expect(node, ("object",), path, "Condition"):
        return (), []
    clauses: list[ConditionClause] = []
    needed: list[Variable] = []
    seen_operators: dict[str, str] = {}
    for operator, (key_node, block) in reader.members(node, path).items():
        op_path = join(path, operator)
        try:
            name = parse_operator(operator)
        except UnknownOperator as err:
            base = operator.split(":", 1)[-1]
            guess = suggest(base.removesuffix("IfExists"), _OPERATOR_NAMES)
            hint = f'did you mean "{guess}"?' if guess else "see the IAM condition operators list"
            reader.error("unknown-operator", key_node, op_path, str(err), hint)
            continue
        if name.canonical.lower() in seen_operators:
            reader.error(
                "duplicate-key",
                key_node,
                op_path,
                f"operator {operator!r} repeats {seen_operators[name.canonical.lower()]!r}",
                "merge the two blocks into one",
            )
            continue
        seen_operators[name.canonical.lower()] = operator
        if operator != name.canonical:
            reader.warn(
                "operator-spelling",
                key_node,
                op_path,
                f"operator {operator!r} is spelled {name.canonical!r} in AWS documentation",
                f'write "{name.canonical}"',
            )
        if not reader.expect(block, ("object",), op_path, operator):
            continue
        for key, (cond_key_node, values_node) in reader.members(block, op_path).items():
            clause_path = join(op_path, key)
            if ":" not in key or key.startswith(":"):
                reader.error(
                    "condition-key-format",
                    cond_key_node,
                    clause_path,
                    f"condition key {key!r} has no service prefix",
                    'write keys as prefix:name, e.g. "aws:SourceVpce"',
                )
                continue
            templates = _condition_values(reader, name.spec, key, values_node, clause_path, needed)
            if templates:
                clauses.append(ConditionClause(operator, name, key, tuple(templates), clause_path))
    return tuple(clauses), needed


def _condition_values(
    reader: Reader, spec: OperatorSpec, key: str, node: Node, path: str, needed: list[Variable]
) -> list[Template]:
    items = node.value if node.kind == "array" else [node]
    if node.kind == "array" and not items:
        reader.error(
            "empty-list",
            node,
            path,
            "condition values are an empty list",
            "list at least one value",
        )
        return []
    templates = []
    for index, item in enumerate(items):
        item_path = f"{path}[{index}]" if node.kind == "array" else path
        if item.kind not in ("string", "number", "bool"):
            reader.error(
                "wrong-type",
                item,
                item_path,
                f"a condition value must be a string, number or true/false, not {item.kind}",
                "write the value as a string, or a list of strings",
            )
            continue
        raw = item.value if item.kind == "string" else _scalar_text(item.value)
        problem = spec.check_value(raw)
        if problem:
            reader.warn(
                "invalid-condition-value",
                item,
                item_path,
                f"{problem}: this value never matches under {spec.name}",
                f"write a value {spec.family} conditions understand",
            )
        if "${" in raw and reader.variables_enabled and not spec.variables:
            reader.warn(
                "variable-not-supported",
                item,
                item_path,
                f"policy variables are not replaced in {spec.family} conditions: "
                f"{raw!r} is literal",
                "use variables only with String and Arn operators",
            )
        if reader.kind == "vpc-endpoint":
            endpoint_rules.check_condition_value(reader, spec, key, raw, item, item_path)
        template = parse_template(raw, enabled=reader.variables_enabled and spec.variables)
        needed.extend(v for v in template.variables if v.default is None)
        templates.append(template if spec.variables else literal(raw))
    return templates


def _scalar_text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
