"""Every Logs and EventBridge read answers for the resource it names, by every form of its name.

Two log groups (and two event buses) hold distinct data; each is read back through the data plane
by name, by ``logGroupIdentifier`` as a name and as an ARN, and each answer holds that group's
data only. moto 5.2.5 answered identifier look-ups with the last group created; the adapter
corrects it (labkit/local/world/moto/logs.py).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from lab_world import REGION, World

GROUPS = ("logs-test-allowed", "logs-test-denied")
BUSES = ("orders", "billing")


def admin_client(world: World, url: str, service: str) -> Any:
    admin = world.state.credentials(world.seeded.admin_access_key_id)
    assert admin is not None
    return boto3.client(
        service,
        region_name=REGION,
        endpoint_url=url,
        aws_access_key_id=admin.access_key_id,
        aws_secret_access_key=admin.secret_access_key,
        config=Config(retries={"max_attempts": 1}, inject_host_prefix=False),
    )


@pytest.fixture(scope="module")
def seeded_reads(world: World) -> World:
    """Distinct events in each group, a rule with a distinct target on each bus."""
    logs = world.seeder.client("logs", world.account)
    events = world.seeder.client("events", world.account)
    now = int(time.time() * 1000)
    for group in GROUPS:
        logs.put_log_events(
            logGroupName=group,
            logStreamName="log-stream",
            logEvents=[{"timestamp": now, "message": json.dumps({"group": group})}],
        )
        logs.tag_log_group(logGroupName=group, tags={"group": group})
        logs.put_metric_filter(
            logGroupName=group,
            filterName=f"filter-of-{group}",
            filterPattern="ERROR",
            metricTransformations=[
                {"metricName": "errors", "metricNamespace": "lab", "metricValue": "1"}
            ],
        )
    for bus in BUSES:
        events.create_event_bus(Name=bus, Tags=[{"Key": "bus", "Value": bus}])
        events.put_rule(Name="route", EventBusName=bus, EventPattern=json.dumps({"source": [bus]}))
        events.put_targets(
            Rule="route",
            EventBusName=bus,
            Targets=[{"Id": "t", "Arn": f"arn:aws:sqs:{REGION}:{world.account}:queue-{bus}"}],
        )
    return world


@pytest.fixture()
def public(seeded_reads: World, plane_factory: Callable[..., Any]) -> Callable[[str], Any]:
    _plane, urls = plane_factory()
    return lambda service: admin_client(seeded_reads, urls["public"], service)


def group_forms(world: World, group: str) -> dict[str, str]:
    arn = f"arn:aws:logs:{REGION}:{world.account}:log-group:{group}"
    return {"name": group, "arn": arn}


def messages(events: list[dict[str, Any]]) -> set[str]:
    return {json.loads(event["message"])["group"] for event in events}


def query_groups(logs: Any, query_id: str) -> set[str]:
    """The groups whose events a finished query returned (read from ``@message``)."""
    rows = logs.get_query_results(queryId=query_id)["results"]
    values = [f["value"] for row in rows for f in row if f["field"] == "@message"]
    return {json.loads(value)["group"] for value in values}


@pytest.mark.parametrize("group", GROUPS)
@pytest.mark.parametrize("form", ["name", "arn"])
def test_log_reads_answer_for_the_group_named(
    seeded_reads: World, public: Callable[[str], Any], group: str, form: str
) -> None:
    logs = public("logs")
    identifier = group_forms(seeded_reads, group)[form]
    arn = group_forms(seeded_reads, group)["arn"]
    by_id = {"logGroupIdentifier": identifier}
    got = logs.get_log_events(logStreamName="log-stream", **by_id)["events"]
    assert messages(got) == {group}
    assert messages(logs.filter_log_events(**by_id)["events"]) == {group}
    streams = logs.describe_log_streams(**by_id)["logStreams"]
    assert [s["arn"] for s in streams] == [f"{arn}:log-stream:log-stream"]
    fields = {f["name"]: f["percent"] for f in logs.get_log_group_fields(**by_id)["logGroupFields"]}
    assert fields["group"] == 100 and fields["@message"] == 100
    query = logs.start_query(
        logGroupIdentifiers=[identifier], startTime=0, endTime=2**31, queryString="fields @message"
    )
    results = logs.get_query_results(queryId=query["queryId"])["results"]
    found = {
        json.loads(f["value"])["group"] for row in results for f in row if f["field"] == "@message"
    }
    assert found == {group}
    tail = logs.start_live_tail(logGroupIdentifiers=[arn])["responseStream"]
    start = next(iter(tail))["sessionStart"]
    assert start["logGroupIdentifiers"] == [arn]


@pytest.mark.parametrize("group", GROUPS)
def test_log_reads_by_name_parameter(
    seeded_reads: World, public: Callable[[str], Any], group: str
) -> None:
    logs = public("logs")
    assert messages(
        logs.get_log_events(logGroupName=group, logStreamName="log-stream")["events"]
    ) == {group}
    assert messages(logs.filter_log_events(logGroupName=group)["events"]) == {group}
    assert logs.list_tags_log_group(logGroupName=group)["tags"] == {"group": group}
    arn = group_forms(seeded_reads, group)["arn"]
    assert logs.list_tags_for_resource(resourceArn=arn)["tags"] == {"group": group}
    query = logs.start_query(
        logGroupName=group, startTime=0, endTime=2**31, queryString="fields @message"
    )
    results = logs.get_query_results(queryId=query["queryId"])["results"]
    assert {
        json.loads(f["value"])["group"] for row in results for f in row if f["field"] == "@message"
    } == {group}


def test_an_identifier_naming_no_group_here_is_not_found_or_not_authorized(
    seeded_reads: World, public: Callable[[str], Any]
) -> None:
    logs = public("logs")
    with pytest.raises(ClientError) as caught:
        logs.get_log_events(logGroupIdentifier="no-such-group", logStreamName="log-stream")
    assert caught.value.response["Error"]["Code"] == "ResourceNotFoundException"
    # Another account's group: authorization comes first, and no resource-based policy there
    # lets this caller in (CloudWatch Logs honours none for IAM principals).
    other = f"arn:aws:logs:{REGION}:444455556666:log-group:logs-test-allowed"
    with pytest.raises(ClientError) as caught:
        logs.get_log_events(logGroupIdentifier=other, logStreamName="log-stream")
    error = caught.value.response["Error"]
    assert error["Code"] == "AccessDeniedException"
    assert (
        "because no resource-based policy allows the logs:GetLogEvents action" in error["Message"]
    )


def test_get_query_results_of_an_unknown_query_is_not_found(
    seeded_reads: World, public: Callable[[str], Any]
) -> None:
    with pytest.raises(ClientError) as caught:
        public("logs").get_query_results(queryId="00000000-0000-0000-0000-000000000000")
    assert caught.value.response["Error"]["Code"] == "ResourceNotFoundException"


@pytest.mark.parametrize("bus", BUSES)
@pytest.mark.parametrize("form", ["name", "arn"])
def test_event_reads_answer_for_the_bus_named(
    seeded_reads: World, public: Callable[[str], Any], bus: str, form: str
) -> None:
    events = public("events")
    bus_arn = f"arn:aws:events:{REGION}:{seeded_reads.account}:event-bus/{bus}"
    named = bus if form == "name" else bus_arn
    rule = events.describe_rule(Name="route", EventBusName=named)
    assert json.loads(rule["EventPattern"]) == {"source": [bus]}
    targets = events.list_targets_by_rule(Rule="route", EventBusName=named)["Targets"]
    assert [t["Arn"].rsplit("-", 1)[1] for t in targets] == [bus]
    assert events.describe_event_bus(Name=named)["Name"] == bus
    assert [r["Arn"] for r in events.list_rules(EventBusName=named)["Rules"]] == [
        f"arn:aws:events:{REGION}:{seeded_reads.account}:rule/{bus}/route"
    ]
    assert events.list_tags_for_resource(ResourceARN=bus_arn)["Tags"] == [
        {"Key": "bus", "Value": bus}
    ]
