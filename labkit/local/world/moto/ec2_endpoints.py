"""Interface endpoints as AWS has them: ENIs inside their subnets, DnsEntries, lifecycle,
default policies, ResetPolicy and private DNS on modify (moto gets each of these wrong)."""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from labkit.local.world import endpoint_model as model
from labkit.local.world.moto.backends import LOCK
from labkit.local.world.moto.backends import ec2 as ec2_backend
from labkit.local.world.views import EndpointView, EniView

# How long a new interface endpoint stays ``pending`` before it reads ``available``
# (real AWS: one to two minutes; see docs/fidelity/local-control.md). Long enough that
# CreateVpcEndpoint and the first DescribeVpcEndpoints a waiting client makes read ``pending``
# (notebook 01 shows that lifecycle), short enough that no other notebook waits for it.
DEFAULT_PENDING_SECONDS = 0.1
_pending_seconds = DEFAULT_PENDING_SECONDS


def set_pending_seconds(seconds: float) -> None:
    """How long endpoints created from now on stay ``pending``."""
    global _pending_seconds
    _pending_seconds = seconds


def patch_vpc_backend(originals: dict[str, Any]) -> None:
    """Patch moto's VPC backend so that endpoints look and behave as on AWS (call once).

    moto's own methods go into ``originals`` (the drift tests call them).
    """
    from moto.ec2.models.vpcs import VPCBackend

    with LOCK:
        original_create = VPCBackend.create_vpc_endpoint
        original_modify = VPCBackend.modify_vpc_endpoint
        original_describe = VPCBackend.describe_vpc_endpoints
        originals.update(
            create_vpc_endpoint=original_create,
            modify_vpc_endpoint=original_modify,
            describe_vpc_endpoints=original_describe,
        )

        def create_vpc_endpoint(self: Any, *args: Any, **kwargs: Any) -> Any:
            endpoint = original_create(self, *args, **kwargs)
            with LOCK:
                _fix_new_endpoint(self, endpoint, explicit_policy=bool(endpoint_policy_arg(kwargs)))
            return endpoint

        def modify_vpc_endpoint(self: Any, *args: Any, **kwargs: Any) -> Any:
            vpce_id = kwargs.get("vpc_id") or args[0]
            endpoint = self.vpc_end_points.get(vpce_id)
            subnets_before = list(endpoint.subnet_ids or []) if endpoint else []
            result = original_modify(self, *args, **kwargs)
            if endpoint is not None:
                with LOCK:
                    _sync_endpoint_enis(self, endpoint, subnets_before)
            return result

        def describe_vpc_endpoints(self: Any, *args: Any, **kwargs: Any) -> Any:
            refresh_lifecycle_of(self)
            return original_describe(self, *args, **kwargs)

        VPCBackend.create_vpc_endpoint = create_vpc_endpoint
        VPCBackend.modify_vpc_endpoint = modify_vpc_endpoint
        VPCBackend.describe_vpc_endpoints = describe_vpc_endpoints


def endpoint_policy_arg(kwargs: dict[str, Any]) -> str | None:
    """The PolicyDocument moto's create handler passed on (keyword ``policy_document``)."""
    value = kwargs.get("policy_document")
    return value if isinstance(value, str) and value else None


def _is_interface(endpoint: Any) -> bool:
    return str(endpoint.vpc_endpoint_type or "").lower() == "interface"


def _fix_new_endpoint(backend: Any, endpoint: Any, *, explicit_policy: bool) -> None:
    if not _is_interface(endpoint):
        if not explicit_policy:
            endpoint.policy_document = model.DEFAULT_GATEWAY_POLICY
        return
    if not explicit_policy:
        endpoint.policy_document = model.DEFAULT_INTERFACE_POLICY
    if not endpoint.security_group_ids:
        default_group = backend.get_default_security_group(endpoint.vpc_id)
        if default_group is not None:
            endpoint.security_group_ids = [default_group.id]
    endpoint.requester_managed = False
    endpoint.ip_address_type = "ipv4"
    endpoint.dns_options = {"DnsRecordIpType": "ipv4"}
    endpoint.labkit_dns_suffix = model.random_dns_suffix()
    endpoint.labkit_private_zone = None
    endpoint.labkit_available_at = time.monotonic() + _pending_seconds
    endpoint.state = "pending"
    for eni_id in endpoint.network_interface_ids:
        _fix_endpoint_eni(backend, endpoint, backend.enis[eni_id])
    _rebuild_dns_entries(backend, endpoint)
    if _pending_seconds <= 0:
        _make_available(endpoint)
        _rebuild_dns_entries(backend, endpoint)


