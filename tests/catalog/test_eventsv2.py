"""The Custom Event Bus keeps the ``events:`` prefix; its buses are ``event-busv2/NAME/ID``."""

from __future__ import annotations

import pytest

from labkit import catalog
from labkit.catalog.model import CallParameterError, UnknownOperation

REGION, ACCOUNT = "ap-northeast-1", "111122223333"
BUS = f"arn:aws:events:{REGION}:{ACCOUNT}:event-busv2/app-events/{'a' * 25}"


def authorize(operation: str, **params: object) -> list[catalog.Authorization]:
    return catalog.authorize_call("eventsv2", operation, params, region=REGION, account=ACCOUNT)


def test_put_events_is_events_put_events_on_the_bus_with_every_entrys_keys() -> None:
    entries = [
        {"Source": "lab.app", "DetailType": "a"},
        {"Source": "lab.other", "DetailType": "a"},
    ]
    (found,) = authorize("PutEvents", EventBusArn=BUS, Entries=entries)
    assert (found.action, found.resource, found.resource_type) == (
        "events:PutEvents",
        BUS,
        "event-busv2",
    )
    assert found.context == {"events:source": ["lab.app", "lab.other"], "events:detail-type": ["a"]}


def test_a_classic_bus_arn_is_refused_with_how_to_fix_it() -> None:
    classic = f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/app-events"
    with pytest.raises(CallParameterError, match="is not a Custom Event Bus ARN"):
        authorize("PutEvents", EventBusArn=classic, Entries=[{"Source": "a", "DetailType": "b"}])


def test_list_and_describe() -> None:
    assert [a.resource for a in authorize("ListEventBuses")] == ["*"]
    assert authorize("DescribeEventBus", EventBusArn=BUS)[0].action == "events:DescribeEventBus"


def test_unmapped_operations_say_why() -> None:
    with pytest.raises(UnknownOperation, match="no opaque ID"):
        authorize("CreateEventBus", Name="x")
    with pytest.raises(UnknownOperation, match="PutEvents, DescribeEventBus and ListEventBuses"):
        authorize("CreateSubscriber")
