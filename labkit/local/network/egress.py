"""Routing that follows DNS: where the instance's calls (and calls from the internet) go.

The egress listener plays the instance's network stack. For each call it resolves the service's
regional name (``logs.<region>.amazonaws.com``) through the VPC resolver's view, exactly as the
DNS responder answers it (``LabState.resolve``), and sends the call where the answer points:

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
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal, Protocol

from labkit import services
from labkit.backend.record import DecisionRecord, NetworkRoute
from labkit.local.gateway.decision_log import DecisionLog
from labkit.local.gateway.pipeline import Gateway
from labkit.local.gateway.request_input import service_of_target
from labkit.local.wire.http import Drop, Incoming, WireResponse
from labkit.local.wire.json11 import new_request_id
from labkit.local.wire.sigv4 import credential_scope

DROP_GRACE = 0.5
"""Seconds a dropped flow is held beyond ``network_timeout`` before the lab resets it."""

HTTPS_PORT = 443
INTERNET_CLIENT_IP = "192.0.2.10"
"""``aws:SourceIp`` of calls on the public listener (RFC 5737 documentation address)."""

NAT_PUBLIC_IP = "198.51.100.254"
"""``aws:SourceIp`` of the instance's calls leaving through a NAT gateway (lab stand-in)."""


class RoutingState(Protocol):
    """The part of ``LabState`` routing reads."""

    region: str

    def resolve(self, name: str, view: Literal["vpc", "public"]) -> list[str] | None: ...
    def instance(self) -> Any: ...
    def endpoint_for_ip(self, ip: str) -> Any | None: ...
    def sg_allows(self, group_ids: Any, src_ip: str, port: int) -> bool: ...
    def route_to_internet(self, subnet_id: str) -> Literal["igw", "nat"] | None: ...


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
    """The service a call is for: from ``X-Amz-Target``, else the SigV4 credential scope."""
    service = service_of_target(incoming.header("x-amz-target"))
    if service is not None:
        return service
    scope = credential_scope(incoming.header("authorization"))
    spec = services.by_signing_name(scope.service) if scope else None
    return spec.name if spec is not None and spec.plane == "data" else None


def route_from_instance(state: RoutingState, service: str) -> NetworkRoute | Blocked:
    """Where a call from the instance to ``service`` goes, as its VPC's DNS and routes decide."""
    name = services.service(service).hostname(state.region)
    answers = state.resolve(name, "vpc")
    if not answers:
        return Blocked(name, None, f"{name} does not resolve in the VPC")
    address = answers[0]
    instance = state.instance()
    endpoint = state.endpoint_for_ip(address)
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
    return NetworkRoute(False, source, "instance", vpc_id=None, name=name, address=address)


def route_from_internet(state: RoutingState, service: str) -> NetworkRoute:
    """Calls from outside the VPC reach the service's public endpoint."""
    name = services.service(service).hostname(state.region)
    answers = state.resolve(name, "public") or []
    return NetworkRoute(
        False, INTERNET_CLIENT_IP, "internet", name=name, address=answers[0] if answers else ""
    )


class Egress:
    """Turns a listener's request into a routed call (or a dropped flow) for the gateway."""

    def __init__(
        self,
        state: RoutingState,
        gateway: Gateway,
        decisions: DecisionLog,
        *,
        side: Literal["instance", "internet"],
        network_timeout: float,
    ) -> None:
        if network_timeout <= 0:
            raise ValueError(f"network_timeout must be positive seconds, got {network_timeout}")
        self.state = state
        self.gateway = gateway
        self.decisions = decisions
        self.side = side
        self.network_timeout = network_timeout

    def __call__(self, incoming: Incoming) -> WireResponse | Drop:
        service = signing_service(incoming)
        if service is None:
            route = NetworkRoute(False, "", self.side)  # the gateway answers UnknownOperation
        elif self.side == "internet":
            route = route_from_internet(self.state, service)
        else:
            found = route_from_instance(self.state, service)
            if isinstance(found, Blocked):
                return self._drop(incoming, found)
            route = found
        return self.gateway.handle(incoming, route)

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
        return Drop(self.network_timeout + DROP_GRACE, blocked.reason)
