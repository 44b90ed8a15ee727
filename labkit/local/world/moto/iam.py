"""IAM and STS state: who an access key is, and the policies of users, roles and sessions."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from labkit.local.world.moto.backends import PARTITION, known_accounts
from labkit.local.world.moto.backends import iam as iam_backend
from labkit.local.world.views import Credential, PolicySource


def fix_user_ids(originals: dict[str, Any]) -> None:
    """IAM user IDs as AWS forms them (``AIDA`` + 17 characters), not moto's lowercase ones.

    ``aws:userid`` of an IAM user is this ID, so policies and messages see the real shape.
    """
    from moto.iam.models import User
    from moto.iam.utils import generate_access_key_id_from_account_id

    original_init = User.__init__
    originals["User.__init__"] = original_init

    def init(self: Any, account_id: str, *args: Any, **kwargs: Any) -> None:
        original_init(self, account_id, *args, **kwargs)
        self.id = generate_access_key_id_from_account_id(
            account_id=account_id, prefix="AIDA", total_length=21
        )

    User.__init__ = init  # type: ignore[method-assign]


def aware(value: Any) -> datetime | None:
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def find_credential(access_key_id: str, org_ids: dict[str, str] | None = None) -> Credential | None:
    """The identity behind an access key: an IAM user's key or an STS session; None if unknown.

    ``org_ids`` maps account ids to their organization id (moto has no Organizations here).
    """
    from moto.iam.models import iam_backends
    from moto.sts.models import sts_backends

    org_ids = org_ids or {}
    for account_id in known_accounts(iam_backends):
        iam = iam_backends[account_id][PARTITION]
        key = iam.access_keys.get(access_key_id)
        if key is None:
            continue
        if key.role_arn:
            sts = sts_backends[account_id][PARTITION]
            session = sts.get_assumed_role_from_access_key(access_key_id)
            if session is None:
                return None
            return Credential(
                access_key_id=access_key_id,
                secret_access_key=session.secret_access_key,
                session_token=session.session_token,
                expiration=aware(session.expiration),
                arn=session.arn,
                account_id=account_id,
                principal_arn=session.role_arn,
                principal_type="assumed-role",
                org_id=org_ids.get(account_id),
                unique_id=_role_id(iam, session.role_arn),
            )
        if key.status != "Active":
            return None
        user = iam.users.get(key.user_name)
        if user is None:
            return None
        return Credential(
            access_key_id=access_key_id,
            secret_access_key=key.secret_access_key,
            session_token=None,
            expiration=None,
            arn=user.arn,
            account_id=account_id,
            principal_arn=user.arn,
            principal_type="user",
            username=user.name,
            org_id=org_ids.get(account_id),
            unique_id=user.id,
        )
    return None


def _role_id(iam: Any, role_arn: str) -> str | None:
    """The role's unique ID (AROA...), for ``aws:userid``; None if the role is gone."""
    try:
        return str(iam.get_role_by_arn(role_arn).id)
    except Exception:  # moto raises its own IAMNotFoundException
        return None


def _managed_text(policy: Any) -> str:
    for version in policy.versions:
        if version.version_id == policy.default_version_id:
            return str(version.document)
    return str(policy.versions[-1].document)


def _inline_and_managed(holder: Any, inline_kind: str, managed_kind: str) -> Iterator[PolicySource]:
    for name, document in list(holder.policies.items()):
        yield PolicySource(inline_kind, name, _as_text(document))  # type: ignore[arg-type]
    for arn, policy in list(holder.managed_policies.items()):
        yield PolicySource(managed_kind, policy.name, _managed_text(policy), arn)  # type: ignore[arg-type]


def _as_text(document: Any) -> str:
    if isinstance(document, str):
        return document
    return json.dumps(document)


def _principal(principal_arn: str) -> tuple[str, str, str]:
    """``arn:aws:iam::ACCOUNT:role/path/NAME`` → (account, kind, name)."""
    parts = principal_arn.split(":", 5)
    account, resource = parts[4], parts[5]
    kind, _, rest = resource.partition("/")
    return account, kind, rest.rsplit("/", 1)[-1]


def identity_policies(principal_arn: str) -> list[PolicySource]:
    """Inline, attached managed and (for users) group policies of an IAM user or role."""
    account, kind, name = _principal(principal_arn)
    iam = iam_backend(account)
    if kind == "role":
        role = next((r for r in list(iam.roles.values()) if r.name == name), None)
        return [] if role is None else list(_inline_and_managed(role, "inline", "managed"))
    if kind == "user":
        user = iam.users.get(name)
        if user is None:
            return []
        found = list(_inline_and_managed(user, "inline", "managed"))
        for group in iam.get_groups_for_user(name):
            found += _inline_and_managed(group, "group-inline", "group-managed")
        return found
    return []


def inline_policies(account_id: str, kind: str, name: str) -> dict[str, str]:
    """The inline policies (name → text) of the role, user or group ``name``; {} if unknown."""
    iam = iam_backend(account_id)
    holders: dict[str, Any] = {
        "role": next((r for r in list(iam.roles.values()) if r.name == name), None),
        "user": iam.users.get(name),
        "group": iam.groups.get(name),
    }
    holder = holders.get(kind)
    if holder is None:
        return {}
    return {policy: _as_text(document) for policy, document in list(holder.policies.items())}


def permission_boundary(principal_arn: str) -> PolicySource | None:
    """The permissions boundary set on an IAM user or role, if any."""
    account, kind, name = _principal(principal_arn)
    iam = iam_backend(account)
    holder: Any = None
    if kind == "role":
        holder = next((r for r in list(iam.roles.values()) if r.name == name), None)
    elif kind == "user":
        holder = iam.users.get(name)
    arn = getattr(holder, "permissions_boundary_arn", None) or getattr(
        holder, "permissions_boundary", None
    )
    if not arn:
        return None
    try:
        policy = iam.get_policy(arn)
    except Exception:  # a boundary that names a missing policy allows nothing
        return PolicySource("boundary", arn.rsplit("/", 1)[-1], '{"Statement": []}', arn)
    return PolicySource("boundary", policy.name, _managed_text(policy), arn)


def session_policy(access_key_id: str) -> PolicySource | None:
    """The session policy passed to AssumeRole for this key, if any."""
    from moto.sts.models import sts_backends

    for account_id in known_accounts(sts_backends):
        session = sts_backends[account_id][PARTITION].get_assumed_role_from_access_key(
            access_key_id
        )
        if session is not None:
            if not session.policy:
                return None
            return PolicySource("session", session.session_name, _as_text(session.policy))
    return None


def role_trust_policy(role_arn: str) -> PolicySource | None:
    """The trust policy (``AssumeRolePolicyDocument``) of the role ``role_arn`` names, or None."""
    parts = role_arn.split(":", 5)
    if len(parts) != 6 or parts[2] != "iam" or not parts[5].startswith("role/"):
        return None
    account, _kind, name = _principal(role_arn)
    if account not in known_accounts_of_iam():
        return None
    role = next((r for r in list(iam_backend(account).roles.values()) if r.name == name), None)
    if role is None:
        return None
    return PolicySource("trust", role.name, _as_text(role.assume_role_policy_document), role.arn)


def known_accounts_of_iam() -> list[str]:
    """The accounts moto's IAM holds state for."""
    from moto.iam.models import iam_backends

    return known_accounts(iam_backends)
