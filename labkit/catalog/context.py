"""The request context: which global condition keys a request carries, and why.

A key is in the context only when AWS would put it there for this request; every key comes
with a one-line reason, so an explanation can say which keys were derived and why.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from labkit.catalog import dataset
from labkit.catalog.caller import Caller
from labkit.catalog.model import Authorization, ContextValue

Put = Callable[[str, ContextValue, str], None]


@dataclass(frozen=True, slots=True)
class NetworkPath:
    """How the request reached the service.

    ``via_endpoint``: through a VPC interface endpoint (then ``vpce_id`` and ``vpc_id`` are
    required, and ``source_ip`` is the caller's private address, ``aws:VpcSourceIp``);
    otherwise over the public endpoint (``source_ip`` is then ``aws:SourceIp``).
    """

    via_endpoint: bool
    vpce_id: str | None = None
    vpc_id: str | None = None
    source_ip: str | None = None
    secure_transport: bool = True

    def __post_init__(self) -> None:
        if self.via_endpoint and not (self.vpce_id and self.vpc_id):
            raise ValueError(
                "a request through a VPC endpoint needs vpce_id and vpc_id: "
                "NetworkPath(via_endpoint=True, vpce_id='vpce-...', vpc_id='vpc-...')"
            )


@dataclass(frozen=True, slots=True)
class DerivedContext:
    """Context keys and, for each, the reason it is there."""

    values: dict[str, ContextValue]
    reasons: dict[str, str]


def derive_context(
    caller: Caller,
    authz: Authorization,
    network: NetworkPath,
    *,
    region: str,
    resource_org_id: str | None = None,
    resource_tags: Mapping[str, str] | None = None,
    now: datetime | None = None,
    eventbridge_resource_keys: bool = True,
) -> DerivedContext:
    """Every condition key AWS puts in the context of this request, with a reason each."""
    values: dict[str, ContextValue] = {}
    reasons: dict[str, str] = {}

    def put(key: str, value: ContextValue, reason: str) -> None:
        values[key] = value
        reasons[key] = reason

    _principal_keys(caller, put)
    _network_keys(network, put)
    _resource_keys(authz, resource_org_id, resource_tags, eventbridge_resource_keys, put)
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    put("aws:CurrentTime", moment.strftime("%Y-%m-%dT%H:%M:%SZ"), "the time of the request")
    put("aws:EpochTime", str(int(moment.timestamp())), "the time of the request, in seconds")
    put(
        "aws:SecureTransport",
        "true" if network.secure_transport else "false",
        "the request was sent over TLS" if network.secure_transport else "sent without TLS",
    )
    put("aws:RequestedRegion", region, "the Region the request was sent to")
    put("aws:ViaAWSService", "false", "the caller signed the request itself, not a service")
    for key, value in authz.context.items():
        put(key, value, authz.reasons.get(key, "from the request parameters"))
    return DerivedContext(values, reasons)


def _principal_keys(caller: Caller, put: Put) -> None:
    if caller.principal_type == "AssumedRole":
        put(
            "aws:PrincipalArn",
            caller.principal_arn,
            "the role of the session (not the session ARN)",
        )
    else:
        put("aws:PrincipalArn", caller.principal_arn, "the caller's ARN")
    put("aws:PrincipalAccount", caller.account, "the account of the caller")
    put("aws:PrincipalType", caller.principal_type, "the kind of principal that signed")
    put("aws:PrincipalIsAWSService", "false", "an IAM principal, not an AWS service principal")
    if caller.org_id:
        put("aws:PrincipalOrgID", caller.org_id, "the caller's account is in this organization")
    for key, value in caller.tags.items():
        put(f"aws:PrincipalTag/{key}", value, f"tag {key!r} on the caller")
    if caller.username:
        put("aws:username", caller.username, "IAM users only: the user's friendly name")
    if caller.userid:
        put("aws:userid", caller.userid, "the caller's unique ID")


def _network_keys(network: NetworkPath, put: Put) -> None:
    if network.via_endpoint:
        put("aws:SourceVpce", network.vpce_id or "", "the request came through this endpoint")
        put("aws:SourceVpc", network.vpc_id or "", "the VPC of that endpoint")
        if network.source_ip:
            put("aws:VpcSourceIp", network.source_ip, "the caller's private address in the VPC")
    elif network.source_ip:
        put("aws:SourceIp", network.source_ip, "public path: the caller's public address")


def _resource_keys(
    authz: Authorization,
    org_id: str | None,
    tags: Mapping[str, str] | None,
    eventbridge: bool,
    put: Put,
) -> None:
    service = authz.action.split(":", 1)[0].lower()
    if authz.resource_account and (service != "events" or eventbridge):
        reason = (
            "the account in the resource ARN"
            if authz.resource != "*"
            else "no resource ARN: the account the request is sent to"
        )
        if service == "events":
            reason += " (EventBridge: in conflict in the sources, see docs/fidelity/catalog.md)"
        put("aws:ResourceAccount", authz.resource_account, reason)
        if org_id:
            put("aws:ResourceOrgID", org_id, "the organization of the resource's account")
    if tags and authz.resource_type:
        info = dataset.action_info(*authz.action.split(":", 1))
        if info is not None and dataset.action_supports_key(
            info, authz.resource_type, "aws:ResourceTag/x"
        ):
            for key, value in tags.items():
                put(f"aws:ResourceTag/{key}", value, f"tag {key!r} on the resource")
