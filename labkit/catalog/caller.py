"""Who makes a request: the authenticated principal and what IAM knows about it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from labkit.catalog.arns import parse_arn

_HINT = (
    "pass the caller as authenticated: arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION, "
    "arn:aws:iam::ACCOUNT:user/NAME, arn:aws:iam::ACCOUNT:root or "
    "arn:aws:sts::ACCOUNT:federated-user/NAME"
)


@dataclass(frozen=True)
class Caller:
    """The principal behind a request.

    ``arn`` is the caller exactly as authenticated (a session ARN for a role session);
    ``principal_arn`` is what ``aws:PrincipalArn`` holds (the role ARN for a session);
    ``principal_type`` is ``aws:PrincipalType`` (Account, User, FederatedUser, AssumedRole);
    ``username`` is set for IAM users only; ``userid`` is ``aws:userid`` when known.
    """

    arn: str
    account: str
    principal_arn: str
    principal_type: str
    username: str | None = None
    org_id: str | None = None
    tags: Mapping[str, str] = field(default_factory=dict)
    userid: str | None = None

    @classmethod
    def from_arn(
        cls,
        arn: str,
        *,
        org_id: str | None = None,
        tags: Mapping[str, str] | None = None,
        unique_id: str | None = None,
        principal_arn: str | None = None,
    ) -> Caller:
        """A Caller from the ARN it authenticated as.

        ``unique_id`` is the IAM unique ID of the user or role (AIDA.../AROA...), needed for
        ``aws:userid``; ``principal_arn`` overrides the role ARN derived from a session ARN
        (a session ARN does not carry the role's path).
        """
        parsed = parse_arn(arn)
        if parsed is None or parsed.service not in {"iam", "sts"} or not parsed.account:
            raise ValueError(f"not a caller ARN: {arn!r}; {_HINT}")
        account, resource = parsed.account, parsed.resource
        prefix = f"arn:{parsed.partition}:iam::{account}:"
        tag_map = dict(tags or {})
        if parsed.service == "sts" and resource.startswith("assumed-role/"):
            parts = resource.split("/")
            if len(parts) != 3 or not parts[1] or not parts[2]:
                raise ValueError(f"not a role session ARN: {arn!r}; {_HINT}")
            role, session = parts[1], parts[2]
            userid = f"{unique_id}:{session}" if unique_id else None
            role_arn = principal_arn or f"{prefix}role/{role}"
            return cls(arn, account, role_arn, "AssumedRole", None, org_id, tag_map, userid)
        if parsed.service == "sts" and resource.startswith("federated-user/"):
            name = resource[len("federated-user/") :]
            return cls(
                arn,
                account,
                principal_arn or arn,
                "FederatedUser",
                None,
                org_id,
                tag_map,
                f"{account}:{name}",
            )
        if parsed.service == "iam" and resource == "root":
            return cls(
                arn, account, principal_arn or arn, "Account", None, org_id, tag_map, account
            )
        if parsed.service == "iam" and resource.startswith("user/"):
            name = resource.rsplit("/", 1)[-1]
            return cls(arn, account, principal_arn or arn, "User", name, org_id, tag_map, unique_id)
        if parsed.service == "iam" and resource.startswith("role/"):
            raise ValueError(
                f"{arn!r} is a role, which never calls AWS itself: its sessions do; {_HINT}"
            )
        raise ValueError(f"not a caller ARN: {arn!r}; {_HINT}")
