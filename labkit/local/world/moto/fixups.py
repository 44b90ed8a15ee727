"""Install every correction of moto once per process."""

from __future__ import annotations

from typing import Any

from labkit.local.world.moto import ec2_endpoints, iam, logs
from labkit.local.world.moto.backends import LOCK
from labkit.local.world.moto.ec2_endpoints import DEFAULT_PENDING_SECONDS

ORIGINAL_METHODS: dict[str, Any] = {}
"""moto's own methods as they were before :func:`install_fixups` (the drift tests call them)."""
_installed = False


def install_fixups(pending_seconds: float = DEFAULT_PENDING_SECONDS) -> None:
    """Correct moto where it differs from AWS; later calls only change the pending time."""
    global _installed
    ec2_endpoints.set_pending_seconds(pending_seconds)
    with LOCK:
        if _installed:
            return
        ec2_endpoints.patch_vpc_backend(ORIGINAL_METHODS)
        iam.fix_user_ids(ORIGINAL_METHODS)
        logs.fix_log_group_lookups(ORIGINAL_METHODS)
        _installed = True
