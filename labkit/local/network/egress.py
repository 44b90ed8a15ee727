"""Routing that follows DNS: where the instance's calls (and calls from the internet) go.

The egress listener plays the instance's network stack, for every service the lab serves: the
CloudWatch Logs and EventBridge data planes (handed to the gateway) and EC2, IAM and STS (handed
to the control front). For each call it resolves the service's name (``logs.<region>.amazonaws.
com``; ``stream-logs.…`` for StartLiveTail, botocore's host prefix; ``iam.amazonaws.com``)
through the VPC resolver's view, exactly as the DNS responder answers it (``LabState.resolve``),
and sends the call where the answer points:

* an endpoint ENI address → the endpoint path: the endpoint policy applies and the context gets
  ``aws:SourceVpce``/``aws:SourceVpc``/``aws:VpcSourceIp`` (the instance's private address).
  The endpoint's security groups must admit TCP 443 from the instance, else the flow is dropped;
* a public address → the public path: no endpoint policy, ``aws:SourceIp`` is the instance's
  public address. It needs a 0.0.0.0/0 route to an internet gateway (and a public address on the
  instance) or to a NAT gateway in the instance's subnet, else the flow is dropped.

A dropped flow is held silently, then reset (:data:`DROP_GRACE` seconds after the lab's
``network_timeout``): clients configured with :func:`client_timeouts` report a read timeout;
other clients see the connection reset. On AWS the SYN is dropped and
the client reports a connect timeout (docs/fidelity/local-data.md).

The public listener is the internet side: calls from outside the VPC always take the public path.
So do calls signed by the lab's admin wherever they arrive: the admin works from outside the VPC
(the console, a laptop), so ``aws --profile admin …`` in a shell whose endpoint settings point
at the egress is still the admin's call from outside (docs/fidelity/local-data.md).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal, Protocol

from labkit import services
from labkit.backend.record import DecisionRecord, NetworkRoute
from labkit.local.gateway.decision_log import DecisionLog
from labkit.local.gateway.request_input import service_model, service_of_target
from labkit.local.network.asked_clients import CONNECT_TO_HEADER
from labkit.local.network.guard import is_loopback_host
from labkit.local.wire.http import Drop, Incoming, WireResponse
from labkit.local.wire.json11 import AwsError, new_request_id
from labkit.local.wire.sigv4 import credential_scope

DROP_GRACE = 0.5
"""Seconds a dropped flow is held beyond ``network_timeout`` before the lab resets it."""

HTTPS_PORT = 443
INTERNET_CLIENT_IP = "192.0.2.10"
"""``aws:SourceIp`` of calls on the public listener (RFC 5737 documentation address)."""

NAT_PUBLIC_IP = "198.51.100.254"
"""``aws:SourceIp`` of the instance's calls leaving through a NAT gateway (lab stand-in)."""


Handler = Callable[[Incoming, NetworkRoute], WireResponse]
"""A service front: the gateway (``data``) or the control front (``control``)."""


class RoutingState(Protocol):
    """The part of ``LabState`` routing reads."""

    region: str

    def endpoints(self) -> Any: ...
    def resolve(
        self, name: str, view: Literal["vpc", "public"], endpoints: Any = None
    ) -> list[str] | None: ...
    def instance(self) -> Any: ...
    def endpoint_for_ip(self, ip: str, endpoints: Any = None) -> Any | None: ...
    def sg_allows(self, group_ids: Any, src_ip: str, port: int) -> bool: ...
    def route_to_internet(self, subnet_id: str) -> Literal["igw", "nat"] | None: ...
    def works_outside(self, access_key_id: str) -> bool: ...


@dataclass(frozen=True)
class Blocked:
    """A flow the network drops, and why (shown in the decision log)."""

    name: str
    address: str | None
    reason: str


def client_timeouts(network_timeout: float) -> dict[str, float]:
    """botocore ``Config`` timeouts under which a dropped flow reads as a timeout.

    The egress holds a dropped flow ``DROP_GRACE`` seconds longer than this, so a client using
    these settings reports ``Read timeout on endpoint URL`` rather than a reset connection.
    """
    return {"connect_timeout": network_timeout, "read_timeout": network_timeout}


def signing_service(incoming: Incoming) -> str | None:
    """The service a call is for: from ``X-Amz-Target`` or the smithy-rpc-v2-cbor path
    (``/service/AWSEventsV2/operation/…``), else the SigV4 credential scope."""
    service = service_of_target(incoming.header("x-amz-target"))
    if service is not None:
        return service
    by_path = services.by_rpc_path(incoming.path)
    if by_path is not None and by_path.plane == "data":
        return by_path.name
    scope = credential_scope(incoming.header("authorization"))
    spec = services.by_signing_name(scope.service) if scope else None
    return spec.name if spec is not None else None


