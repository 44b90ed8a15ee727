"""The scenario's log groups (with their streams) and event buses, tagged with the run.

Their names come from the scenario file (``logs-test-allowed``...), because the walkthrough's
policy names them. One that exists already is reused only if it carries this run's tag;
otherwise set-up stops with :class:`NotOurs` and changes nothing of it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Sequence
from typing import Any

from labkit.aws.errors import NotOurs
from labkit.aws.tags import run_of, tag_list, tag_map
from labkit.catalog.arns import partition_for


def _log_group(logs: Any, name: str) -> dict[str, Any] | None:
    pages = logs.get_paginator("describe_log_groups").paginate(logGroupNamePrefix=name)
    for page in pages:
        for group in page["logGroups"]:
            if group["logGroupName"] == name:
                return group
    return None


def log_group_arn(group: dict[str, Any]) -> str:
    """The ARN tagging APIs take (without the ``:*`` DescribeLogGroups appends)."""
    return str(group.get("logGroupArn") or group["arn"].removesuffix(":*"))


def check_log_groups(logs: Any, run_id: str, names: Iterable[str]) -> None:
    """NotOurs for the first of ``names`` that exists without this run's tag (changes nothing)."""
    for name in names:
        group = _log_group(logs, name)
        if group is not None:
            owner = run_of(logs.list_tags_for_resource(resourceArn=log_group_arn(group))["tags"])
            if owner != run_id:
                raise NotOurs("log group", name, owner, run_id)


def check_event_buses(events: Any, run_id: str, names: Iterable[str]) -> None:
    """NotOurs for the first bus of ``names`` that exists without this run's tag."""
    for name in names:
        try:
            bus = events.describe_event_bus(Name=name)
        except events.exceptions.ResourceNotFoundException:
            continue
        owner = run_of(events.list_tags_for_resource(ResourceARN=bus["Arn"])["Tags"])
        if owner != run_id:
            raise NotOurs("event bus", name, owner, run_id)


def ensure_log_groups(
    logs: Any, run_id: str, groups: Iterable[tuple[str, Sequence[str]]]
) -> list[str]:
    """Each (group, streams): created tagged if missing, reused if this run's; their names."""
    made = []
    for name, streams in groups:
        group = _log_group(logs, name)
        if group is None:
            logs.create_log_group(logGroupName=name, tags=tag_map(run_id))
        else:
            owner = run_of(logs.list_tags_for_resource(resourceArn=log_group_arn(group))["tags"])
            if owner != run_id:
                raise NotOurs("log group", name, owner, run_id)
        for stream in streams:
            with contextlib.suppress(logs.exceptions.ResourceAlreadyExistsException):
                logs.create_log_stream(logGroupName=name, logStreamName=stream)
        made.append(name)
    return made


def tag_log_group(logs: Any, region: str, account_id: str, name: str, run_id: str) -> None:
    """Tag a log group a probe created, so that clean-up finds it (only if it is untagged)."""
    arn = f"arn:{partition_for(region)}:logs:{region}:{account_id}:log-group:{name}"
    if run_of(logs.list_tags_for_resource(resourceArn=arn)["tags"]) is None:
        logs.tag_resource(resourceArn=arn, tags=tag_map(run_id))


def ensure_event_buses(events: Any, run_id: str, names: Iterable[str]) -> list[str]:
    """Each custom bus: created tagged if missing, reused if this run's."""
    made = []
    for name in names:
        try:
            bus = events.describe_event_bus(Name=name)
        except events.exceptions.ResourceNotFoundException:
            events.create_event_bus(Name=name, Tags=tag_list(run_id))
        else:
            owner = run_of(events.list_tags_for_resource(ResourceARN=bus["Arn"])["Tags"])
            if owner != run_id:
                raise NotOurs("event bus", name, owner, run_id)
        made.append(name)
    return made
