"""The service registry: every AWS service the lab knows, and how each room reaches it.

One :class:`ServiceSpec` per service says its names (IAM prefix, boto3 client, SigV4 signing
name, botocore service ID, DNS host), its wire protocol, its interface-endpoint service names,
and where the rest of labkit keeps what is particular to it: the catalog module that maps its
operations to IAM, the gateway module with the rules moto lacks, the moto module holding its
state. Rooms read this table instead of spelling service names out; the modules it names are
loaded by the room that owns them (``labkit.catalog``, ``labkit.local.gateway``).

Adding a service: docs/architecture.md ("Adding a service") lists the files it touches.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Literal

WireProtocol = Literal["json", "query", "ec2", "smithy-rpc-v2-cbor"]
"""As botocore names them. ``json``: AWS JSON 1.1 (``X-Amz-Target``); ``query``: form-encoded,
XML answers (IAM, STS); ``ec2``: EC2's query dialect with its own XML error shape;
``smithy-rpc-v2-cbor``: CBOR bodies on ``/service/<Service>/operation/<Operation>``."""

Plane = Literal["data", "control", "names"]
"""``data``: the instance reaches it by DNS, through the endpoint gateway (endpoint policies
apply); ``control``: served by the control front; ``names``: the lab knows its DNS names and
endpoint service (you can create an endpoint for it) but serves no API for it."""


@dataclass(frozen=True)
class ServiceSpec:
    """One AWS service as labkit knows it."""

    name: str  # labkit's name: the IAM action prefix and the endpoint service suffix
    title: str  # as AWS's console names it
    service_id: str  # botocore's serviceId: AWS_ENDPOINT_URL_<ID> and the config file key
    client_name: str  # boto3.client(<client_name>)
    signing_name: str  # the service in a SigV4 credential scope
    protocol: WireProtocol
    plane: Plane
    host: str  # DNS name template; {region} is filled in
    public_address: str  # what the lab's public DNS answers for ``host`` (RFC 5737 range)
    aliases: tuple[str, ...] = ()  # other public DNS names of the service (global endpoints)
    host_prefixes: tuple[str, ...] = ()  # botocore's endpoint.hostPrefix values (stream-)
    public_only_names: tuple[str, ...] = ()  # public names no endpoint's private DNS answers
    account_prefixed: bool = False  # ``<12 digits>.<host>`` is a name of it (eventsv2)
    endpoint_services: tuple[str, ...] = ()  # com.amazonaws.<region>.<suffix> for each suffix
    json_target_prefix: str | None = None  # X-Amz-Target prefix (json protocol)
    rpc_target_prefix: str | None = None  # /service/<prefix>/operation/ (smithy-rpc-v2-cbor)
    iam_prefix: str | None = None  # the IAM action prefix when it is not ``name`` (eventsv2)
    validation_error: str = "ValidationException"  # the code of a missing required member
    query_namespace: str | None = None  # XML namespace of query-protocol answers
    catalog: str | None = None  # module mapping its operations to IAM (labkit.catalog)
    gateway_hooks: str | None = None  # module with its rules moto lacks (labkit.local.gateway)
    front_rules: str | None = None  # its refusals and own answers (labkit.local.front.rules)
    moto_backend: str | None = None  # moto's module for its state (moto.<name>.models)

    def hostname(self, region: str) -> str:
        """The service's DNS name in ``region`` (``logs.ap-northeast-1.amazonaws.com``)."""
        return self.host.format(region=region)

    def hostnames(self, region: str) -> tuple[str, ...]:
        """Its name and the names some operations use (``stream-logs.…`` for StartLiveTail)."""
        name = self.hostname(region)
        return (name, *(prefix + name for prefix in self.host_prefixes))

    def dual_stack_hostname(self, region: str) -> str:
        """Its dual-stack name: ``logs.<region>.api.aws`` (aws-facts-2026 §1.8, §1.20)."""
        return self.hostname(region).replace(".amazonaws.com", ".api.aws")

    def fips_hostname(self, region: str) -> str:
        """Its FIPS name as botocore builds it: ``logs-fips.<region>.amazonaws.com`` (§1.22)."""
        first, dot, rest = self.hostname(region).partition(".")
        return f"{first}-fips{dot}{rest}"

    def endpoint_service_name(self, region: str, suffix: str | None = None) -> str:
        """``com.amazonaws.<region>.<suffix>`` (the first endpoint service by default)."""
        chosen = suffix or (self.endpoint_services[0] if self.endpoint_services else self.name)
        return f"com.amazonaws.{region}.{chosen}"

    @property
    def endpoint_url_variable(self) -> str:
        """The service-specific endpoint variable (``AWS_ENDPOINT_URL_CLOUDWATCH_LOGS``)."""
        return "AWS_ENDPOINT_URL_" + self.service_id.upper().replace(" ", "_")

    @property
    def config_key(self) -> str:
        """The key of its ``services`` section in the AWS config file (``cloudwatch_logs``)."""
        return self.service_id.lower().replace(" ", "_")


