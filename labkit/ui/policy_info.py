"""Facts about endpoint policies that the widgets show: the text in force, which template it is,
and a one-line summary per statement. Reads through the lab's EC2 API; draws nothing."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from labkit import data
from labkit.lab import endpoints as ep
from labkit.lab.policies import TEMPLATE_TITLES

if TYPE_CHECKING:
    from labkit.lab.facade import Lab


def templates() -> list[tuple[str, str]]:
    """(title, name) of the editor's templates, in the order the course introduces them."""
    names = set(data.policy_names())
    return [(title, name) for name, title in TEMPLATE_TITLES.items() if name in names]


def policy_in_force(lab: Lab, service: str = "logs") -> str:
    """The endpoint policy in force, unmasked (DescribeVpcEndpoints as the admin).

    ``lab.policy()`` masks account IDs in the workshop profile; the editor needs the real text,
    since what it holds is what Apply sends.
    """
    if not lab.redactor.enabled:
        return lab.policy(service)
    found = ep.require(
        lab.backend.client("ec2", "admin"),
        lab.backend.network().vpc_id,
        ep.endpoint_service_name(service, lab.region),
        run_id=lab.run_id,
    )
    return str(found.get("PolicyDocument", ""))


def pretty(text: str) -> str:
    """Policy text indented by two (as given when it is not JSON)."""
    try:
        return json.dumps(json.loads(text), indent=2)
    except ValueError:
        return text


def template_name(lab: Lab, text: str) -> str | None:
    """The template ``text`` is (same JSON once filled for this lab), or None for a custom one."""
    try:
        document = json.loads(text)
    except ValueError:
        return None
    for _title, name in templates():
        try:
            if json.loads(lab.policy_text(name)) == document:
                return name
        except (KeyError, ValueError):  # a placeholder this lab cannot fill
            continue
    return None


def _short(value: Any) -> str:
    items = value if isinstance(value, list) else [value]
    parts = []
    for item in items:
        text = str(item)
        pieces = text.split(":", 5)
        if text.startswith("arn:") and len(pieces) == 6:
            text = f"{pieces[2]} {pieces[5]}"  # service and resource part; Region/account dropped
        parts.append(text)
    return ", ".join(parts)


def statement_summary(index: int, statement: Mapping[str, Any]) -> str:
    """``"#0: Allow * on logs log-group:logs-test-allowed:*"`` (Sid or index first); conditions
    by operator and key."""
    effect = str(statement.get("Effect", "?"))
    action = _short(statement.get("Action", statement.get("NotAction", "?")))
    if "NotAction" in statement:
        action = f"all but {action}"
    if "Resource" in statement:
        target = _short(statement["Resource"])
    else:
        target = f"all but {_short(statement.get('NotResource', '?'))}"
    line = f"{effect} {action} on {target}"
    condition = statement.get("Condition")
    if isinstance(condition, Mapping):
        keys = [
            f"{op} {key}"
            for op, block in condition.items()
            if isinstance(block, Mapping)
            for key in block
        ]
        line += " if " + " and ".join(keys)
    name = statement.get("Sid") or f"#{index}"
    return f"{name}: {line}"


def policy_summary(text: str) -> list[str]:
    """One line per statement of a policy text (one line saying why, if it cannot be read)."""
    try:
        document = json.loads(text)
    except ValueError:
        return ["(not JSON)"]
    statements: Sequence[Any] | Any = (
        document.get("Statement", []) if isinstance(document, Mapping) else []
    )
    if isinstance(statements, Mapping):
        statements = [statements]
    return [
        statement_summary(i, s) for i, s in enumerate(statements) if isinstance(s, Mapping)
    ] or ["(no statements)"]
