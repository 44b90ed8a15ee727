"""Small builders shared by the policy tests (documents, requests, one-call decisions)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from labkit.policy import Decision, Policy, PolicySet, Request, evaluate, parse_policy

ACCOUNT = "111122223333"
OTHER = "444455556666"
REGION = "ap-northeast-1"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/ec2-logs-fullaccess-role"
SESSION = f"arn:aws:sts::{ACCOUNT}:assumed-role/ec2-logs-fullaccess-role/i-0123456789abcdef0"
USER = f"arn:aws:iam::{ACCOUNT}:user/alice"
ATTACKER = f"arn:aws:iam::{OTHER}:user/exfil"
STREAM = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:logs-test-allowed:log-stream:log-stream"
DENIED_STREAM = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:logs-test-denied:log-stream:log-stream"
VPCE = "vpce-0a1b2c3d4e5f6a7b8"


def statement(
    effect: str = "Allow", action: Any = "*", resource: Any = "*", **extra: Any
) -> dict[str, Any]:
    """One statement; ``extra`` adds Principal, Condition, Sid, NotAction... (None drops a key)."""
    data: dict[str, Any] = {"Effect": effect, "Action": action, "Resource": resource}
    for key, value in extra.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def document(*statements: Mapping[str, Any], version: str | None = "2012-10-17") -> dict[str, Any]:
    """A policy document with ``statements``."""
    data: dict[str, Any] = {"Statement": list(statements)}
    if version:
        data["Version"] = version
    return data


def policy(kind: str = "identity", *statements: Mapping[str, Any], **kwargs: Any) -> Policy:
    """A parsed policy of ``kind``; endpoint/resource statements get ``Principal: *`` if none."""
    version = kwargs.pop("version", "2012-10-17")
    if kind in ("vpc-endpoint", "resource", "rcp"):
        statements = tuple(
            s if ("Principal" in s or "NotPrincipal" in s) else {**s, "Principal": "*"}
            for s in statements
        )
    return parse_policy(document(*statements, version=version), kind=kind, **kwargs)  # type: ignore[arg-type]


def request(
    action: str = "logs:PutLogEvents",
    resource: str = STREAM,
    *,
    principal: str = SESSION,
    context: Mapping[str, str | Sequence[str]] | None = None,
    via_endpoint: bool = True,
) -> Request:
    """A request with the usual keys for ``principal`` (and the endpoint keys when via it)."""
    keys: dict[str, str | Sequence[str]] = {}
    account = principal.split(":")[4] if principal.startswith("arn:") else None
    if account:
        keys["aws:PrincipalAccount"] = account
        keys["aws:PrincipalArn"] = ROLE if principal == SESSION else principal
    if via_endpoint:
        keys.update({"aws:SourceVpce": VPCE, "aws:SourceVpc": "vpc-0abc1234def567890"})
    keys.update(context or {})
    return Request(principal, action, resource, keys, via_endpoint)


ALLOW_ALL = statement()


def decide(req: Request, **slots: Any) -> Decision:
    """``evaluate(req, PolicySet(**slots))``."""
    return evaluate(req, PolicySet(**slots))


def text(data: Mapping[str, Any]) -> str:
    """The document as indented JSON text."""
    return json.dumps(data, indent=2)


def clause(operator: str, values: Any, key: str = "test:key", *, variables: bool = True):  # type: ignore[no-untyped-def]
    """A condition clause as the parser builds it (values: one or a list)."""
    from labkit.policy.conditions import ConditionClause, parse_operator
    from labkit.policy.variables import literal, parse_template

    name = parse_operator(operator)
    raw = values if isinstance(values, list) else [values]
    texts = [v if isinstance(v, str) else json.dumps(v) for v in raw]
    enabled = variables and name.spec.variables
    templates = tuple(parse_template(t) if enabled else literal(t) for t in texts)
    return ConditionClause(operator, name, key, templates, f"Condition.{operator}.{key}")


def holds(operator: str, values: Any, context: Any, key: str = "test:key") -> bool:
    """Whether ``operator`` with ``values`` holds for a request whose ``key`` is ``context``.

    ``context`` is the request value (str or list), or ``None`` for a missing key; a dict is
    taken as the whole context.
    """
    if isinstance(context, dict):
        keys = {k.lower(): v for k, v in context.items()}
    elif context is None:
        keys = {}
    else:
        keys = {key.lower(): context if isinstance(context, str) else tuple(context)}
    return clause(operator, values, key).evaluate(keys)
