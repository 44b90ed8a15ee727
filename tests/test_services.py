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
    assert model.protocol == spec.protocol
    if spec.protocol == "json":
        assert model.metadata.get("targetPrefix") == spec.json_target_prefix
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
    assert {s.name for s in served} == {"logs", "events", "ec2", "iam", "sts"}
    assert all(s.catalog for s in served)
    assert all(s.front_rules for s in services.on_plane("control"))


def test_the_data_plane_is_logs_and_events_with_their_catalog_and_hooks() -> None:
    data = services.on_plane("data")
    assert [s.name for s in data] == ["logs", "events"]
    assert all(s.catalog and s.gateway_hooks for s in data)


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
