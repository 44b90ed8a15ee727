"""What a scenario file (``data/scenarios/<name>.json``) must hold, checked before any seeding.

A malformed scenario is refused with :class:`ScenarioError` naming the file and the element at
fault (``data/scenarios/x.json: instance.subnet: 'nope' names no subnet of this scenario (have:
a, b)``) instead of a bare ``KeyError`` half-way through seeding.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import boto3

from labkit import data

_ACCOUNT = re.compile(r"[0-9]{12}")


class ScenarioError(ValueError):
    """A scenario file is malformed; the message names the file, the element and the fix."""

    def __init__(self, source: str, path: str, problem: str) -> None:
        super().__init__(f"{source}: {path or 'the document'}: {problem}")
        self.source = source
        self.path = path
        self.problem = problem


# Element → (type, required). Types: str, bool, int, "account", dict (object), list[...] as
# ("list", item schema), ("map", value type).
_SUBNET = {"name": (str, True), "cidr": (str, True), "availability_zone": (str, True)}
_RULE = {"protocol": (str, True), "port": (int, True), "cidr": (str, True)}
_GROUP = {
    "name": (str, True),
    "description": (str, True),
    "ingress": (("list", _RULE), True),
}
_ROLE = {
    "name": (str, True),
    "trusted_service": (str, True),
    "instance_profile": (str, False),
    "inline_policies": (("map", str), True),
}
_LOG_GROUP = {"name": (str, True), "streams": (("list", str), False)}
_BUS = {"name": (str, True)}
_ENDPOINT = {
    "service": (str, True),
    "policy": (str, False),
    "private_dns": (bool, False),
    "subnets": (("list", str), False),
    "security_groups": (("list", str), False),
}
_OTHER = {
    "account_id": ("account", True),
    "label": (str, False),
    "org_id": (str, False),
    "user": ({"name": (str, True), "inline_policies": (("map", str), True)}, True),
    "log_groups": (("list", _LOG_GROUP), False),
    "event_buses": (("list", _BUS), False),
}
SCHEMA: dict[str, Any] = {
    "name": (str, False),
    "title": (str, False),
    "region": (str, True),
    "account_id": ("account", True),
    "org_id": (str, False),
    "vpc": (
        {
            "cidr": (str, True),
            "is_default": (bool, False),
            "enable_dns_support": (bool, True),
            "enable_dns_hostnames": (bool, True),
            "internet_gateway": (bool, False),
        },
        True,
    ),
    "subnets": (("list", _SUBNET), True),
    "security_groups": (("list", _GROUP), True),
    "roles": (("list", _ROLE), True),
    "admin": ({"user_name": (str, True), "inline_policies": (("map", str), False)}, True),
    "instance": (
        {
            "name": (str, True),
            "subnet": (str, True),
            "instance_type": (str, True),
            "image_id": (str, True),
            "role": (str, True),
            "public_ip": (bool, False),
        },
        True,
    ),
    "log_groups": (("list", _LOG_GROUP), False),
    "event_buses": (("list", _BUS), False),
    "event_buses_v2": (("list", _BUS), False),
    "other_regions": (("list", str), False),
    "endpoints": (("list", _ENDPOINT), False),
    "other_accounts": (("list", _OTHER), True),
}

_WORDS = {str: "a string", bool: "true or false", int: "a whole number", "account": "a string"}


def check_scenario(spec: Any, source: str) -> None:
    """Raise :class:`ScenarioError` for the first element of ``spec`` that is missing or wrong."""
    _check(spec, SCHEMA, "", source)
    _check_references(spec, source)


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _check(value: Any, schema: Any, path: str, source: str) -> None:
    if isinstance(schema, dict):
        if not isinstance(value, Mapping):
            raise ScenarioError(source, path, f"must be an object, not {type(value).__name__}")
        for name, (inner, required) in schema.items():
            if value.get(name) is None:  # absent, or null where that means "none"
                if required:
                    raise ScenarioError(
                        source,
                        _join(path, name),
                        f'is missing (or null): add "{name}" to {path or "the top level"}',
                    )
                continue
            _check(value[name], inner, _join(path, name), source)
        unknown = sorted(set(value) - set(schema))
        if unknown:
            raise ScenarioError(
                source,
                _join(path, unknown[0]),
                f"is not a scenario element here (known: {', '.join(schema)})",
            )
        return
    if isinstance(schema, tuple):
        shape, inner = schema
        if shape == "list":
            if not isinstance(value, list):
                raise ScenarioError(source, path, f"must be a list, not {type(value).__name__}")
            for index, item in enumerate(value):
                _check(item, inner, f"{path}[{index}]", source)
        else:
            if not isinstance(value, Mapping):
                raise ScenarioError(source, path, f"must be an object, not {type(value).__name__}")
            for key, item in value.items():
                _check(item, inner, _join(path, key), source)
        return
    wanted = bool if schema is bool else schema
    ok = (
        isinstance(value, str) and _ACCOUNT.fullmatch(value) is not None
        if schema == "account"
        else isinstance(value, wanted) and (schema is bool or not isinstance(value, bool))
    )
    if not ok:
        hint = "a 12-digit account ID in quotes" if schema == "account" else _WORDS[schema]
        raise ScenarioError(source, path, f"must be {hint}, not {value!r}")


def _check_references(spec: Mapping[str, Any], source: str) -> None:
    subnets = [s["name"] for s in spec["subnets"]]
    groups = [g["name"] for g in spec["security_groups"]]
    roles = [r["name"] for r in spec["roles"]]
    _names_one_of(spec["instance"]["subnet"], subnets, "instance.subnet", "subnet", source)
    _names_one_of(spec["instance"]["role"], roles, "instance.role", "role", source)
    templates = data.policy_names()
    owners = [(f"roles[{i}]", r) for i, r in enumerate(spec["roles"])]
    owners.append(("admin", spec["admin"]))
    owners += [
        (f"other_accounts[{i}].user", o["user"]) for i, o in enumerate(spec["other_accounts"])
    ]
    for where, owner in owners:
        for policy_name, template in (owner.get("inline_policies") or {}).items():
            path = f"{where}.inline_policies.{policy_name}"
            _names_one_of(template, templates, path, "policy in data/policies/", source)
    regions = boto3.session.Session().get_available_regions("logs")
    for index, other_region in enumerate(spec.get("other_regions") or []):
        where = f"other_regions[{index}]"
        if other_region == spec["region"]:
            raise ScenarioError(source, where, f"repeats the lab's Region {other_region!r}")
        _names_one_of(other_region, regions, where, "AWS Region", source)
    for index, endpoint in enumerate(spec.get("endpoints") or []):
        where = f"endpoints[{index}]"
        if endpoint.get("policy"):
            path = f"{where}.policy"
            _names_one_of(endpoint["policy"], templates, path, "policy in data/policies/", source)
        for name in endpoint.get("subnets") or []:
            _names_one_of(name, subnets, f"{where}.subnets", "subnet", source)
        for name in endpoint.get("security_groups") or []:
            _names_one_of(name, groups, f"{where}.security_groups", "security group", source)


def _names_one_of(name: str, known: list[str], path: str, what: str, source: str) -> None:
    if name not in known:
        raise ScenarioError(
            source,
            path,
            f"{name!r} names no {what} of this scenario (have: {', '.join(known) or 'none'})",
        )