SERVICES: tuple[ServiceSpec, ...] = (
    ServiceSpec(
        name="logs",
        title="CloudWatch Logs",
        service_id="CloudWatch Logs",
        client_name="logs",
        signing_name="logs",
        protocol="json",
        plane="data",
        host="logs.{region}.amazonaws.com",
        public_address="203.0.113.10",
        endpoint_services=("logs",),
        host_prefixes=("stream-",),
        # Live Tail's host for SDKs released before 2026-04-01: no VPC endpoint (§1.14, §1.19)
        public_only_names=("streaming-logs.{region}.amazonaws.com",),
        json_target_prefix="Logs_20140328",
        validation_error="InvalidParameterException",
        catalog="labkit.catalog.logs",
        gateway_hooks="labkit.local.gateway.hooks.logs",
        moto_backend="logs",
    ),
    ServiceSpec(
        name="events",
        title="EventBridge",
        service_id="EventBridge",
        client_name="events",
        signing_name="events",
        protocol="json",
        plane="data",
        host="events.{region}.amazonaws.com",
        public_address="203.0.113.11",
        endpoint_services=("events",),
        json_target_prefix="AWSEvents",
        catalog="labkit.catalog.events",
        gateway_hooks="labkit.local.gateway.hooks.events",
        moto_backend="events",
    ),
    ServiceSpec(
        # EventBridge's Custom Event Bus (aws-facts-2026 §1.7-1.13): its own endpoint service
        # and CBOR wire format, IAM actions under ``events:`` and buses at ``event-busv2/…``
        name="eventsv2",
        title="EventBridge Custom Event Bus",
        service_id="EventBridgeV2",
        client_name="eventbridgev2",
        signing_name="events",
        protocol="smithy-rpc-v2-cbor",
        plane="data",
        host="eventsv2.{region}.amazonaws.com",
        public_address="203.0.113.18",
        account_prefixed=True,
        endpoint_services=("eventsv2", "eventsv2-fips"),
        rpc_target_prefix="AWSEventsV2",
        iam_prefix="events",
        validation_error="InvalidInputException",
        catalog="labkit.catalog.eventsv2",
    ),
    ServiceSpec(
        name="sts",
        title="STS",
        service_id="STS",
        client_name="sts",
        signing_name="sts",
        protocol="query",
        plane="control",
        host="sts.{region}.amazonaws.com",
        public_address="203.0.113.12",
        aliases=("sts.amazonaws.com",),
        endpoint_services=("sts",),
        query_namespace="https://sts.amazonaws.com/doc/2011-06-15/",
        catalog="labkit.catalog.sts",
        front_rules="labkit.local.front.rules.sts",
        moto_backend="sts",
    ),
    ServiceSpec(
        name="ec2",
        title="EC2",
        service_id="EC2",
        client_name="ec2",
        signing_name="ec2",
        protocol="ec2",
        plane="control",
        host="ec2.{region}.amazonaws.com",
        public_address="203.0.113.13",
        endpoint_services=("ec2",),
        catalog="labkit.catalog.ec2",
        front_rules="labkit.local.front.rules.ec2",
        moto_backend="ec2",
    ),
    ServiceSpec(
        name="iam",
        title="IAM",
        service_id="IAM",
        client_name="iam",
        signing_name="iam",
        protocol="query",
        plane="control",
        host="iam.amazonaws.com",  # global: IAM calls are signed for us-east-1
        public_address="203.0.113.16",
        query_namespace="https://iam.amazonaws.com/doc/2010-05-08/",
        catalog="labkit.catalog.iam",
        front_rules="labkit.local.front.rules.iam",
        moto_backend="iam",
    ),
    ServiceSpec(
        name="monitoring",
        title="CloudWatch",
        service_id="CloudWatch",
        client_name="cloudwatch",
        signing_name="monitoring",
        protocol="smithy-rpc-v2-cbor",
        plane="names",
        host="monitoring.{region}.amazonaws.com",
        public_address="203.0.113.14",
        endpoint_services=("monitoring",),
    ),
    ServiceSpec(
        name="ssm",
        title="Systems Manager",
        service_id="SSM",
        client_name="ssm",
        signing_name="ssm",
        protocol="json",
        plane="names",
        host="ssm.{region}.amazonaws.com",
        public_address="203.0.113.15",
        endpoint_services=("ssm",),
        json_target_prefix="AmazonSSM",
    ),
    ServiceSpec(
        # read by the aws backend only (is the account in an organization, so can SCPs apply?)
        name="organizations",
        title="Organizations",
        service_id="Organizations",
        client_name="organizations",
        signing_name="organizations",
        protocol="json",
        plane="names",
        host="organizations.us-east-1.amazonaws.com",  # global: signed for us-east-1
        public_address="203.0.113.17",
        json_target_prefix="AWSOrganizationsV20161128",
    ),
)

_BY_NAME = {spec.name: spec for spec in SERVICES}


