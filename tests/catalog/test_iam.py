"""IAM operations → IAM, from the dataset, with the listings' path (labkit/catalog/iam.py)."""

from __future__ import annotations

import pytest
from control_plane_samples import model, params

from labkit.catalog import CallParameterError, UnknownOperation, authorize_call
from labkit.catalog.authorize import operations

ACCOUNT = "111122223333"
IAM = f"arn:aws:iam::{ACCOUNT}"


def authorize(operation: str, **call: object) -> list[tuple[str, str]]:
    found = authorize_call("iam", operation, call, region="us-east-1", account=ACCOUNT)
    return [(a.action, a.resource) for a in found]


def test_list_roles_is_authorized_on_the_role_path_as_a_real_denial_names_it() -> None:
    # aws-facts-2026 §3.14: ListRoles → "arn:aws:iam::<acct>:role/"
    assert authorize("ListRoles") == [("iam:ListRoles", f"{IAM}:role/")]
    assert authorize("ListRoles", PathPrefix="/app/") == [("iam:ListRoles", f"{IAM}:role/app/")]
    assert authorize("ListUsers") == [("iam:ListUsers", f"{IAM}:user/")]
    with pytest.raises(CallParameterError):
        authorize("ListRoles", PathPrefix="app")


def test_role_user_and_policy_actions_name_their_resource() -> None:
    assert authorize("GetRolePolicy", RoleName="app", PolicyName="p") == [
        ("iam:GetRolePolicy", f"{IAM}:role/app")
    ]
    assert authorize("PutRolePolicy", RoleName="app", PolicyName="p", PolicyDocument="{}") == [
        ("iam:PutRolePolicy", f"{IAM}:role/app")
    ]
    assert authorize("CreateAccessKey", UserName="bob") == [
        ("iam:CreateAccessKey", f"{IAM}:user/bob")
    ]
    assert authorize("CreateRole", RoleName="r", Path="/svc/", AssumeRolePolicyDocument="{}") == [
        ("iam:CreateRole", f"{IAM}:role/svc/r")
    ]
    managed = "arn:aws:iam::aws:policy/ReadOnlyAccess"
    assert authorize("GetPolicy", PolicyArn=managed) == [("iam:GetPolicy", managed)]


def test_attach_role_policy_carries_the_policy_arn_key() -> None:
    (authz,) = authorize_call(
        "iam",
        "AttachRolePolicy",
        {"RoleName": "r", "PolicyArn": f"{IAM}:policy/x"},
        region="us-east-1",
        account=ACCOUNT,
    )
    assert authz.resource == f"{IAM}:role/r"
    assert authz.context == {"iam:PolicyARN": f"{IAM}:policy/x"}


def test_every_iam_operation_botocore_models_is_mapped_or_refused_with_a_reason() -> None:
    modelled = model("iam").operation_names
    mapped = [op for op in modelled if op in operations("iam")]
    assert len(mapped) >= 170
    for operation in modelled:
        if operation not in operations("iam"):
            with pytest.raises(UnknownOperation):
                authorize_call("iam", operation, {}, region="us-east-1", account=ACCOUNT)
            continue
        found = authorize_call(
            "iam", operation, params("iam", operation), region="us-east-1", account=ACCOUNT
        )
        assert found and all(a.action == f"iam:{operation}" for a in found)
