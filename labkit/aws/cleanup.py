"""Delete what labkit created, found by its ``labkit:run-id`` tag, dependents first.

One small class per resource type (find by tag, delete one). :func:`cleanup` runs them in
dependency order — interface endpoints (their network interfaces go with them), then the security
groups those interfaces used, then event buses, then log groups (their streams go with them) —
and finally looks again and lists whatever survived. Nothing without the tag is ever touched.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import botocore.exceptions

from labkit.aws.tags import ec2_filter, matches
from labkit.backend.run_ids import check_run_id

ClientFactory = Callable[[str], Any]


@dataclass(frozen=True)
class Found:
    """A tagged resource: its type, ID (or name) and run ID."""

    kind: str
    resource_id: str
    run_id: str


@dataclass
class CleanupReport:
    """What was deleted, what failed and what is still there afterwards."""

    run_id: str
    deleted: list[Found] = field(default_factory=list)
    failed: list[tuple[Found, str]] = field(default_factory=list)
    survivors: list[Found] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """0 when nothing tagged with the run is left, 1 otherwise."""
        return 1 if self.survivors or self.failed else 0

    def __str__(self) -> str:
        lines = [f"cleanup {self.run_id}: deleted {len(self.deleted)}"]
        lines += [f"  deleted  {f.kind:<16} {f.resource_id}" for f in self.deleted]
        lines += [f"  FAILED   {f.kind:<16} {f.resource_id}: {why}" for f, why in self.failed]
        lines += [f"  survives {f.kind:<16} {f.resource_id}" for f in self.survivors]
        lines.append("nothing left" if not self.exit_code else f"{len(self.survivors)} left")
        return "\n".join(lines)


class Janitor(Protocol):
    """Finds and deletes one resource type."""

    kind: str

    def find(self, run_id: str) -> list[Found]: ...

    def delete(self, found: Found) -> None: ...


def _run_of(tags: dict[str, str]) -> str:
    return tags.get("labkit:run-id", "")


def _ec2_tags(item: dict[str, Any]) -> dict[str, str]:
    return {t["Key"]: t["Value"] for t in item.get("Tags", [])}


class VpcEndpoints:
    """Interface endpoints (and, with them, their network interfaces)."""

    kind = "vpc-endpoint"

    def __init__(self, clients: ClientFactory, wait_seconds: float = 300.0) -> None:
        self.ec2 = clients("ec2")
        self.wait_seconds = wait_seconds

    def find(self, run_id: str) -> list[Found]:
        pages = self.ec2.get_paginator("describe_vpc_endpoints").paginate(
            Filters=ec2_filter(run_id)
        )
        return [
            Found(self.kind, e["VpcEndpointId"], _run_of(_ec2_tags(e)))
            for page in pages
            for e in page["VpcEndpoints"]
            if e.get("State", "").lower() not in ("deleted", "deleting")
        ]

    def delete(self, found: Found) -> None:
        result = self.ec2.delete_vpc_endpoints(VpcEndpointIds=[found.resource_id])
        for failure in result.get("Unsuccessful", []):
            error = failure.get("Error", {})
            raise RuntimeError(f"{error.get('Code')}: {error.get('Message')}")
        self._wait_gone(found.resource_id)

    def _wait_gone(self, endpoint_id: str) -> None:
        deadline = time.monotonic() + self.wait_seconds
        while True:
            try:
                found = self.ec2.describe_vpc_endpoints(VpcEndpointIds=[endpoint_id])[
                    "VpcEndpoints"
                ]
            except botocore.exceptions.ClientError as exc:
                if exc.response["Error"]["Code"] == "InvalidVpcEndpointId.NotFound":
                    return
                raise
            if all(e.get("State", "").lower() == "deleted" for e in found):
                return
            if time.monotonic() > deadline:
                raise TimeoutError(f"{endpoint_id} still {found[0].get('State')}")
            time.sleep(5)


class SecurityGroups:
    """Security groups labkit made for its endpoints (deleted once no ENI uses them)."""

    kind = "security-group"

    def __init__(self, clients: ClientFactory, wait_seconds: float = 300.0) -> None:
        self.ec2 = clients("ec2")
        self.wait_seconds = wait_seconds

    def find(self, run_id: str) -> list[Found]:
        groups = self.ec2.describe_security_groups(Filters=ec2_filter(run_id))["SecurityGroups"]
        return [Found(self.kind, g["GroupId"], _run_of(_ec2_tags(g))) for g in groups]

    def delete(self, found: Found) -> None:
        deadline = time.monotonic() + self.wait_seconds
        while True:
            try:
                self.ec2.delete_security_group(GroupId=found.resource_id)
                return
            except botocore.exceptions.ClientError as exc:
                code = exc.response["Error"]["Code"]
                if code != "DependencyViolation" or time.monotonic() > deadline:
                    raise
                time.sleep(5)  # endpoint network interfaces are still being released


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
            tags = self.events.list_tags_for_resource(ResourceARN=bus["Arn"])["Tags"]
            tag_map = {t["Key"]: t["Value"] for t in tags}
            if matches(tag_map, run_id):
                found.append(Found(self.kind, bus["Name"], _run_of(tag_map)))
        return found

    def delete(self, found: Found) -> None:
        self.events.delete_event_bus(Name=found.resource_id)


class LogGroups:
    """Log groups (their streams and events go with them)."""

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
                    found.append(Found(self.kind, group["logGroupName"], _run_of(tags)))
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


def janitors(clients: ClientFactory, wait_seconds: float = 300.0) -> list[Janitor]:
    """Every janitor, in the order resources must be deleted (dependents first)."""
    return [
        VpcEndpoints(clients, wait_seconds),
        SecurityGroups(clients, wait_seconds),
        EventBuses(clients),
        LogGroups(clients),
    ]


def cleanup(run_id: str, clients: ClientFactory, *, wait_seconds: float = 300.0) -> CleanupReport:
    """Delete every resource tagged with ``run_id`` (or any run, for ``"all"``) and report.

    ``clients(service)`` returns a botocore client for the account and Region to clean.
    """
    check_run_id(run_id)
    report = CleanupReport(run_id)
    order: Sequence[Janitor] = janitors(clients, wait_seconds)
    for janitor in order:
        for found in janitor.find(run_id):
            try:
                janitor.delete(found)
            except (botocore.exceptions.ClientError, RuntimeError, TimeoutError) as exc:
                report.failed.append((found, str(exc)))
            else:
                report.deleted.append(found)
    for janitor in order:
        report.survivors.extend(janitor.find(run_id))
    return report
