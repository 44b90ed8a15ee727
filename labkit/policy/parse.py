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

from labkit.policy import limits
from labkit.policy.errors import Finding, PolicyValidationError
from labkit.policy.jsontext import MAX_DEPTH, JsonSyntaxError, LineIndex, Node, parse
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
    limit: str | None = None,
) -> Policy:
    """Read and validate a policy document; raise :class:`PolicyValidationError` if AWS would.

    ``limit`` names the size limit when the kind alone does not say it (``"user-inline"``,
    ``"managed"``, ... :data:`labkit.policy.limits.BY_NAME`); a document over it is refused with
    that limit's code (``LimitExceeded`` for IAM) before it is read.
    """
    check_kind(kind)
    size_limit = limits.size_limit(kind, limit)
    text = source_text(source, kind)
    return _parse_text(text, kind, arn, name, size_limit)


def check_policy(
    source: Source, *, kind: PolicyKind = "identity", limit: str | None = None
) -> list[Finding]:
    """Every error and warning in a policy document (errors first). Never raises for bad input.

    A document over its size limit or nested too deep gets that one error: it is not read.
    """
    check_kind(kind)
    size_limit = limits.size_limit(kind, limit)
    try:
        text = source_text(source, kind)
    except PolicyValidationError as err:
        return list(err.findings)
    _policy, findings = read_document(text, kind, size_limit=size_limit)
    return findings


@lru_cache(maxsize=512)
def _parse_text(
    text: str, kind: PolicyKind, arn: str | None, name: str | None, size_limit: limits.SizeLimit
) -> Policy:
    policy, findings = read_document(text, kind, arn=arn, name=name, size_limit=size_limit)
    errors = tuple(f for f in findings if f.severity == "error")
    if errors or policy is None:
        first = errors[0]
        if first.code == limits.TOO_LARGE:
            aws_text = size_limit.aws_message.replace("{name}", name or "").strip()
            raise PolicyValidationError.from_finding(size_limit.code, first, errors, aws_text)
        raise PolicyValidationError.from_finding(error_code(kind), first, errors)
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
        _check_mapping_shape(source, kind)
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


def _check_mapping_shape(source: Mapping[str, Any], kind: str) -> None:
    """Refuse a dict nested too deep (or holding itself) or too large, before rendering it.

    Walks with its own stack: no recursion, and it stops at the first level or value too many.
    """
    stack: list[tuple[Any, str, int]] = [(source, "", 1)]
    values = 0
    while stack:
        value, path, depth = stack.pop()
        values += 1
        if values > limits.MAX_DOCUMENT_CHARACTERS:
            _refuse_mapping(
                limits.BY_KIND[kind].code,
                limits.TOO_LARGE,
                f"the document has more than {limits.MAX_DOCUMENT_CHARACTERS:,} values",
                path,
                "shorten it: no policy document may be that large",
            )
        if isinstance(value, Mapping | list | tuple):
            if depth > MAX_DEPTH:
                _refuse_mapping(
                    error_code(kind),
                    limits.TOO_DEEP,
                    f"values are nested more than {MAX_DEPTH} levels deep (or hold themselves)",
                    path,
                    "a policy needs at most five levels of nesting",
                )
            items = (
                [(join(path, str(k)), v) for k, v in value.items()]
                if isinstance(value, Mapping)
                else [(f"{path}[{i}]", v) for i, v in enumerate(value)]
            )
            stack.extend((item, item_path, depth + 1) for item_path, item in reversed(items))


def _refuse_mapping(code: str, rule: str, message: str, path: str, hint: str) -> None:
    finding = Finding("error", rule, message, None, None, path, hint)
    raise PolicyValidationError.from_finding(code, finding, (finding,))


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
    text: str,
    kind: str,
    *,
    arn: str | None = None,
    name: str | None = None,
    size_limit: limits.SizeLimit | None = None,
) -> tuple[Policy | None, list[Finding]]:
    """Read ``text`` as a policy of ``kind``: the policy (``None`` if unreadable), all findings.

    Size and nesting are measured first (:func:`labkit.policy.limits.measure`): a document
    over either limit is not read at all.
    """
    problem = limits.measure(text, size_limit or limits.size_limit(kind))
    if problem is not None:
        return None, [problem]
    reader = Reader(text, kind)
    try:
        root = parse(text)
    except JsonSyntaxError as err:
        reader.add(
            "error", "json-syntax", err.offset, err.path, f"not valid JSON: {err.reason}", err.hint
        )
        return None, _ordered(reader.findings)
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
