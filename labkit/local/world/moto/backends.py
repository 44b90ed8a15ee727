"""moto's per-account, per-Region state, and the lock every correction of it holds."""

from __future__ import annotations

import threading
from typing import Any

PARTITION = "aws"
LOCK = threading.RLock()
"""Held while the adapter corrects moto's objects (moto serves requests on several threads)."""


def ec2(account_id: str, region: str) -> Any:
    """moto's EC2 backend of one account and Region."""
    from moto.ec2.models import ec2_backends

    return ec2_backends[account_id][region]


def iam(account_id: str) -> Any:
    """moto's IAM backend of one account."""
    from moto.iam.models import iam_backends

    return iam_backends[account_id][PARTITION]


def known_accounts(backends: Any) -> list[str]:
    """The accounts a moto backend dict holds state for."""
    return [str(account) for account in list(backends.keys())]
