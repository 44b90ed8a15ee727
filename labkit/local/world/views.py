"""Plain, moto-free views of the lab's AWS state, as ``LabState`` hands them out.

The moto adapter builds them; the gateway, DNS responder, egress router and IMDS read them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from labkit.catalog import Caller


@dataclass(frozen=True)
class EniView:
    """One endpoint network interface."""

    eni_id: str
    subnet_id: str
    availability_zone: str
    ip: str


@dataclass(frozen=True)
class EndpointView:
    """One VPC endpoint as the data plane needs it."""

    id: str
    service_name: str  # com.amazonaws.<region>.<service>
    service: str  # the short name: logs, events, ...
    endpoint_type: str  # Interface | Gateway
    vpc_id: str
    subnet_ids: tuple[str, ...]
    enis: tuple[EniView, ...]
    private_dns_enabled: bool
    private_dns_name: str | None
    state: str
    security_group_ids: tuple[str, ...]
    policy_document: str
    dns_names: tuple[str, ...]  # endpoint-specific names: regional first, then zonal
    region: str

    @property
    def ips(self) -> list[str]:
        """ENI addresses in subnet order."""
        return [eni.ip for eni in self.enis]

    def ips_by_az(self) -> dict[str, str]:
        """One ENI address per Availability Zone."""
        return {eni.availability_zone: eni.ip for eni in self.enis}


@dataclass(frozen=True)
class Credential:
    """An access key the lab knows, with the identity it authenticates as.

    ``repr`` never shows the secret or the session token.
    """

    access_key_id: str
    secret_access_key: str = field(repr=False)
    session_token: str | None = field(repr=False)
    expiration: datetime | None
    arn: str  # as authenticated: user ARN or assumed-role session ARN
    account_id: str
    principal_arn: str  # the IAM user or role behind it
    principal_type: Literal["user", "assumed-role"]
    username: str | None = None
    org_id: str | None = None
    unique_id: str | None = None  # AIDA.../AROA...: aws:userid is "<unique_id>[:<session>]"

    @property
    def caller(self) -> Caller:
        """This identity as the catalog sees a caller."""
        return Caller.from_arn(
            self.arn,
            org_id=self.org_id,
            unique_id=self.unique_id,
            principal_arn=self.principal_arn,
        )


@dataclass(frozen=True)
class PolicySource:
    """The text of one policy attached to a principal, and where it comes from."""

    kind: Literal[
        "inline", "managed", "group-inline", "group-managed", "boundary", "session", "trust", "scp"
    ]
    name: str
    document: str
    arn: str | None = None


@dataclass(frozen=True)
class InstanceView:
    """The lab's EC2 instance."""

    id: str
    account_id: str
    region: str
    vpc_id: str
    subnet_id: str
    availability_zone: str
    private_ip: str
    public_ip: str | None
    security_group_ids: tuple[str, ...]
    image_id: str
    instance_type: str
    launch_time: datetime
    role_name: str | None
    instance_profile_arn: str | None
    mac: str


@dataclass(frozen=True)
class IngressRule:
    """One security-group ingress rule (ports inclusive; protocol ``-1`` means all)."""

    group_id: str
    protocol: str
    from_port: int | None
    to_port: int | None
    cidr: str | None
    source_group_id: str | None


@dataclass(frozen=True)
class VpcFacts:
    """The VPC attributes the endpoint validations need."""

    id: str
    cidr: str
    dns_support: bool
    dns_hostnames: bool
    is_default: bool


@dataclass(frozen=True)
class SubnetFacts:
    """A subnet's place in the VPC."""

    id: str
    vpc_id: str
    cidr: str
    availability_zone: str
