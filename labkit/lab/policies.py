"""Turn what a learner passes as a policy (template name, dict, JSON text) into policy text."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from labkit import data

TEMPLATE_TITLES: dict[str, str] = {
    "walkthrough": "the walkthrough (one log group)",
    "full-access": "full access (AWS default)",
    "deny-other-accounts": "deny other accounts",
    "org-perimeter": "organisation perimeter",
}


def placeholder_values(
    region: str, account_id: str, org_id: str | None = None, other_account_id: str | None = None
) -> dict[str, str]:
    """Values for ``{{...}}`` placeholders in data/policies."""
    values = {"region": region, "account_id": account_id}
    if org_id:
        values["org_id"] = org_id
    if other_account_id:
        values["other_account_id"] = other_account_id
    return values


def policy_source(policy: str | Mapping[str, Any], values: Mapping[str, str]) -> str:
    """Policy text for ``policy``: a data/policies name, a dict, or JSON text as given.

    A name is filled with ``values``; text is passed through untouched (line and column of any
    error then point into exactly what the learner wrote).
    """
    if isinstance(policy, Mapping):
        return json.dumps(policy, indent=2)
    if not isinstance(policy, str):
        raise TypeError(
            f"policy must be a template name, JSON text or a dict, not {type(policy).__name__}"
        )
    stripped = policy.strip()
    if stripped.startswith(("{", "[")) or not stripped:
        return policy
    if stripped in data.policy_names():
        return data.policy_text(stripped, **values)
    raise ValueError(
        f"{policy!r} is neither JSON nor a policy template; templates: "
        + ", ".join(data.policy_names())
    )
