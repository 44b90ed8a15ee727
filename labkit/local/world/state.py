"""``LabState``: what the gateway, DNS responder, egress router and IMDS ask about the world.

Reads go in-process to moto through ``labkit.local.world.moto`` (no HTTP per request).
The method list is the contract in docs/architecture.md.
"""

from __future__ import annotations

import ipaddress
import threading
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from labkit import services
from labkit.local.world.buses_v2 import BusesV2
from labkit.local.world.endpoint_model import private_dns_covers
from labkit.local.world.moto import ec2_endpoints, ec2_network, iam, resources
from labkit.local.world.scenario import INSTANCE_SESSION_REFRESH_SECONDS, SeededLab
from labkit.local.world.views import (
    Credential,
    EndpointView,
    InstanceView,
    PolicySource,
)

DnsView = Literal["vpc", "public"]


def public_address_for(service: str) -> str:
    """The public (outside-the-VPC) address the lab's DNS gives ``service``.

    Real public addresses are not used on purpose: these are documentation ranges (RFC 5737),
    one stable address per service (docs/fidelity/local-control.md).
    """
    spec = services.find(service)
    if spec is not None:
        return spec.public_address
    return f"198.51.100.{sum(service.encode()) % 200 + 20}"


def _principal_arn_of(caller: Any) -> str:
    """The IAM user/role ARN behind a Credential, a catalog Caller, or an ARN string."""
    if isinstance(caller, Credential):
        return caller.principal_arn
    arn = caller if isinstance(caller, str) else getattr(caller, "arn", "")
    parts = arn.split(":", 5)
    if len(parts) == 6 and parts[2] == "sts" and parts[5].startswith("assumed-role/"):
        role = parts[5].split("/")[1]
        return f"arn:aws:iam::{parts[4]}:role/{role}"
    principal = getattr(caller, "principal_arn", None)
    return str(principal or arn)


