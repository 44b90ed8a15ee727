"""The service registry agrees with botocore's models and names modules that exist."""

from __future__ import annotations

import importlib
import importlib.util

import botocore.session
import pytest

from labkit import services


@pytest.mark.parametrize("spec", services.SERVICES, ids=lambda s: s.name)
def test_names_agree_with_botocore(spec: services.ServiceSpec) -> None:
    model = botocore.session.get_session().get_service_model(spec.client_name)
    assert model.service_id == spec.service_id
    assert model.signing_name == spec.signing_name
    assert model.endpoint_prefix == spec.name
    assert (spec.iam_prefix or spec.name) == spec.signing_name or spec.name == "monitoring"
    assert model.protocol == spec.protocol
    if spec.protocol == "json":
        assert model.metadata.get("targetPrefix") == spec.json_target_prefix
    if spec.rpc_target_prefix:
        assert model.metadata.get("targetPrefix") == spec.rpc_target_prefix
    if spec.protocol == "query":
        assert spec.query_namespace == model.metadata.get("xmlNamespace")


@pytest.mark.parametrize("spec", services.SERVICES, ids=lambda s: s.name)
def test_named_modules_exist(spec: services.ServiceSpec) -> None:
    if spec.catalog:
        assert callable(importlib.import_module(spec.catalog).operations)
    if spec.gateway_hooks:
        assert callable(importlib.import_module(spec.gateway_hooks).adjust)
    if spec.moto_backend:
        assert importlib.util.find_spec(f"moto.{spec.moto_backend}.models") is not None
    if spec.front_rules:
        assert callable(importlib.import_module(spec.front_rules).refusal)


def test_every_served_service_is_authorized_by_the_catalog() -> None:
    served = services.on_plane("data") + services.on_plane("control")
    assert {s.name for s in served} == {"logs", "events", "eventsv2", "ec2", "iam", "sts"}
    assert all(s.catalog for s in served)
    assert all(s.front_rules for s in services.on_plane("control"))


def test_the_data_plane_is_logs_events_and_the_custom_event_bus() -> None:
    data = services.on_plane("data")
    assert [s.name for s in data] == ["logs", "events", "eventsv2"]
    assert all(s.catalog for s in data)
    assert all(s.gateway_hooks for s in data if s.moto_backend)  # eventsv2: the lab's own state


def test_names_of_paths_around_the_endpoint_are_read_back() -> None:
    regions = ("ap-northeast-1", "us-east-1")
    read = services.parse_hostname
    assert read("logs.ap-northeast-1.api.aws", regions).variant == "dual-stack"
    assert read("logs-fips.us-east-1.amazonaws.com", regions).region == "us-east-1"
    assert read("LOGS-FIPS.us-east-1.amazonaws.com.", regions).variant == "fips"
    assert read("stream-logs.ap-northeast-1.amazonaws.com", regions).variant == "prefixed"
    live_tail_2025 = read("streaming-logs.ap-northeast-1.amazonaws.com", regions)
    assert (live_tail_2025.spec.name, live_tail_2025.variant) == ("logs", "public-only")
    bus = read("111122223333.eventsv2.ap-northeast-1.amazonaws.com", regions)
    assert (bus.spec.name, bus.variant) == ("eventsv2", "account")
    assert read("1111.eventsv2.ap-northeast-1.amazonaws.com", regions) is None
    assert read("logs.eu-west-1.amazonaws.com", regions) is None  # a Region the lab lacks
    assert services.by_rpc_path("/service/AWSEventsV2/operation/PutEvents").name == "eventsv2"
    assert services.by_rpc_path("/service/Other/operation/PutEvents") is None
    assert services.by_rpc_path("/") is None


def test_lookups() -> None:
    region = "ap-northeast-1"
    logs = services.service("logs")
    assert logs.hostname(region) == "logs.ap-northeast-1.amazonaws.com"
    assert logs.endpoint_service_name(region) == "com.amazonaws.ap-northeast-1.logs"
    assert logs.endpoint_url_variable == "AWS_ENDPOINT_URL_CLOUDWATCH_LOGS"
    assert logs.config_key == "cloudwatch_logs"
    assert services.by_target_prefix("AWSEvents") is services.service("events")
    assert services.by_client_name("cloudwatch") is services.service("monitoring")
    assert services.by_endpoint_service("com.amazonaws.ap-northeast-1.ssm", region).name == "ssm"
    assert services.by_hostname("iam.amazonaws.com", region).name == "iam"
    assert services.by_hostname("STS.amazonaws.com.", region).name == "sts"
    assert services.find("sqs") is None
    with pytest.raises(services.UnknownService, match="labkit knows no AWS service 'sqs'"):
        services.service("sqs")