def operation_of(incoming: Incoming) -> str | None:
    """The operation an ``X-Amz-Target`` names (JSON services), or None."""
    target = incoming.header("x-amz-target") or ""
    return target.partition(".")[2] or None


def asked_host(incoming: Incoming) -> str | None:
    """The name (or address) the client sent the call to, from its ``Host`` header.

    A client aimed at the lab's listener sends ``127.0.0.1:<port>``: None, and the egress
    uses the name botocore would have used (:func:`hostname_for`). A client that resolved an
    AWS name itself (dual-stack, FIPS, another Region, an old SDK's Live Tail host; see
    ``labkit.local.network.asked_clients``) or was pointed at an address sends that.
    """
    host = (incoming.header("host") or "").strip().lower()
    if host.startswith("["):
        host = host[1 : host.find("]")] if "]" in host else host
    else:
        host = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    host = host.rstrip(".")
    if not host or is_loopback_host(host):
        return None
    return host


def _is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def region_of(state: RoutingState, name: str) -> str:
    """The Region a service name belongs to ("" for an address or a name the lab does not know)."""
    regions = getattr(state, "regions", None) or (state.region,)
    found = services.parse_hostname(name, regions)
    return found.region if found is not None else ""


def hostname_for(service: str, region: str, operation: str | None = None) -> str:
    """The DNS name a client sends this call to: botocore's host prefix, then the service's name.

    StartLiveTail goes to ``stream-logs.<region>.amazonaws.com`` (its ``endpoint.hostPrefix``,
    aws-facts-2026 §1.14–1.16); every other call to the service's own name.
    """
    name = services.service(service).hostname(region)
    if operation is None or services.service(service).protocol != "json":
        return name
    model = service_model(service)
    if operation not in model.operation_names:
        return name
    prefix = (model.operation_model(operation).endpoint or {}).get("hostPrefix") or ""
    return prefix + name if "{" not in prefix else name


def route_from_instance(
    state: RoutingState,
    service: str,
    operation: str | None = None,
    asked: str | None = None,
    connect_to: str | None = None,
) -> NetworkRoute | Blocked:
    """Where a call from the instance to ``service`` goes, as its VPC's DNS and routes decide.

    ``asked``: the name or address the client sent it to (:func:`asked_host`); an address is
    not looked up. ``connect_to``: the address the instance connects to without asking the VPC
    resolver (a hosts-file entry, an answer from a public resolver).
    """
    name = asked or hostname_for(service, state.region, operation)
    endpoints = state.endpoints()  # read once: the name's answer and the address's endpoint
    if connect_to and _is_address(connect_to.strip()):
        address = connect_to.strip()
    elif _is_address(name):
        address = name
    else:
        answers = state.resolve(name, "vpc", endpoints)
        if not answers:
            return Blocked(name, None, f"{name} does not resolve in the VPC (NXDOMAIN)")
        address = answers[0]
    region = region_of(state, name)
    instance = state.instance()
    endpoint = state.endpoint_for_ip(address, endpoints)
    if endpoint is not None:
        if endpoint.vpc_id != instance.vpc_id:
            return Blocked(
                name, address, f"{address} is in {endpoint.vpc_id}, not the instance's VPC"
            )
        if not state.sg_allows(endpoint.security_group_ids, instance.private_ip, HTTPS_PORT):
            groups = ", ".join(endpoint.security_group_ids) or "none"
            return Blocked(
                name,
                address,
                f"connection timed out: the security groups of {endpoint.id} ({groups}) do not "
                f"allow TCP {HTTPS_PORT} from the instance's address {instance.private_ip}",
            )
        return NetworkRoute(
            via_endpoint=True,
            source_ip=instance.private_ip,
            listener="instance",
            vpce_id=endpoint.id,
            vpc_id=endpoint.vpc_id,
            name=name,
            address=address,
            region=region,
        )
    way_out = state.route_to_internet(instance.subnet_id)
    if way_out is None:
        return Blocked(
            name,
            address,
            f"connection timed out: {name} resolved to the public address {address}, and the "
            f"route table of {instance.subnet_id} has no 0.0.0.0/0 route to an internet or NAT "
            "gateway",
        )
    if way_out == "igw" and not instance.public_ip:
        return Blocked(
            name,
            address,
            f"connection timed out: {instance.subnet_id} routes to an internet gateway but the "
            "instance has no public IPv4 address",
        )
    source = instance.public_ip if way_out == "igw" else NAT_PUBLIC_IP
    return NetworkRoute(
        False,
        source,
        "instance",
        vpc_id=None,
        name=name,
        address=address,
        region=region,
        way_out=way_out,
    )