class LabState:
    """The lab's AWS world as the data plane sees it."""

    def __init__(
        self,
        seeded: SeededLab,
        *,
        mint_instance_session: Callable[[], str],
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        moto_url: str = "",
    ) -> None:
        self.seeded = seeded
        self.moto_url = moto_url  # where the data plane forwards allowed calls
        self.region = seeded.region
        self.account_id = seeded.account_id
        self._mint_instance_session = mint_instance_session
        self._clock = clock
        self._session_lock = threading.Lock()
        self._instance_key: str | None = None
        self.buses_v2 = BusesV2()  # Custom Event Buses: the lab's own state (moto has none)
        for name in seeded.event_buses_v2:
            self.buses_v2.create(seeded.account_id, seeded.region, name)

    # ----------------------------------------------------------------- endpoints

    def endpoints(self) -> list[EndpointView]:
        """Every VPC endpoint in the lab account and Region."""
        return ec2_endpoints.endpoints(self.account_id, self.region)

    def endpoint(self, vpce_id: str) -> EndpointView | None:
        """One endpoint by id, or None."""
        return ec2_endpoints.endpoint(self.account_id, self.region, vpce_id)

    def endpoint_for_ip(
        self, ip: str, endpoints: Sequence[EndpointView] | None = None
    ) -> EndpointView | None:
        """The endpoint whose network interface holds ``ip``.

        ``endpoints``: :meth:`endpoints` as the caller just read it (one reading per call routed).
        """
        for endpoint in self.endpoints() if endpoints is None else endpoints:
            if ip in endpoint.ips:
                return endpoint
        return None

    def endpoint_policy(self, vpce_id: str) -> str:
        """The live policy text of an endpoint; KeyError if there is no such endpoint."""
        text = ec2_endpoints.endpoint_policy(self.account_id, self.region, vpce_id)
        if text is None:
            raise KeyError(vpce_id)
        return text

    # ----------------------------------------------------------------- identities

    def credentials(self, access_key_id: str) -> Credential | None:
        """The identity behind an access key (any account of the lab); None if unknown."""
        return iam.find_credential(access_key_id, self.seeded.org_ids())

    def inline_policies(self, account_id: str, kind: str, name: str) -> dict[str, str]:
        """The inline policies (name → text) of a role, user or group (``kind``)."""
        return iam.inline_policies(account_id, kind, name)

    def identity_policies(self, caller: Any) -> list[PolicySource]:
        """Inline, attached managed and group policies of the caller's user or role."""
        return iam.identity_policies(_principal_arn_of(caller))

    def session_policy(self, caller: Any) -> PolicySource | None:
        """The session policy of an assumed-role caller, where one was passed."""
        key = getattr(caller, "access_key_id", None)
        return iam.session_policy(key) if key else None

    def permission_boundary(self, caller: Any) -> PolicySource | None:
        """The permissions boundary of the caller's user or role, where one is set."""
        return iam.permission_boundary(_principal_arn_of(caller))

    def trust_policy(self, role_arn: str) -> PolicySource | None:
        """The trust policy of the role ``role_arn`` names; None when there is no such role."""
        return iam.role_trust_policy(role_arn)

    def service_control_policies(self, account_id: str) -> list[list[PolicySource]]:
        """The SCPs over ``account_id``, one list per level (root first); [] outside the org.

        Only a scenario's own organization has SCPs (``"scps"`` in its file), and they apply to
        its accounts that are members (``org_id`` equal to the scenario's).
        """
        org = self.seeded.org_id
        if not org or not self.seeded.scps or self.org_id_of(account_id) != org:
            return []
        return [
            [PolicySource("scp", name, text) for name, text in level] for level in self.seeded.scps
        ]

    def resource_policy(self, arn: str) -> str | None:
        """The resource-based policy IAM principals meet on ``arn`` (event-bus policies)."""
        return resources.resource_policy(arn)

    def resource_tags(self, arn: str) -> dict[str, str]:
        """Tags of the resource ``arn`` names (log group or event bus)."""
        return resources.resource_tags(arn)

    def org_id_of(self, account_id: str) -> str | None:
        """The organization an account belongs to, per the scenario."""
        return self.seeded.org_ids().get(account_id)

    # ----------------------------------------------------------------- the instance

    def instance(self) -> InstanceView:
        """The lab's EC2 instance."""
        return ec2_network.instance(self.account_id, self.region, self.seeded.instance_id)

    def works_outside(self, access_key_id: str) -> bool:
        """Whether calls signed with this key come from outside the VPC: the lab's admin's.

        The admin works from the console or a laptop, never from the instance; any other key
        (the instance role's session, another account's keys carried onto the instance) is
        wherever the call was made.
        """
        if access_key_id == self.seeded.admin_access_key_id:
            return True
        if not access_key_id.startswith("AKIA"):  # session keys (ASIA…) are never the admin's
            return False
        found = self.credentials(access_key_id)
        return found is not None and found.principal_arn == self.seeded.admin_user_arn

    def instance_credentials(self) -> Credential:
        """The instance-role session, minted again when less than 30 minutes remain."""
        with self._session_lock:
            current = self.credentials(self._instance_key) if self._instance_key else None
            limit = self._clock() + timedelta(seconds=INSTANCE_SESSION_REFRESH_SECONDS)
            if current is None or (current.expiration is not None and current.expiration <= limit):
                self._instance_key = self._mint_instance_session()
                current = self.credentials(self._instance_key)
            if current is None:
                raise RuntimeError("moto did not keep the instance-role session it just minted")
            return current

    def session_arn(self) -> str:
        """``arn:aws:sts::<account>:assumed-role/<role>/<instance-id>``."""
        return (
            f"arn:aws:sts::{self.account_id}:assumed-role/"
            f"{self.seeded.instance_role}/{self.seeded.instance_id}"
        )

    # ----------------------------------------------------------------- network

    def route_to_internet(self, subnet_id: str) -> Literal["igw", "nat"] | None:
        """How a subnet reaches the internet: ``igw``, ``nat`` or None."""
        found = ec2_network.route_to_internet(self.account_id, self.region, subnet_id)
        return found if found in ("igw", "nat") else None  # type: ignore[return-value]

    def sg_allows(self, group_ids: Sequence[str], src_ip: str, port: int) -> bool:
        """Whether any ingress rule of ``group_ids`` admits TCP ``port`` from ``src_ip``."""
        rules = ec2_network.security_group_ingress(self.account_id, self.region, group_ids)
        source_groups: set[str] | None = None
        address = ipaddress.ip_address(src_ip)
        for rule in rules:
            if rule.protocol not in ("-1", "tcp", "6"):
                continue
            ranged = rule.protocol != "-1" and rule.from_port is not None
            if ranged and not (rule.from_port <= port <= (rule.to_port or rule.from_port)):
                continue
            if rule.cidr is not None and address in ipaddress.ip_network(rule.cidr, strict=False):
                return True
            if rule.source_group_id is not None:
                if source_groups is None:
                    source_groups = ec2_network.group_ids_of_address(
                        self.account_id, self.region, src_ip
                    )
                if rule.source_group_id in source_groups:
                    return True
        return False

    # ----------------------------------------------------------------- DNS truth

    def resolve(
        self, name: str, view: DnsView, endpoints: Sequence[EndpointView] | None = None
    ) -> list[str] | None:
        """A records for ``name`` as the VPC resolver (``vpc``) or public DNS (``public``) answers.

        None means NXDOMAIN. Endpoint-specific ``vpce-…`` names resolve in both views; a
        service's own name resolves to the ENIs only inside the VPC, with private DNS on and the
        endpoint available; otherwise to the service's public address. ``endpoints``:
        :meth:`endpoints` as the caller just read it.
        """
        name = name.lower().rstrip(".")
        instance_vpc = self.seeded.vpc_id
        service_private: list[str] | None = None
        for endpoint in self.endpoints() if endpoints is None else endpoints:
            if endpoint.state != "available":
                continue
            if name in endpoint.dns_names:
                zonal = name.split(".", 1)[0]
                for eni in endpoint.enis:
                    if zonal.endswith("-" + eni.availability_zone):
                        return [eni.ip]
                return endpoint.ips
            if (
                view == "vpc"
                and endpoint.vpc_id == instance_vpc
                and endpoint.private_dns_enabled
                and private_dns_covers(endpoint.service_name, self.region, name)
            ):
                service_private = endpoint.ips
        if service_private is not None:
            return service_private
        return self._public_answer(name)

    @property
    def regions(self) -> tuple[str, ...]:
        """The Regions the lab models: its own first, then the scenario's other Regions."""
        return self.seeded.regions

    def _public_answer(self, name: str) -> list[str] | None:
        known = services.parse_hostname(name, self.regions)
        if known is not None:
            if known.variant == "fips" and known.region not in services.FIPS_REGIONS:
                return None  # no FIPS name in this Region (aws-facts-2026 §1.22)
            return [known.spec.public_address]
        labels = name.split(".")
        if name.endswith(".amazonaws.com") and len(labels) == 4 and labels[1] == self.region:
            return [public_address_for(labels[0])]  # any other service of the lab's Region
        return None
