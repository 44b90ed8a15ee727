"""The lab instance's role: the walkthrough's identity policies plus SSM access, in a profile.

The role is named after the walkthrough's (``ec2-logs-fullaccess-role``) with the run ID
appended, so runs never share one; it is created tagged and found again by name and tag. A role
or profile of that name without this run's tag is not touched (:class:`NotOurs`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from labkit.aws.errors import NotOurs
from labkit.aws.tags import run_of, tag_list

SSM_MANAGED_POLICY = "AmazonSSMManagedInstanceCore"
TRUST_EC2 = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "ec2.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ],
}
MAX_NAME = 64


@dataclass(frozen=True)
class InstanceRole:
    """The run's role and the instance profile that carries it."""

    role_name: str
    role_arn: str
    profile_name: str
    profile_arn: str


def role_name(base: str, run_id: str) -> str:
    """``<walkthrough role name>-<run id>`` (IAM names are at most 64 characters)."""
    return f"{base}-{run_id}"[:MAX_NAME]


def find_role(iam: Any, name: str, run_id: str) -> dict[str, Any] | None:
    """The role ``name`` if it exists and is this run's; NotOurs if someone else's."""
    try:
        role = iam.get_role(RoleName=name)["Role"]
    except iam.exceptions.NoSuchEntityException:
        return None
    owner = run_of(iam.list_role_tags(RoleName=name)["Tags"])
    if owner != run_id:
        raise NotOurs("IAM role", name, owner, run_id)
    return role


def ensure_instance_role(
    iam: Any, run_id: str, base_name: str, policies: Mapping[str, str], partition: str
) -> InstanceRole:
    """The run's role with ``policies`` inline (name → text) and SSM access, in its profile."""
    name = role_name(base_name, run_id)
    role = find_role(iam, name, run_id)
    if role is None:
        role = iam.create_role(
            RoleName=name,
            AssumeRolePolicyDocument=json.dumps(TRUST_EC2),
            Description=f"labkit lab instance role (run {run_id})",
            Tags=tag_list(run_id),
        )["Role"]
    have = set(iam.list_role_policies(RoleName=name)["PolicyNames"])
    for policy_name, text in policies.items():
        if policy_name not in have:
            iam.put_role_policy(RoleName=name, PolicyName=policy_name, PolicyDocument=text)
    ssm_arn = f"arn:{partition}:iam::aws:policy/{SSM_MANAGED_POLICY}"
    attached = {
        p["PolicyArn"] for p in iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]
    }
    if ssm_arn not in attached:
        iam.attach_role_policy(RoleName=name, PolicyArn=ssm_arn)
    profile = _ensure_profile(iam, name, run_id)
    return InstanceRole(name, role["Arn"], profile["InstanceProfileName"], profile["Arn"])


def _ensure_profile(iam: Any, name: str, run_id: str) -> dict[str, Any]:
    try:
        profile = iam.get_instance_profile(InstanceProfileName=name)["InstanceProfile"]
    except iam.exceptions.NoSuchEntityException:
        profile = iam.create_instance_profile(InstanceProfileName=name, Tags=tag_list(run_id))[
            "InstanceProfile"
        ]
    else:
        owner = run_of(profile.get("Tags", []))
        if owner != run_id:
            raise NotOurs("instance profile", name, owner, run_id)
    if not any(r["RoleName"] == name for r in profile.get("Roles", [])):
        iam.add_role_to_instance_profile(InstanceProfileName=name, RoleName=name)
    return profile
