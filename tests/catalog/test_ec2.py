"""EC2 operations → IAM, from the dataset (labkit/catalog/ec2.py, dataset_mapping.py)."""

from __future__ import annotations

import pytest
from control_plane_samples import model, params

from labkit.catalog import UnknownOperation, authorize_call, dataset
from labkit.catalog.authorize import operations
from labkit.catalog.ec2 import type_of_id

REGION, ACCOUNT = "ap-northeast-1", "111122223333"
ARN = f"arn:aws:ec2:{REGION}:{ACCOUNT}"


def authorize(operation: str, **call: object) -> list[tuple[str, str]]:
    found = authorize_call("ec2", operation, call, region=REGION, account=ACCOUNT)
    return [(a.action, a.resource) for a in found]


def test_describe_calls_have_no_resource_type_so_they_are_authorized_on_star() -> None:
    assert authorize("DescribeVpcs") == [("ec2:DescribeVpcs", "*")]
    assert authorize("DescribeVpcEndpoints", VpcEndpointIds=["vpce-1"]) == [
        ("ec2:DescribeVpcEndpoints", "*")
    ]


def test_create_vpc_endpoint_names_the_endpoint_to_be_first_then_what_it_uses() -> None:
    found = authorize_call(
        "ec2",
        "CreateVpcEndpoint",
        {
            "VpcId": "vpc-1",
            "ServiceName": f"com.amazonaws.{REGION}.logs",
            "SubnetIds": ["subnet-1", "subnet-2"],
            "SecurityGroupIds": ["sg-1"],
            "TagSpecifications": [
                {"ResourceType": "vpc-endpoint", "Tags": [{"Key": "team", "Value": "web"}]}
            ],
        },
        region=REGION,
        account=ACCOUNT,
    )
    assert [a.resource for a in found] == [
        f"{ARN}:vpc-endpoint/*",
        f"{ARN}:security-group/sg-1",
        f"{ARN}:subnet/subnet-1",
        f"{ARN}:subnet/subnet-2",
        f"{ARN}:vpc/vpc-1",
    ]
    first = found[0]
    assert first.context["ec2:VpceServiceName"] == f"com.amazonaws.{REGION}.logs"
    assert first.context["aws:RequestTag/team"] == "web"
    assert first.context["aws:TagKeys"] == ["team"]
    assert "not yet created" in first.resource_note
    assert all(a.resource_account == ACCOUNT for a in found)


def test_modify_and_delete_name_the_endpoints() -> None:
    assert authorize("ModifyVpcEndpoint", VpcEndpointId="vpce-1", ResetPolicy=True) == [
        ("ec2:ModifyVpcEndpoint", f"{ARN}:vpc-endpoint/vpce-1")
    ]
    assert authorize("DeleteVpcEndpoints", VpcEndpointIds=["vpce-1", "vpce-2"]) == [
        ("ec2:DeleteVpcEndpoints", f"{ARN}:vpc-endpoint/vpce-1"),
        ("ec2:DeleteVpcEndpoints", f"{ARN}:vpc-endpoint/vpce-2"),
    ]


def test_create_route_names_the_route_table_as_a_real_message_does() -> None:
    # aws-facts-2026 §3.1 (O2): "... ec2:CreateRoute on resource: ...:route-table/rtb-..."
    assert authorize("CreateRoute", RouteTableId="rtb-1", DestinationCidrBlock="0.0.0.0/0")[0] == (
        "ec2:CreateRoute",
        f"{ARN}:route-table/rtb-1",
    )


def test_tagging_names_each_resource_by_its_id_prefix() -> None:
    assert authorize("CreateTags", Resources=["vpc-1", "i-2", "vpce-3"], Tags=[]) == [
        ("ec2:CreateTags", f"{ARN}:vpc/vpc-1"),
        ("ec2:CreateTags", f"{ARN}:instance/i-2"),
        ("ec2:CreateTags", f"{ARN}:vpc-endpoint/vpce-3"),
    ]
    assert type_of_id("vpce-svc-0123") == "vpc-endpoint-service"
    assert type_of_id("nothing") is None


def test_an_operation_the_dataset_lacks_is_refused_with_the_reason() -> None:
    with pytest.raises(UnknownOperation) as caught:
        authorize("NoSuchOperation")
    assert "lists no ec2:NoSuchOperation action" in caught.value.reason


def test_every_ec2_operation_botocore_models_is_mapped_or_refused_with_a_reason() -> None:
    modelled = model("ec2").operation_names
    mapped = [op for op in modelled if op in operations("ec2")]
    assert len(mapped) >= 780, "the dataset should cover nearly every EC2 operation"
    for operation in modelled:
        if operation in operations("ec2"):
            found = authorize_call(
                "ec2", operation, params("ec2", operation), region=REGION, account=ACCOUNT
            )
            assert found, operation
            for authz in found:
                assert authz.action == f"ec2:{operation}"
                if authz.resource_type is not None:
                    assert dataset.resource_type("ec2", authz.resource_type) is not None
        else:
            with pytest.raises(UnknownOperation):
                authorize_call("ec2", operation, {}, region=REGION, account=ACCOUNT)
