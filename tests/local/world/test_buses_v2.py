"""Custom Event Buses: ARNs of the model's form, one name per account and Region, events kept."""

from __future__ import annotations

import re

import botocore.session

from labkit.local.world.buses_v2 import BusesV2


def test_a_bus_arn_matches_the_pattern_of_botocores_model() -> None:
    model = botocore.session.get_session().get_service_model("eventbridgev2")
    pattern = model.operation_model("PutEvents").input_shape.members["EventBusArn"]
    bus = BusesV2().create("111122223333", "ap-northeast-1", "app-events")
    assert bus is not None
    assert re.fullmatch(pattern.metadata["pattern"], bus.arn)
    assert bus.arn.startswith("arn:aws:events:ap-northeast-1:111122223333:event-busv2/app-events/")


def test_names_are_unique_per_account_and_region() -> None:
    buses = BusesV2()
    assert buses.create("111122223333", "ap-northeast-1", "b") is not None
    assert buses.create("111122223333", "ap-northeast-1", "b") is None
    assert buses.create("111122223333", "us-east-1", "b") is not None
    assert buses.create("444455556666", "ap-northeast-1", "b") is not None
    assert [b.name for b in buses.listed("111122223333", "ap-northeast-1")] == ["b"]
    assert buses.listed("111122223333", "ap-northeast-1", prefix="x") == []


def test_put_events_keeps_each_entry_with_an_id() -> None:
    buses = BusesV2()
    bus = buses.create("111122223333", "ap-northeast-1", "b")
    assert bus is not None
    results = buses.put(bus.arn, [{"Source": "a"}, {"Source": "b"}])
    assert len({r["EventId"] for r in results}) == 2
    assert bus.received == 2
    assert [e["Source"] for e in bus.events] == ["a", "b"]
