"""CloudWatch Logs builders for operations with their own twist: tags, subscriptions,
deliveries, anomaly detectors."""

from __future__ import annotations

from labkit.catalog.arns import parse_arn
from labkit.catalog.common import (
    any_resource,
    arn_parameter,
    make,
    request_tag_keys,
    require_str,
    string_list,
    tag_keys_only,
)
from labkit.catalog.logs_builders import SERVICE, Keys, on_group, on_groups
from labkit.catalog.model import (
    Authorization,
    CallParameterError,
    CallToAuthorize,
    ContextValue,
    UnknownOperation,
)


def tags_from(param: str) -> Keys:
    def keys(call: CallToAuthorize) -> list[tuple[str, ContextValue, str]]:
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


def tag_keys_from(param: str) -> Keys:
    def keys(call: CallToAuthorize) -> list[tuple[str, ContextValue, str]]:
        return tag_keys_only(string_list(call, param), param)

    return keys


def subscription_filter(call: CallToAuthorize) -> list[Authorization]:
    """PutSubscriptionFilter: the log group, and a Logs destination when it is the target."""
    result = on_group("PutSubscriptionFilter")(call)
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


def delivery_source_keys(call: CallToAuthorize) -> list[tuple[str, ContextValue, str]]:
    keys = tags_from("tags")(call)
    source = require_str(call, "resourceArn")
    keys.append(("logs:LogGeneratingResourceArns", [source], "the resourceArn passed"))
    return list(keys)


def delivery_destination_keys(call: CallToAuthorize) -> list[tuple[str, ContextValue, str]]:
    keys = list(tags_from("tags")(call))
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


def tag_log_group(call: CallToAuthorize) -> list[Authorization]:
    """TagLogGroup: the API reference says tag condition keys cannot restrict it: none set."""
    tags_from("tags")(call)  # still validate the parameter
    return on_group("TagLogGroup", id_param=None)(call)


def untag_log_group(call: CallToAuthorize) -> list[Authorization]:
    string_list(call, "tags")
    return on_group("UntagLogGroup", id_param=None)(call)


def metric_filters(call: CallToAuthorize) -> list[Authorization]:
    if call.params.get("logGroupName") is None:
        raise UnknownOperation(
            SERVICE,
            call.operation,
            "without logGroupName, which log group AWS authorizes is not documented or observed",
        )
    return on_group("DescribeMetricFilters", id_param=None)(call)


def anomaly_detector(call: CallToAuthorize) -> list[Authorization]:
    result = on_groups("CreateLogAnomalyDetector", "logGroupArnList")(call)
    keys = list(tags_from("tags")(call))
    return [
        make(call, auth.action, auth.resource, auth.resource_type, auth.resource_note, keys)
        for auth in result
    ]


def list_anomalies(call: CallToAuthorize) -> list[Authorization]:
    if call.params.get("anomalyDetectorArn") is None:
        return any_resource(call, "logs:ListAnomalies")
    return [arn_parameter(call, "anomalyDetectorArn", "logs:ListAnomalies")]


def query_results(call: CallToAuthorize) -> list[Authorization]:
    """GetQueryResults: the log groups the query ran on, which only the service's state knows.

    The caller passes them as ``logGroupNames`` (the lab reads them from its state); without
    them the catalog cannot say what AWS authorizes.
    """
    if call.params.get("logGroupNames") is None:
        raise UnknownOperation(
            SERVICE,
            call.operation,
            "the log groups of the query are server state, not parameters: pass the query's "
            "groups as logGroupNames",
        )
    return on_groups("GetQueryResults", "logGroupNames")(call)
