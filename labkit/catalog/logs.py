"""CloudWatch Logs: API operation → IAM action and the resource ARN AWS really authorizes.

Every operation is authorized as the IAM action of the same name. The dataset gives its resource
types; what it cannot give is the string AWS compares policies against, which for log groups is
not the template (aws-fidelity §3.1):

* most log-group actions are authorized on ``...:log-group:NAME:log-stream:`` (observed for
  CreateLogGroup, DescribeLogStreams, FilterLogEvents, PutRetentionPolicy; the API reference's
  ``LogGroup.arn`` says policies need the ``:*`` form "for most API actions", which only a
  string with something after ``NAME:`` satisfies), so we use it for every log-group action
  not listed below;
* DeleteLogGroup (observed) and the tagging APIs TagResource, UntagResource,
  ListTagsForResource (documented) use the bare ``...:log-group:NAME``;
* DescribeLogGroups is authorized on ``...:log-group::log-stream:`` (empty name, observed).

The builders live in :mod:`labkit.catalog.logs_builders` and :mod:`labkit.catalog.logs_special`.
"""

from __future__ import annotations

from functools import cache

from labkit.catalog import logs_builders as b
from labkit.catalog import logs_special as x
from labkit.catalog.common import ANY_RESOURCE, sar_template
from labkit.catalog.model import Builder, OperationSpec

SERVICE = b.SERVICE

# Operations botocore models that the catalog cannot map, and why.
UNMAPPED: dict[str, str] = {
    "CreateDelivery": "the new delivery's ID, part of a resource AWS authorizes, is not known "
    "before the call",
    "UpdateDeliveryConfiguration": "AWS authorizes the delivery source and destination too, "
    "which only the service knows from the delivery ID",
    "CreateScheduledQuery": "the scheduled-query ARN holds an ID the service assigns",
    "GetLogRecord": "the log group is hidden in the opaque logRecordPointer",
    "GetLogObject": "the Service Authorization Reference lists no IAM action for it",
}

