"""Delete what labkit created, found by its ``labkit:run-id`` tag, dependents first.

One small class per resource type (find by tag, delete one, waiting where AWS needs it).
:func:`cleanup` runs them in dependency order — interface endpoints (their network interfaces go
with them), instances, security groups, subnets, route tables, internet gateways, VPCs, instance
profiles, roles, event buses, log groups (their streams go with them, and the log groups probes
created are tagged when they are made) — then looks again and lists whatever survived. A list
call AWS refuses is reported, not raised; nothing without the tag is ever touched.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import botocore.exceptions

from labkit.aws.tags import as_map, ec2_filter, matches, run_of
from labkit.backend.errors import LabError
from labkit.backend.run_ids import check_run_id

ClientFactory = Callable[[str], Any]
DEFAULT_WAIT = 600.0
_FAILURES = (botocore.exceptions.ClientError, LabError, TimeoutError)


@dataclass(frozen=True)
class Found:
    """A tagged resource: its type, ID (or name) and run ID."""

    kind: str
    resource_id: str
    run_id: str


@dataclass
class CleanupReport:
    """What was deleted, what failed, what could not be listed and what is still there."""

    run_id: str
    dry_run: bool = False
    deleted: list[Found] = field(default_factory=list)
    failed: list[tuple[Found, str]] = field(default_factory=list)
    unlisted: list[tuple[str, str]] = field(default_factory=list)
    survivors: list[Found] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """0 when nothing tagged with the run is known to be left, 1 otherwise."""
        return 1 if self.survivors or self.failed or self.unlisted else 0

    def __str__(self) -> str:
        verb = "would delete" if self.dry_run else "deleted"
        count = len(self.survivors) if self.dry_run else len(self.deleted)
        lines = [f"cleanup {self.run_id}: {verb} {count}"]
        lines += [f"  deleted  {f.kind:<16} {f.resource_id}" for f in self.deleted]
        lines += [f"  FAILED   {f.kind:<16} {f.resource_id}: {why}" for f, why in self.failed]
        lines += [f"  UNLISTED {kind:<16} {why}" for kind, why in self.unlisted]
        word = "would go" if self.dry_run else "survives"
        lines += [f"  {word:<8} {f.kind:<16} {f.resource_id}  ({f.run_id})" for f in self.survivors]
        if self.unlisted:
            lines.append("some resource types could not be listed: what is left there is unknown")
        if self.dry_run:
            lines.append("dry run: nothing was deleted")
        elif not self.exit_code:
            lines.append("nothing left")
        else:
            lines.append(f"{len(self.survivors)} left")
        return "\n".join(lines)


class Janitor(Protocol):
    """Finds and deletes one resource type."""

    kind: str

    def find(self, run_id: str) -> list[Found]: ...

    def delete(self, found: Found) -> None: ...


def _code(exc: botocore.exceptions.ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def _until(seconds: float, attempt: Callable[[], bool], what: str, pause: float = 5.0) -> None:
    """Call ``attempt`` until it returns True; TimeoutError after ``seconds``."""
    deadline = time.monotonic() + seconds
    while not attempt():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} after {seconds:.0f} s")
        time.sleep(pause)


def _retrying_dependency(seconds: float, delete: Callable[[], Any], what: str) -> None:
    """``delete`` again while AWS answers DependencyViolation (something is still releasing)."""

    def attempt() -> bool:
        try:
            delete()
        except botocore.exceptions.ClientError as exc:
            if _code(exc) != "DependencyViolation":
                raise
            return False
        return True

    _until(seconds, attempt, f"{what} still has dependencies")


class _Ec2Janitor:
    """Common to EC2 resource types found with a tag filter."""

    kind = ""
    describe = ""
    items = ""
    id_key = ""

    def __init__(self, clients: ClientFactory, wait_seconds: float = DEFAULT_WAIT) -> None:
        self.ec2 = clients("ec2")
        self.wait_seconds = wait_seconds

    def _items(self, run_id: str) -> Iterator[dict[str, Any]]:
        if self.ec2.can_paginate(self.describe):
            pages = self.ec2.get_paginator(self.describe).paginate(Filters=ec2_filter(run_id))
            for page in pages:
                yield from page[self.items]
        else:
            yield from getattr(self.ec2, self.describe)(Filters=ec2_filter(run_id))[self.items]

    def live(self, item: dict[str, Any]) -> bool:
        return True

    def find(self, run_id: str) -> list[Found]:
        return [
            Found(self.kind, item[self.id_key], run_of(item.get("Tags")) or "")
            for item in self._items(run_id)
            if self.live(item)
        ]


class VpcEndpoints(_Ec2Janitor):
    """Interface endpoints (and, with them, their network interfaces)."""

    kind, describe, items, id_key = (
        "vpc-endpoint",
        "describe_vpc_endpoints",
        "VpcEndpoints",
        "VpcEndpointId",
    )

    def live(self, item: dict[str, Any]) -> bool:
        return item.get("State", "").lower() not in ("deleted", "deleting")

    def delete(self, found: Found) -> None:
        result = self.ec2.delete_vpc_endpoints(VpcEndpointIds=[found.resource_id])
        for failure in result.get("Unsuccessful", []):
            error = failure.get("Error", {})
            raise LabError(f"{error.get('Code')}: {error.get('Message')}", "see AWS's message")
        _until(self.wait_seconds, lambda: self._gone(found.resource_id), f"{found} not gone")

    def _gone(self, endpoint_id: str) -> bool:
        try:
            found = self.ec2.describe_vpc_endpoints(VpcEndpointIds=[endpoint_id])["VpcEndpoints"]
        except botocore.exceptions.ClientError as exc:
            if _code(exc) == "InvalidVpcEndpointId.NotFound":
                return True
            raise
        return all(e.get("State", "").lower() == "deleted" for e in found)


class Instances(_Ec2Janitor):
    """Lab instances (terminated; their root volumes and interfaces go with them)."""

    kind, describe, items, id_key = "instance", "describe_instances", "Reservations", "InstanceId"

    def find(self, run_id: str) -> list[Found]:
        found = []
        for reservation in self._items(run_id):
            for item in reservation["Instances"]:
                if item["State"]["Name"] not in ("terminated", "shutting-down"):
                    found.append(
                        Found(self.kind, item["InstanceId"], run_of(item.get("Tags")) or "")
                    )
        return found

    def delete(self, found: Found) -> None:
        self.ec2.terminate_instances(InstanceIds=[found.resource_id])

        def terminated() -> bool:
            reservations = self.ec2.describe_instances(InstanceIds=[found.resource_id])[
                "Reservations"
            ]
            states = [i["State"]["Name"] for r in reservations for i in r["Instances"]]
            return all(state == "terminated" for state in states)

        _until(self.wait_seconds, terminated, f"{found.resource_id} not terminated")


class SecurityGroups(_Ec2Janitor):
    """Security groups the run made (deleted once no network interface uses them)."""

    kind, describe, items, id_key = (
        "security-group",
        "describe_security_groups",
        "SecurityGroups",
        "GroupId",
    )

    def delete(self, found: Found) -> None:
        _retrying_dependency(
            self.wait_seconds,
            lambda: self.ec2.delete_security_group(GroupId=found.resource_id),
            found.resource_id,
        )


class Subnets(_Ec2Janitor):
    """The lab VPC's subnets."""

    kind, describe, items, id_key = "subnet", "describe_subnets", "Subnets", "SubnetId"

    def delete(self, found: Found) -> None:
        _retrying_dependency(
            self.wait_seconds,
            lambda: self.ec2.delete_subnet(SubnetId=found.resource_id),
            found.resource_id,
        )


