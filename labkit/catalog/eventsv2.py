"""EventBridge Custom Event Bus (``eventsv2``): API operation → IAM action, resource and keys.

The Custom Event Bus keeps EventBridge's ``events:`` action prefix (aws-facts-2026 §1.12): a
policy naming ``eventsv2:PutEvents`` grants nothing. Its buses live at
``arn:${Partition}:events:${Region}:${Account}:event-busv2/${EventBusName}/${OpaqueId}``, so a
policy scoped to ``event-bus/*`` misses them (§1.13). PutEvents names one bus (``EventBusArn``)
and is authorized once on it, with the ``events:source`` and ``events:detail-type`` of all its
entries ("if one entry fails its condition check, the whole request is denied", §1.13).
"""

from __future__ import annotations

from functools import cache

from labkit.catalog.arns import parse_arn
from labkit.catalog.common import (
    ANY_RESOURCE,
    any_resource,
    dict_list,
    make,
    require_str,
    sar_template,
    unique,
)
from labkit.catalog.model import (
    Authorization,
    CallParameterError,
    CallToAuthorize,
    ContextValue,
    OperationSpec,
)

SERVICE = "events"  # the IAM prefix the Custom Event Bus keeps
BUS_TYPE = "event-busv2"
NOTE_BUS = (
    "authorized on the Custom Event Bus ARN passed in EventBusArn "
    "(event-busv2/NAME/OPAQUE-ID; Service Authorization Reference, aws-facts-2026 §1.12)"
)

# Operations botocore models that the catalog cannot map, and why.
UNMAPPED: dict[str, str] = {
    "CreateEventBus": (
        "a bus not yet created has no opaque ID, and AWS does not document which ARN "
        "CreateEventBus is authorized on; labkit's scenarios create Custom Event Buses instead"
    ),
}


def unknown_reason(operation: str) -> str:
    """Why an eventsv2 operation is not mapped (only the data plane the paths need is)."""
    return (
        f"labkit maps the Custom Event Bus operations PutEvents, DescribeEventBus and "
        f"ListEventBuses only, not {operation!r}"
    )


def bus_arn(call: CallToAuthorize) -> str:
    """The ``EventBusArn`` parameter, which must be a Custom Event Bus ARN."""
    value = require_str(call, "EventBusArn")
    arn = parse_arn(value)
    if arn is None or arn.service != SERVICE or not arn.resource.startswith(BUS_TYPE + "/"):
        raise CallParameterError(
            call.operation,
            "EventBusArn",
            f"is not a Custom Event Bus ARN: {value!r}",
            "pass arn:aws:events:REGION:ACCOUNT:event-busv2/NAME/ID (ListEventBuses lists them)",
        )
    return value


def put_events(call: CallToAuthorize) -> list[Authorization]:
    arn = bus_arn(call)
    entries = dict_list(call, "Entries")
    if not entries:
        raise CallParameterError(
            call.operation, "Entries", "is missing or empty", "pass 1 to 10 entries"
        )
    keys: list[tuple[str, ContextValue, str]] = []
    sources = unique(e["Source"] for e in entries if isinstance(e.get("Source"), str))
    types = unique(e["DetailType"] for e in entries if isinstance(e.get("DetailType"), str))
    if sources:
        keys.append(("events:source", sources, "the Source of the entries"))
    if types:
        keys.append(("events:detail-type", types, "the DetailType of the entries"))
    return [make(call, "events:PutEvents", arn, BUS_TYPE, NOTE_BUS, keys)]


def describe_event_bus(call: CallToAuthorize) -> list[Authorization]:
    return [make(call, "events:DescribeEventBus", bus_arn(call), BUS_TYPE, NOTE_BUS)]


def list_event_buses(call: CallToAuthorize) -> list[Authorization]:
    return any_resource(call, "events:ListEventBuses")


@cache
def operations() -> dict[str, OperationSpec]:
    """The Custom Event Bus operations labkit maps, by API name."""
    bus = (sar_template(SERVICE, BUS_TYPE),)
    return {
        "PutEvents": OperationSpec("events:PutEvents", bus, put_events),
        "DescribeEventBus": OperationSpec("events:DescribeEventBus", bus, describe_event_bus),
        "ListEventBuses": OperationSpec("events:ListEventBuses", (ANY_RESOURCE,), list_event_buses),
    }
