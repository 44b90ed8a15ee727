"""The one module that reaches into moto's internals (moto is pinned to 5.2.5 in pyproject).

It starts moto's threaded server on loopback, corrects moto where it differs from AWS (interface
endpoint ENIs, DnsEntries, lifecycle, default policies, ResetPolicy, private DNS on modify) in
one place, and turns moto's objects into the plain views of ``labkit.local.world.views``.
A moto upgrade is a change to this file only; ``tests/local/control/test_moto_adapter.py``
fails if moto's behaviour underneath these corrections changes.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

from labkit.local.world import endpoint_model as model
from labkit.local.world.views import (
    Credential,
    EndpointView,
    EniView,
    IngressRule,
    InstanceView,
    PolicySource,
    SubnetFacts,
    VpcFacts,
)

PINNED_MOTO_VERSION = "5.2.5"
# How long a new interface endpoint stays ``pending`` before it reads ``available``
# (real AWS: one to two minutes; see docs/fidelity/local-control.md).
DEFAULT_PENDING_SECONDS = 1.0
_PARTITION = "aws"
_lock = threading.RLock()
_installed = False
_pending_seconds = DEFAULT_PENDING_SECONDS
# moto's own methods as they were before install_fixups() (the drift tests call them).
ORIGINAL_METHODS: dict[str, Any] = {}


def prepare_environment() -> None:
    """Settings moto reads at import time; call before anything imports moto."""
    os.environ.setdefault("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
    os.environ.pop("MOTO_ACCOUNT_ID", None)  # would pin every request to one account
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    share_botocore_loader()


def share_botocore_loader() -> None:
    """One botocore data loader per process instead of one per Session.

    moto creates a fresh boto3 Session for several look-ups while it imports and serves
    (``get_available_regions``, response serialization), and each fresh Session would parse
    endpoints.json and the EC2 model again: about a second of a lab's cold start.
    """
    import botocore.loaders
    import botocore.session

    if getattr(botocore.session.create_loader, "labkit_shared", False):
        return
    original = botocore.loaders.create_loader
    loaders: dict[Any, Any] = {}
    lock = threading.Lock()

    def create_loader(search_path_string: Any = None) -> Any:
        with lock:
            if search_path_string not in loaders:
                loaders[search_path_string] = original(search_path_string)
            return loaders[search_path_string]

    create_loader.labkit_shared = True  # type: ignore[attr-defined]
    botocore.session.create_loader = create_loader


def moto_version() -> str:
    """The installed moto version."""
    import moto

    return str(moto.__version__)


class MotoServer:
    """moto's ThreadedMotoServer on 127.0.0.1 and an OS-chosen port."""

    def __init__(self) -> None:
        from moto.moto_server.threaded_moto_server import ThreadedMotoServer

        prepare_environment()
        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self.url = ""

    def start(self) -> str:
        """Start serving; returns ``http://127.0.0.1:<port>``."""
        self._server.start()
        host, port = self._server.get_host_and_port()
        self.url = f"http://{host}:{port}"
        return self.url

    def wsgi_app(self) -> Any:
        """moto's WSGI application (the one the server runs), for in-process calls."""
        inner = getattr(self._server, "_server", None)
        if inner is None:
            raise RuntimeError("start the moto server before asking for its WSGI app")
        return inner.app

    def stop(self) -> None:
        """Stop serving and free the port (takes about half a second: werkzeug's poll)."""
        self._server.stop()
        inner = getattr(self._server, "_server", None)
        if inner is not None:
            inner.server_close()


# --------------------------------------------------------------------------- backends


def _ec2(account_id: str, region: str) -> Any:
    from moto.ec2.models import ec2_backends

    return ec2_backends[account_id][region]


def _iam(account_id: str) -> Any:
    from moto.iam.models import iam_backends

    return iam_backends[account_id][_PARTITION]


def _known_accounts(backends: Any) -> list[str]:
    return [str(account) for account in list(backends.keys())]


# --------------------------------------------------------------------------- EC2 fix-ups


