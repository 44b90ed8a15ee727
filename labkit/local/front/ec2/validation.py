"""The checks EC2 makes on CreateVpcEndpoint / ModifyVpcEndpoint / DeleteVpcEndpoints input.

Every check runs before anything is changed, so invalid input never changes state. Codes and
texts follow aws-fidelity §1.20–1.22 and §5; where AWS is silent the choice is a row in
docs/fidelity/local-control.md.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from labkit import services
from labkit.local.front.ec2.errors import Ec2Error, missing_parameter
from labkit.local.front.ec2.policy_check import check_endpoint_policy
from labkit.local.front.ec2.query import QueryParams
from labkit.local.world.endpoint_model import (
    GATEWAY_SERVICES,
    private_dns_name,
    service_short_name,
)
from labkit.local.world.moto import ec2_endpoints, ec2_network
from labkit.local.world.views import EndpointView, SubnetFacts

VPCE_ID = re.compile(r"^vpce-(?:[0-9a-f]{8}|[0-9a-f]{17})$")
ENDPOINT_TYPES = ("Interface", "Gateway", "GatewayLoadBalancer", "Resource", "ServiceNetwork")


@dataclass(frozen=True)
class Scope:
    """Which account and Region a control-plane request acts in."""

    account_id: str
    region: str


def _service_exists(scope: Scope, service_name: str) -> bool:
    short = service_short_name(service_name, scope.region)
    if short is None:
        return False
    if short in GATEWAY_SERVICES or services.by_endpoint_service(service_name, scope.region):
        return True  # known without moto's slow endpoint-service catalogue
    return ec2_endpoints.endpoint_service_exists(scope.account_id, scope.region, service_name)


def _service_type(scope: Scope, service_name: str) -> str:
    short = service_short_name(service_name, scope.region) or ""
    return "Gateway" if short in GATEWAY_SERVICES else "Interface"


def _subnets(scope: Scope, vpc_id: str, subnet_ids: Sequence[str]) -> list[SubnetFacts]:
    found: list[SubnetFacts] = []
    for subnet_id in subnet_ids:
        facts = ec2_network.subnet_facts(scope.account_id, scope.region, subnet_id)
        if facts is None:
            raise Ec2Error(
                "InvalidSubnetID.NotFound", f"The subnet ID '{subnet_id}' does not exist"
            )
        if facts.vpc_id != vpc_id:
            raise Ec2Error(
                "InvalidParameter",
                f"The subnet '{subnet_id}' belongs to {facts.vpc_id}, not to the endpoint's VPC "
                f"{vpc_id}. Choose subnets of {vpc_id}.",
            )
        found.append(facts)
    return found


def _one_subnet_per_zone(subnets: Sequence[SubnetFacts]) -> None:
    seen: dict[str, str] = {}
    for subnet in subnets:
        if subnet.availability_zone in seen:
            raise Ec2Error(
                "DuplicateSubnetsInSameZone",
                f"Found another VPC endpoint subnet in the availability zone of {subnet.id}. "
                "VPC endpoint subnets should be in different availability zones supported by "
                "the VPC endpoint service.",
            )
        seen[subnet.availability_zone] = subnet.id


def _security_groups(scope: Scope, vpc_id: str, group_ids: Sequence[str]) -> None:
    for group_id in group_ids:
        group_vpc = ec2_network.security_group_vpc(scope.account_id, scope.region, group_id)
        if group_vpc is None:
            raise Ec2Error(
                "InvalidGroup.NotFound", f"The security group '{group_id}' does not exist"
            )
        if group_vpc != vpc_id:
            raise Ec2Error(
                "InvalidParameter",
                f"The security group '{group_id}' belongs to {group_vpc}, not to the endpoint's "
                f"VPC {vpc_id}.",
            )


def _private_dns_allowed(
    scope: Scope, vpc_id: str, service_name: str, *, ignore: str | None = None
) -> None:
    vpc = ec2_network.vpc_facts(scope.account_id, scope.region, vpc_id)
    if vpc is None or not (vpc.dns_support and vpc.dns_hostnames):
        raise Ec2Error(
            "InvalidParameter",
            "Enabling private DNS requires both enableDnsSupport and enableDnsHostnames VPC "
            f"attributes set to true for {vpc_id}",
        )
    domain = private_dns_name(service_name, scope.region)
    for other in ec2_endpoints.endpoints(scope.account_id, scope.region):
        if other.id == ignore or other.vpc_id != vpc_id or not other.private_dns_enabled:
            continue
        if other.service_name == service_name:
            raise Ec2Error(
                "InvalidParameter",
                "private-dns-enabled cannot be set because there is already a conflicting DNS "
                f"domain for {domain} in the VPC {vpc_id}",
            )


def _dry_run(params: QueryParams) -> None:
    if params.boolean("DryRun"):
        raise Ec2Error(
            "DryRunOperation", "Request would have succeeded, but DryRun flag is set.", 412
        )


def validate_create(scope: Scope, params: QueryParams) -> None:
    """Refuse a CreateVpcEndpoint request that AWS would refuse."""
    vpc_id = params.get("VpcId")
    if not vpc_id:
        raise missing_parameter("VpcId")
    service_name = params.get("ServiceName")
    if not service_name:
        raise missing_parameter("ServiceName")
    endpoint_type = params.get("VpcEndpointType") or "Gateway"
    if endpoint_type not in ENDPOINT_TYPES:
        raise Ec2Error(
            "InvalidParameterValue",
            f"Value ({endpoint_type}) for parameter VpcEndpointType is invalid. "
            f"Expected one of: {', '.join(ENDPOINT_TYPES)}.",
        )
    if ec2_network.vpc_facts(scope.account_id, scope.region, vpc_id) is None:
        raise Ec2Error("InvalidVpcID.NotFound", f"The vpc ID '{vpc_id}' does not exist")
    if not _service_exists(scope, service_name):
        raise Ec2Error(
            "InvalidServiceName", f"The Vpc Endpoint Service '{service_name}' does not exist"
        )
    offered = _service_type(scope, service_name)
    if endpoint_type != offered:
        raise Ec2Error(
            "InvalidParameter",
            f"Endpoint type ({endpoint_type}) does not match available service types "
            f"([{offered}]).",
        )
    subnets = _subnets(scope, vpc_id, params.list("SubnetId"))
    _one_subnet_per_zone(subnets)
    _security_groups(scope, vpc_id, params.list("SecurityGroupId"))
    policy = params.get("PolicyDocument")
    if policy is not None:
        check_endpoint_policy(policy)
    private_dns = params.boolean("PrivateDnsEnabled")
    if endpoint_type == "Interface" and private_dns is not False:
        _private_dns_allowed(scope, vpc_id, service_name)
    _dry_run(params)


def existing_endpoint(scope: Scope, vpce_id: str | None) -> EndpointView:
    """The endpoint a request names, or the EC2 error for a missing or malformed id."""
    if not vpce_id:
        raise missing_parameter("VpcEndpointId")
    if not VPCE_ID.match(vpce_id):
        raise malformed_id(vpce_id)
    found = ec2_endpoints.endpoint(scope.account_id, scope.region, vpce_id)
    if found is None:
        raise not_found(vpce_id)
    return found


def malformed_id(vpce_id: str) -> Ec2Error:
    """``InvalidVpcEndpointId.Malformed`` (aws-fidelity §5.3)."""
    return Ec2Error(
        "InvalidVpcEndpointId.Malformed",
        f"The vpc endpoint ID '{vpce_id}' is malformed; it must be in the form "
        "vpce-xxxxxxxxxxxxxxxxx",
    )


def not_found(vpce_id: str) -> Ec2Error:
    """``InvalidVpcEndpointId.NotFound`` (aws-fidelity §5.11)."""
    return Ec2Error(
        "InvalidVpcEndpointId.NotFound", f"The Vpc Endpoint Id '{vpce_id}' does not exist"
    )


def validate_modify(scope: Scope, params: QueryParams) -> EndpointView:
    """Refuse a ModifyVpcEndpoint request that AWS would refuse; returns the endpoint."""
    endpoint = existing_endpoint(scope, params.get("VpcEndpointId"))
    reset = params.boolean("ResetPolicy")
    policy = params.get("PolicyDocument")
    if reset and policy is not None:
        raise Ec2Error(
            "InvalidParameterCombination",
            "The parameters PolicyDocument and ResetPolicy cannot be used together: send a "
            "policy, or reset to the default policy, not both.",
        )
    if policy is not None:
        check_endpoint_policy(policy)
    added = params.list("AddSubnetId")
    removed = params.list("RemoveSubnetId")
    for subnet_id in removed:
        if subnet_id not in endpoint.subnet_ids:
            raise Ec2Error(
                "InvalidParameter",
                f"The subnet '{subnet_id}' is not a subnet of {endpoint.id}, so it cannot be "
                "removed.",
            )
    kept = [s for s in endpoint.subnet_ids if s not in removed]
    new_subnets = _subnets(scope, endpoint.vpc_id, [s for s in added if s not in kept])
    kept_subnets = _subnets(scope, endpoint.vpc_id, kept)
    _one_subnet_per_zone(kept_subnets + new_subnets)
    _security_groups(scope, endpoint.vpc_id, params.list("AddSecurityGroupId"))
    private_dns = params.boolean("PrivateDnsEnabled")
    if private_dns and not endpoint.private_dns_enabled:
        _private_dns_allowed(scope, endpoint.vpc_id, endpoint.service_name, ignore=endpoint.id)
    _dry_run(params)
    return endpoint