class RouteTables(_Ec2Janitor):
    """The lab VPC's route table (its associations go first)."""

    kind, describe, items, id_key = (
        "route-table",
        "describe_route_tables",
        "RouteTables",
        "RouteTableId",
    )

    def delete(self, found: Found) -> None:
        tables = self.ec2.describe_route_tables(RouteTableIds=[found.resource_id])["RouteTables"]
        for association in tables[0].get("Associations", []) if tables else []:
            if not association.get("Main"):
                self.ec2.disassociate_route_table(
                    AssociationId=association["RouteTableAssociationId"]
                )
        self.ec2.delete_route_table(RouteTableId=found.resource_id)


class InternetGateways(_Ec2Janitor):
    """The lab VPC's internet gateway (detached first)."""

    kind, describe, items, id_key = (
        "internet-gateway",
        "describe_internet_gateways",
        "InternetGateways",
        "InternetGatewayId",
    )

    def delete(self, found: Found) -> None:
        gateways = self.ec2.describe_internet_gateways(InternetGatewayIds=[found.resource_id])[
            "InternetGateways"
        ]
        for attachment in gateways[0].get("Attachments", []) if gateways else []:
            _retrying_dependency(
                self.wait_seconds,
                lambda a=attachment: self.ec2.detach_internet_gateway(
                    InternetGatewayId=found.resource_id, VpcId=a["VpcId"]
                ),
                found.resource_id,
            )
        self.ec2.delete_internet_gateway(InternetGatewayId=found.resource_id)


