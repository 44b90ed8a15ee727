"""Builders for the EventBridge operation table: buses, rules, and the keys their calls carry.

The forms they produce, and why, are described in :mod:`labkit.catalog.events`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from labkit.catalog.arns import parse_arn
from labkit.catalog.common import (
    any_resource,
    arn_parameter,
    dict_list,
    make,
    optional_str,
    request_tag_keys,
    require_str,
    sar_template,
    string_list,
    tag_keys_only,
    template_arn,
    unique,
)
from labkit.catalog.model import (
    Authorization,
    CallParameterError,
    CallToAuthorize,
    ContextValue,
)

SERVICE = "events"
DEFAULT_BUS = "default"

NOTE_BUS = "authorized on the event bus ARN (Service Authorization Reference; observed)"
NOTE_PUT_EVENTS = (
    "PutEvents is authorized on the ARN of the bus each entry names (EventBusName, a name or "
    "an ARN; the default bus when absent), once per bus (aws-fidelity §4.1, §4.3)"
)
NOTE_RULE = (
    "authorized on the rule ARN: rule/NAME on the default bus, rule/BUS/NAME on a custom bus "
    "(Service Authorization Reference; observed)"
)
NOTE_LIST_RULES = (
    "ListRules has no resource type in the Service Authorization Reference, but a real "
    "AccessDenied message names 'rule/*' (one observation; labkit follows it)"
)
NOTE_NAMED = "authorized on the {type} ARN built from {param} (Service Authorization Reference)"

Keys = Iterable[tuple[str, ContextValue, str]]


def bus_arn(call: CallToAuthorize, value: str | None, parameter: str) -> str:
    """The ARN of the bus a parameter names (a name, an ARN, or absent for the default bus)."""
    if value is None:
        value = DEFAULT_BUS
    if value.startswith("arn:"):
        arn = parse_arn(value)
        if arn is None or arn.service != SERVICE or not arn.resource.startswith("event-bus/"):
            raise CallParameterError(
                call.operation,
                parameter,
                f"is not an event bus name or ARN: {value!r}",
                "pass the bus name, or arn:aws:events:REGION:ACCOUNT:event-bus/NAME",
            )
        return value
    return template_arn(call, sar_template(SERVICE, "event-bus"), EventBusName=value)


def rule_arn(
    call: CallToAuthorize, rule: str, bus_value: str | None, parameter: str
) -> tuple[str, str]:
    """The ARN of a rule and its resource type, given the rule name and the bus parameter."""
    bus = parse_arn(bus_arn(call, bus_value, parameter))
    assert bus is not None  # bus_arn returns an ARN
    bus_name = bus.resource[len("event-bus/") :]
    where = CallToAuthorize(
        call.service, call.operation, call.params, bus.region, bus.account, bus.partition
    )
    if bus_name == DEFAULT_BUS:
        template = sar_template(SERVICE, "rule-on-default-event-bus")
        return template_arn(where, template, RuleName=rule), "rule-on-default-event-bus"
    template = sar_template(SERVICE, "rule-on-custom-event-bus")
    arn = template_arn(where, template, EventBusName=bus_name, RuleName=rule)
    return arn, "rule-on-custom-event-bus"


def tags_from(call: CallToAuthorize, parameter: str = "Tags") -> Keys:
    """``aws:RequestTag/*`` and ``aws:TagKeys`` from an EventBridge ``[{Key, Value}]`` list."""
    tags: dict[str, str] = {}
    for item in dict_list(call, parameter):
        key, value = item.get("Key"), item.get("Value")
        if not isinstance(key, str) or not isinstance(value, str):
            raise CallParameterError(
                call.operation,
                parameter,
                f"has an entry without string Key and Value: {item!r}",
                f'pass {parameter}=[{{"Key": "team", "Value": "web"}}]',
            )
        tags[key] = value
    return request_tag_keys(tags, parameter)


def put_events(call: CallToAuthorize) -> list[Authorization]:
    entries = dict_list(call, "Entries")
    if not entries:
        raise CallParameterError(
            call.operation, "Entries", "is missing or empty", "pass 1 to 10 entries"
        )
    groups: dict[str, list[Mapping[str, Any]]] = {}
    for index, entry in enumerate(entries):
        bus = entry.get("EventBusName")
        if bus is not None and (not isinstance(bus, str) or not bus):
            raise CallParameterError(
                call.operation,
                f"Entries[{index}].EventBusName",
                f"is not a string: {bus!r}",
                "pass a bus name or ARN, or leave it out for the default bus",
            )
        groups.setdefault(bus_arn(call, bus, f"Entries[{index}].EventBusName"), []).append(entry)
    result = []
    for arn, members in groups.items():
        sources = unique(e["Source"] for e in members if isinstance(e.get("Source"), str))
        types = unique(e["DetailType"] for e in members if isinstance(e.get("DetailType"), str))
        keys: list[tuple[str, ContextValue, str]] = []
        if sources:
            keys.append(("events:source", sources, "the Source of the entries sent to this bus"))
        if types:
            keys.append(
                ("events:detail-type", types, "the DetailType of the entries sent to this bus")
            )
        result.append(make(call, "events:PutEvents", arn, "event-bus", NOTE_PUT_EVENTS, keys))
    return result


def pattern_values(call: CallToAuthorize, field: str) -> list[str]:
    """Plain string values of a top-level field of the rule's EventPattern."""
    text = call.params.get("EventPattern")
    if text is None:
        return []
    try:
        pattern = json.loads(text) if isinstance(text, str) else None
    except json.JSONDecodeError as error:
        raise CallParameterError(
            call.operation,
            "EventPattern",
            f"is not valid JSON ({error.msg})",
            'pass a JSON object such as {"source": ["com.example.app"]}',
        ) from None
    if not isinstance(pattern, dict):
        raise CallParameterError(
            call.operation, "EventPattern", "must be a JSON object", 'pass {"source": [...]}'
        )
    values = pattern.get(field)
    return unique(v for v in values if isinstance(v, str)) if isinstance(values, list) else []


def put_rule(call: CallToAuthorize) -> list[Authorization]:
    arn, rtype = rule_arn(
        call, require_str(call, "Name"), optional_str(call, "EventBusName"), "EventBusName"
    )
    keys = list(tags_from(call))
    sources = pattern_values(call, "source")
    if sources:
        keys.append(("events:source", sources, "the 'source' values of the EventPattern"))
    types = pattern_values(call, "detail-type")
    if types:
        keys.append(("events:detail-type", types, "the 'detail-type' values of the EventPattern"))
    return [make(call, "events:PutRule", arn, rtype, NOTE_RULE, keys)]


def on_rule(
    action: str, name_param: str = "Name"
) -> Callable[[CallToAuthorize], list[Authorization]]:
    def build(call: CallToAuthorize) -> list[Authorization]:
        arn, rtype = rule_arn(
            call,
            require_str(call, name_param),
            optional_str(call, "EventBusName"),
            "EventBusName",
        )
        keys: list[tuple[str, ContextValue, str]] = []
        if action == "PutTargets":
            targets = [t.get("Arn") for t in dict_list(call, "Targets")]
            arns = unique(t for t in targets if isinstance(t, str))
            if arns:
                keys.append(("events:TargetArn", arns, "the Arn of each target passed"))
        return [make(call, f"events:{action}", arn, rtype, NOTE_RULE, keys)]

    return build


def list_rules(call: CallToAuthorize) -> list[Authorization]:
    bus = parse_arn(bus_arn(call, optional_str(call, "EventBusName"), "EventBusName"))
    assert bus is not None
    name = bus.resource[len("event-bus/") :]
    prefix = f"arn:{bus.partition}:events:{bus.region}:{bus.account}:rule/"
    resource = prefix + "*" if name == DEFAULT_BUS else f"{prefix}{name}/*"
    return [make(call, "events:ListRules", resource, None, NOTE_LIST_RULES)]


def on_bus(action: str, param: str = "Name", *, required: bool = False, tags: bool = False):
    def build(call: CallToAuthorize) -> list[Authorization]:
        value = require_str(call, param) if required else optional_str(call, param)
        keys = tags_from(call) if tags else []
        arn = bus_arn(call, value, param)
        return [make(call, f"events:{action}", arn, "event-bus", NOTE_BUS, keys)]

    return build


def on_named(action: str, resource_type: str, param: str, placeholder: str):
    def build(call: CallToAuthorize) -> list[Authorization]:
        return [named_one(call, action, resource_type, param, placeholder)]

    return build


def named_one(
    call: CallToAuthorize,
    action: str,
    resource_type: str,
    param: str,
    placeholder: str,
    keys: Keys = (),
) -> Authorization:
    value = require_str(call, param)
    if value.startswith("arn:"):
        return arn_parameter(call, param, f"events:{action}", keys)
    arn = template_arn(call, sar_template(SERVICE, resource_type), **{placeholder: value})
    note = NOTE_NAMED.format(type=resource_type, param=param)
    return make(call, f"events:{action}", arn, resource_type, note, keys)


def on_endpoint(action: str):
    def build(call: CallToAuthorize) -> list[Authorization]:
        buses = [b.get("EventBusArn") for b in dict_list(call, "EventBuses")]
        arns = unique(b for b in buses if isinstance(b, str))
        keys = [("events:EventBusArn", arns, "the EventBusArn of each EventBuses entry")]
        return [named_one(call, action, "endpoint", "Name", "EndpointName", keys if arns else ())]

    return build


def create_api_destination(call: CallToAuthorize) -> list[Authorization]:
    return [
        named_one(call, "CreateApiDestination", "api-destination", "Name", "ApiDestinationName"),
        arn_parameter(call, "ConnectionArn", "events:CreateApiDestination"),
    ]


def create_archive(call: CallToAuthorize) -> list[Authorization]:
    source = require_str(call, "EventSourceArn")
    return [
        named_one(call, "CreateArchive", "archive", "ArchiveName", "ArchiveName"),
        make(
            call,
            "events:CreateArchive",
            bus_arn(call, source, "EventSourceArn"),
            "event-bus",
            NOTE_BUS,
        ),
    ]


def start_replay(call: CallToAuthorize) -> list[Authorization]:
    destination = call.params.get("Destination")
    target = destination.get("Arn") if isinstance(destination, Mapping) else None
    if not isinstance(target, str):
        raise CallParameterError(
            call.operation, "Destination.Arn", "is missing", 'pass Destination={"Arn": BUS_ARN}'
        )
    return [
        named_one(call, "StartReplay", "replay", "ReplayName", "ReplayName"),
        arn_parameter(call, "EventSourceArn", "events:StartReplay"),
        make(
            call,
            "events:StartReplay",
            bus_arn(call, target, "Destination.Arn"),
            "event-bus",
            NOTE_BUS,
        ),
    ]


def on_arn_param(action: str, param: str = "ResourceARN", keys: str | None = None):
    def build(call: CallToAuthorize) -> list[Authorization]:
        extra: Keys = ()
        if keys == "tags":
            extra = tags_from(call)
        elif keys == "tag-keys":
            extra = tag_keys_only(string_list(call, "TagKeys"), "TagKeys")
        return [arn_parameter(call, param, f"events:{action}", extra)]

    return build


def on_any_resource(action: str) -> Callable[[CallToAuthorize], list[Authorization]]:
    def build(call: CallToAuthorize) -> list[Authorization]:
        return any_resource(call, f"events:{action}")

    return build
