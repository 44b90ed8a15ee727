"""The tag that marks every real-AWS resource labkit creates, and run IDs."""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime

RUN_ID_TAG = "labkit:run-id"
ALL_RUNS = "all"
_RUN_ID = re.compile(r"^labkit-\d{8}-\d{6}-[0-9a-f]{4}$")


def new_run_id(now: datetime | None = None) -> str:
    """A fresh run ID such as ``labkit-20261128-175417-3fa2`` (UTC time plus 4 random hex)."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%d-%H%M%S")
    return f"labkit-{stamp}-{secrets.token_hex(2)}"


def check_run_id(run_id: str) -> str:
    """``run_id`` if it is a run ID or ``"all"``; otherwise a ValueError that shows the form."""
    if run_id == ALL_RUNS or _RUN_ID.match(run_id):
        return run_id
    raise ValueError(
        f"{run_id!r} is not a labkit run ID: expected 'labkit-YYYYMMDD-HHMMSS-xxxx' "
        f"(printed by labkit.start and stored in the {RUN_ID_TAG} tag) or 'all'"
    )


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
