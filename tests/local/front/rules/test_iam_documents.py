"""IAM checks the documents its calls carry: grammar (MalformedPolicyDocument, 400) and quotas
(LimitExceeded, 409, inline policies counted together), after authorization, before moto."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from labkit.local.front.rules.iam_documents import check_document

ROLE = "ec2-logs-fullaccess-role"


def admin_iam(core: Any) -> Any:
    return boto3.client(
        "iam",
        region_name="us-east-1",
        endpoint_url=core.front.url,
        aws_access_key_id=core.seeded.admin_access_key_id,
        aws_secret_access_key=core.admin_secret,
        config=Config(retries={"max_attempts": 1}),
    )


def document(resource_length: int) -> str:
    resource = "arn:aws:logs:*:*:log-group:" + "x" * resource_length
    statement = {"Effect": "Allow", "Action": "logs:PutLogEvents", "Resource": resource}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def refusal(call: Any) -> tuple[str, str, int]:
    with pytest.raises(ClientError) as caught:
        call()
    response = caught.value.response
    error = response["Error"]
    return error["Code"], error["Message"], response["ResponseMetadata"]["HTTPStatusCode"]


def test_a_role_policy_over_the_quota_is_refused_and_not_stored(core: Any) -> None:
    iam = admin_iam(core)
    before = iam.list_role_policies(RoleName=ROLE)["PolicyNames"]
    code, message, status = refusal(
        lambda: iam.put_role_policy(
            RoleName=ROLE, PolicyName="big", PolicyDocument=document(2_000_000)
        )
    )
    assert (code, status) == ("LimitExceeded", 409)
    assert message == f"Maximum policy size of 10240 bytes exceeded for role {ROLE}"
    assert iam.list_role_policies(RoleName=ROLE)["PolicyNames"] == before


def test_inline_policies_of_a_role_count_together(core: Any) -> None:
    iam = admin_iam(core)
    iam.put_role_policy(RoleName=ROLE, PolicyName="first", PolicyDocument=document(6_000))
    try:
        code, _, status = refusal(
            lambda: iam.put_role_policy(
                RoleName=ROLE, PolicyName="second", PolicyDocument=document(6_000)
            )
        )
        assert (code, status) == ("LimitExceeded", 409)
        # replacing the first one with a document of the same size is within the quota
        iam.put_role_policy(RoleName=ROLE, PolicyName="first", PolicyDocument=document(6_000))
    finally:
        iam.delete_role_policy(RoleName=ROLE, PolicyName="first")


def test_a_malformed_document_says_where(core: Any) -> None:
    iam = admin_iam(core)
    text = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "logs:*"}]}'
    code, message, status = refusal(
        lambda: iam.put_role_policy(RoleName=ROLE, PolicyName="bad", PolicyDocument=text)
    )
    assert (code, status) == ("MalformedPolicyDocument", 400)
    assert "Resource" in message and "line 1, column" in message


def test_a_managed_policy_and_a_trust_policy_have_their_own_quotas(core: Any) -> None:
    iam = admin_iam(core)
    code, message, status = refusal(
        lambda: iam.create_policy(PolicyName="huge", PolicyDocument=document(7_000))
    )
    assert (code, message, status) == (
        "LimitExceeded",
        "Cannot exceed quota for PolicySize: 6144",
        409,
    )
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": [f"arn:aws:iam::111122223333:user/u{i}" for i in range(80)]},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    code, message, _ = refusal(
        lambda: iam.create_role(RoleName="wide", AssumeRolePolicyDocument=json.dumps(trust))
    )
    assert (code, message) == ("LimitExceeded", "Cannot exceed quota for ACLSizePerRole: 2048")


def test_a_valid_trust_policy_is_accepted(core: Any) -> None:
    iam = admin_iam(core)
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "ec2.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    iam.create_role(RoleName="fine", AssumeRolePolicyDocument=json.dumps(trust))
    iam.delete_role(RoleName="fine")


def test_calls_without_a_document_are_not_checked() -> None:
    check_document("ListRoles", {}, "111122223333", lambda *_: [])
    check_document("PutRolePolicy", {"RoleName": "r"}, "111122223333", lambda *_: [])
