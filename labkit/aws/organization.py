"""Which organization policies can apply to the account, and which of them labkit cannot read.

``organizations:DescribeOrganization`` works from any member account. SCPs and RCPs themselves
are read only in the management account (or a delegated administrator), so from a member account
labkit says that they exist but are unseen, and what that leaves open.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import botocore.exceptions

from labkit.backend.errors import LabError

Standing = Literal["none", "member", "management", "unknown"]


@dataclass(frozen=True)
class OrgStanding:
    """The account's place in AWS Organizations."""

    standing: Standing
    org_id: str | None = None
    management_account: str | None = None
    reason: str = ""

    def unseen(self) -> list[str]:
        """What the explanation cannot judge, and what that leaves open (one line each)."""
        if self.standing == "none":
            return ["this account is in no organization: no SCP or RCP applies"]
        if self.standing == "management":
            return [
                f"this is the management account of {self.org_id}: SCPs and RCPs do not apply to it"
            ]
        if self.standing == "member":
            return [
                f"SCPs of {self.org_id} apply to this member account, and labkit cannot read "
                "them from here: an SCP could still deny what the policies above allow (its "
                "denial names a service control policy)",
                "RCPs, if the organization uses them, are not readable either: one could deny "
                "requests to this account's resources whoever makes them",
            ]
        return [
            f"whether this account is in an organization is unknown ({self.reason}): SCPs and "
            "RCPs, if any, are not judged"
        ]


def standing(organizations: Any, account_id: str) -> OrgStanding:
    """The account's standing, asked of ``organizations:DescribeOrganization``."""
    try:
        found = organizations.describe_organization()["Organization"]
    except botocore.exceptions.ClientError as exc:
        code = exc.response["Error"]["Code"]
        if code == "AWSOrganizationsNotInUseException":
            return OrgStanding("none")
        return OrgStanding("unknown", reason=code)
    except (LabError, botocore.exceptions.BotoCoreError) as exc:
        return OrgStanding("unknown", reason=str(exc).splitlines()[0])
    manager = found.get("MasterAccountId")
    kind: Standing = "management" if manager == account_id else "member"
    return OrgStanding(kind, found.get("Id"), manager)
