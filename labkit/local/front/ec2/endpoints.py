"""The control front's EC2 VPC-endpoint actions: validate, let moto act, then correct moto.

``plan(action, params, scope)`` returns what to do with one EC2 request: forward it to moto
unchanged (with follow-up corrections moto misses), or answer it here. It raises ``Ec2Error``
for input AWS refuses, before anything changes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from labkit.local.front.ec2.errors import EC2_NAMESPACE, Ec2Error, missing_parameter
from labkit.local.front.ec2.query import QueryParams
from labkit.local.front.ec2.validation import (
    VPCE_ID,
    Scope,
    malformed_id,
    not_found,
    validate_create,
    validate_modify,
)
from labkit.local.world.moto import ec2_endpoints

# Actions whose input the lab checks; everything else goes to moto as sent.
MUTATING_ACTIONS = frozenset({"CreateVpcEndpoint", "ModifyVpcEndpoint", "DeleteVpcEndpoints"})


@dataclass
class RequestPlan:
    """What the control front does with an EC2 request."""

    forward: bool = True
    body: bytes | None = None  # the answer, when not forwarding
    after: list[Callable[[], None]] = field(default_factory=list)  # after moto said 200


def plan(action: str, params: QueryParams, scope: Scope, request_id: str) -> RequestPlan:
    """Validate and plan one EC2 request."""
    if action == "CreateVpcEndpoint":
        validate_create(scope, params)
        return RequestPlan()
    if action == "ModifyVpcEndpoint":
        return _plan_modify(params, scope)
    if action == "DeleteVpcEndpoints":
        return _delete(params, scope, request_id)
    return RequestPlan()


def _plan_modify(params: QueryParams, scope: Scope) -> RequestPlan:
    endpoint = validate_modify(scope, params)
    result = RequestPlan()
    if params.boolean("ResetPolicy"):
        result.after.append(
            lambda: ec2_endpoints.reset_endpoint_policy(scope.account_id, scope.region, endpoint.id)
        )
    private_dns = params.boolean("PrivateDnsEnabled")
    if private_dns is not None and private_dns != endpoint.private_dns_enabled:
        result.after.append(
            lambda: ec2_endpoints.set_endpoint_private_dns(
                scope.account_id, scope.region, endpoint.id, private_dns
            )
        )
    return result


def _delete(params: QueryParams, scope: Scope, request_id: str) -> RequestPlan:
    ids = params.list("VpcEndpointId")
    if not ids:
        raise missing_parameter("VpcEndpointId")
    failures: list[tuple[str, Ec2Error]] = []
    existing: list[str] = []
    for vpce_id in ids:
        if not VPCE_ID.match(vpce_id):
            failures.append((vpce_id, malformed_id(vpce_id)))
        elif ec2_endpoints.endpoint(scope.account_id, scope.region, vpce_id) is None:
            failures.append((vpce_id, not_found(vpce_id)))
        else:
            existing.append(vpce_id)
    if params.boolean("DryRun"):
        raise Ec2Error(
            "DryRunOperation", "Request would have succeeded, but DryRun flag is set.", 412
        )
    if existing:
        ec2_endpoints.delete_endpoints(scope.account_id, scope.region, existing)
    return RequestPlan(forward=False, body=delete_response(request_id, failures))


def delete_response(request_id: str, failures: list[tuple[str, Ec2Error]]) -> bytes:
    """DeleteVpcEndpoints' answer: per-item failures in ``unsuccessful`` (aws-fidelity §5.10)."""
    items = "".join(
        f"<item><error><code>{escape(err.code)}</code><message>{escape(err.message)}</message>"
        f"</error><resourceId>{escape(vpce_id)}</resourceId></item>"
        for vpce_id, err in failures
    )
    unsuccessful = f"<unsuccessful>{items}</unsuccessful>" if items else "<unsuccessful/>"
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<DeleteVpcEndpointsResponse xmlns="{EC2_NAMESPACE}">'
        f"<requestId>{escape(request_id)}</requestId>{unsuccessful}</DeleteVpcEndpointsResponse>"
    ).encode()
