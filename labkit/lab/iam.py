"""Read a role's identity policies through the IAM API (inline and attached managed)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote


def _text(document: Any) -> str:
    """IAM returns documents URL-encoded on the wire; botocore decodes them to dicts."""
    if isinstance(document, str):
        return unquote(document)
    return json.dumps(document, indent=2)


def role_policies(iam: Any, role_name: str) -> dict[str, str]:
    """``{policy name: document text}`` for every inline and attached policy of the role."""
    out: dict[str, str] = {}
    for name in iam.list_role_policies(RoleName=role_name)["PolicyNames"]:
        out[name] = _text(
            iam.get_role_policy(RoleName=role_name, PolicyName=name)["PolicyDocument"]
        )
    for attached in iam.list_attached_role_policies(RoleName=role_name)["AttachedPolicies"]:
        arn = attached["PolicyArn"]
        version = iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]
        document = iam.get_policy_version(PolicyArn=arn, VersionId=version)["PolicyVersion"]
        out[attached["PolicyName"]] = _text(document["Document"])
    return out
