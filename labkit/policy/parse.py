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
    PolicyKind,
    check_kind,
    error_code,
)
from labkit.policy.model import Policy
from labkit.policy.parse_statements import read_statements
from labkit.policy.reading import Reader, join, read_string
from labkit.policy.variables import VARIABLES_VERSION

VERSIONS = ("2012-10-17", "2008-10-17")
_TOP_LEVEL = ("Version", "Id", "Statement")

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
    policy_id = read_string(reader, members, "Id")
    statements = read_statements(reader, members, root)
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
