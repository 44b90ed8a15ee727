"""What the catalog can say is wrong with policy values: actions, resources, condition keys.

Pure checks without places: :mod:`labkit.catalog.lint` walks a document, calls these, and turns
each :class:`Problem` into a located finding. Severity follows one rule: *error* when an
element can never do what it names, *warning* when it is accepted but partly dead or works
unlike it reads.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from labkit.catalog.dataset import ActionInfo
from labkit.catalog.global_keys import all_global_keys
from labkit.catalog.lookup import (
    closest_action,
    condition_key_type,
    expand_action,
    known_service,
    resource_forms,
)
from labkit.catalog.matching import Piece, pattern_can_match

# Operator family → the key types (without ArrayOf) it compares correctly.
_FAMILY_TYPES = {
    "String": {"String", "ARN"},
    "Arn": {"ARN"},
    "Numeric": {"Numeric"},
    "Date": {"Date"},
    "Bool": {"Bool"},
    "IpAddress": {"IPAddress"},
    "Binary": {"Binary"},
}


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a value: severity, a stable code, what is wrong, how to fix it."""

    severity: Literal["error", "warning"]
    code: str
    message: str
    hint: str


def action_problem(value: str) -> Problem | None:
    """Whether an Action value names an action that exists (``*`` and odd forms pass)."""
    if value == "*" or ":" not in value:
        return None
    service, name = value.split(":", 1)
    if "*" in service or "?" in service:
        return None
    if not known_service(service):
        return Problem(
            "error",
            "unknown-service",
            f"{service!r} is not a service prefix in the Service Authorization Reference",
            "check the prefix (CloudWatch Logs is 'logs', EventBridge is 'events')",
        )
    if expand_action(value):
        return None
    if "*" in name or "?" in name:
        return Problem(
            "error",
            "unknown-action",
            f"{value!r} matches no {service} action",
            f"list the {service} actions in the Service Authorization Reference",
        )
    guess = closest_action(service, name)
    hint = f"did you mean {guess!r}?" if guess else f"check the {service} action list"
    return Problem("error", "unknown-action", f"{value!r} is not an action of {service}", hint)


@dataclass(frozen=True, slots=True)
class ResourceProblems:
    """Problems of one statement's Action and Resource values, by their index."""

    actions: dict[int, Problem]
    resources: dict[int, Problem]


def resource_problems(
    actions: Sequence[str], resources: Sequence[tuple[str, Sequence[Piece]]]
) -> ResourceProblems:
    """Which actions no Resource can ever match, and which Resources match no action.

    ``resources`` are ``(text, pieces)`` pairs (pieces as :mod:`labkit.catalog.matching` takes
    them). A statement with a ``*`` Resource, or whose actions have unknown ARN forms, is not
    judged on the side that depends on them.
    """
    found = ResourceProblems({}, {})
    if any(text == "*" for text, _pieces in resources):
        return found
    patterns = [
        (i, pieces) for i, (text, pieces) in enumerate(resources) if text.startswith("arn:")
    ]
    if not patterns:
        return found
    all_known, matched = True, set[int]()
    for index, action in enumerate(actions):
        expanded = expand_action(action) if action != "*" else None
        if not expanded:
            all_known = False
            continue
        reachable = False
        for info in expanded:
            forms = resource_forms(info)
            if forms is None:
                all_known, reachable = False, True
                continue
            hits = {i for i, pieces in patterns if any(pattern_can_match(pieces, f) for f in forms)}
            matched |= hits
            reachable = reachable or bool(hits)
        if not reachable:
            found.actions[index] = _unreachable(action, expanded[0], resources)
    if all_known and matched:  # a dead statement is reported once, at its actions
        for index, _pieces in patterns:
            if index not in matched:
                found.resources[index] = Problem(
                    "warning",
                    "resource-matches-no-action",
                    f"{resources[index][0]!r} can match none of this statement's actions",
                    "remove it, or fix it to an ARN form those actions use",
                )
    return found


def _unreachable(
    action: str, first: ActionInfo, resources: Sequence[tuple[str, Sequence[Piece]]]
) -> Problem:
    if "*" in action or "?" in action:
        return Problem(
            "error",
            "statement-never-matches",
            f"no Resource of this statement can match any action {action!r} names: the "
            "statement never applies",
            "use Resource ARNs of the forms these actions are authorized on",
        )
    forms = resource_forms(first) or ()
    name = first.full_name
    return Problem(
        "error",
        "resource-mismatch",
        f"no Resource of this statement can match {name}: AWS authorizes it on "
        f"{_describe_forms(forms)}",
        f"add a Resource such as {_example(forms, resources)!r}",
    )


