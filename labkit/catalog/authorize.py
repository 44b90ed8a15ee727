"""``authorize_call``: an API call → the (action, resource) pairs AWS authorizes for it."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from importlib import import_module
from types import ModuleType
from typing import Any

from labkit import services
from labkit.catalog.arns import partition_for
from labkit.catalog.model import Authorization, CallToAuthorize, OperationSpec, UnknownOperation


@cache
def _mapping(service: str) -> ModuleType | None:
    """The catalog module the service registry names for ``service`` (None if it has none)."""
    spec = services.find(service)
    return None if spec is None or spec.catalog is None else import_module(spec.catalog)


def mapped_services() -> tuple[str, ...]:
    """The services whose operations the catalog maps, in registry order."""
    return tuple(spec.name for spec in services.with_catalog())


def operations(service: str) -> Mapping[str, OperationSpec]:
    """The operation table of a service (``logs``, ``events``...); empty for others."""
    module = _mapping(service)
    return module.operations() if module is not None else {}


def unmapped(service: str) -> Mapping[str, str]:
    """Operations of a service the catalog knows it cannot map, with the reason."""
    module = _mapping(service)
    return module.UNMAPPED if module is not None else {}


def authorize_call(
    service: str, operation: str, params: Mapping[str, Any], *, region: str, account: str
) -> list[Authorization]:
    """What IAM authorizes for one call: one Authorization per resource AWS checks.

    ``params`` are the request parameters as boto3 takes them. Raises UnknownOperation for an
    operation the catalog cannot map, CallParameterError for a parameter it needs but cannot use.
    """
    if _mapping(service) is None:
        known = " and ".join(repr(name) for name in mapped_services())
        raise UnknownOperation(
            service, operation, f"labkit maps only {known} calls, not {service!r}"
        )
    if not isinstance(params, Mapping):
        raise TypeError(f"params must be a mapping of request parameters, not {params!r}")
    spec = operations(service).get(operation)
    if spec is None:
        reason = unmapped(service).get(operation)
        if reason is None:
            reason = _unknown_reason(service, operation)
        raise UnknownOperation(service, operation, reason)
    call = CallToAuthorize(service, operation, params, region, account, partition_for(region))
    return spec.build(call)


def _unknown_reason(service: str, operation: str) -> str:
    lowered = {name.lower(): name for name in operations(service)}
    close = lowered.get(operation.lower())
    if close is not None:
        return f"operation names are case-sensitive: did you mean {close!r}?"
    module = _mapping(service)
    explain = getattr(module, "unknown_reason", None)
    if explain is not None:
        return str(explain(operation))
    return (
        f"{service} has no operation {operation!r} that labkit maps; spell it as in the API "
        f"reference (e.g. {'PutLogEvents' if service == 'logs' else 'PutEvents'!r})"
    )


@cache
def action_forms() -> Mapping[str, tuple[str, ...]]:
    """For each mapped IAM action (lower-case ``service:action``), every ARN form it may use."""
    forms: dict[str, list[str]] = {}
    for service in mapped_services():
        for spec in operations(service).values():
            bucket = forms.setdefault(spec.action.lower(), [])
            bucket.extend(form for form in spec.forms if form not in bucket)
    return {action: tuple(values) for action, values in forms.items()}
