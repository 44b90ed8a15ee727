"""EventBridge: API operation → IAM action, resource ARN(s) and request keys.

Every operation is authorized as the IAM action of the same name. PutEvents is authorized once
per event bus its entries name (``EventBusName``: a name or an ARN; the default bus when absent),
each with the ``events:source`` and ``events:detail-type`` of that bus's entries (aws-fidelity
§4.1, §4.3). Rules live at ``rule/NAME`` on the default bus and ``rule/BUS/NAME`` on a custom
bus (§4.2). The builders live in :mod:`labkit.catalog.events_builders`.
"""

from __future__ import annotations

from functools import cache

from labkit.catalog import events_builders as b
from labkit.catalog.common import ANY_RESOURCE, sar_template
from labkit.catalog.model import Builder, OperationSpec

SERVICE = b.SERVICE

# Operations botocore models that the catalog cannot map, and why (none so far).
UNMAPPED: dict[str, str] = {}

_RULE_OPS = ("DeleteRule", "DescribeRule", "DisableRule", "EnableRule")
_RULE_BY_RULE = ("PutTargets", "RemoveTargets", "ListTargetsByRule")
_ON_ANY = (
    "ListApiDestinations",
    "ListArchives",
    "ListConnections",
    "ListEndpoints",
    "ListEventBuses",
    "ListEventSources",
    "ListPartnerEventSources",
    "ListReplays",
    "ListRuleNamesByTarget",
    "PutPartnerEvents",
    "PutPermission",
    "RemovePermission",
    "TestEventPattern",
)
_EVENT_SOURCE_OPS = (
    "ActivateEventSource",
    "DeactivateEventSource",
    "DescribeEventSource",
    "CreatePartnerEventSource",
    "DeletePartnerEventSource",
    "DescribePartnerEventSource",
)
_CONNECTION_OPS = (
    "CreateConnection",
    "DeauthorizeConnection",
    "DeleteConnection",
    "DescribeConnection",
    "UpdateConnection",
)
_TAGGABLE = (
    "event-bus",
    "event-busv2",
    "event-sourcev2",
    "rule-on-custom-event-bus",
    "rule-on-default-event-bus",
    "subscriber",
)
_LIST_RULES_FORMS = (
    "arn:${Partition}:events:${Region}:${Account}:rule/*",
    "arn:${Partition}:events:${Region}:${Account}:rule/${EventBusName}/*",
)


def _types(*names: str) -> tuple[str, ...]:
    return tuple(sar_template(SERVICE, name) for name in names)


@cache
def operations() -> dict[str, OperationSpec]:
    """Every EventBridge operation labkit maps, by API name."""
    bus = _types("event-bus")
    rules = _types("rule-on-default-event-bus", "rule-on-custom-event-bus")
    taggable = _types(*_TAGGABLE)
    api, archive, replay = "api-destination", "archive", "replay"
    # fmt: off
    table: dict[str, tuple[tuple[str, ...], Builder]] = {
        "PutEvents": (bus, b.put_events),
        "PutRule": (rules, b.put_rule),
        **{op: (rules, b.on_rule(op, "Rule")) for op in _RULE_BY_RULE},
        **{op: (rules, b.on_rule(op)) for op in _RULE_OPS},
        "ListRules": (_LIST_RULES_FORMS, b.list_rules),
        "CreateEventBus": (bus, b.on_bus("CreateEventBus", required=True, tags=True)),
        "DeleteEventBus": (bus, b.on_bus("DeleteEventBus", required=True)),
        "DescribeEventBus": (bus, b.on_bus("DescribeEventBus")),
        "UpdateEventBus": (bus, b.on_bus("UpdateEventBus")),
        "TagResource": (taggable, b.on_arn_param("TagResource", keys="tags")),
        "UntagResource": (taggable, b.on_arn_param("UntagResource", keys="tag-keys")),
        "ListTagsForResource": (taggable, b.on_arn_param("ListTagsForResource")),
        "CreateApiDestination": (_types(api, "connection"), b.create_api_destination),
        **{op: (_types(api), b.on_named(op, api, "Name", "ApiDestinationName"))
           for op in ("DeleteApiDestination", "DescribeApiDestination", "UpdateApiDestination")},
        **{op: (_types("connection"), b.on_named(op, "connection", "Name", "ConnectionName"))
           for op in _CONNECTION_OPS},
        "CreateArchive": (_types(archive, "event-bus"), b.create_archive),
        **{op: (_types(archive), b.on_named(op, archive, "ArchiveName", "ArchiveName"))
           for op in ("DeleteArchive", "DescribeArchive", "UpdateArchive")},
        **{op: (_types(replay), b.on_named(op, replay, "ReplayName", "ReplayName"))
           for op in ("CancelReplay", "DescribeReplay")},
        "StartReplay": (_types(replay, archive, "event-bus"), b.start_replay),
        **{op: (_types("endpoint"), b.on_endpoint(op))
           for op in ("CreateEndpoint", "UpdateEndpoint")},
        **{op: (_types("endpoint"), b.on_named(op, "endpoint", "Name", "EndpointName"))
           for op in ("DeleteEndpoint", "DescribeEndpoint")},
        **{op: (_types("event-source"), b.on_named(op, "event-source", "Name", "EventSourceName"))
           for op in _EVENT_SOURCE_OPS},
        "ListPartnerEventSourceAccounts": (_types("event-source"), b.on_named(
            "ListPartnerEventSourceAccounts", "event-source", "EventSourceName",
            "EventSourceName")),
        **{op: ((ANY_RESOURCE,), b.on_any_resource(op)) for op in _ON_ANY},
    }
    # fmt: on
    return {
        operation: OperationSpec(f"{SERVICE}:{operation}", forms, build)
        for operation, (forms, build) in table.items()
    }