def key_problems(family: str, qualifier: str | None, written: str, key: str) -> list[Problem]:
    """Problems of one condition key under an operator (family, set qualifier, as written)."""
    if ":" not in key:
        return []
    key_type = condition_key_type(key)
    if key_type is None:
        unknown = _unknown_key(key)
        return [unknown] if unknown else []
    if family == "Null":
        return []
    problems = []
    base = key_type.type.removeprefix("ArrayOf")
    epoch = family == "Numeric" and key_type.name == "aws:EpochTime"
    if base not in _FAMILY_TYPES.get(family, set()) and not epoch:
        problems.append(
            Problem(
                "warning",
                "operator-key-type",
                f"{written} compares {family.lower()} values, but {key_type.name} is "
                f"{key_type.type}: the condition never works as written",
                f"use a {_family_for(base)} operator with {key_type.name}",
            )
        )
    plain = written.split(":", 1)[1] if qualifier else written
    if key_type.multivalued and qualifier is None:
        problems.append(
            Problem(
                "warning",
                "missing-set-operator",
                f"{key_type.name} is multivalued ({key_type.type}); AWS requires ForAnyValue or "
                f"ForAllValues with it, and does not document what {written} alone does",
                f"write ForAnyValue:{written} (any value matches) or ForAllValues:{written} "
                "(every value matches)",
            )
        )
    elif not key_type.multivalued and qualifier == "ForAllValues":
        problems.append(
            Problem(
                "warning",
                "set-operator-single-valued",
                f"ForAllValues with the single-valued key {key_type.name} is also true when the "
                "key is absent, so it can allow more than it reads",
                f"use {plain} without ForAllValues",
            )
        )
    elif not key_type.multivalued and qualifier == "ForAnyValue":
        problems.append(
            Problem(
                "warning",
                "set-operator-single-valued",
                f"{key_type.name} is single-valued: ForAnyValue adds nothing",
                f"use {plain} without ForAnyValue",
            )
        )
    return problems


def _unknown_key(key: str) -> Problem | None:
    prefix = key.split(":", 1)[0].lower()
    if prefix == "aws":
        names = [k.name for k in all_global_keys() if "${" not in k.name]
        close = difflib.get_close_matches(key, names, n=1, cutoff=0.7)
        hint = f"did you mean {close[0]!r}?" if close else "see the IAM global condition keys"
        return Problem(
            "warning",
            "unknown-global-key",
            f"{key!r} is not a global condition key: AWS leaves it out of every request",
            hint,
        )
    if known_service(prefix):
        return Problem(
            "warning",
            "unknown-condition-key",
            f"{key!r} is not a condition key of {prefix}: it is never in the request",
            f"check the {prefix} condition keys in the Service Authorization Reference",
        )
    return None


def _describe_forms(forms: Sequence[str]) -> str:
    shown = " or ".join(f"'{form}'" for form in forms[:3])
    return shown + (f" (and {len(forms) - 3} more)" if len(forms) > 3 else "")


def _example(forms: Sequence[str], resources: Sequence[tuple[str, Sequence[Piece]]]) -> str:
    """A Resource value that matches a form: one of the statement's own ARNs with ``:*`` added
    (the usual fix for a bare log-group ARN), else the first form with placeholders as ``*``."""
    for text, pieces in resources:
        widened = [*pieces, (":*", True)]
        if any(pattern_can_match(widened, form) for form in forms):
            return text + ":*"
    filled = forms[0].replace("${Partition}", "aws")
    while "${" in filled:
        start = filled.index("${")
        filled = filled[:start] + "*" + filled[filled.index("}", start) + 1 :]
    if filled.endswith(":log-group::log-stream:"):
        return filled[: -len(":log-stream:")].rstrip(":") + ":*"
    if filled.endswith(":log-stream:"):
        return filled[: -len(":log-stream:")] + ":*"
    return filled


def _family_for(base_type: str) -> str:
    for family, types in _FAMILY_TYPES.items():
        if base_type in types:
            return family
    return "String"
