"""Reading the statements of a policy document: elements, per-kind principal rules, Sids."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from labkit.policy.elements import PrincipalElement
from labkit.policy.jsontext import Node
from labkit.policy.kinds import KIND_LABELS, PRINCIPAL_FORBIDDEN, PRINCIPAL_REQUIRED
from labkit.policy.model import Effect, Statement
from labkit.policy.parse_elements import read_action, read_conditions, read_principal, read_resource
from labkit.policy.reading import Reader, join, read_string

STATEMENT_ELEMENTS = (
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
)
#: Kinds IAM stores (where a repeated Sid is refused).
_IAM_STORED = frozenset({"identity", "permission-boundary"})
Members = dict[str, tuple[Node, Node]]


def read_statements(
    reader: Reader, members: dict[str, tuple[Node, Node]], root: Node
) -> list[Statement]:
    if "Statement" not in members:
        reader.error(
            "missing-statement", root, "", "the policy has no Statement", 'add "Statement": [ ... ]'
        )
        return []
    node = members["Statement"][1]
    if not reader.expect(node, ("object", "array"), "Statement", "Statement"):
        return []
    items = node.value if node.kind == "array" else [node]
    if not items:
        reader.warn(
            "empty-statement",
            node,
            "Statement",
            "the policy has no statements: it allows nothing",
            "add a statement",
        )
    statements = []
    sids: dict[str, str] = {}
    for index, item in enumerate(items):
        path = f"Statement[{index}]" if node.kind == "array" else "Statement"
        if not reader.expect(item, ("object",), path, "a statement"):
            continue
        statement = _read_statement(reader, item, index, path)
        if statement is None:
            continue
        if statement.sid:
            if statement.sid in sids:
                severity = "error" if reader.kind in _IAM_STORED else "warning"
                reader.add(
                    severity,
                    "duplicate-sid",
                    item.offset,
                    join(path, "Sid"),
                    f"Sid {statement.sid!r} is already used by {sids[statement.sid]}",
                    "give every statement its own Sid",
                )
            sids.setdefault(statement.sid, path)
        statements.append(statement)
    return statements


def _read_statement(reader: Reader, node: Node, index: int, path: str) -> Statement | None:
    members = reader.members(node, path)
    reader.unknown_members(members, STATEMENT_ELEMENTS, path, "a statement")
    sid = read_string(reader, members, "Sid", path)
    effect = _read_effect(reader, members, node, path)
    action = _pair(reader, members, node, path, "Action", "NotAction", read_action)
    resource = _pair(reader, members, node, path, "Resource", "NotResource", read_resource)
    principal = _read_principal(reader, members, node, path, effect)
    conditions, needed = (), []
    if "Condition" in members:
        conditions, needed = read_conditions(
            reader, members["Condition"][1], join(path, "Condition")
        )
    if reader.kind == "rcp" and effect == "Allow" and principal is not None:
        _check_rcp_allow(reader, members, node, path)
    if effect is None or action is None or resource is None:
        return None
    for template in resource.templates:
        needed.extend(v for v in template.variables if v.default is None)
    line, column = reader.position(node.offset)
    return Statement(
        index,
        sid,
        effect,
        action,
        resource,
        principal,
        conditions,
        path,
        line,
        column,
        tuple(dict.fromkeys(needed)),
    )


def _read_effect(reader: Reader, members: Members, node: Node, path: str) -> Effect | None:
    if "Effect" not in members:
        reader.error(
            "missing-effect",
            node,
            path,
            "the statement has no Effect",
            'add "Effect": "Allow" or "Deny"',
        )
        return None
    value = members["Effect"][1]
    if value.kind == "string" and value.value in ("Allow", "Deny"):
        return value.value
    shown = value.value if value.kind == "string" else value.plain()
    hint = 'write "Allow" or "Deny" (case-sensitive)'
    reader.error(
        "invalid-effect",
        value,
        join(path, "Effect"),
        f"Effect must be Allow or Deny, not {shown!r}",
        hint,
    )
    return None


def _pair(
    reader: Reader,
    members: Members,
    node: Node,
    path: str,
    name: str,
    negated_name: str,
    read: Callable[[Reader, Node, str, bool], Any],
) -> Any:
    if name in members and negated_name in members:
        reader.error(
            f"{name.lower()}-and-{negated_name.lower()}",
            members[negated_name][0],
            join(path, negated_name),
            f"a statement cannot have both {name} and {negated_name}",
            f"keep one of {name} or {negated_name}",
        )
        return None
    if name not in members and negated_name not in members:
        reader.error(
            f"missing-{name.lower()}",
            node,
            path,
            f"the statement has neither {name} nor {negated_name}",
            f'add "{name}": ...',
        )
        return None
    key = name if name in members else negated_name
    return read(reader, members[key][1], join(path, key), key == negated_name)


def _read_principal(
    reader: Reader, members: Members, node: Node, path: str, effect: Effect | None
) -> PrincipalElement | None:
    present = [k for k in ("Principal", "NotPrincipal") if k in members]
    label = KIND_LABELS[reader.kind]
    if present and reader.kind in PRINCIPAL_FORBIDDEN:
        key = present[0]
        reader.error(
            "principal-not-allowed",
            members[key][0],
            join(path, key),
            f"{_article(label)} {label} should not specify a principal ({key})",
            f"remove {key}: the policy applies to the identity it is attached to",
        )
        return None
    if len(present) == 2:
        reader.error(
            "principal-and-notprincipal",
            members["NotPrincipal"][0],
            join(path, "NotPrincipal"),
            "a statement cannot have both Principal and NotPrincipal",
            "keep one of them",
        )
        return None
    if not present:
        if reader.kind in PRINCIPAL_REQUIRED:
            reader.error(
                "missing-principal",
                node,
                path,
                f"every statement of {_article(label)} {label} must contain a Principal",
                'add "Principal": "*" (and narrow it with conditions such as aws:PrincipalAccount)',
            )
        return None
    key = present[0]
    negated = key == "NotPrincipal"
    if negated and effect == "Allow":
        reader.error(
            "notprincipal-with-allow",
            members[key][0],
            join(path, key),
            'NotPrincipal is supported only with "Effect": "Deny"',
            'use "Principal" with Allow, or change the Effect to Deny',
        )
        return None
    element = read_principal(reader, members[key][1], join(path, key), negated)
    if (
        element is not None
        and reader.kind == "rcp"
        and (negated or not element.principals.everyone)
    ):
        reader.error(
            "rcp-principal",
            members[key][0],
            join(path, key),
            'a resource control policy must use "Principal": "*"',
            'write "Principal": "*" and restrict callers with conditions',
        )
        return None
    return element


def _article(label: str) -> str:
    return "an" if label[0] in "aeiou" else "a"


def _check_rcp_allow(
    reader: Reader, members: dict[str, tuple[Node, Node]], node: Node, path: str
) -> None:
    full = all(
        k in members and members[k][1].plain() in ("*", ["*"]) for k in ("Action", "Resource")
    )
    if full and "Condition" not in members:
        return
    reader.error(
        "rcp-allow",
        node,
        path,
        "a resource control policy can only Allow everything (as RCPFullAWSAccess does)",
        "write the restriction as a Deny statement",
    )
