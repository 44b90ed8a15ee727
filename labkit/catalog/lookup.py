"""What a policy linter asks the catalog: which actions a pattern names, which ARNs they use,
and the type of a condition key."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from labkit.catalog import dataset
from labkit.catalog.authorize import action_forms
from labkit.catalog.global_keys import global_key


@dataclass(frozen=True, slots=True)
class KeyType:
    """A condition key's canonical name, its type, and whether the catalog knows it at all."""

    name: str
    type: str
    system_id: bool = False

    @property
    def multivalued(self) -> bool:
        return self.type.startswith("ArrayOf")


def known_service(service: str) -> bool:
    """True if the dataset knows the service prefix."""
    return service.lower() in dataset.known_services()


@lru_cache(maxsize=2048)
def _action_regex(pattern: str) -> re.Pattern[str]:
    return re.compile(re.escape(pattern.lower()).replace(r"\*", ".*").replace(r"\?", "."))


def expand_action(pattern: str) -> list[dataset.ActionInfo] | None:
    """The actions an ``Action`` value names (case-insensitive, ``*``/``?``).

    None when the service part is unknown to the dataset or is itself a wildcard.
    """
    found = _expand(pattern)
    return None if found is None else list(found)


@lru_cache(maxsize=2048)
def _expand(pattern: str) -> tuple[dataset.ActionInfo, ...] | None:
    if ":" not in pattern:
        return None
    service, name = pattern.split(":", 1)
    if "*" in service or "?" in service or not known_service(service):
        return None
    regex = _action_regex(name)
    return tuple(
        info for info in dataset.service_actions(service) if regex.fullmatch(info.name.lower())
    )


def closest_action(service: str, name: str) -> str | None:
    """The action of ``service`` whose name is closest to ``name`` (for "did you mean")."""
    import difflib

    names = [info.name for info in dataset.service_actions(service)]
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
    return f"{service}:{close[0]}" if close else None


def resource_forms(info: dataset.ActionInfo) -> tuple[str, ...] | None:
    """Every ARN form the action is authorized on, or None when that is not known.

    For CloudWatch Logs and EventBridge actions the catalog's forms (the real strings, e.g.
    ``log-group:NAME:log-stream:``); EventBridge adds the dataset's templates, which no quirk
    contradicts. Other services: the dataset's templates, or None without a resource type.
    """
    service = info.service.lower()
    mapped = action_forms().get(info.full_name.lower())
    templates = _templates(info)
    if service == "logs":
        if mapped is not None:
            return mapped
        if not templates:
            return ("*",)
        # Not mapped by any operation: accept both log-group spellings rather than guess.
        return templates + tuple(
            form + ":log-stream:" for form in templates if form.endswith("${LogGroupName}")
        )
    if service == "events":
        if mapped is not None:
            return mapped + tuple(form for form in templates if form not in mapped)
        return templates or ("*",)
    return templates or None


def _templates(info: dataset.ActionInfo) -> tuple[str, ...]:
    forms = []
    for ref in info.resource_types:
        type_info = dataset.resource_type(info.service, ref.name)
        if type_info is not None and type_info.arn_template not in forms:
            forms.append(type_info.arn_template)
    return tuple(forms)


def condition_key_type(key: str) -> KeyType | None:
    """The type of a condition key: ``aws:*`` from labkit's table, others from the dataset."""
    if ":" not in key:
        return None
    prefix = key.split(":", 1)[0].lower()
    if prefix == "aws":
        entry = global_key(key)
        return KeyType(entry.name, entry.type, entry.system_id) if entry else None
    info = dataset.service_condition_key(prefix, key)
    return KeyType(info.name, info.type) if info else None