# Operations whose only parameter of note names one log group (logGroupIdentifier only).
_BY_IDENTIFIER = (
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
# Operations that name one log group by logGroupName only.
_BY_NAME = (
    "CreateExportTask",
    "DeleteMetricFilter",
    "PutMetricFilter",
    "DeleteRetentionPolicy",
    "DeleteSubscriptionFilter",
    "DescribeSubscriptionFilters",
    "ListTagsLogGroup",
)
# Operations without a resource type in the dataset: authorized on '*'.
_ON_ANY = (
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
_TAGGABLE = (
    "anomaly-detector",
    "delivery",
    "delivery-destination",
    "delivery-source",
    "destination",
    "log-group",
    "lookup-table",
    "scheduled-query",
)


def _types(*names: str) -> tuple[str, ...]:
    return tuple(sar_template(SERVICE, name) for name in names)


@cache
def operations() -> dict[str, OperationSpec]:
    """Every CloudWatch Logs operation labkit maps, by API name."""
    bare = _types("log-group")
    group = (bare[0] + ":log-stream:",)
    stream = _types("log-stream")
    listing = (bare[0].replace("${LogGroupName}", "") + ":log-stream:",)
    tags = x.tags_from("tags")
    observed = b.NOTE_GROUP_OBSERVED
    dest, dd, ds = "destination", "delivery-destination", "delivery-source"
    dd_name, ds_name = "DeliveryDestinationName", "DeliverySourceName"
    # fmt: off
    table: dict[str, tuple[tuple[str, ...], Builder]] = {
        # Observed forms (aws-fidelity §3.1)
        "CreateLogGroup": (group, b.on_group("CreateLogGroup", id_param=None, note=observed,
                                             keys=tags)),
        "CreateLogStream": (stream, b.on_stream("CreateLogStream")),
        "PutLogEvents": (stream, b.on_stream("PutLogEvents")),
        "GetLogEvents": (stream, b.on_stream("GetLogEvents")),
        "DeleteLogStream": (stream, b.on_stream("DeleteLogStream")),
        "DescribeLogGroups": (listing, b.describe_log_groups),
        "DescribeLogStreams": (group, b.on_group("DescribeLogStreams", note=observed)),
        "FilterLogEvents": (group, b.on_group("FilterLogEvents", note=observed)),
        "PutRetentionPolicy": (group, b.on_group("PutRetentionPolicy", id_param=None,
                                                 note=observed)),
        "DeleteLogGroup": (bare, b.on_group("DeleteLogGroup", id_param=None,
                                            note=b.NOTE_BARE_DELETE, bare=True)),
        # Tagging (documented: the ARN without ':*')
        "TagResource": (_types(*_TAGGABLE), b.on_arn_param("TagResource", "resourceArn", tags,
                                                            b.NOTE_TAGGING)),
        "UntagResource": (_types(*_TAGGABLE), b.on_arn_param(
            "UntagResource", "resourceArn", x.tag_keys_from("tagKeys"), b.NOTE_TAGGING)),
        "ListTagsForResource": (_types(*_TAGGABLE), b.on_arn_param(
            "ListTagsForResource", "resourceArn", note=b.NOTE_TAGGING)),
        "TagLogGroup": (group, x.tag_log_group),
        "UntagLogGroup": (group, x.untag_log_group),
        # Other log-group actions: the ':log-stream:' form (see the module docstring)
        "AssociateKmsKey": (group, b.on_kms_key("AssociateKmsKey")),
        "DisassociateKmsKey": (group, b.on_kms_key("DisassociateKmsKey")),
        "PutSubscriptionFilter": (group + _types(dest), x.subscription_filter),
        "DescribeMetricFilters": (group, x.metric_filters),
        "GetLogGroupFields": (group, b.on_group("GetLogGroupFields")),
        "StartQuery": (group, b.on_groups("StartQuery", "logGroupName", "logGroupNames",
                                          "logGroupIdentifiers")),
        "StartLiveTail": (group, b.on_groups("StartLiveTail", "logGroupIdentifiers")),
        "GetQueryResults": (group, x.query_results),
        "CreateLogAnomalyDetector": (group, x.anomaly_detector),
        **{op: (group, b.on_group(op, id_param=None)) for op in _BY_NAME},
        **{op: (group, b.on_group(op, "logGroupIdentifier", None)) for op in _BY_IDENTIFIER},
        # Named resources of other types
        "DeleteDestination": (_types(dest), b.on_named("DeleteDestination", dest,
                                                       "destinationName", "DestinationName")),
        "PutDestination": (_types(dest), b.on_named("PutDestination", dest, "destinationName",
                                                    "DestinationName", tags)),
        "PutDestinationPolicy": (_types(dest), b.on_named(
            "PutDestinationPolicy", dest, "destinationName", "DestinationName")),
        "DeleteDelivery": (_types("delivery"), b.on_named("DeleteDelivery", "delivery", "id",
                                                          "DeliveryName")),
        "GetDelivery": (_types("delivery"), b.on_named("GetDelivery", "delivery", "id",
                                                       "DeliveryName")),
        "DeleteDeliveryDestination": (_types(dd), b.on_named(
            "DeleteDeliveryDestination", dd, "name", dd_name)),
        "GetDeliveryDestination": (_types(dd), b.on_named(
            "GetDeliveryDestination", dd, "name", dd_name)),
        "PutDeliveryDestination": (_types(dd), b.on_named(
            "PutDeliveryDestination", dd, "name", dd_name, x.delivery_destination_keys)),
        **{op: (_types(dd), b.on_named(op, dd, "deliveryDestinationName", dd_name))
           for op in ("DeleteDeliveryDestinationPolicy", "GetDeliveryDestinationPolicy",
                      "PutDeliveryDestinationPolicy")},
        "DeleteDeliverySource": (_types(ds), b.on_named("DeleteDeliverySource", ds, "name",
                                                        ds_name)),
        "GetDeliverySource": (_types(ds), b.on_named("GetDeliverySource", ds, "name", ds_name)),
        "PutDeliverySource": (_types(ds), b.on_named("PutDeliverySource", ds, "name", ds_name,
                                                     x.delivery_source_keys)),
        "CreateLookupTable": (_types("lookup-table"), b.on_named(
            "CreateLookupTable", "lookup-table", "lookupTableName", "LookupTableName", tags)),
        **{op: (_types("lookup-table"), b.on_arn_param(op, "lookupTableArn"))
           for op in ("DeleteLookupTable", "GetLookupTable", "UpdateLookupTable")},
        **{op: (_types("anomaly-detector"), b.on_arn_param(op, "anomalyDetectorArn"))
           for op in ("DeleteLogAnomalyDetector", "GetLogAnomalyDetector",
                      "UpdateLogAnomalyDetector", "UpdateAnomaly")},
        "ListAnomalies": ((*_types("anomaly-detector"), ANY_RESOURCE), x.list_anomalies),
        **{op: (_types("scheduled-query"), b.on_arn_only(op, "identifier", "scheduled-query"))
           for op in ("DeleteScheduledQuery", "GetScheduledQuery", "GetScheduledQueryHistory",
                      "UpdateScheduledQuery")},
        **{op: ((ANY_RESOURCE,), b.on_any_resource(op)) for op in _ON_ANY},
    }
    # fmt: on
    return {
        operation: OperationSpec(f"{SERVICE}:{operation}", forms, build)
        for operation, (forms, build) in table.items()
    }