class Vpcs(_Ec2Janitor):
    """The lab VPC (a learner's own VPC carries no labkit tag and is never found)."""

    kind, describe, items, id_key = "vpc", "describe_vpcs", "Vpcs", "VpcId"

    def delete(self, found: Found) -> None:
        _retrying_dependency(
            self.wait_seconds,
            lambda: self.ec2.delete_vpc(VpcId=found.resource_id),
            found.resource_id,
        )


class InstanceProfiles:
    """Instance profiles (their role removed first)."""

    kind = "instance-profile"

    def __init__(self, clients: ClientFactory) -> None:
        self.iam = clients("iam")

    def find(self, run_id: str) -> list[Found]:
        found = []
        for page in self.iam.get_paginator("list_instance_profiles").paginate():
            for profile in page["InstanceProfiles"]:
                name = profile["InstanceProfileName"]
                if "labkit-" not in name:
                    continue  # labkit names every profile with its run ID
                tags = self.iam.get_instance_profile(InstanceProfileName=name)[
                    "InstanceProfile"
                ].get("Tags", [])
                if matches(as_map(tags), run_id):
                    found.append(Found(self.kind, name, run_of(tags) or ""))
        return found

    def delete(self, found: Found) -> None:
        name = found.resource_id
        profile = self.iam.get_instance_profile(InstanceProfileName=name)["InstanceProfile"]
        for role in profile.get("Roles", []):
            self.iam.remove_role_from_instance_profile(
                InstanceProfileName=name, RoleName=role["RoleName"]
            )
        self.iam.delete_instance_profile(InstanceProfileName=name)


class Roles:
    """Roles (inline policies deleted and managed ones detached first)."""

    kind = "iam-role"

    def __init__(self, clients: ClientFactory) -> None:
        self.iam = clients("iam")

    def find(self, run_id: str) -> list[Found]:
        found = []
        for page in self.iam.get_paginator("list_roles").paginate():
            for role in page["Roles"]:
                name = role["RoleName"]
                if "labkit-" not in name:
                    continue  # labkit names every role with its run ID
                tags = self.iam.list_role_tags(RoleName=name)["Tags"]
                if matches(as_map(tags), run_id):
                    found.append(Found(self.kind, name, run_of(tags) or ""))
        return found

    def delete(self, found: Found) -> None:
        name = found.resource_id
        for policy in self.iam.list_role_policies(RoleName=name)["PolicyNames"]:
            self.iam.delete_role_policy(RoleName=name, PolicyName=policy)
        for policy in self.iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]:
            self.iam.detach_role_policy(RoleName=name, PolicyArn=policy["PolicyArn"])
        profiles = self.iam.list_instance_profiles_for_role(RoleName=name)["InstanceProfiles"]
        for profile in profiles:
            self.iam.remove_role_from_instance_profile(
                InstanceProfileName=profile["InstanceProfileName"], RoleName=name
            )
        self.iam.delete_role(RoleName=name)


