"""The lab's DNS truth for the names that go around an endpoint (aws-facts-2026 §1.4-1.22)."""

from __future__ import annotations

import pytest
from lab_world import REGION, World

from labkit import data
from labkit.local.world.scenario_schema import ScenarioError, check_scenario

ACCOUNT = "111122223333"


def test_names_around_the_logs_endpoint(world: World) -> None:
    world.delete_endpoints()
    world.create_endpoint("logs")
    resolve = world.state.resolve
    private = resolve(f"logs.{REGION}.amazonaws.com", "vpc")
    assert private and all(a.startswith("172.31.") for a in private)
    assert resolve(f"stream-logs.{REGION}.amazonaws.com", "vpc") == private  # Live Tail, new SDKs
    assert resolve(f"streaming-logs.{REGION}.amazonaws.com", "vpc") == ["203.0.113.10"]
    assert resolve(f"logs.{REGION}.api.aws", "vpc") == ["203.0.113.10"]  # assumption, §1.21
    assert resolve("logs.us-east-1.amazonaws.com", "vpc") == ["203.0.113.10"]  # §1.4
    assert resolve(f"logs-fips.{REGION}.amazonaws.com", "vpc") is None  # §1.22
    assert resolve("logs-fips.us-east-1.amazonaws.com", "vpc") == ["203.0.113.10"]
    assert resolve("logs.eu-west-1.amazonaws.com", "public") is None  # a Region not modelled
    world.delete_endpoints()


def test_the_custom_event_bus_needs_its_own_endpoint(world: World) -> None:
    world.delete_endpoints()
    name = f"{ACCOUNT}.eventsv2.{REGION}.amazonaws.com"
    world.create_endpoint("events")
    assert world.state.resolve(name, "vpc") == ["203.0.113.18"]  # §1.7: events is Classic only
    world.create_endpoint("eventsv2")
    private = world.state.resolve(name, "vpc")
    assert private and all(a.startswith("172.31.") for a in private)  # assumption, §1.11
    assert world.state.resolve(f"eventsv2.{REGION}.amazonaws.com", "vpc") == private
    assert world.state.resolve(name, "public") == ["203.0.113.18"]
    assert world.state.resolve(f"12.eventsv2.{REGION}.amazonaws.com", "vpc") is None
    world.delete_endpoints()


def test_the_scenario_seeds_other_regions_and_custom_event_buses(world: World) -> None:
    assert world.seeded.regions == (REGION, "us-east-1")
    logs = world.seeder.client("logs", ACCOUNT, "us-east-1")
    groups = [g["logGroupName"] for g in logs.describe_log_groups()["logGroups"]]
    assert groups == ["logs-test-allowed", "logs-test-denied"]
    (bus,) = world.state.buses_v2.listed(ACCOUNT, REGION)
    assert bus.arn.startswith(f"arn:aws:events:{REGION}:{ACCOUNT}:event-busv2/app-events/")


def test_a_bad_other_region_is_refused_where_it_is() -> None:
    spec = data.scenario("walkthrough") | {"other_regions": ["mars-north-1"]}
    with pytest.raises(ScenarioError, match=r"other_regions\[0\].*AWS Region"):
        check_scenario(spec, "x.json")
    spec["other_regions"] = ["ap-northeast-1"]
    with pytest.raises(ScenarioError, match="repeats the lab's Region"):
        check_scenario(spec, "x.json")
