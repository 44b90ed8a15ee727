"""What lint asks the catalog: action expansion, ARN forms, key types; and the dataset itself."""

from __future__ import annotations

import pytest

from labkit.catalog import dataset
from labkit.catalog.arns import parse_arn, partition_for
from labkit.catalog.global_keys import accepts_numeric, all_global_keys, global_key
from labkit.catalog.lookup import (
    closest_action,
    condition_key_type,
    expand_action,
    resource_forms,
)


def test_the_pinned_dataset() -> None:
    assert dataset.data_version() == "0.1.202610271"
    put = dataset.action_info("logs", "putlogevents")
    assert put is not None and put.name == "PutLogEvents"
    assert [ref.name for ref in put.resource_types] == ["log-stream"]


def test_expand_action_is_case_insensitive_with_wildcards() -> None:
    names = {info.name for info in expand_action("LOGS:put*") or []}
    assert {"PutLogEvents", "PutRetentionPolicy"} <= names
    assert all(name.startswith("Put") for name in names)
    assert expand_action("logs:PutLogEvent") == []
    assert expand_action("nosuchservice:Get") is None
    assert expand_action("*:Get*") is None


def test_closest_action() -> None:
    assert closest_action("logs", "PutLogEvent") == "logs:PutLogEvents"
    assert closest_action("logs", "zzzzzz") is None


def test_resource_forms_for_logs_come_from_the_catalog() -> None:
    describe = dataset.action_info("logs", "DescribeLogStreams")
    assert describe is not None
    assert resource_forms(describe) == (
        "arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}:log-stream:",
    )


def test_resource_forms_for_events_add_the_dataset_templates() -> None:
    put = dataset.action_info("events", "PutEvents")
    assert put is not None
    forms = resource_forms(put) or ()
    assert "arn:${Partition}:events:${Region}:${Account}:event-bus/${EventBusName}" in forms
    assert any("event-busv2" in form for form in forms)


def test_resource_forms_elsewhere() -> None:
    unmask = dataset.action_info("logs", "Unmask")  # no operation maps it: both group spellings
    assert unmask is not None and len(resource_forms(unmask) or ()) == 2
    caller = dataset.action_info("sts", "GetCallerIdentity")
    assert caller is not None and resource_forms(caller) is None


def test_condition_key_types() -> None:
    assert condition_key_type("AWS:SourceVpce") is not None
    vpce = condition_key_type("aws:sourcevpce")
    assert vpce is not None and (vpce.name, vpce.type, vpce.system_id) == (
        "aws:SourceVpce",
        "String",
        True,
    )
    tag = condition_key_type("aws:RequestTag/team")
    assert tag is not None and tag.type == "String"
    source = condition_key_type("events:source")
    assert source is not None and source.multivalued
    assert condition_key_type("aws:NoSuchKey") is None
    assert condition_key_type("logs:nothing") is None
    assert condition_key_type("nokey") is None


def test_global_key_table() -> None:
    names = [key.name for key in all_global_keys()]
    assert len(names) == len(set(names))
    tag_keys = global_key("aws:TagKeys")
    assert tag_keys is not None and tag_keys.multivalued
    epoch = global_key("aws:EpochTime")
    assert epoch is not None and accepts_numeric(epoch)
    assert global_key("aws:PrincipalTag/dept") is not None


@pytest.mark.parametrize(
    ("region", "partition"),
    [("ap-northeast-1", "aws"), ("cn-north-1", "aws-cn"), ("us-gov-west-1", "aws-us-gov")],
)
def test_partitions(region: str, partition: str) -> None:
    assert partition_for(region) == partition


def test_parse_arn() -> None:
    arn = parse_arn("arn:aws:logs:r:1:log-group:a:log-stream:b")
    assert arn is not None and arn.resource == "log-group:a:log-stream:b"
    assert str(arn) == "arn:aws:logs:r:1:log-group:a:log-stream:b"
    assert parse_arn("*") is None
    assert parse_arn("arn:aws:logs") is None
