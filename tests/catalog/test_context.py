"""The request context the lab derives: endpoint vs public path, users vs sessions, accounts."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from labkit.catalog import Caller, NetworkPath, authorize_call, derive_context

REGION, OWN, OTHER = "ap-northeast-1", "111122223333", "444455556666"
SESSION = f"arn:aws:sts::{OWN}:assumed-role/ec2-logs-fullaccess-role/i-0123456789abcdef0"
ENDPOINT = NetworkPath(True, "vpce-0a1b2c3d4e5f6a7b8", "vpc-0abc1234def567890", "172.31.10.218")
PUBLIC = NetworkPath(False, source_ip="203.0.113.7")
NOW = datetime(2019, 2, 16, 17, 42, 49, tzinfo=UTC)


def put_log_events(account: str = OWN):
    (authz,) = authorize_call(
        "logs",
        "PutLogEvents",
        {
            "logGroupName": "logs-test-allowed",
            "logStreamName": "log-stream",
            "logEvents": [],
        },
        region=REGION,
        account=account,
    )
    return authz


def test_role_session_through_the_endpoint() -> None:
    derived = derive_context(
        Caller.from_arn(SESSION, org_id="o-a1b2c3d4e5"),
        put_log_events(),
        ENDPOINT,
        region=REGION,
        resource_org_id="o-a1b2c3d4e5",
        now=NOW,
    )
    assert derived.values == {
        "aws:PrincipalArn": f"arn:aws:iam::{OWN}:role/ec2-logs-fullaccess-role",
        "aws:PrincipalAccount": OWN,
        "aws:PrincipalType": "AssumedRole",
        "aws:PrincipalIsAWSService": "false",
        "aws:PrincipalOrgID": "o-a1b2c3d4e5",
        "aws:SourceVpce": "vpce-0a1b2c3d4e5f6a7b8",
        "aws:SourceVpc": "vpc-0abc1234def567890",
        "aws:VpcSourceIp": "172.31.10.218",
        "aws:ResourceAccount": OWN,
        "aws:ResourceOrgID": "o-a1b2c3d4e5",
        "aws:CurrentTime": "2019-02-16T17:42:49Z",
        "aws:EpochTime": "1550338969",
        "aws:SecureTransport": "true",
        "aws:RequestedRegion": REGION,
        "aws:ViaAWSService": "false",
    }
    assert set(derived.reasons) == set(derived.values)
    assert all(derived.reasons.values())


def test_public_path_has_source_ip_and_no_endpoint_keys() -> None:
    derived = derive_context(Caller.from_arn(SESSION), put_log_events(), PUBLIC, region=REGION)
    assert derived.values["aws:SourceIp"] == "203.0.113.7"
    for key in ("aws:SourceVpce", "aws:SourceVpc", "aws:VpcSourceIp"):
        assert key not in derived.values
    assert "aws:PrincipalOrgID" not in derived.values  # not in an organization


def test_endpoint_path_never_has_source_ip() -> None:
    derived = derive_context(Caller.from_arn(SESSION), put_log_events(), ENDPOINT, region=REGION)
    assert "aws:SourceIp" not in derived.values


def test_iam_user_has_username_and_its_own_arn() -> None:
    caller = Caller.from_arn(f"arn:aws:iam::{OTHER}:user/exfil", unique_id="AIDAEXAMPLE")
    derived = derive_context(caller, put_log_events(OTHER), ENDPOINT, region=REGION)
    assert derived.values["aws:PrincipalArn"] == f"arn:aws:iam::{OTHER}:user/exfil"
    assert derived.values["aws:PrincipalType"] == "User"
    assert derived.values["aws:username"] == "exfil"
    assert derived.values["aws:userid"] == "AIDAEXAMPLE"


def test_role_session_has_no_username() -> None:
    derived = derive_context(Caller.from_arn(SESSION), put_log_events(), ENDPOINT, region=REGION)
    assert "aws:username" not in derived.values
    assert "aws:userid" not in derived.values  # unique ID not known


def test_cross_account_resource_account_is_the_resource_owner() -> None:
    (authz,) = authorize_call(
        "logs",
        "DescribeLogStreams",
        {"logGroupIdentifier": f"arn:aws:logs:{REGION}:{OTHER}:log-group:x"},
        region=REGION,
        account=OWN,
    )
    derived = derive_context(Caller.from_arn(SESSION), authz, ENDPOINT, region=REGION)
    assert derived.values["aws:ResourceAccount"] == OTHER
    assert derived.values["aws:PrincipalAccount"] == OWN


def test_resource_without_arn_belongs_to_the_account_called() -> None:
    (authz,) = authorize_call("logs", "DescribeQueries", {}, region=REGION, account=OWN)
    derived = derive_context(Caller.from_arn(SESSION), authz, ENDPOINT, region=REGION)
    assert derived.values["aws:ResourceAccount"] == OWN


@pytest.mark.parametrize(("flag", "present"), [(True, True), (False, False)])
def test_event_bridge_resource_keys_follow_the_flag(flag: bool, present: bool) -> None:
    (authz,) = authorize_call(
        "events",
        "PutEvents",
        {"Entries": [{"Source": "com.example.app", "DetailType": "t", "Detail": "{}"}]},
        region=REGION,
        account=OWN,
    )
    derived = derive_context(
        Caller.from_arn(SESSION),
        authz,
        ENDPOINT,
        region=REGION,
        resource_org_id="o-a1b2c3d4e5",
        eventbridge_resource_keys=flag,
    )
    assert ("aws:ResourceAccount" in derived.values) is present
    assert ("aws:ResourceOrgID" in derived.values) is present
    assert derived.values["events:source"] == ["com.example.app"]
    assert "Source" in derived.reasons["events:source"]


def test_resource_tags_only_where_the_resource_type_supports_them() -> None:
    tags = {"team": "web"}
    derived = derive_context(
        Caller.from_arn(SESSION), put_log_events(), ENDPOINT, region=REGION, resource_tags=tags
    )
    assert derived.values["aws:ResourceTag/team"] == "web"
    (listing,) = authorize_call("logs", "DescribeLogGroups", {}, region=REGION, account=OWN)
    derived = derive_context(
        Caller.from_arn(SESSION), listing, ENDPOINT, region=REGION, resource_tags=tags
    )
    assert "aws:ResourceTag/team" not in derived.values


def test_principal_tags_and_plain_http() -> None:
    caller = Caller.from_arn(SESSION, tags={"dept": "ops"})
    network = NetworkPath(False, secure_transport=False)
    derived = derive_context(caller, put_log_events(), network, region=REGION)
    assert derived.values["aws:PrincipalTag/dept"] == "ops"
    assert derived.values["aws:SecureTransport"] == "false"
    assert "aws:SourceIp" not in derived.values  # no address known


def test_request_keys_come_with_their_reasons() -> None:
    (authz,) = authorize_call(
        "logs",
        "CreateLogGroup",
        {"logGroupName": "a", "tags": {"k": "v"}},
        region=REGION,
        account=OWN,
    )
    derived = derive_context(Caller.from_arn(SESSION), authz, ENDPOINT, region=REGION)
    assert derived.values["aws:TagKeys"] == ["k"]
    assert derived.reasons["aws:RequestTag/k"] == "tag 'k' passed in tags"


def test_endpoint_path_needs_its_ids() -> None:
    with pytest.raises(ValueError, match="vpce_id and vpc_id"):
        NetworkPath(True)
