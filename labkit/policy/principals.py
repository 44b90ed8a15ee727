"""Who is asking (:class:`ParsedPrincipal`) and whether a ``Principal``/``NotPrincipal`` names them.

A caller is seen in layers: a role session is that session, its role and its account; an IAM
user is that user and its account. ``Principal`` matches if it names any layer (an account ID or
``arn:aws:iam::ACCOUNT:root`` means every principal of that account, as in interface endpoint
and other resource-based policies). ``NotPrincipal`` exempts a caller only if it names every layer,
which is why the IAM User Guide tells you to list the session, the role and the account; and it
never exempts an IAM user or role that has a permissions boundary ("The NotPrincipal element with a
Deny effect will always deny any IAM principal that has a permissions boundary policy attached",
IAM User Guide, "Permissions boundaries for IAM entities").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

PrincipalKind = Literal[
    "session", "user", "role", "root", "federated-user", "service", "anonymous", "other"
]
#: How a Principal element names the caller, strongest first (what a resource policy grants).
GrantLevel = Literal["everyone", "direct", "role", "account"]

_ARN = re.compile(r"arn:([^:]*):([^:]*):([^:]*):([^:]*):(.*)", re.DOTALL)
_ACCOUNT_ID = re.compile(r"[0-9]{12}")


@dataclass(frozen=True, slots=True)
class ParsedPrincipal:
    """The principal of a request, split into the layers principal matching looks at."""

    arn: str
    kind: PrincipalKind
    account: str | None = None
    role_arn: str | None = None
    service: str | None = None
    bounded: bool = False  # an IAM user or role with a permissions boundary attached

    @property
    def iam_principal(self) -> bool:
        """True for an IAM user, a role or a role session (what a boundary can be set on)."""
        return self.kind in ("user", "role", "session")


def parse_principal(principal: str, principal_arn: str | None = None) -> ParsedPrincipal:
    """Read the principal as authenticated (session ARN, user ARN, service name, ``*``).

    ``principal_arn`` is the request's ``aws:PrincipalArn`` (for a role session, the role ARN with
    its path); without it the role ARN is rebuilt from the session ARN (without a path).
    """
    if principal in ("*", "anonymous", ""):
        return ParsedPrincipal(principal, "anonymous")
    parts = principal.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        if "." in principal:
            return ParsedPrincipal(principal, "service", service=principal.lower())
        return ParsedPrincipal(principal, "other")
    _arn, partition, service, _region, account_id, resource = parts
    account = account_id or None
    if service == "sts" and resource.startswith("assumed-role/"):
        pieces = resource.split("/")
        role_name = pieces[1] if len(pieces) > 2 else ""
        role_prefix = f"arn:{partition}:iam::{account_id}:role/"
        role_arn = role_prefix + role_name
        if (
            principal_arn
            and principal_arn.startswith(role_prefix)
            and principal_arn.rsplit("/", 1)[-1] == role_name
        ):
            role_arn = principal_arn
        return ParsedPrincipal(principal, "session", account, role_arn)
    if service == "sts" and resource.startswith("federated-user/"):
        return ParsedPrincipal(principal, "federated-user", account)
    if service == "iam":
        if resource == "root":
            return ParsedPrincipal(principal, "root", account)
        if resource.startswith("user/"):
            return ParsedPrincipal(principal, "user", account)
        if resource.startswith("role/"):
            return ParsedPrincipal(principal, "role", account, role_arn=principal)
    return ParsedPrincipal(principal, "other", account)


def account_of_principal_value(value: str) -> str | None:
    """The account an ``AWS`` principal value names as a whole (ID or root ARN), else ``None``."""
    if _ACCOUNT_ID.fullmatch(value):
        return value
    match = _ARN.fullmatch(value)
    if match and match.group(2) == "iam" and match.group(5) == "root":
        return match.group(4)
    return None


@dataclass(frozen=True, slots=True)
class PrincipalSet:
    """The principals a ``Principal`` or ``NotPrincipal`` element names."""

    everyone: bool = False
    accounts: frozenset[str] = frozenset()
    arns: frozenset[str] = frozenset()
    services: frozenset[str] = frozenset()
    federated: frozenset[str] = frozenset()
    canonical_users: frozenset[str] = frozenset()

    def level(self, caller: ParsedPrincipal) -> GrantLevel | None:
        """How this set names ``caller`` (``None`` if it does not)."""
        if self.everyone:
            return "everyone"
        if caller.kind == "role" and caller.arn in self.arns:
            # The role ARN names the role, never a grant "directly to the session": a resource
            # policy that grants to it is limited by the boundary and the session policy (IAM
            # User Guide, "Policy evaluation logic": IAM role).
            return "role"
        if caller.arn in self.arns:
            return "direct"
        if caller.service is not None and caller.service in self.services:
            return "direct"
        if (
            caller.role_arn is not None
            and caller.kind == "session"
            and caller.role_arn in self.arns
        ):
            return "role"
        if caller.account is not None and caller.account in self.accounts:
            return "account"
        if caller.arn in self.federated or caller.arn in self.canonical_users:
            return "direct"
        return None

    def names_every_layer(self, caller: ParsedPrincipal) -> bool:
        """True if every layer of ``caller`` is named (what ``NotPrincipal`` needs to exempt it)."""
        if caller.bounded and caller.iam_principal:
            return False  # a bounded IAM principal is never exempt, "regardless of the values"
        if self.everyone:
            return True
        if caller.kind == "service":
            return caller.service in self.services
        if caller.kind == "anonymous" or caller.account is None:
            return caller.arn in self.arns
        if caller.account not in self.accounts:
            return False
        if caller.kind == "root":
            return True
        if caller.kind == "session":
            return caller.arn in self.arns and caller.role_arn in self.arns
        return caller.arn in self.arns
