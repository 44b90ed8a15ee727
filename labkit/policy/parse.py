"""``parse_policy`` and ``check_policy``: JSON text or dict → validated :class:`Policy`.

Every error names its place (line and column in the text as given, and a path such as
``Statement[1].Condition.StringEquals``) and how to fix it. :func:`parse_policy` raises the first
error as :class:`PolicyValidationError`; :func:`check_policy` returns them all with the warnings.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from labkit.policy import endpoint_rules
from labkit.policy.errors import Finding, PolicyValidationError
from labkit.policy.jsontext import JsonSyntaxError, LineIndex, Node, parse
from labkit.policy.kinds import (
    KIND_LABELS,
    PRINCIPAL_FORBIDDEN,
    PRINCIPAL_REQUIRED,
    PolicyKind,
    check_kind,
    error_code,
)
from labkit.policy.model import Policy, Statement
from labkit.policy.parse_elements import read_action, read_conditions, read_principal, read_resource
from labkit.policy.reading import Reader, join
from labkit.policy.variables import VARIABLES_VERSION

VERSIONS = ("2012-10-17", "2008-10-17")
_TOP_LEVEL = ("Version", "Id", "Statement")
_STATEMENT = (
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
_IAM_STORED = frozenset({"identity", "permission-boundary"})

Source = str | bytes | Mapping[str, Any]


def parse_policy(
    source: Source,
    *,
    kind: PolicyKind = "identity",
    arn: str | None = None,
    name: str | None = None,
) -> Policy:
    """Read and validate a policy document; raise :class:`PolicyValidationError` if AWS would."""
    check_kind(kind)
    text = source_text(source, kind)
    return _parse_text(text, kind, arn, name)


def check_policy(source: Source, *, kind: PolicyKind = "identity") -> list[Finding]:
    """Every error and warning in a policy document (errors first). Never raises for bad input."""
    check_kind(kind)
    try:
        text = source_text(source, kind)
    except PolicyValidationError as err:
        return list(err.findings)
    _policy, findings = read_document(text, kind)
    return findings


@lru_cache(maxsize=512)
def _parse_text(text: str, kind: PolicyKind, arn: str | None, name: str | None) -> Policy:
    policy, findings = read_document(text, kind, arn=arn, name=name)
    errors = tuple(f for f in findings if f.severity == "error")
    if errors or policy is None:
        raise PolicyValidationError.from_finding(error_code(kind), errors[0], errors)
    return policy


def source_text(source: Source, kind: str) -> str:
    """The document as text: ``str`` as is, ``bytes`` as UTF-8, a mapping as indented JSON."""
    if isinstance(source, str):
        return source
    if isinstance(source, bytes | bytearray):
        try:
            return bytes(source).decode("utf-8")
        except UnicodeDecodeError as err:
            text = bytes(source[: err.start]).decode("utf-8", "replace")
            line, column = LineIndex(text).position(len(text))
            finding = Finding(
                "error",
                "encoding",
                "the document is not valid UTF-8",
                line,
                column,
                "",
                "save it as UTF-8",
            )
            raise PolicyValidationError.from_finding(
                error_code(kind), finding, (finding,)
            ) from None
    if isinstance(source, Mapping):
        return _render_mapping(source, kind)
    raise TypeError(f"a policy is JSON text, bytes or a dict, not {type(source).__name__}")


def _render_mapping(source: Mapping[str, Any], kind: str) -> str:
    problem = _first_non_json(source, "")
    if problem is None:
        return json.dumps(source, indent=2)
    path, value = problem
    text = json.dumps(source, indent=2, default=lambda _o: "\x00")
    offset = max(text.find('"\\u0000"'), 0)
    line, column = LineIndex(text).position(offset)
    finding = Finding(
        "error",
        "wrong-type",
        f"{type(value).__name__} value {value!r} cannot be written as JSON",
        line,
        column,
        path,
        "use only dicts, lists, strings, numbers, booleans and None",
    )
    raise PolicyValidationError.from_finding(error_code(kind), finding, (finding,))


def _first_non_json(value: Any, path: str) -> tuple[str, Any] | None:
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                return join(path, str(key)), key
            found = _first_non_json(item, join(path, key))
            if found:
                return found
        return None
    if isinstance(value, list | tuple):
        for index, item in enumerate(value):
            found = _first_non_json(item, f"{path}[{index}]")
            if found:
                return found
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return path, value
    if value is None or isinstance(value, str | int | float | bool):
        return None
    return path, value


def read_document(
    text: str, kind: str, *, arn: str | None = None, name: str | None = None
) -> tuple[Policy | None, list[Finding]]:
    """Read ``text`` as a policy of ``kind``: the policy (``None`` if unreadable), all findings."""
    reader = Reader(text, kind)
    try:
        root = parse(text)
    except JsonSyntaxError as err:
        reader.add(
            "error", "json-syntax", err.offset, err.path, f"not valid JSON: {err.reason}", err.hint
        )
        return None, _ordered(reader.findings)
    if kind == "vpc-endpoint":
        endpoint_rules.check_size(reader)
    if not reader.expect(root, ("object",), "", "a policy document"):
        return None, _ordered(reader.findings)
    members = reader.members(root, "")
    reader.unknown_members(members, _TOP_LEVEL, "", "a policy document")
    version = _read_version(reader, members)
    reader.variables_enabled = version == VARIABLES_VERSION
    if "${" in text and not reader.variables_enabled:
        reader.add(
            "warning",
            "variables-literal",
            text.find("${"),
            None,
            'without "Version": "2012-10-17" policy variables such as ${aws:username} are '
            "literal text",
            'add "Version": "2012-10-17" at the top of the document',
        )
    policy_id = _read_string(reader, members, "Id")
    statements = _read_statements(reader, members, root)
    policy = Policy(
        kind,  # type: ignore[arg-type]
        tuple(statements),
        version=version,
        id=policy_id,
        arn=arn,
        name=name,
        text=text,
        findings=tuple(f for f in reader.findings if f.severity != "error"),
    )
    return policy, _ordered(reader.findings)


def _ordered(findings: list[Finding]) -> list[Finding]:
    rank = {"error": 0, "warning": 1, "info": 2}
    return sorted(findings, key=lambda f: (rank[f.severity], f.line or 0, f.column or 0))


def _read_version(reader: Reader, members: dict[str, tuple[Node, Node]]) -> str | None:
    if "Version" not in members:
        return None
    node = members["Version"][1]
    if node.kind == "string" and node.value in VERSIONS:
        return str(node.value)
    reader.error(
        "invalid-version",
        node,
        "Version",
        f"invalid Version {node.plain()!r}",
        'use "2012-10-17" (current; needed for policy variables) or "2008-10-17", or leave it out',
    )
    return None


def _read_string(
    reader: Reader, members: dict[str, tuple[Node, Node]], key: str, path: str = ""
) -> str | None:
    if key not in members:
        return None
    node = members[key][1]
    if reader.expect(node, ("string",), join(path, key), key):
        return str(node.value)
    return None


def _read_statements(
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
    reader.unknown_members(members, _STATEMENT, path, "a statement")
    sid = _read_string(reader, members, "Sid", path)
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


def _read_effect(reader: Reader, members: dict[str, tuple[Node, Node]], node: Node, path: str):  # type: ignore[no-untyped-def]
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


def _pair(reader, members, node, path, name, negated_name, read):  # type: ignore[no-untyped-def]
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


def _read_principal(reader, members, node, path, effect):  # type: ignore[no-untyped-def]
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
