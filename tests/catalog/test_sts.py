"""STS operations → IAM (labkit/catalog/sts.py): GetCallerIdentity authorizes nothing."""

from __future__ import annotations

from control_plane_samples import model

from labkit.catalog import authorize_call
from labkit.catalog.authorize import operations

REGION, ACCOUNT = "ap-northeast-1", "111122223333"


def test_get_caller_identity_needs_no_permission() -> None:
    # STS API reference: "No permissions are required to perform this operation."
    assert authorize_call("sts", "GetCallerIdentity", {}, region=REGION, account=ACCOUNT) == []


def test_assume_role_is_authorized_on_the_role_with_its_request_keys() -> None:
    role = f"arn:aws:iam::{ACCOUNT}:role/deploy"
    (authz,) = authorize_call(
        "sts",
        "AssumeRole",
        {"RoleArn": role, "RoleSessionName": "s1", "ExternalId": "x-1"},
        region=REGION,
        account=ACCOUNT,
    )
    assert (authz.action, authz.resource, authz.resource_type) == ("sts:AssumeRole", role, "role")
    assert authz.context == {"sts:RoleSessionName": "s1", "sts:ExternalId": "x-1"}


def test_decode_authorization_message_is_authorized_on_star() -> None:
    (authz,) = authorize_call(
        "sts", "DecodeAuthorizationMessage", {"EncodedMessage": "x"}, region=REGION, account=ACCOUNT
    )
    assert (authz.action, authz.resource) == ("sts:DecodeAuthorizationMessage", "*")


def test_sts_operations_botocore_models_are_mostly_mapped() -> None:
    modelled = set(model("sts").operation_names)
    assert {"AssumeRole", "GetCallerIdentity", "DecodeAuthorizationMessage"} <= set(
        operations("sts")
    )
    assert len(modelled & set(operations("sts"))) >= 10