def install_fixups(pending_seconds: float = DEFAULT_PENDING_SECONDS) -> None:
    """Patch moto's VPC backend once so that endpoints look and behave as on AWS."""
    global _installed, _pending_seconds
    from moto.ec2.models.vpcs import VPCBackend

    _pending_seconds = pending_seconds
    with _lock:
        if _installed:
            return
        original_create = VPCBackend.create_vpc_endpoint
        original_modify = VPCBackend.modify_vpc_endpoint
        original_describe = VPCBackend.describe_vpc_endpoints
        ORIGINAL_METHODS.update(
            create_vpc_endpoint=original_create,
            modify_vpc_endpoint=original_modify,
            describe_vpc_endpoints=original_describe,
        )

        def create_vpc_endpoint(self: Any, *args: Any, **kwargs: Any) -> Any:
            endpoint = original_create(self, *args, **kwargs)
            with _lock:
                _fix_new_endpoint(self, endpoint, explicit_policy=bool(endpoint_policy_arg(kwargs)))
            return endpoint

        def modify_vpc_endpoint(self: Any, *args: Any, **kwargs: Any) -> Any:
            vpce_id = kwargs.get("vpc_id") or args[0]
            endpoint = self.vpc_end_points.get(vpce_id)
            subnets_before = list(endpoint.subnet_ids or []) if endpoint else []
            result = original_modify(self, *args, **kwargs)
            if endpoint is not None:
                with _lock:
                    _sync_endpoint_enis(self, endpoint, subnets_before)
            return result

        def describe_vpc_endpoints(self: Any, *args: Any, **kwargs: Any) -> Any:
            refresh_lifecycle_of(self)
            return original_describe(self, *args, **kwargs)

        VPCBackend.create_vpc_endpoint = create_vpc_endpoint
        VPCBackend.modify_vpc_endpoint = modify_vpc_endpoint
        VPCBackend.describe_vpc_endpoints = describe_vpc_endpoints
        _fix_user_ids()
        _installed = True


def _fix_user_ids() -> None:
    """IAM user IDs as AWS forms them (``AIDA`` + 17 characters), not moto's lowercase ones.

    ``aws:userid`` of an IAM user is this ID, so policies and messages see the real shape.
    """
    from moto.iam.models import User
    from moto.iam.utils import generate_access_key_id_from_account_id

    original_init = User.__init__
    ORIGINAL_METHODS["User.__init__"] = original_init

    def init(self: Any, account_id: str, *args: Any, **kwargs: Any) -> None:
        original_init(self, account_id, *args, **kwargs)
        self.id = generate_access_key_id_from_account_id(
            account_id=account_id, prefix="AIDA", total_length=21
        )

    User.__init__ = init  # type: ignore[method-assign]


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
    with _lock:
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


def ec2_backend(account_id: str, region: str) -> Any:
    """moto's EC2 backend object (for the adapter's drift tests only)."""
    return _ec2(account_id, region)


def reset_moto(moto_url: str) -> None:
    """Empty every moto backend of this process (moto's own reset API)."""
    import urllib.request

    request = urllib.request.Request(f"{moto_url}/moto-api/reset", method="POST", data=b"")
    direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback only
    with direct.open(request, timeout=30) as response:
        response.read()


def endpoint_service_exists(account_id: str, region: str, service_name: str) -> bool:
    """Whether moto's endpoint-service catalogue lists ``service_name`` (first call ≈ 0.8 s)."""
    from moto.ec2.models.vpcs import VPCBackend

    services = VPCBackend._collect_default_endpoint_services(account_id, region)
    return any(s.get("ServiceName") == service_name for s in services)


def delete_endpoints(account_id: str, region: str, vpce_ids: Iterable[str]) -> None:
    """Delete endpoints and their ENIs; gone at once (moto would keep them as ``deleted``)."""
    ids = list(vpce_ids)
    with _lock:
        backend = _ec2(account_id, region)
        backend.delete_vpc_endpoints(vpce_ids=ids)
        for vpce_id in ids:
            backend.vpc_end_points.pop(vpce_id, None)


def reset_endpoint_policy(account_id: str, region: str, vpce_id: str) -> None:
    """ModifyVpcEndpoint ``ResetPolicy``: moto ignores it, so the lab applies it here."""
    with _lock:
        endpoint = _ec2(account_id, region).vpc_end_points[vpce_id]
        endpoint.policy_document = (
            model.DEFAULT_INTERFACE_POLICY
            if _is_interface(endpoint)
            else model.DEFAULT_GATEWAY_POLICY
        )


def set_endpoint_private_dns(account_id: str, region: str, vpce_id: str, enabled: bool) -> None:
    """ModifyVpcEndpoint ``PrivateDnsEnabled``: moto ignores it, so the lab applies it here."""
    with _lock:
        backend = _ec2(account_id, region)
        endpoint = backend.vpc_end_points[vpce_id]
        endpoint.private_dns_enabled = enabled
        if _is_interface(endpoint):
            _rebuild_dns_entries(backend, endpoint)


def mark_default_vpc(account_id: str, region: str, vpc_id: str, subnet_ids: Iterable[str]) -> None:
    """Make a seeded VPC and its subnets read as the Region's default ones (IsDefault etc.)."""
    with _lock:
        backend = _ec2(account_id, region)
        vpc = backend.get_vpc(vpc_id)
        vpc.is_default = True
        for subnet_id in subnet_ids:
            subnet = backend.get_subnet(subnet_id)
            subnet.default_for_az = True
            subnet.map_public_ip_on_launch = True