def _fix_endpoint_eni(backend: Any, endpoint: Any, eni: Any) -> None:
    subnet = eni.subnet
    used = [
        other.private_ip_address
        for other in list(backend.enis.values())
        if other is not eni and other.subnet is not None and other.subnet.id == subnet.id
    ]
    address = model.allocate_address(subnet.cidr_block, used)
    eni.private_ip_address = address
    eni.private_dns_name = model.private_ip_dns_name(address, backend.region_name)
    eni.private_ip_addresses = [
        {"Primary": True, "PrivateIpAddress": address, "PrivateDnsName": eni.private_dns_name}
    ]
    eni.interface_type = "vpc_endpoint"
    eni.requester_managed = True
    eni.description = model.eni_description(endpoint.id)
    eni.status = "in-use"
    groups = [backend.get_security_group_from_id(g) for g in endpoint.security_group_ids]
    eni._group_set = [g for g in groups if g is not None]


def _rebuild_dns_entries(backend: Any, endpoint: Any) -> None:
    zones = [backend.get_subnet(s).availability_zone for s in endpoint.subnet_ids or []]
    entries = model.dns_entries(
        vpce_id=endpoint.id,
        suffix=endpoint.labkit_dns_suffix,
        service_name=endpoint.service_name,
        region=backend.region_name,
        availability_zones=zones,
        private_dns=bool(endpoint.private_dns_enabled),
        private_zone_id=endpoint.labkit_private_zone,
    )
    endpoint.dns_entries = [entry.to_wire() for entry in entries]


def _make_available(endpoint: Any) -> None:
    endpoint.state = "available"
    endpoint.labkit_private_zone = endpoint.labkit_private_zone or model.random_private_zone_id()


def refresh_lifecycle_of(backend: Any) -> None:
    """Move endpoints whose pending time has passed to ``available``."""
    now = time.monotonic()
    with LOCK:
        for endpoint in list(backend.vpc_end_points.values()):
            due = getattr(endpoint, "labkit_available_at", None)
            if endpoint.state == "pending" and due is not None and now >= due:
                _make_available(endpoint)
                _rebuild_dns_entries(backend, endpoint)


def _sync_endpoint_enis(backend: Any, endpoint: Any, subnets_before: list[str]) -> None:
    """After a modify: one ENI per subnet, ENIs follow the endpoint's security groups."""
    if not _is_interface(endpoint):
        return
    current = list(endpoint.subnet_ids or [])
    by_subnet = {
        backend.enis[e].subnet.id: e for e in endpoint.network_interface_ids if e in backend.enis
    }
    for subnet_id in [s for s in subnets_before if s not in current]:
        eni_id = by_subnet.pop(subnet_id, None)
        if eni_id:
            backend.enis.pop(eni_id, None)
    for subnet_id in [s for s in current if s not in by_subnet]:
        eni = backend.create_network_interface(subnet_id, None)
        by_subnet[subnet_id] = eni.id
    endpoint.network_interface_ids = [by_subnet[s] for s in current]
    for eni_id in endpoint.network_interface_ids:
        _fix_endpoint_eni_groups(backend, endpoint, backend.enis[eni_id])
    _rebuild_dns_entries(backend, endpoint)


def _fix_endpoint_eni_groups(backend: Any, endpoint: Any, eni: Any) -> None:
    if eni.interface_type != "vpc_endpoint":
        _fix_endpoint_eni(backend, endpoint, eni)
        return
    groups = [backend.get_security_group_from_id(g) for g in endpoint.security_group_ids]
    eni._group_set = [g for g in groups if g is not None]


