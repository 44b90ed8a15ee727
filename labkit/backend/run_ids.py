"""Run IDs: every resource a lab run creates carries one in the ``labkit:run-id`` tag."""

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