def ensure_usable_instance_address(account_id: str, region: str, instance_id: str) -> None:
    """moto may give an instance a subnet's reserved address (network, .1-.3, broadcast)."""
    import ipaddress

    with _lock:
        backend = _ec2(account_id, region)
        eni = backend.get_instance(instance_id).nics[0]
        network = ipaddress.IPv4Network(eni.subnet.cidr_block)
        address = ipaddress.IPv4Address(eni.private_ip_address)
        offset = int(address) - int(network.network_address)
        if 4 <= offset < network.num_addresses - 1:
            return
        used = [e.private_ip_address for e in list(backend.enis.values()) if e is not eni]
        new = model.allocate_address(eni.subnet.cidr_block, used)
        eni.private_ip_address = new
        eni.private_ip_addresses = [{"Primary": True, "PrivateIpAddress": new}]


# --------------------------------------------------------------------------- reads: EC2


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
        owner_id=backend.account_id,
        region=region,
    )


def endpoints(account_id: str, region: str) -> list[EndpointView]:
    """Every VPC endpoint of one account and Region (lifecycle refreshed first)."""
    backend = _ec2(account_id, region)
    refresh_lifecycle_of(backend)
    return [_endpoint_view(backend, e) for e in list(backend.vpc_end_points.values())]


def endpoint(account_id: str, region: str, vpce_id: str) -> EndpointView | None:
    """One endpoint, or None."""
    backend = _ec2(account_id, region)
    refresh_lifecycle_of(backend)
    found = backend.vpc_end_points.get(vpce_id)
    return _endpoint_view(backend, found) if found is not None else None


def endpoint_policy(account_id: str, region: str, vpce_id: str) -> str | None:
    """The live policy text of one endpoint (no HTTP round trip)."""
    found = _ec2(account_id, region).vpc_end_points.get(vpce_id)
    return None if found is None else str(found.policy_document)


def vpc_facts(account_id: str, region: str, vpc_id: str) -> VpcFacts | None:
    """DNS attributes and CIDR of a VPC, or None."""
    vpc = _ec2(account_id, region).vpcs.get(vpc_id)
    if vpc is None:
        return None
    return VpcFacts(
        vpc.id,
        vpc.cidr_block,
        bool(vpc.enable_dns_support),
        bool(vpc.enable_dns_hostnames),
        bool(vpc.is_default),
    )


def subnet_facts(account_id: str, region: str, subnet_id: str) -> SubnetFacts | None:
    """Where a subnet is, or None."""
    from moto.ec2.exceptions import InvalidSubnetIdError

    try:
        subnet = _ec2(account_id, region).get_subnet(subnet_id)
    except InvalidSubnetIdError:
        return None
    return SubnetFacts(subnet.id, subnet.vpc_id, subnet.cidr_block, subnet.availability_zone)


def security_group_vpc(account_id: str, region: str, group_id: str) -> str | None:
    """The VPC of a security group; None when it does not exist."""
    group = _ec2(account_id, region).get_security_group_from_id(group_id)
    return None if group is None else str(group.vpc_id)


def security_group_ingress(
    account_id: str, region: str, group_ids: Iterable[str]
) -> list[IngressRule]:
    """The ingress rules of the given groups, one per CIDR or source group."""
    backend = _ec2(account_id, region)
    rules: list[IngressRule] = []
    for group_id in group_ids:
        group = backend.get_security_group_from_id(group_id)
        if group is None:
            continue
        for rule in list(group.ingress_rules):
            cidr = (rule.ip_range or {}).get("CidrIp")
            source = (rule.source_group or {}).get("GroupId")
            rules.append(
                IngressRule(
                    group_id, str(rule.ip_protocol), rule.from_port, rule.to_port, cidr, source
                )
            )
    return rules


def group_ids_of_address(account_id: str, region: str, ip: str) -> set[str]:
    """Security groups of every network interface holding ``ip``."""
    backend = _ec2(account_id, region)
    found: set[str] = set()
    for eni in list(backend.enis.values()):
        if eni.private_ip_address == ip:
            found.update(group.id for group in eni.group_set)
    return found


def route_to_internet(account_id: str, region: str, subnet_id: str) -> str | None:
    """``igw`` / ``nat`` when the subnet's route table has a 0.0.0.0/0 route through one."""
    backend = _ec2(account_id, region)
    subnet = backend.get_subnet(subnet_id)
    tables = [t for t in list(backend.route_tables.values()) if t.vpc_id == subnet.vpc_id]
    table = next((t for t in tables if subnet_id in t._associations.values()), None)
    if table is None:
        table = next((t for t in tables if t.main_association_id is not None), None)
    if table is None:
        return None
    for route in table.routes:
        if route.destination_cidr_block != "0.0.0.0/0":
            continue
        if route.nat_gateway is not None:
            return "nat"
        gateway_id = getattr(route.gateway, "id", "") if route.gateway is not None else ""
        if str(gateway_id).startswith("igw-"):
            return "igw"
    return None


