"""EC2 tag specifications and filters that mark and find one run's real-AWS resources."""

from __future__ import annotations

from labkit.backend.run_ids import ALL_RUNS, RUN_ID_TAG


def ec2_tag_specs(resource_type: str, run_id: str, name: str | None = None) -> list[dict]:
    """``TagSpecifications`` for an EC2 create call."""
    tags = [{"Key": RUN_ID_TAG, "Value": run_id}]
    if name:
        tags.append({"Key": "Name", "Value": name})
    return [{"ResourceType": resource_type, "Tags": tags}]


def ec2_filter(run_id: str) -> list[dict]:
    """EC2 ``Filters`` selecting one run's resources, or every labkit run's for ``"all"``."""
    if run_id == ALL_RUNS:
        return [{"Name": "tag-key", "Values": [RUN_ID_TAG]}]
    return [{"Name": f"tag:{RUN_ID_TAG}", "Values": [run_id]}]


def matches(tags: dict[str, str], run_id: str) -> bool:
    """Whether a resource's tags (as a dict) mark it as part of ``run_id`` (or any run)."""
    if RUN_ID_TAG not in tags:
        return False
    return run_id == ALL_RUNS or tags[RUN_ID_TAG] == run_id
