"""A role trust policy as the policy engine reads it: a resource-based policy on the role.

A trust policy has no ``Resource`` element: it is about the role it is attached to. The engine
parses resource-based policies, which need one, so each statement gets the role's ARN (when it
has neither ``Resource`` nor ``NotResource``) before parsing. The decision record keeps this
text, so ``lab.explain`` re-reads exactly what was evaluated (docs/fidelity/policy.md).
"""

from __future__ import annotations

import json
from typing import Any

NO_TRUST = '{"Version": "2012-10-17", "Statement": []}'
"""What stands for the trust policy of a role that does not exist: it allows no one."""


def as_resource_policy(text: str, role_arn: str) -> str:
    """``text`` with the role's ARN as the ``Resource`` of every statement lacking one.

    Text that is not a JSON object is returned unchanged (the parser then says what is wrong).
    """
    try:
        document: Any = json.loads(text)
    except ValueError:
        return text
    if not isinstance(document, dict):
        return text
    statements = document.get("Statement")
    items = statements if isinstance(statements, list) else [statements]
    for statement in items:
        if isinstance(statement, dict) and not {"Resource", "NotResource"} & set(statement):
            statement["Resource"] = role_arn
    return json.dumps(document, indent=2)
