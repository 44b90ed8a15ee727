"""What the public ``Lab`` needs from a backend (local lab or real AWS), and shared value types."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from labkit.backend.calls import Call
from labkit.backend.record import DecisionRecord


@dataclass(frozen=True)
class Subnet:
    """One subnet of the lab's VPC."""

    subnet_id: str
    availability_zone: str
    cidr: str


@dataclass(frozen=True)
class NetworkFacts:
    """Where endpoints go: the VPC, its subnets (one per AZ) and the endpoint security groups."""

    vpc_id: str
    vpc_cidr: str
    subnets: tuple[Subnet, ...]
    endpoint_security_groups: tuple[str, ...] = ()
    instance_id: str | None = None
    instance_subnet: str | None = None
    instance_private_ip: str | None = None
    other_accounts: tuple[str, ...] = ()
    org_id: str | None = None


@dataclass(frozen=True)
class Identity:
    """One principal the lab can act as."""

    who: str
    arn: str
    account_id: str


@dataclass(frozen=True)
class BackendInfo:
    """Banner facts: backend name, Region, account, run ID, identities."""

    backend: str
    region: str
    account_id: str
    run_id: str
    identities: Mapping[str, Identity] = field(default_factory=dict)
    scenario: str | None = None


class Backend(Protocol):
    """A lab backend. Local and AWS both answer through real AWS APIs (EC2, IAM, Logs, Events)."""

    info: BackendInfo

    def client(self, service: str, who: str = "instance") -> Any:
        """A botocore client as ``who``, its traffic routed as that identity's would be."""

    def env(self, who: str = "instance") -> dict[str, str]:
        """Environment variables that make ``aws``/``dig``/boto3 in this kernel use the lab."""

    def network(self) -> NetworkFacts:
        """The VPC the lab uses."""

    def record(
        self, call: Call, request_id: str | None, error: Mapping[str, Any] | None
    ) -> DecisionRecord | None:
        """What happened to a finished call: the lab's decision record, or one built from the
        response where there is no decision log (real AWS); None when nothing is known."""

    def decision(self, request_id: str) -> DecisionRecord | None:
        """The decision-log record for ``request_id`` (None where the backend has no log)."""

    def dns_server(self, view: str) -> tuple[str, int] | None:
        """(host, port) of the resolver for ``view`` ("vpc" or "public"); None: system resolver."""

    def require_write(self, what: str) -> None:
        """Raise ConfirmationRequired if the backend may not create or change ``what`` yet."""

    def stop(self) -> None:
        """Release everything the backend holds; idempotent."""