class UnknownService(KeyError):
    """A service name the registry does not hold; the message lists the ones it does."""

    def __init__(self, name: str) -> None:
        known = ", ".join(spec.name for spec in SERVICES)
        super().__init__(f"labkit knows no AWS service {name!r}; it knows: {known}")
        self.name = name


def service(name: str) -> ServiceSpec:
    """The spec of ``name`` (labkit's name, e.g. ``logs``); :class:`UnknownService` otherwise."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise UnknownService(name) from None


def find(name: str | None) -> ServiceSpec | None:
    """The spec of ``name``, or None."""
    return _BY_NAME.get(name or "")


def on_plane(plane: Plane) -> tuple[ServiceSpec, ...]:
    """Every service of one plane, in registry order."""
    return tuple(spec for spec in SERVICES if spec.plane == plane)


def data_plane_names() -> frozenset[str]:
    """Names of the services the instance reaches through the endpoint gateway."""
    return frozenset(spec.name for spec in on_plane("data"))


def by_client_name(client_name: str) -> ServiceSpec | None:
    """The service a boto3 client name (``logs``, ``cloudwatch``...) stands for."""
    return next((s for s in SERVICES if client_name in (s.client_name, s.name)), None)


def by_target_prefix(prefix: str) -> ServiceSpec | None:
    """The JSON 1.1 service whose ``X-Amz-Target`` starts with ``prefix``."""
    return next((s for s in SERVICES if s.json_target_prefix == prefix), None)


def by_signing_name(signing_name: str) -> ServiceSpec | None:
    """The service a SigV4 credential scope names (the first: ``events`` is Classic's)."""
    return next((s for s in SERVICES if s.signing_name == signing_name), None)


def by_rpc_path(path: str) -> ServiceSpec | None:
    """The smithy-rpc-v2-cbor service a request path addresses (``/service/AWSEventsV2/…``)."""
    parts = path.split("?", 1)[0].split("/")
    if len(parts) < 5 or parts[1] != "service" or parts[3] != "operation":
        return None
    return next(
        (s for s in SERVICES if s.rpc_target_prefix and s.rpc_target_prefix == parts[2]), None
    )


def by_endpoint_service(service_name: str, region: str) -> ServiceSpec | None:
    """The service an endpoint service name (``com.amazonaws.<region>.logs``) belongs to."""
    prefix = f"com.amazonaws.{region}."
    if not service_name.startswith(prefix):
        return None
    suffix = service_name[len(prefix) :]
    return next((s for s in SERVICES if suffix in s.endpoint_services), None)


def by_hostname(hostname: str, region: str) -> ServiceSpec | None:
    """The service whose DNS name in ``region`` (or one of its aliases) is ``hostname``."""
    wanted = hostname.lower().rstrip(".")
    return next((s for s in SERVICES if wanted in (*s.hostnames(region), *s.aliases)), None)


NameVariant = Literal["standard", "prefixed", "public-only", "dual-stack", "fips", "account"]
"""How a name relates to the service's own: itself, a host prefix (``stream-``), a name that
has no endpoint (``streaming-logs``), the dual-stack ``.api.aws`` name, the FIPS ``-fips`` name,
or an account-prefixed name (``111122223333.eventsv2.…``)."""

FIPS_REGIONS = frozenset({"us-east-1", "us-east-2", "us-west-1", "us-west-2"})
"""Regions whose services have FIPS names in the lab's public DNS (aws-facts-2026 §1.22: the
General Reference lists logs-fips for US Regions; none seen for ap-northeast-1)."""


@dataclass(frozen=True)
class ServiceName:
    """A DNS name read back: which service, in which Region, and which of its names it is."""

    spec: ServiceSpec
    region: str
    variant: NameVariant


def parse_hostname(hostname: str, regions: Iterable[str]) -> ServiceName | None:
    """The service, Region and variant ``hostname`` names, for any of ``regions``; else None.

    Global names (``iam.amazonaws.com``) answer with the first Region given.
    """
    wanted = hostname.lower().rstrip(".")
    chosen = tuple(regions)
    for region in chosen:
        for spec in SERVICES:
            for variant, names in _names_of(spec, region):
                if wanted in names:
                    return ServiceName(spec, region, variant)
            if spec.account_prefixed:
                head, _, rest = wanted.partition(".")
                if len(head) == 12 and head.isdigit() and rest == spec.hostname(region):
                    return ServiceName(spec, region, "account")
    return None


def _names_of(spec: ServiceSpec, region: str) -> Iterator[tuple[NameVariant, tuple[str, ...]]]:
    yield "standard", (spec.hostname(region), *spec.aliases)
    yield "prefixed", tuple(p + spec.hostname(region) for p in spec.host_prefixes)
    yield "public-only", tuple(n.format(region=region) for n in spec.public_only_names)
    if spec.host.endswith(".amazonaws.com") and "{region}" in spec.host:
        yield "dual-stack", (spec.dual_stack_hostname(region),)
        yield "fips", (spec.fips_hostname(region),)


def with_catalog() -> Iterator[ServiceSpec]:
    """The services whose operations the catalog maps to IAM."""
    return (spec for spec in SERVICES if spec.catalog)
