"""Tags that mark one run's real-AWS resources, in each API's own shape, and the filters that
find them again."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from labkit.backend.run_ids import ALL_RUNS, RUN_ID_TAG


def ec2_tag_specs(
    resource_type: str | Iterable[str], run_id: str, name: str | None = None
) -> list[dict]:
    """``TagSpecifications`` for an EC2 create call (one entry per resource type)."""
    types = [resource_type] if isinstance(resource_type, str) else list(resource_type)
    return [{"ResourceType": kind, "Tags": tag_list(run_id, name)} for kind in types]


def tag_list(run_id: str, name: str | None = None) -> list[dict[str, str]]:
    """``[{"Key": ..., "Value": ...}]`` (EC2, IAM, EventBridge)."""
    tags = [{"Key": RUN_ID_TAG, "Value": run_id}]
    if name:
        tags.append({"Key": "Name", "Value": name})
    return tags


def tag_map(run_id: str) -> dict[str, str]:
    """``{key: value}`` (CloudWatch Logs)."""
    return {RUN_ID_TAG: run_id}


def as_map(tags: Iterable[Mapping[str, Any]] | Mapping[str, str] | None) -> dict[str, str]:
    """Tags in either shape as a dict."""
    if tags is None:
        return {}
    if isinstance(tags, Mapping):
        return {str(k): str(v) for k, v in tags.items()}
    return {str(t["Key"]): str(t["Value"]) for t in tags}


def ec2_filter(run_id: str, name: str | None = None) -> list[dict]:
    """EC2 ``Filters`` selecting one run's resources (``"all"``: every labkit run's)."""
    if run_id == ALL_RUNS:
        filters = [{"Name": "tag-key", "Values": [RUN_ID_TAG]}]
    else:
        filters = [{"Name": f"tag:{RUN_ID_TAG}", "Values": [run_id]}]
    if name:
        filters.append({"Name": "tag:Name", "Values": [name]})
    return filters


def run_of(tags: Iterable[Mapping[str, Any]] | Mapping[str, str] | None) -> str | None:
    """The run ID a resource is tagged with, or None (not labkit's)."""
    return as_map(tags).get(RUN_ID_TAG)


def matches(tags: Mapping[str, str], run_id: str) -> bool:
    """Whether a resource's tags (as a dict) mark it as part of ``run_id`` (or any run)."""
    if RUN_ID_TAG not in tags:
        return False
    return run_id == ALL_RUNS or tags[RUN_ID_TAG] == run_id