def route_from_internet(
    state: RoutingState, service: str, operation: str | None = None, asked: str | None = None
) -> NetworkRoute:
    """Calls from outside the VPC reach the service's public endpoint."""
    name = asked or hostname_for(service, state.region, operation)
    answers = [name] if _is_address(name) else state.resolve(name, "public") or []
    return NetworkRoute(
        False,
        INTERNET_CLIENT_IP,
        "internet",
        name=name,
        address=answers[0] if answers else "",
        region=region_of(state, name),
    )


class Egress:
    """Turns a listener's request into a routed call (or a dropped flow) for a service front.

    ``handlers`` maps a plane of the service registry (``data``, ``control``) to the front that
    serves it; a call for a service no handler serves is answered with an error naming it.
    """

    def __init__(
        self,
        state: RoutingState,
        handlers: Mapping[str, Handler],
        decisions: DecisionLog,
        *,
        side: Literal["instance", "internet"],
        network_timeout: float,
    ) -> None:
        if network_timeout <= 0:
            raise ValueError(f"network_timeout must be positive seconds, got {network_timeout}")
        self.state = state
        self.handlers = dict(handlers)
        self.decisions = decisions
        self.side = side
        self.network_timeout = network_timeout

    def __call__(self, incoming: Incoming) -> WireResponse | Drop:
        service = signing_service(incoming)
        if service is None:
            nowhere = NetworkRoute(False, "", self.side)
            signed_for = credential_scope(incoming.header("authorization"))
            if signed_for is None and "data" in self.handlers:
                return self.handlers["data"](incoming, nowhere)  # AWS's JSON framework answers
            return self._unserved(incoming, None, nowhere)  # signed for a service not served
        operation = operation_of(incoming)
        asked = asked_host(incoming)
        if self.side == "internet" or self._from_outside(incoming):
            route = route_from_internet(self.state, service, operation, asked)
        else:
            connect_to = incoming.header(CONNECT_TO_HEADER)
            found = route_from_instance(self.state, service, operation, asked, connect_to)
            if isinstance(found, Blocked):
                return self._drop(incoming, found)
            route = found
        handler = self.handlers.get(services.service(service).plane)
        if handler is None:
            return self._unserved(incoming, service, route)
        return handler(incoming, route)

    def _from_outside(self, incoming: Incoming) -> bool:
        scope = credential_scope(incoming.header("authorization"))
        return scope is not None and self.state.works_outside(scope.access_key_id)

    def _unserved(
        self, incoming: Incoming, service: str | None, route: NetworkRoute
    ) -> WireResponse:
        """A call the lab serves no front for: an AWS-shaped error that names the service."""
        served = ", ".join(s.name for s in services.SERVICES if s.plane in self.handlers)
        if service is None:
            scope = credential_scope(incoming.header("authorization"))
            named = f"'{scope.service}'" if scope else "no service (the request is not signed)"
            what = f"a request signed for {named}"
        else:
            what = f"{services.service(service).title} ({service})"
        error = AwsError(
            "UnknownOperationException",
            f"labkit's local lab does not serve {what}; it serves {served}.",
        )
        request_id = new_request_id()
        self.decisions.record(
            DecisionRecord(
                request_id=request_id,
                time=datetime.now(UTC).isoformat(timespec="milliseconds"),
                outcome="refused",
                stage="request",
                network=route,
                service=service,
                target=incoming.header("x-amz-target"),
                http_status=error.status,
                error_code=error.code,
                error_message=error.message,
            )
        )
        return error.response(request_id)

    def _drop(self, incoming: Incoming, blocked: Blocked) -> Drop:
        self.decisions.record(
            DecisionRecord(
                request_id=f"dropped-{new_request_id()}",
                time=datetime.now(UTC).isoformat(timespec="milliseconds"),
                outcome="dropped",
                stage="network",
                target=incoming.header("x-amz-target"),
                network=NetworkRoute(
                    via_endpoint=False,
                    listener=self.side,
                    name=blocked.name,
                    address=blocked.address,
                ),
                error_message=blocked.reason,
            )
        )
        if blocked.address is None:  # NXDOMAIN: the client never connects, it fails at once
            return Drop(0, blocked.reason)
        return Drop(self.network_timeout + DROP_GRACE, blocked.reason)
