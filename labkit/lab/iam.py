"""Read a principal's identity policies and permissions boundary through the IAM API."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

import botocore.exceptions

from labkit.backend.errors import LabError


def _text(document: Any) -> str:
    """IAM returns documents URL-encoded on the wire; botocore decodes them to dicts."""
    if isinstance(document, str):
        return unquote(document)
    return json.dumps(document, indent=2)


def _managed_text(iam: Any, arn: str) -> str:
    version = iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]
    document = iam.get_policy_version(PolicyArn=arn, VersionId=version)["PolicyVersion"]
    return _text(document["Document"])


def role_policies(iam: Any, role_name: str) -> dict[str, str]:
    """``{policy name: document text}`` for every inline and attached policy of the role."""
    out: dict[str, str] = {}
    for name in iam.list_role_policies(RoleName=role_name)["PolicyNames"]:
        out[name] = _text(
            iam.get_role_policy(RoleName=role_name, PolicyName=name)["PolicyDocument"]
        )
    for attached in iam.list_attached_role_policies(RoleName=role_name)["AttachedPolicies"]:
        out[attached["PolicyName"]] = _managed_text(iam, attached["PolicyArn"])
    return out


def user_policies(iam: Any, user_name: str) -> dict[str, str]:
    """Inline and attached policies of the user and of each of its groups."""
    out: dict[str, str] = {}
    for name in iam.list_user_policies(UserName=user_name)["PolicyNames"]:
        out[name] = _text(
            iam.get_user_policy(UserName=user_name, PolicyName=name)["PolicyDocument"]
        )
    for attached in iam.list_attached_user_policies(UserName=user_name)["AttachedPolicies"]:
        out[attached["PolicyName"]] = _managed_text(iam, attached["PolicyArn"])
    for group in iam.list_groups_for_user(UserName=user_name)["Groups"]:
        group_name = group["GroupName"]
        for name in iam.list_group_policies(GroupName=group_name)["PolicyNames"]:
            document = iam.get_group_policy(GroupName=group_name, PolicyName=name)
            out[f"{group_name}/{name}"] = _text(document["PolicyDocument"])
        for attached in iam.list_attached_group_policies(GroupName=group_name)["AttachedPolicies"]:
            out[f"{group_name}/{attached['PolicyName']}"] = _managed_text(
                iam, attached["PolicyArn"]
            )
    return out


@dataclass
class PrincipalPolicies:
    """A role's or user's policies as IAM holds them, and what could not be read."""

    kind: str  # "role" or "user"
    name: str
    identity: dict[str, str] = field(default_factory=dict)
    boundary_arn: str | None = None
    boundary: str | None = None
    notes: list[str] = field(default_factory=list)


def principal_name(principal: str) -> tuple[str, str] | None:
    """(``role`` | ``user``, name) of an IAM ARN or role-session ARN; None for others."""
    resource = principal.split(":", 5)[-1] if principal.count(":") >= 5 else ""
    if resource.startswith("assumed-role/"):
        return "role", resource.split("/")[1]
    if resource.startswith(("role/", "user/")):
        kind, _, rest = resource.partition("/")
        return kind, rest.rsplit("/", 1)[-1]
    return None


def principal_policies(iam: Any, kind: str, name: str) -> PrincipalPolicies:
    """Identity policies and permissions boundary of role or user ``name``."""
    found = PrincipalPolicies(kind, name)
    try:
        if kind == "role":
            entity = iam.get_role(RoleName=name)["Role"]
            found.identity = role_policies(iam, name)
        else:
            entity = iam.get_user(UserName=name)["User"]
            found.identity = user_policies(iam, name)
    except (botocore.exceptions.ClientError, LabError) as exc:
        found.notes.append(f"IAM did not show {kind} {name}: {_reason(exc)}")
        return found
    arn = (entity.get("PermissionsBoundary") or {}).get("PermissionsBoundaryArn")
    if arn:
        found.boundary_arn = arn
        try:
            found.boundary = _managed_text(iam, arn)
        except (botocore.exceptions.ClientError, LabError) as exc:
            found.notes.append(
                f"its permissions boundary {arn} could not be read ({_reason(exc)}): not judged"
            )
    return found


def _reason(exc: Exception) -> str:
    if isinstance(exc, botocore.exceptions.ClientError):
        return str(exc.response["Error"]["Code"])
    return str(exc).splitlines()[0]
