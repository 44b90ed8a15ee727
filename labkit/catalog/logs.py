"""CloudWatch Logs: API operation → IAM action and the resource ARN AWS really authorizes.

The dataset gives the action and its resource types. What it cannot give is the string AWS
compares policies against, which for log groups is not the template (aws-fidelity §3.1):

* most log-group actions are authorized on ``...:log-group:NAME:log-stream:`` (observed for
  CreateLogGroup, DescribeLogStreams, FilterLogEvents, PutRetentionPolicy; the API reference's
  ``LogGroup.arn`` says policies need the ``:*`` form "for most API actions", which only a
  string with something after ``NAME:`` satisfies), so we use it for every log-group action
  not listed below;
* DeleteLogGroup (observed) and the tagging APIs TagResource, UntagResource,
  ListTagsForResource (documented) use the bare ``...:log-group:NAME``;
* DescribeLogGroups is authorized on ``...:log-group::log-stream:`` (empty name, observed).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from labkit.catalog.arns import parse_arn, partition_for
from labkit.catalog.common import (
    ANY_RESOURCE,
    any_resource,
    arn_parameter,
    make,
    optional_str,
    request_tag_keys,
    require_str,
    sar_template,
    string_list,
    tag_keys_only,
    template_arn,
)
from labkit.catalog.model import (
    Authorization,
    Call,
    CallParameterError,
    ContextValue,
    OperationSpec,
    UnknownOperation,
)

SERVICE = "logs"

NOTE_GROUP = (
    "log-group actions are authorized on the group ARN followed by ':log-stream:' "
    "(real AccessDenied messages; aws-fidelity §3.1), so a policy needs "
    "'log-group:NAME:*', not the bare group ARN"
)
NOTE_GROUP_OBSERVED = NOTE_GROUP + "; observed for this operation"
NOTE_BARE_DELETE = (
    "DeleteLogGroup is authorized on the bare log-group ARN, without ':*' or ':log-stream:' "
    "(real AccessDenied messages; aws-fidelity §3.1)"
)
NOTE_TAGGING = (
    "the tagging APIs are authorized on the log-group ARN without the trailing ':*' "
    "(API reference, LogGroup.logGroupArn)"
)
NOTE_STREAM = "authorized on the log-stream ARN (Service Authorization Reference; observed)"
NOTE_LIST_GROUPS = (
    "DescribeLogGroups is authorized on 'log-group::log-stream:' with an empty group name "
    "(real AccessDenied messages; aws-fidelity §3.1): grants scoped to named groups never match"
)
NOTE_NAMED = "authorized on the {type} ARN built from {param} (Service Authorization Reference)"

Keys = Callable[[Call], Iterable[tuple[str, ContextValue, str]]]


def _no_keys(call: Call) -> list[tuple[str, ContextValue, str]]:
    return []


@dataclass(frozen=True, slots=True)
class _Group:
    """A log group a call names, with the Region and account its ARN belongs to."""

    name: str
    region: str
    account: str
    partition: str


def _group_from_identifier(call: Call, parameter: str, value: str) -> _Group:
    """A log group from a name or a log-group ARN (with or without a trailing ':*')."""
    if not value.startswith("arn:"):
        return _Group(value, call.region, call.account, call.partition)
    arn = parse_arn(value)
    if arn is None or arn.service != SERVICE or not arn.resource.startswith("log-group:"):
        raise CallParameterError(
            call.operation,
            parameter,
            f"is not a log group name or ARN: {value!r}",
            "pass the group name, or arn:aws:logs:REGION:ACCOUNT:log-group:NAME",
        )
    name = arn.resource[len("log-group:") :].split(":", 1)[0]
    if not name:
        raise CallParameterError(
            call.operation,
            parameter,
            f"has no log group name: {value!r}",
            "pass arn:aws:logs:REGION:ACCOUNT:log-group:NAME",
        )
    return _Group(name, arn.region, arn.account, arn.partition or partition_for(arn.region))


def _one_group(call: Call, name_param: str, id_param: str | None) -> _Group:
    """The log group of a call that takes a name parameter, an identifier parameter, or both."""
    name = optional_str(call, name_param)
    identifier = optional_str(call, id_param) if id_param else None
    if name and identifier:
        raise CallParameterError(
            call.operation,
            id_param or name_param,
            f"cannot be given together with {name_param}",
            "pass only one of them",
        )
    if identifier:
        return _group_from_identifier(call, id_param or "", identifier)
    if name:
        return _group_from_identifier(call, name_param, name)
    wanted = f"{name_param} or {id_param}" if id_param else name_param
    raise CallParameterError(call.operation, wanted, "is missing", f"pass {wanted}")


def _group_arn(group: _Group, *, bare: bool) -> str:
    template = sar_template(SERVICE, "log-group")
    arn = template_arn(
        Call(SERVICE, "", {}, group.region, group.account, group.partition),
        template,
        LogGroupName=group.name,
    )
    return arn if bare else arn + ":log-stream:"


def _group(
    action: str,
    name_param: str = "logGroupName",
    id_param: str | None = "logGroupIdentifier",
    *,
    note: str = NOTE_GROUP,
    bare: bool = False,
    keys: Keys = _no_keys,
) -> Callable[[Call], list[Authorization]]:
    def build(call: Call) -> list[Authorization]:
        group = _one_group(call, name_param, id_param)
        resource = _group_arn(group, bare=bare)
        return [make(call, f"{SERVICE}:{action}", resource, "log-group", note, keys(call))]

    return build


def _groups(action: str, *params: str) -> Callable[[Call], list[Authorization]]:
    """One authorization per log group named in any of ``params`` (names, lists, ARNs)."""

    def build(call: Call) -> list[Authorization]:
        found: list[_Group] = []
        for param in params:
            value = call.params.get(param)
            values = [value] if isinstance(value, str) else string_list(call, param)
            found.extend(_group_from_identifier(call, param, item) for item in values)
        if not found:
            raise UnknownOperation(
                SERVICE,
                call.operation,
                f"no log group is named in {' or '.join(params)}; labkit cannot tell which "
                "log groups AWS authorizes (e.g. a query that selects groups with SOURCE)",
            )
        seen: dict[str, Authorization] = {}
        for group in found:
            arn = _group_arn(group, bare=False)
            seen.setdefault(arn, make(call, f"{SERVICE}:{action}", arn, "log-group", NOTE_GROUP))
        return list(seen.values())

    return build


def _stream(action: str) -> Callable[[Call], list[Authorization]]:
    def build(call: Call) -> list[Authorization]:
        group = _one_group(call, "logGroupName", "logGroupIdentifier")
        stream = require_str(call, "logStreamName")
        resource = f"{_group_arn(group, bare=True)}:log-stream:{stream}"
        return [make(call, f"{SERVICE}:{action}", resource, "log-stream", NOTE_STREAM)]

    return build


def _describe_log_groups(call: Call) -> list[Authorization]:
    resource = template_arn(call, sar_template(SERVICE, "log-group"), LogGroupName="")
    resource += ":log-stream:"
    return [make(call, "logs:DescribeLogGroups", resource, None, NOTE_LIST_GROUPS)]


def _named(action: str, resource_type: str, param: str, placeholder: str, keys: Keys = _no_keys):
    def build(call: Call) -> list[Authorization]:
        value = require_str(call, param)
        if value.startswith("arn:"):
            return [arn_parameter(call, param, f"{SERVICE}:{action}", keys(call))]
        resource = template_arn(call, sar_template(SERVICE, resource_type), **{placeholder: value})
        note = NOTE_NAMED.format(type=resource_type, param=param)
        return [make(call, f"{SERVICE}:{action}", resource, resource_type, note, keys(call))]

    return build


def _arn(action: str, param: str, keys: Keys = _no_keys, note: str | None = None):
    def build(call: Call) -> list[Authorization]:
        auth = arn_parameter(call, param, f"{SERVICE}:{action}", keys(call))
        if note is None:
            return [auth]
        return [
            Authorization(
                auth.action,
                auth.resource,
                auth.resource_type,
                auth.context,
                auth.reasons,
                note,
                auth.resource_account,
            )
        ]

    return build


def _arn_only(action: str, param: str, what: str):
    """Authorized on an ARN parameter that may also be a name the dataset cannot turn into one."""

    def build(call: Call) -> list[Authorization]:
        value = require_str(call, param)
        if not value.startswith("arn:"):
            raise UnknownOperation(
                SERVICE,
                call.operation,
                f"{param}={value!r} is a name; the {what} ARN AWS authorizes holds an ID that "
                "only the service knows. Pass the ARN instead",
            )
        return [arn_parameter(call, param, f"{SERVICE}:{action}")]

    return build


def _none(action: str) -> Callable[[Call], list[Authorization]]:
    def build(call: Call) -> list[Authorization]:
        return any_resource(call, f"{SERVICE}:{action}")

    return build


def _unknown(reason: str) -> Callable[[Call], list[Authorization]]:
    def build(call: Call) -> list[Authorization]:
        raise UnknownOperation(SERVICE, call.operation, reason)

    return build


def _kms_key(action: str) -> Callable[[Call], list[Authorization]]:
    """AssociateKmsKey/DisassociateKmsKey: a log group by name, or a resourceIdentifier ARN."""

    def build(call: Call) -> list[Authorization]:
        identifier = optional_str(call, "resourceIdentifier")
        if identifier and ":log-group:" not in identifier:
            raise UnknownOperation(
                SERVICE,
                call.operation,
                "a query-result resourceIdentifier has no documented IAM resource; labkit "
                "maps only the log-group form",
            )
        return _group(action, "logGroupName", "resourceIdentifier")(call)

    return build


def _tags(param: str) -> Keys:
    def keys(call: Call) -> list[tuple[str, ContextValue, str]]:
        value = call.params.get(param) or {}
        if not isinstance(value, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()
        ):
            raise CallParameterError(
                call.operation,
                param,
                f"must map tag keys to string values, not {value!r}",
                f'pass {param}={{"team": "web"}}',
            )
        return request_tag_keys(value, param)

    return keys


def _tag_keys(param: str) -> Keys:
    def keys(call: Call) -> list[tuple[str, ContextValue, str]]:
        return tag_keys_only(string_list(call, param), param)

    return keys


def _subscription_filter(call: Call) -> list[Authorization]:
    """PutSubscriptionFilter: the log group, and a Logs destination when it is the target."""
    result = _group("PutSubscriptionFilter")(call)
    destination = require_str(call, "destinationArn")
    arn = parse_arn(destination)
    if arn is not None and arn.service == SERVICE and arn.resource.startswith("destination:"):
        result.append(
            make(
                call,
                "logs:PutSubscriptionFilter",
                destination,
                "destination",
                "a CloudWatch Logs destination target is authorized too (real messages name "
                "the destination ARN; aws-fidelity §2.7)",
            )
        )
    return result


def _delivery_source_keys(call: Call) -> list[tuple[str, ContextValue, str]]:
    keys = _tags("tags")(call)
    source = require_str(call, "resourceArn")
    keys.append(("logs:LogGeneratingResourceArns", [source], "the resourceArn passed"))
    return list(keys)


def _delivery_destination_keys(call: Call) -> list[tuple[str, ContextValue, str]]:
    keys = list(_tags("tags")(call))
    config = call.params.get("deliveryDestinationConfiguration")
    if isinstance(config, dict) and isinstance(config.get("destinationResourceArn"), str):
        keys.append(
            (
                "logs:DeliveryDestinationResourceArn",
                config["destinationResourceArn"],
                "deliveryDestinationConfiguration.destinationResourceArn passed",
            )
        )
    return keys


def _tag_log_group(call: Call) -> list[Authorization]:
    """TagLogGroup: the API reference says tag condition keys cannot restrict it: none set."""
    _tags("tags")(call)  # still validate the parameter
    return _group("TagLogGroup", id_param=None)(call)


def _untag_log_group(call: Call) -> list[Authorization]:
    string_list(call, "tags")
    return _group("UntagLogGroup", id_param=None)(call)


@cache
def _forms() -> dict[str, tuple[str, ...]]:
    group = sar_template(SERVICE, "log-group")
    return {
        "group": (group + ":log-stream:",),
        "bare": (group,),
        "stream": (sar_template(SERVICE, "log-stream"),),
        "list": (group.replace("${LogGroupName}", "") + ":log-stream:",),
        "none": (ANY_RESOURCE,),
    }


def _types(*names: str) -> tuple[str, ...]:
    return tuple(sar_template(SERVICE, name) for name in names)


@cache
def operations() -> dict[str, OperationSpec]:
    """Every CloudWatch Logs operation labkit maps, by API name."""
    f = _forms()
    tagging = _types(
        "anomaly-detector",
        "delivery",
        "delivery-destination",
        "delivery-source",
        "destination",
        "log-group",
        "lookup-table",
        "scheduled-query",
    )
    spec: dict[str, tuple[str, tuple[str, ...], Any]] = {
        # Observed forms (aws-fidelity §3.1)
        "CreateLogGroup": (
            "CreateLogGroup",
            f["group"],
            _group("CreateLogGroup", id_param=None, note=NOTE_GROUP_OBSERVED, keys=_tags("tags")),
        ),
        "CreateLogStream": ("CreateLogStream", f["stream"], _stream("CreateLogStream")),
        "PutLogEvents": ("PutLogEvents", f["stream"], _stream("PutLogEvents")),
        "GetLogEvents": ("GetLogEvents", f["stream"], _stream("GetLogEvents")),
        "DeleteLogStream": ("DeleteLogStream", f["stream"], _stream("DeleteLogStream")),
        "DescribeLogGroups": ("DescribeLogGroups", f["list"], _describe_log_groups),
        "DescribeLogStreams": (
            "DescribeLogStreams",
            f["group"],
            _group("DescribeLogStreams", note=NOTE_GROUP_OBSERVED),
        ),
        "FilterLogEvents": (
            "FilterLogEvents",
            f["group"],
            _group("FilterLogEvents", note=NOTE_GROUP_OBSERVED),
        ),
        "PutRetentionPolicy": (
            "PutRetentionPolicy",
            f["group"],
            _group("PutRetentionPolicy", id_param=None, note=NOTE_GROUP_OBSERVED),
        ),
        "DeleteLogGroup": (
            "DeleteLogGroup",
            f["bare"],
            _group("DeleteLogGroup", id_param=None, note=NOTE_BARE_DELETE, bare=True),
        ),
        # Tagging (documented: ARN without ':*')
        "TagResource": (
            "TagResource",
            tagging,
            _arn("TagResource", "resourceArn", _tags("tags"), NOTE_TAGGING),
        ),
        "UntagResource": (
            "UntagResource",
            tagging,
            _arn("UntagResource", "resourceArn", _tag_keys("tagKeys"), NOTE_TAGGING),
        ),
        "ListTagsForResource": (
            "ListTagsForResource",
            tagging,
            _arn("ListTagsForResource", "resourceArn", note=NOTE_TAGGING),
        ),
        "TagLogGroup": ("TagLogGroup", f["group"], _tag_log_group),
        "UntagLogGroup": ("UntagLogGroup", f["group"], _untag_log_group),
        "ListTagsLogGroup": (
            "ListTagsLogGroup",
            f["group"],
            _group("ListTagsLogGroup", id_param=None),
        ),
        # Other log-group actions: the ':log-stream:' form (see the module docstring)
        "AssociateKmsKey": ("AssociateKmsKey", f["group"], _kms_key("AssociateKmsKey")),
        "DisassociateKmsKey": ("DisassociateKmsKey", f["group"], _kms_key("DisassociateKmsKey")),
        "CreateExportTask": (
            "CreateExportTask",
            f["group"],
            _group("CreateExportTask", id_param=None),
        ),
        "DeleteMetricFilter": (
            "DeleteMetricFilter",
            f["group"],
            _group("DeleteMetricFilter", id_param=None),
        ),
        "PutMetricFilter": (
            "PutMetricFilter",
            f["group"],
            _group("PutMetricFilter", id_param=None),
        ),
        "DeleteRetentionPolicy": (
            "DeleteRetentionPolicy",
            f["group"],
            _group("DeleteRetentionPolicy", id_param=None),
        ),
        "DeleteSubscriptionFilter": (
            "DeleteSubscriptionFilter",
            f["group"],
            _group("DeleteSubscriptionFilter", id_param=None),
        ),
        "DescribeSubscriptionFilters": (
            "DescribeSubscriptionFilters",
            f["group"],
            _group("DescribeSubscriptionFilters", id_param=None),
        ),
        "PutSubscriptionFilter": (
            "PutSubscriptionFilter",
            f["group"] + _types("destination"),
            _subscription_filter,
        ),
        "DescribeMetricFilters": ("DescribeMetricFilters", f["group"], _metric_filters),
        "GetLogGroupFields": ("GetLogGroupFields", f["group"], _group("GetLogGroupFields")),
        "StartQuery": (
            "StartQuery",
            f["group"],
            _groups("StartQuery", "logGroupName", "logGroupNames", "logGroupIdentifiers"),
        ),
        "StartLiveTail": (
            "StartLiveTail",
            f["group"],
            _groups("StartLiveTail", "logGroupIdentifiers"),
        ),
        "CreateLogAnomalyDetector": ("CreateLogAnomalyDetector", f["group"], _anomaly_detector),
        **{
            op: (op, f["group"], _group(op, "logGroupIdentifier", None))
            for op in (
                "DeleteDataProtectionPolicy",
                "GetDataProtectionPolicy",
                "PutDataProtectionPolicy",
                "DeleteSyslogConfiguration",
                "PutSyslogConfiguration",
                "DeleteTransformer",
                "GetTransformer",
                "PutTransformer",
                "PutBearerTokenAuthentication",
                "PutLogGroupDeletionProtection",
            )
        },
        # Named resources of other types
        "DeleteDestination": (
            "DeleteDestination",
            _types("destination"),
            _named("DeleteDestination", "destination", "destinationName", "DestinationName"),
        ),
        "PutDestination": (
            "PutDestination",
            _types("destination"),
            _named(
                "PutDestination", "destination", "destinationName", "DestinationName", _tags("tags")
            ),
        ),
        "PutDestinationPolicy": (
            "PutDestinationPolicy",
            _types("destination"),
            _named("PutDestinationPolicy", "destination", "destinationName", "DestinationName"),
        ),
        "DeleteDelivery": (
            "DeleteDelivery",
            _types("delivery"),
            _named("DeleteDelivery", "delivery", "id", "DeliveryName"),
        ),
        "GetDelivery": (
            "GetDelivery",
            _types("delivery"),
            _named("GetDelivery", "delivery", "id", "DeliveryName"),
        ),
        "DeleteDeliveryDestination": (
            "DeleteDeliveryDestination",
            _types("delivery-destination"),
            _named(
                "DeleteDeliveryDestination",
                "delivery-destination",
                "name",
                "DeliveryDestinationName",
            ),
        ),
        "GetDeliveryDestination": (
            "GetDeliveryDestination",
            _types("delivery-destination"),
            _named(
                "GetDeliveryDestination", "delivery-destination", "name", "DeliveryDestinationName"
            ),
        ),
        "PutDeliveryDestination": (
            "PutDeliveryDestination",
            _types("delivery-destination"),
            _named(
                "PutDeliveryDestination",
                "delivery-destination",
                "name",
                "DeliveryDestinationName",
                _delivery_destination_keys,
            ),
        ),
        **{
            op: (
                op,
                _types("delivery-destination"),
                _named(
                    op, "delivery-destination", "deliveryDestinationName", "DeliveryDestinationName"
                ),
            )
            for op in (
                "DeleteDeliveryDestinationPolicy",
                "GetDeliveryDestinationPolicy",
                "PutDeliveryDestinationPolicy",
            )
        },
        "DeleteDeliverySource": (
            "DeleteDeliverySource",
            _types("delivery-source"),
            _named("DeleteDeliverySource", "delivery-source", "name", "DeliverySourceName"),
        ),
        "GetDeliverySource": (
            "GetDeliverySource",
            _types("delivery-source"),
            _named("GetDeliverySource", "delivery-source", "name", "DeliverySourceName"),
        ),
        "PutDeliverySource": (
            "PutDeliverySource",
            _types("delivery-source"),
            _named(
                "PutDeliverySource",
                "delivery-source",
                "name",
                "DeliverySourceName",
                _delivery_source_keys,
            ),
        ),
        "CreateLookupTable": (
            "CreateLookupTable",
            _types("lookup-table"),
            _named(
                "CreateLookupTable",
                "lookup-table",
                "lookupTableName",
                "LookupTableName",
                _tags("tags"),
            ),
        ),
        **{
            op: (op, _types("lookup-table"), _arn(op, "lookupTableArn"))
            for op in ("DeleteLookupTable", "GetLookupTable", "UpdateLookupTable")
        },
        **{
            op: (op, _types("anomaly-detector"), _arn(op, "anomalyDetectorArn"))
            for op in (
                "DeleteLogAnomalyDetector",
                "GetLogAnomalyDetector",
                "UpdateLogAnomalyDetector",
                "UpdateAnomaly",
            )
        },
        "ListAnomalies": ("ListAnomalies", _types("anomaly-detector") + f["none"], _list_anomalies),
        **{
            op: (op, _types("scheduled-query"), _arn_only(op, "identifier", "scheduled-query"))
            for op in (
                "DeleteScheduledQuery",
                "GetScheduledQuery",
                "GetScheduledQueryHistory",
                "UpdateScheduledQuery",
            )
        },
        # No resource type in the dataset: authorized on '*'
        **{
            op: (op, f["none"], _none(op))
            for op in (
                "AssociateSourceToS3TableIntegration",
                "CancelExportTask",
                "CancelImportTask",
                "CreateImportTask",
                "DeleteAccountPolicy",
                "DeleteIndexPolicy",
                "DeleteIntegration",
                "DeleteQueryDefinition",
                "DeleteResourcePolicy",
                "DescribeAccountPolicies",
                "DescribeConfigurationTemplates",
                "DescribeDeliveries",
                "DescribeDeliveryDestinations",
                "DescribeDeliverySources",
                "DescribeDestinations",
                "DescribeExportTasks",
                "DescribeFieldIndexes",
                "DescribeImportTaskBatches",
                "DescribeImportTasks",
                "DescribeIndexPolicies",
                "DescribeLookupTables",
                "DescribeQueries",
                "DescribeQueryDefinitions",
                "DescribeResourcePolicies",
                "DisassociateSourceFromS3TableIntegration",
                "GetIntegration",
                "GetLogFields",
                "GetStorageTierPolicy",
                "ListAggregateLogGroupSummaries",
                "ListIntegrations",
                "ListLogAnomalyDetectors",
                "ListLogGroups",
                "ListLogGroupsForQuery",
                "ListScheduledQueries",
                "ListSourcesForS3TableIntegration",
                "ListSyslogConfigurations",
                "PutAccountPolicy",
                "PutIndexPolicy",
                "PutIntegration",
                "PutQueryDefinition",
                "PutResourcePolicy",
                "PutStorageTierPolicy",
                "StopQuery",
                "TestMetricFilter",
                "TestTransformer",
            )
        },
    }
    return {
        operation: OperationSpec(f"{SERVICE}:{action}", forms, build)
        for operation, (action, forms, build) in spec.items()
    }


def _metric_filters(call: Call) -> list[Authorization]:
    if call.params.get("logGroupName") is None:
        raise UnknownOperation(
            SERVICE,
            call.operation,
            "without logGroupName, which log group AWS authorizes is not documented or observed",
        )
    return _group("DescribeMetricFilters", id_param=None)(call)


def _anomaly_detector(call: Call) -> list[Authorization]:
    result = _groups("CreateLogAnomalyDetector", "logGroupArnList")(call)
    keys = list(_tags("tags")(call))
    return [
        make(call, auth.action, auth.resource, auth.resource_type, auth.resource_note, keys)
        for auth in result
    ]


def _list_anomalies(call: Call) -> list[Authorization]:
    if call.params.get("anomalyDetectorArn") is None:
        return any_resource(call, "logs:ListAnomalies")
    return [arn_parameter(call, "anomalyDetectorArn", "logs:ListAnomalies")]


# Operations botocore models that the catalog cannot map, and why.
UNMAPPED: dict[str, str] = {
    "CreateDelivery": "the new delivery's ID, part of a resource AWS authorizes, is not known "
    "before the call",
    "UpdateDeliveryConfiguration": "AWS authorizes the delivery source and destination too, "
    "which only the service knows from the delivery ID",
    "CreateScheduledQuery": "the scheduled-query ARN holds an ID the service assigns",
    "GetLogRecord": "the log group is hidden in the opaque logRecordPointer",
    "GetLogObject": "the Service Authorization Reference lists no IAM action for it",
    "GetQueryResults": "the log groups of the query are server state, not parameters",
}
