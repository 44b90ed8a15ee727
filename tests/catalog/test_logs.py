"""CloudWatch Logs operations map to the action and the resource string AWS really authorizes."""

from __future__ import annotations

import pytest

from labkit.catalog import Authorization, CallParameterError, UnknownOperation, authorize_call

REGION, ACCOUNT = "ap-northeast-1", "111122223333"
GROUP = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:app"


def one(operation: str, **params: object) -> Authorization:
    result = authorize_call("logs", operation, params, region=REGION, account=ACCOUNT)
    assert len(result) == 1, result
    return result[0]


@pytest.mark.parametrize(
    ("operation", "params", "resource", "resource_type"),
    [
        ("CreateLogGroup", {"logGroupName": "app"}, GROUP + ":log-stream:", "log-group"),
        ("DescribeLogStreams", {"logGroupName": "app"}, GROUP + ":log-stream:", "log-group"),
        ("FilterLogEvents", {"logGroupName": "app"}, GROUP + ":log-stream:", "log-group"),
        (
            "PutRetentionPolicy",
            {"logGroupName": "app", "retentionInDays": 7},
            GROUP + ":log-stream:",
            "log-group",
        ),
        (
            "StartQuery",
            {"logGroupName": "app", "startTime": 1, "endTime": 2, "queryString": "fields @m"},
            GROUP + ":log-stream:",
            "log-group",
        ),
        (
            "TagLogGroup",
            {"logGroupName": "app", "tags": {"t": "v"}},
            GROUP + ":log-stream:",
            "log-group",
        ),
        ("DeleteLogGroup", {"logGroupName": "app"}, GROUP, "log-group"),
        (
            "CreateLogStream",
            {"logGroupName": "app", "logStreamName": "s"},
            GROUP + ":log-stream:s",
            "log-stream",
        ),
        (
            "PutLogEvents",
            {"logGroupName": "app", "logStreamName": "s", "logEvents": []},
            GROUP + ":log-stream:s",
            "log-stream",
        ),
        (
            "GetLogEvents",
            {"logGroupName": "app", "logStreamName": "s"},
            GROUP + ":log-stream:s",
            "log-stream",
        ),
        (
            "DeleteLogStream",
            {"logGroupName": "app", "logStreamName": "s"},
            GROUP + ":log-stream:s",
            "log-stream",
        ),
        ("DescribeLogGroups", {}, f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group::log-stream:", None),
        (
            "DescribeLogGroups",
            {"logGroupNamePrefix": "app"},
            f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group::log-stream:",
            None,
        ),
        ("TagResource", {"resourceArn": GROUP, "tags": {"t": "v"}}, GROUP, "log-group"),
        ("UntagResource", {"resourceArn": GROUP, "tagKeys": ["t"]}, GROUP, "log-group"),
        ("ListTagsForResource", {"resourceArn": GROUP}, GROUP, "log-group"),
        ("DescribeResourcePolicies", {}, "*", None),
    ],
)
def test_logs_resource_forms(
    operation: str, params: dict[str, object], resource: str, resource_type: str | None
) -> None:
    authz = one(operation, **params)
    assert authz.action == f"logs:{operation}"
    assert authz.resource == resource
    assert authz.resource_type == resource_type
    assert authz.resource_note  # every resource says why it has this form


def test_log_group_identifier_may_be_an_arn_of_another_account() -> None:
    other = "arn:aws:logs:us-east-1:444455556666:log-group:shared"
    authz = one("DescribeLogStreams", logGroupIdentifier=other)
    assert authz.resource == other + ":log-stream:"
    assert authz.resource_account == "444455556666"


def test_log_group_identifier_with_trailing_star_is_the_same_group() -> None:
    authz = one("GetLogEvents", logGroupIdentifier=GROUP + ":*", logStreamName="s")
    assert authz.resource == GROUP + ":log-stream:s"


def test_partition_follows_the_region() -> None:
    result = authorize_call(
        "logs", "CreateLogGroup", {"logGroupName": "app"}, region="cn-north-1", account=ACCOUNT
    )
    assert result[0].resource == f"arn:aws-cn:logs:cn-north-1:{ACCOUNT}:log-group:app:log-stream:"


def test_create_log_group_with_tags_carries_request_tags() -> None:
    authz = one("CreateLogGroup", logGroupName="app", tags={"team": "web", "env": "dev"})
    assert authz.context == {
        "aws:RequestTag/team": "web",
        "aws:RequestTag/env": "dev",
        "aws:TagKeys": ["team", "env"],
    }
    assert set(authz.reasons) == set(authz.context)


def test_no_tags_means_no_tag_keys_at_all() -> None:
    assert one("CreateLogGroup", logGroupName="app").context == {}


def test_untag_resource_carries_tag_keys_only() -> None:
    assert one("UntagResource", resourceArn=GROUP, tagKeys=["a", "b"]).context == {
        "aws:TagKeys": ["a", "b"]
    }


def test_tag_log_group_sets_no_tag_keys_as_the_api_reference_says() -> None:
    assert one("TagLogGroup", logGroupName="app", tags={"team": "web"}).context == {}


def test_put_log_events_has_no_request_keys() -> None:
    authz = one("PutLogEvents", logGroupName="app", logStreamName="s", logEvents=[])
    assert authz.context == {}
    assert authz.resource_account == ACCOUNT


def test_start_query_authorizes_each_log_group_once() -> None:
    result = authorize_call(
        "logs",
        "StartQuery",
        {
            "logGroupIdentifiers": ["a", "b", f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:a"],
            "startTime": 1,
            "endTime": 2,
            "queryString": "fields @message",
        },
        region=REGION,
        account=ACCOUNT,
    )
    assert [authz.resource for authz in result] == [
        f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:a:log-stream:",
        f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:b:log-stream:",
    ]


def test_start_query_without_groups_is_unknown() -> None:
    with pytest.raises(UnknownOperation, match="SOURCE"):
        authorize_call(
            "logs",
            "StartQuery",
            {"startTime": 1, "endTime": 2, "queryString": "SOURCE x"},
            region=REGION,
            account=ACCOUNT,
        )


def test_subscription_to_a_logs_destination_authorizes_both() -> None:
    destination = f"arn:aws:logs:{REGION}:444455556666:destination:central"
    result = authorize_call(
        "logs",
        "PutSubscriptionFilter",
        {
            "logGroupName": "app",
            "filterName": "f",
            "filterPattern": "",
            "destinationArn": destination,
        },
        region=REGION,
        account=ACCOUNT,
    )
    assert [(a.resource, a.resource_type) for a in result] == [
        (GROUP + ":log-stream:", "log-group"),
        (destination, "destination"),
    ]


def test_unknown_operation_names_the_problem() -> None:
    with pytest.raises(UnknownOperation) as caught:
        authorize_call("logs", "PutLogEvent", {}, region=REGION, account=ACCOUNT)
    assert caught.value.service == "logs"
    assert caught.value.operation == "PutLogEvent"
    assert "PutLogEvents" in str(caught.value)


def test_operation_names_are_case_sensitive_with_a_hint() -> None:
    with pytest.raises(UnknownOperation, match="did you mean 'PutLogEvents'"):
        authorize_call("logs", "putlogevents", {}, region=REGION, account=ACCOUNT)


def test_unmapped_operation_says_why() -> None:
    with pytest.raises(UnknownOperation, match="opaque logRecordPointer"):
        authorize_call(
            "logs", "GetLogRecord", {"logRecordPointer": "x"}, region=REGION, account=ACCOUNT
        )


def test_other_services_are_unknown() -> None:
    with pytest.raises(UnknownOperation, match="only 'logs' and 'events'"):
        authorize_call("s3", "GetObject", {}, region=REGION, account=ACCOUNT)


def test_missing_parameter_is_named() -> None:
    with pytest.raises(CallParameterError) as caught:
        authorize_call(
            "logs", "PutLogEvents", {"logGroupName": "app"}, region=REGION, account=ACCOUNT
        )
    assert caught.value.parameter == "logStreamName"
    assert "logStreamName" in str(caught.value)


def test_name_and_identifier_together_are_refused() -> None:
    with pytest.raises(CallParameterError, match="only one"):
        authorize_call(
            "logs",
            "DescribeLogStreams",
            {"logGroupName": "a", "logGroupIdentifier": "a"},
            region=REGION,
            account=ACCOUNT,
        )


def test_identifier_that_is_not_a_log_group_arn_is_refused() -> None:
    with pytest.raises(CallParameterError, match="not a log group"):
        one("DescribeLogStreams", logGroupIdentifier="arn:aws:s3:::bucket")


def test_bad_tags_are_refused() -> None:
    with pytest.raises(CallParameterError, match="tags"):
        one("CreateLogGroup", logGroupName="app", tags=["team"])


def test_params_must_be_a_mapping() -> None:
    with pytest.raises(TypeError, match="mapping"):
        authorize_call("logs", "DescribeLogGroups", [], region=REGION, account=ACCOUNT)  # type: ignore[arg-type]