def instance(account_id: str, region: str, instance_id: str) -> InstanceView:
    """The lab instance."""
    backend = _ec2(account_id, region)
    found = backend.get_instance(instance_id)
    eni = found.nics[0]
    profile = found.iam_instance_profile or {}
    profile_arn = profile.get("Arn") if isinstance(profile, dict) else None
    role_name = None
    if profile_arn:
        profile_name = profile_arn.rsplit("/", 1)[-1]
        iam_profile = _iam(account_id).instance_profiles.get(profile_name)
        if iam_profile is not None and iam_profile.roles:
            role_name = iam_profile.roles[0].name
    launch = found.launch_time
    if isinstance(launch, str):
        launch = datetime.fromisoformat(launch.replace("Z", "+00:00"))
    return InstanceView(
        id=found.id,
        account_id=account_id,
        region=region,
        vpc_id=eni.subnet.vpc_id,
        subnet_id=eni.subnet.id,
        availability_zone=eni.subnet.availability_zone,
        private_ip=eni.private_ip_address,
        public_ip=found.public_ip,
        security_group_ids=tuple(group.id for group in eni.group_set),
        image_id=found.image_id,
        instance_type=found.instance_type,
        launch_time=_aware(launch) or datetime.now(UTC),
        role_name=role_name,
        instance_profile_arn=profile_arn,
        mac=eni.mac_address,
    )


# --------------------------------------------------------------------------- reads: IAM/STS


def _aware(value: Any) -> datetime | None:
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
    for account_id in _known_accounts(iam_backends):
        iam = iam_backends[account_id][_PARTITION]
        key = iam.access_keys.get(access_key_id)
        if key is None:
            continue
        if key.role_arn:
            sts = sts_backends[account_id][_PARTITION]
            session = sts.get_assumed_role_from_access_key(access_key_id)
            if session is None:
                return None
            return Credential(
                access_key_id=access_key_id,
                secret_access_key=session.secret_access_key,
                session_token=session.session_token,
                expiration=_aware(session.expiration),
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
    import json

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
    iam = _iam(account)
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


def permission_boundary(principal_arn: str) -> PolicySource | None:
    """The permissions boundary set on an IAM user or role, if any."""
    account, kind, name = _principal(principal_arn)
    iam = _iam(account)
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

    for account_id in _known_accounts(sts_backends):
        session = sts_backends[account_id][_PARTITION].get_assumed_role_from_access_key(
            access_key_id
        )
        if session is not None:
            if not session.policy:
                return None
            return PolicySource("session", session.session_name, _as_text(session.policy))
    return None


# --------------------------------------------------------------------------- reads: resources


def _arn_parts(arn: str) -> tuple[str, str, str, str] | None:
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        return None
    return parts[2], parts[3], parts[4], parts[5]


def resource_policy(arn: str) -> str | None:
    """The resource policy that IAM principals meet on ``arn`` (EventBridge bus policies).

    CloudWatch Logs resource policies apply to AWS service principals only (aws-fidelity §1.9),
    so Logs resources have none here.
    """
    parts = _arn_parts(arn)
    if parts is None or parts[0] != "events" or not parts[3].startswith("event-bus/"):
        return None
    from moto.events.models import events_backends

    _, region, account, resource = parts
    if account not in _known_accounts(events_backends):
        return None
    bus = events_backends[account][region].event_buses.get(resource.split("/", 1)[1])
    return None if bus is None else bus.policy


def resource_tags(arn: str) -> dict[str, str]:
    """Tags on a log group (any of its ARNs) or an event bus; {} when none or unknown."""
    parts = _arn_parts(arn)
    if parts is None:
        return {}
    service, region, account, resource = parts
    if service == "logs" and resource.startswith("log-group:"):
        from moto.logs.models import logs_backends

        if account not in _known_accounts(logs_backends):
            return {}
        backend = logs_backends[account][region]
        name = resource.split(":")[1]
        group = backend.groups.get(name)
        if group is None:
            return {}
        return dict(backend.tagger.get_tag_dict_for_resource(group.arn.removesuffix(":*")))
    if service == "events" and resource.startswith("event-bus/"):
        from moto.events.models import events_backends

        if account not in _known_accounts(events_backends):
            return {}
        backend = events_backends[account][region]
        bus = backend.event_buses.get(resource.split("/", 1)[1])
        if bus is None:
            return {}
        return {
            t["Key"]: t["Value"] for t in backend.tagger.list_tags_for_resource(bus.arn)["Tags"]
        }
    return {}
