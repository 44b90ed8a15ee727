"""EventBridge operations: buses, rules, request keys."""

from __future__ import annotations

import json

import pytest

from labkit.catalog import Authorization, CallParameterError, authorize_call

REGION, ACCOUNT = "ap-northeast-1", "111122223333"
BUS = f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus"


def call(operation: str, **params: object) -> list[Authorization]:
    return authorize_call("events", operation, params, region=REGION, account=ACCOUNT)


def entry(source: str, detail_type: str = "t", bus: str | None = None) -> dict[str, str]:
    item = {"Source": source, "DetailType": detail_type, "Detail": "{}"}
    if bus is not None:
        item["EventBusName"] = bus
    return item


def test_put_events_groups_entries_per_bus_in_first_seen_order() -> None:
    other = "arn:aws:events:ap-northeast-1:444455556666:event-bus/central"
    result = call(
        "PutEvents",
        Entries=[
            entry("a.app", "created"),
            entry("b.app", "created", bus="orders"),
            entry("c.app", "deleted"),
            entry("d.app", "x", bus=other),
            entry("a.app", "updated", bus="default"),
        ],
    )
    assert [a.resource for a in result] == [f"{BUS}/default", f"{BUS}/orders", other]
    assert result[0].context == {
        "events:source": ["a.app", "c.app"],
        "events:detail-type": ["created", "deleted", "updated"],
    }
    assert result[1].context == {"events:source": ["b.app"], "events:detail-type": ["created"]}
    assert result[2].resource_account == "444455556666"
    assert all(a.action == "events:PutEvents" and a.resource_type == "event-bus" for a in result)
    assert set(result[0].reasons) == {"events:source", "events:detail-type"}


def test_put_events_entry_without_source_adds_no_source_value() -> None:
    result = call("PutEvents", Entries=[{"DetailType": "t", "Detail": "{}"}])
    assert result[0].context == {"events:detail-type": ["t"]}


def test_put_events_needs_entries() -> None:
    with pytest.raises(CallParameterError, match="Entries"):
        call("PutEvents", Entries=[])


def test_put_events_refuses_a_bus_arn_of_another_service() -> None:
    with pytest.raises(CallParameterError, match=r"Entries\[0\].EventBusName"):
        call("PutEvents", Entries=[entry("a", bus="arn:aws:sqs:ap-northeast-1:1:q")])


@pytest.mark.parametrize(
    ("bus", "resource", "resource_type"),
    [
        (None, f"arn:aws:events:{REGION}:{ACCOUNT}:rule/nightly", "rule-on-default-event-bus"),
        ("default", f"arn:aws:events:{REGION}:{ACCOUNT}:rule/nightly", "rule-on-default-event-bus"),
        (
            "orders",
            f"arn:aws:events:{REGION}:{ACCOUNT}:rule/orders/nightly",
            "rule-on-custom-event-bus",
        ),
        (
            f"{BUS}/orders",
            f"arn:aws:events:{REGION}:{ACCOUNT}:rule/orders/nightly",
            "rule-on-custom-event-bus",
        ),
        (
            "arn:aws:events:us-east-1:444455556666:event-bus/default",
            "arn:aws:events:us-east-1:444455556666:rule/nightly",
            "rule-on-default-event-bus",
        ),
    ],
)
def test_rule_arn_depends_on_the_bus(bus: str | None, resource: str, resource_type: str) -> None:
    params: dict[str, object] = {"Name": "nightly", "ScheduleExpression": "rate(1 day)"}
    if bus is not None:
        params["EventBusName"] = bus
    (authz,) = call("PutRule", **params)
    assert (authz.action, authz.resource, authz.resource_type) == (
        "events:PutRule",
        resource,
        resource_type,
    )


def test_put_rule_pattern_and_tags_become_keys() -> None:
    pattern = {"source": ["com.example.app", {"prefix": "x"}], "detail-type": ["order-placed"]}
    (authz,) = call(
        "PutRule",
        Name="orders",
        EventPattern=json.dumps(pattern),
        Tags=[{"Key": "team", "Value": "web"}],
    )
    assert authz.context == {
        "aws:RequestTag/team": "web",
        "aws:TagKeys": ["team"],
        "events:source": ["com.example.app"],
        "events:detail-type": ["order-placed"],
    }


