"""What labkit itself needs in an account: ``docs/aws-permissions.json``, and why each action.

Every AWS API the aws backend calls is recorded as it is called (:mod:`labkit.aws.clients`);
the tests compare that record with the policy document. A few actions are checked by AWS without
an API of their own (tagging on create, passing the role to EC2): :data:`IMPLIED` names them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

IMPLIED: Mapping[str, str] = {
    "iam:PassRole": "RunInstances passes the lab role (in its instance profile) to EC2",
    "ec2:CreateTags": "EC2 create calls tag what they create (TagSpecifications)",
    "iam:TagRole": "CreateRole tags the role",
    "iam:TagInstanceProfile": "CreateInstanceProfile tags the profile",
    "events:TagResource": "CreateEventBus tags the bus",
}
"""Actions AWS checks that are no API call of labkit's own."""


def _as_list(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else list(value or [])


def policy_actions(document: Mapping[str, Any]) -> set[str]:
    """Every action an identity policy document allows (exact names; no wildcards expected)."""
    return {
        action
        for statement in _as_list_of_dicts(document.get("Statement"))
        if statement.get("Effect") == "Allow"
        for action in _as_list(statement.get("Action"))
    }


def _as_list_of_dicts(value: Any) -> Iterable[Mapping[str, Any]]:
    return [value] if isinstance(value, Mapping) else list(value or [])


def read_policy(text: str) -> dict[str, Any]:
    """The policy document in ``text``."""
    return dict(json.loads(text))