def endpoint_service_exists(account_id: str, region: str, service_name: str) -> bool:
    """Whether moto's endpoint-service catalogue lists ``service_name`` (first call ≈ 0.8 s)."""
    from moto.ec2.models.vpcs import VPCBackend

    services = VPCBackend._collect_default_endpoint_services(account_id, region)
    return any(s.get("ServiceName") == service_name for s in services)


def delete_endpoints(account_id: str, region: str, vpce_ids: Iterable[str]) -> None:
    """Delete endpoints and their ENIs; gone at once (moto would keep them as ``deleted``)."""
    ids = list(vpce_ids)
    with LOCK:
        backend = ec2_backend(account_id, region)
        backend.delete_vpc_endpoints(vpce_ids=ids)
        for vpce_id in ids:
            backend.vpc_end_points.pop(vpce_id, None)


def reset_endpoint_policy(account_id: str, region: str, vpce_id: str) -> None:
    """ModifyVpcEndpoint ``ResetPolicy``: moto ignores it, so the lab applies it here."""
    with LOCK:
        endpoint = ec2_backend(account_id, region).vpc_end_points[vpce_id]
        endpoint.policy_document = (
            model.DEFAULT_INTERFACE_POLICY
            if _is_interface(endpoint)
            else model.DEFAULT_GATEWAY_POLICY
        )


def set_endpoint_private_dns(account_id: str, region: str, vpce_id: str, enabled: bool) -> None:
    """ModifyVpcEndpoint ``PrivateDnsEnabled``: moto ignores it, so the lab applies it here."""
    with LOCK:
        backend = ec2_backend(account_id, region)
        endpoint = backend.vpc_end_points[vpce_id]
        endpoint.private_dns_enabled = enabled
        if _is_interface(endpoint):
            _rebuild_dns_entries(backend, endpoint)


def _endpoint_view(backend: Any, endpoint: Any) -> EndpointView:
    enis = []
    for eni_id in endpoint.network_interface_ids or []:
        eni = backend.enis.get(eni_id)
        if eni is None:
            continue
        enis.append(
            EniView(eni.id, eni.subnet.id, eni.subnet.availability_zone, eni.private_ip_address)
        )
    region = backend.region_name
    dns_names = tuple(
        entry["DnsName"]
        for entry in endpoint.dns_entries or []
        if isinstance(entry, dict) and ".vpce.amazonaws.com" in entry.get("DnsName", "")
    )
    return EndpointView(
        id=endpoint.id,
        service_name=endpoint.service_name,
        service=model.service_short_name(endpoint.service_name, region) or endpoint.service_name,
        endpoint_type=str(endpoint.vpc_endpoint_type or "Gateway"),
        vpc_id=endpoint.vpc_id,
        subnet_ids=tuple(endpoint.subnet_ids or ()),
        enis=tuple(enis),
        private_dns_enabled=bool(endpoint.private_dns_enabled),
        private_dns_name=model.private_dns_name(endpoint.service_name, region),
        state=endpoint.state,
        security_group_ids=tuple(endpoint.security_group_ids or ()),
        policy_document=endpoint.policy_document,
        dns_names=dns_names,
        region=region,
    )


def endpoints(account_id: str, region: str) -> list[EndpointView]:
    """Every VPC endpoint of one account and Region (lifecycle refreshed first)."""
    backend = ec2_backend(account_id, region)
    refresh_lifecycle_of(backend)
    return [_endpoint_view(backend, e) for e in list(backend.vpc_end_points.values())]


def endpoint(account_id: str, region: str, vpce_id: str) -> EndpointView | None:
    """One endpoint, or None."""
    backend = ec2_backend(account_id, region)
    refresh_lifecycle_of(backend)
    found = backend.vpc_end_points.get(vpce_id)
    return _endpoint_view(backend, found) if found is not None else None


def endpoint_policy(account_id: str, region: str, vpce_id: str) -> str | None:
    """The live policy text of one endpoint (no HTTP round trip)."""
    found = ec2_backend(account_id, region).vpc_end_points.get(vpce_id)
    return None if found is None else str(found.policy_document)