class EventBuses:
    """Custom event buses (the default bus is never deleted)."""

    kind = "event-bus"

    def __init__(self, clients: ClientFactory) -> None:
        self.events = clients("events")

    def find(self, run_id: str) -> list[Found]:
        found = []
        for bus in _event_buses(self.events):
            if bus["Name"] == "default":
                continue
            tags = as_map(self.events.list_tags_for_resource(ResourceARN=bus["Arn"])["Tags"])
            if matches(tags, run_id):
                found.append(Found(self.kind, bus["Name"], run_of(tags) or ""))
        return found

    def delete(self, found: Found) -> None:
        self.events.delete_event_bus(Name=found.resource_id)


class LogGroups:
    """Log groups, the scenario's and those probes created (their streams go with them)."""

    kind = "log-group"

    def __init__(self, clients: ClientFactory) -> None:
        self.logs = clients("logs")

    def find(self, run_id: str) -> list[Found]:
        found = []
        for page in self.logs.get_paginator("describe_log_groups").paginate():
            for group in page["logGroups"]:
                arn = group.get("logGroupArn") or group["arn"].removesuffix(":*")
                tags = self.logs.list_tags_for_resource(resourceArn=arn).get("tags", {})
                if matches(tags, run_id):
                    found.append(Found(self.kind, group["logGroupName"], run_of(tags) or ""))
        return found

    def delete(self, found: Found) -> None:
        self.logs.delete_log_group(logGroupName=found.resource_id)


def _event_buses(events: Any) -> Iterable[dict[str, Any]]:
    token = None
    while True:
        page = events.list_event_buses(**({"NextToken": token} if token else {}))
        yield from page["EventBuses"]
        token = page.get("NextToken")
        if not token:
            return


def janitors(clients: ClientFactory, wait_seconds: float = DEFAULT_WAIT) -> list[Janitor]:
    """Every janitor, in the order resources must be deleted (dependents first)."""
    return [
        VpcEndpoints(clients, wait_seconds),
        Instances(clients, wait_seconds),
        SecurityGroups(clients, wait_seconds),
        Subnets(clients, wait_seconds),
        RouteTables(clients, wait_seconds),
        InternetGateways(clients, wait_seconds),
        Vpcs(clients, wait_seconds),
        InstanceProfiles(clients),
        Roles(clients),
        EventBuses(clients),
        LogGroups(clients),
    ]


def _listed(janitor: Janitor, run_id: str, report: CleanupReport) -> list[Found] | None:
    try:
        return janitor.find(run_id)
    except _FAILURES as exc:
        reason = getattr(exc, "problem", None) or str(exc)
        if not any(kind == janitor.kind for kind, _ in report.unlisted):
            report.unlisted.append((janitor.kind, reason.splitlines()[0]))
        return None


def cleanup(
    run_id: str,
    clients: ClientFactory,
    *,
    wait_seconds: float = DEFAULT_WAIT,
    dry_run: bool = False,
) -> CleanupReport:
    """Delete every resource tagged with ``run_id`` (any run, for ``"all"``) and report.

    ``clients(service)`` returns a botocore client for the account and Region to clean.
    ``dry_run`` lists what would be deleted and deletes nothing.
    """
    check_run_id(run_id)
    report = CleanupReport(run_id, dry_run=dry_run)
    order: Sequence[Janitor] = janitors(clients, wait_seconds)
    if dry_run:
        for janitor in order:
            report.survivors.extend(_listed(janitor, run_id, report) or [])
        return report
    for janitor in order:
        for found in _listed(janitor, run_id, report) or []:
            try:
                janitor.delete(found)
            except _FAILURES as exc:
                reason = getattr(exc, "problem", None) or str(exc)
                report.failed.append((found, reason.splitlines()[0]))
            else:
                report.deleted.append(found)
    for janitor in order:
        report.survivors.extend(_listed(janitor, run_id, report) or [])
    return report
