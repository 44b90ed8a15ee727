"""Conformance case files (``tests/conformance/README.md``): load, check shape, build inputs.

A policy case holds the policies that apply to one request and what AWS decides; an operation
case holds one API call and the IAM action and resource AWS authorizes for it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from labkit.policy.errors import PolicyValidationError
from labkit.policy.kinds import PolicyKind
from labkit.policy.model import Policy
from labkit.policy.parse import parse_policy
from labkit.policy.policy_set import PolicySet
from labkit.policy.request import Request

_POLICY_REQUIRED = ("name", "expected", "identityPolicies", "vpcEndpointPolicy", "request")
_REQUEST_REQUIRED = ("principal", "action", "resource", "viaEndpoint", "context")
_OPERATION_REQUIRED = ("name", "service", "operation", "params", "region", "account")
_DECISIONS = ("Allowed", "ImplicitlyDenied", "ExplicitlyDenied")


class CaseError(ValueError):
    """A case file that cannot be used, with the file and what is wrong."""

    def __init__(self, path: Path | str, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = str(path)
        self.problem = problem


@dataclass(frozen=True)
class PolicyCase:
    """A policy case: the request, the policies, and the expectations."""

    name: str
    path: str
    request: Request
    policies: PolicySet
    data: Mapping[str, Any]

    @property
    def expected(self) -> str:
        """The decision AWS makes."""
        return str(self.data["expected"])


@dataclass(frozen=True)
class OperationCase:
    """An operation case: one API call and what AWS authorizes for it."""

    name: str
    path: str
    data: Mapping[str, Any]


Case = PolicyCase | OperationCase


def case_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Every ``*.json`` file named, or found (recursively, sorted) under a named folder."""
    for entry in paths:
        path = Path(entry)
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*.json") if p.is_file())
        elif path.exists():
            yield path
        else:
            raise CaseError(path, "no such file or folder")


def load_case(path: str | Path) -> Case:
    """Read one case file; raise :class:`CaseError` naming the file if it is malformed."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as err:
        raise CaseError(path, f"cannot read it: {err}") from None
    except json.JSONDecodeError as err:
        raise CaseError(
            path, f"not JSON: {err.msg} at line {err.lineno}, column {err.colno}"
        ) from None
    if not isinstance(data, dict):
        raise CaseError(path, "a case file holds one JSON object")
    if data.get("kind") == "operation":
        _require(path, data, _OPERATION_REQUIRED)
        return OperationCase(str(data["name"]), str(path), data)
    return _policy_case(path, data)


def _require(path: Path, data: Mapping[str, Any], keys: tuple[str, ...], where: str = "") -> None:
    missing = [k for k in keys if k not in data]
    if missing:
        raise CaseError(path, f"missing {where}key(s): {', '.join(missing)}")


def _policy_case(path: Path, data: dict[str, Any]) -> PolicyCase:
    _require(path, data, _POLICY_REQUIRED)
    if data["expected"] not in _DECISIONS:
        raise CaseError(path, f"expected must be one of {', '.join(_DECISIONS)}")
    raw = data["request"]
    if not isinstance(raw, dict):
        raise CaseError(path, "request must be an object")
    _require(path, raw, _REQUEST_REQUIRED, "request ")
    try:
        request = Request(
            raw["principal"],
            raw["action"],
            raw["resource"],
            raw["context"],
            bool(raw["viaEndpoint"]),
        )
    except (TypeError, ValueError) as err:
        raise CaseError(path, f"request: {err}") from None
    return PolicyCase(str(data["name"]), str(path), request, _policy_set(path, data), data)


def _parse(path: Path, document: Any, kind: PolicyKind, where: str) -> Policy:
    if not isinstance(document, dict):
        raise CaseError(path, f"{where} must be a policy document (an object)")
    try:
        return parse_policy(document, kind=kind, name=where)
    except PolicyValidationError as err:
        raise CaseError(path, f"{where}: {err}") from None


def _optional(path: Path, data: Mapping[str, Any], key: str, kind: PolicyKind) -> Policy | None:
    document = data.get(key)
    return None if document is None else _parse(path, document, kind, key)


def _levels(path: Path, data: Mapping[str, Any], key: str, kind: PolicyKind) -> list[Policy]:
    documents = data.get(key) or []
    if not isinstance(documents, list):
        raise CaseError(path, f"{key} must be a list (one policy per level)")
    return [_parse(path, d, kind, f"{key}[{i}]") for i, d in enumerate(documents)]


def _policy_set(path: Path, data: Mapping[str, Any]) -> PolicySet:
    identities = data["identityPolicies"]
    if not isinstance(identities, list):
        raise CaseError(path, "identityPolicies must be a list")
    return PolicySet(
        identity=[
            _parse(path, d, "identity", f"identityPolicies[{i}]") for i, d in enumerate(identities)
        ],
        resource=_optional(path, data, "resourcePolicy", "resource"),
        vpc_endpoint=_optional(path, data, "vpcEndpointPolicy", "vpc-endpoint"),
        permission_boundary=_optional(path, data, "permissionBoundary", "permission-boundary"),
        session=_optional(path, data, "sessionPolicy", "session"),
        scps=[[p] for p in _levels(path, data, "scps", "scp")],
        rcps=[[p] for p in _levels(path, data, "rcps", "rcp")],
    )