def test_put_rule_with_a_broken_pattern_says_so() -> None:
    with pytest.raises(CallParameterError, match="EventPattern"):
        call("PutRule", Name="r", EventPattern="{not json")


def test_put_targets_carries_target_arns() -> None:
    targets = [
        {"Id": "1", "Arn": "arn:aws:sqs:ap-northeast-1:111122223333:q"},
        {"Id": "2", "Arn": "arn:aws:lambda:ap-northeast-1:111122223333:function:f"},
    ]
    (authz,) = call("PutTargets", Rule="nightly", Targets=targets)
    assert authz.resource == f"arn:aws:events:{REGION}:{ACCOUNT}:rule/nightly"
    assert authz.context == {"events:TargetArn": [t["Arn"] for t in targets]}


@pytest.mark.parametrize(
    ("params", "resource"),
    [
        ({}, f"{BUS}/default"),
        ({"Name": "orders"}, f"{BUS}/orders"),
        ({"Name": f"{BUS}/x"}, f"{BUS}/x"),
    ],
)
def test_describe_event_bus(params: dict[str, str], resource: str) -> None:
    (authz,) = call("DescribeEventBus", **params)
    assert (authz.action, authz.resource) == ("events:DescribeEventBus", resource)


def test_create_event_bus_with_tags() -> None:
    (authz,) = call("CreateEventBus", Name="orders", Tags=[{"Key": "env", "Value": "dev"}])
    assert authz.resource == f"{BUS}/orders"
    assert authz.context == {"aws:RequestTag/env": "dev", "aws:TagKeys": ["env"]}


def test_bad_event_bridge_tags_are_refused() -> None:
    with pytest.raises(CallParameterError, match="Tags"):
        call("CreateEventBus", Name="orders", Tags=[{"Key": "env"}])


@pytest.mark.parametrize(
    ("params", "resource"),
    [
        ({}, f"arn:aws:events:{REGION}:{ACCOUNT}:rule/*"),
        ({"EventBusName": "orders"}, f"arn:aws:events:{REGION}:{ACCOUNT}:rule/orders/*"),
    ],
)
def test_list_rules(params: dict[str, str], resource: str) -> None:
    (authz,) = call("ListRules", **params)
    assert authz.resource == resource
    assert authz.resource_type is None


@pytest.mark.parametrize("operation", ["PutPermission", "ListEventBuses", "RemovePermission"])
def test_actions_without_resource_types_are_on_star(operation: str) -> None:
    (authz,) = call(operation)
    assert (authz.action, authz.resource) == (f"events:{operation}", "*")
    assert authz.resource_account == ACCOUNT


def test_tag_resource_on_a_rule() -> None:
    rule = f"arn:aws:events:{REGION}:{ACCOUNT}:rule/orders/nightly"
    (authz,) = call("TagResource", ResourceARN=rule, Tags=[{"Key": "k", "Value": "v"}])
    assert (authz.resource, authz.resource_type) == (rule, "rule-on-custom-event-bus")
    assert authz.context["aws:TagKeys"] == ["k"]


def test_start_replay_authorizes_replay_archive_and_bus() -> None:
    archive = f"arn:aws:events:{REGION}:{ACCOUNT}:archive/a"
    result = call(
        "StartReplay",
        ReplayName="r",
        EventSourceArn=archive,
        EventStartTime=1,
        EventEndTime=2,
        Destination={"Arn": f"{BUS}/default"},
    )
    assert [(a.resource, a.resource_type) for a in result] == [
        (f"arn:aws:events:{REGION}:{ACCOUNT}:replay/r", "replay"),
        (archive, "archive"),
        (f"{BUS}/default", "event-bus"),
    ]


def test_partner_event_source_has_no_account() -> None:
    (authz,) = call("ActivateEventSource", Name="aws.partner/example.com/1/src")
    assert authz.resource == f"arn:aws:events:{REGION}::event-source/aws.partner/example.com/1/src"
    assert authz.resource_account is None
