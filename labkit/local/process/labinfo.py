"""``LabInfo``: what a running lab is (ids and URLs), with no secret in it."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class LabInfo:
    """Ids, URLs and files of one running lab. Safe to print: it holds no secret."""

    scenario: str
    region: str
    account_id: str
    other_account_ids: tuple[str, ...]
    org_id: str | None
    vpc_id: str
    vpc_cidr: str
    subnet_ids: tuple[str, ...]
    subnet_azs: dict[str, str]
    security_group_ids: dict[str, str]
    instance_id: str
    instance_private_ip: str
    role_name: str
    role_arn: str
    session_arn: str
    admin_arn: str
    other_account_user_arns: dict[str, str]
    # control, egress, public, imds, ctl: base URLs; dns_vpc, dns_public: (host, port)
    urls: dict[str, Any]
    home: str  # the lab's private HOME: .digrc, .aws/config
    config_file: str
    pid: int
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def dns_vpc(self) -> tuple[str, int]:
        """The VPC resolver's (host, port)."""
        host, port = self.urls["dns_vpc"]
        return str(host), int(port)

    @property
    def dns_public(self) -> tuple[str, int]:
        """The public resolver's (host, port)."""
        host, port = self.urls["dns_public"]
        return str(host), int(port)

    def to_dict(self) -> dict[str, Any]:
        """As JSON-ready data."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LabInfo:
        """Inverse of ``to_dict``."""
        values = dict(data)
        for key in ("other_account_ids", "subnet_ids"):
            values[key] = tuple(values[key])
        values["urls"] = {
            k: tuple(v) if isinstance(v, list) else v for k, v in values["urls"].items()
        }
        return cls(**values)
