"""Evaluate a request against the policies in force now (or what-if ones), read through the APIs.

Used where no decision-log record exists (real AWS, a call that never got a request ID), for
pasted AccessDenied messages, and by the exercises.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import botocore.exceptions

from labkit.backend.contract import NetworkFacts
from labkit.backend.errors import LabError
from labkit.catalog import Authorization, Caller, NetworkPath, build_request
from labkit.i18n import _
from labkit.lab import endpoints as ep
from labkit.lab.iam import PrincipalPolicies, principal_name, principal_policies
from labkit.policy import Decision, PolicySet, check_policy, evaluate, parse_policy

if TYPE_CHECKING:
    from labkit.lab.facade import Lab


def _service_of(action: str) -> str:
    return action.split(":", 1)[0]


def _facts(lab: Lab) -> NetworkFacts | None:
    """The lab's VPC facts, or None where there is no VPC yet (a real-AWS run not set up)."""
    try:
        return lab.backend.network()
    except LabError:
        return None


def _live_endpoint(lab: Lab, service: str, facts: NetworkFacts | None) -> dict[str, Any] | None:
    """The run's own endpoint for ``service``, else the one private DNS sends calls to."""
    if facts is None:
        return None
    name = ep.endpoint_service_name(service, lab.region)
    ec2 = lab.backend.client("ec2", "admin")
    own = ep.find(ec2, facts.vpc_id, name, run_id=lab.run_id)
    return own or ep.find(ec2, facts.vpc_id, name)


def _as_policy_text(lab: Lab, policy: str | Mapping[str, Any], kind: str) -> str:
    try:
        text = lab.policy_text(policy)
    except (TypeError, ValueError) as exc:
        raise LabError(f"the what-if {kind} policy is not usable: {exc}", _POLICY_FIX) from None
    errors = [f for f in check_policy(text, kind=kind) if f.severity == "error"]
    if errors:
        first = errors[0]
        where = f"line {first.line}, column {first.column}" if first.line else "the document"
        raise LabError(
            f"the what-if {kind} policy is not valid at {where}: {first.message}", _POLICY_FIX
        )
    return text


_POLICY_FIX = "pass a dict, JSON text or a data/policies template name (e.g. 'own-account-only')"


def evaluate_live(
    lab: Lab,
    principal: str,
    action: str,
    resource: str,
    via_endpoint: bool | None,
    *,
    endpoint_policy: str | Mapping[str, Any] | None = None,
    identity_policy: str | Mapping[str, Any] | None = None,
) -> tuple[Decision, list[str]]:
    """Evaluate one request against the policies in force (or what-if ones), read live:
    the endpoint policy (DescribeVpcEndpoints), the principal's identity policies and
    permissions boundary (IAM), and an event bus's policy (DescribeEventBus)."""
    notes: list[str] = []
    service = _service_of(action)
    facts = _facts(lab)
    if facts is None:
        notes.append(_("no VPC to read an endpoint from (the run is not set up; or pass vpc_id)"))
    endpoint = _live_endpoint(lab, service, facts)
    endpoint_text = None
    if endpoint_policy is not None:
        endpoint_text = _as_policy_text(lab, endpoint_policy, "vpc-endpoint")
        notes.append(_("what-if: the endpoint policy given, not the one in force"))
    elif endpoint is not None:
        endpoint_text = endpoint.get("PolicyDocument") or None
        if ep.run_of(endpoint) != lab.run_id:
            notes.append(
                _(
                    "the endpoint policy read is {vpce}'s ({owner}), the one private DNS sends "
                    "calls to"
                ).format(vpce=endpoint["VpcEndpointId"], owner=ep.owner_label(endpoint))
            )
    if via_endpoint is None:
        via_endpoint = endpoint_text is not None and (
            endpoint is None or bool(endpoint.get("PrivateDnsEnabled"))
        )
        notes.append(
            _("assumed the request went through the endpoint (it exists, private DNS on)")
            if via_endpoint
            else _("assumed the request went through the public path")
        )
    elif via_endpoint and endpoint_text is None:
        notes.append(
            _("there is no {service} endpoint now: its policy cannot be judged").format(
                service=service
            )
        )
    identity = _identity(lab, principal, identity_policy, notes)
    org_id = facts.org_id if facts else None
    caller = Caller.from_arn(principal, org_id=org_id)
    account = resource.split(":")[4] if resource.count(":") >= 5 else lab.account_id
    authz = Authorization(action, resource, None, resource_account=account or lab.account_id)
    vpce = (endpoint or {}).get("VpcEndpointId") or "vpce-what-if"
    network = NetworkPath(
        bool(via_endpoint),
        vpce_id=vpce if via_endpoint else None,
        vpc_id=facts.vpc_id if via_endpoint and facts else None,
        source_ip=facts.instance_private_ip if facts else None,
    )
    org = org_id if account == lab.account_id else None
    request = build_request(caller, authz, network, region=lab.region, resource_org_id=org)
    bus_text = _bus_policy(lab, action, resource, account, notes)
    policies = PolicySet(
        identity=[
            parse_policy(text, kind="identity", name=name)
            for name, text in identity.identity.items()
        ],
        vpc_endpoint=(
            parse_policy(endpoint_text, kind="vpc-endpoint", name=vpce)
            if via_endpoint and endpoint_text
            else None
        ),
        permission_boundary=(
            parse_policy(identity.boundary, kind="permission-boundary", arn=identity.boundary_arn)
            if identity.boundary
            else None
        ),
        resource=parse_policy(bus_text, kind="resource", name="event bus") if bus_text else None,
    )
    unseen = getattr(lab.backend, "unseen_policies", None)
    if unseen is not None:
        notes += unseen()
    return evaluate(request, policies), notes


def _identity(
    lab: Lab, principal: str, what_if: str | Mapping[str, Any] | None, notes: list[str]
) -> PrincipalPolicies:
    if what_if is not None:
        notes.append(_("what-if: the identity policy given, not the principal's own"))
        return PrincipalPolicies(
            "what-if", "what-if", {"what-if": _as_policy_text(lab, what_if, "identity")}
        )
    named = principal_name(principal)
    account = principal.split(":")[4] if principal.count(":") >= 5 else ""
    if named is not None and account == lab.account_id:
        found = principal_policies(lab.backend.client("iam", "admin"), *named)
        notes += found.notes
        if found.identity or not found.notes:
            if found.boundary_arn:
                notes.append(
                    _("permissions boundary {arn} read and judged").format(arn=found.boundary_arn)
                )
            return found
    notes.append(
        _(
            "the identity policies of {principal} are not readable from this lab: assumed to "
            "allow the action (only the other policies are judged)"
        ).format(principal=principal)
    )
    return PrincipalPolicies("assumed", principal, {"assumed-allow": json.dumps(_ALLOW_ALL)})


def _bus_policy(lab: Lab, action: str, resource: str, account: str, notes: list[str]) -> str | None:
    """The policy of the event bus a request targets, when it is in this account."""
    if not action.startswith("events:") or ":event-bus/" not in resource:
        return None
    name = resource.split(":event-bus/", 1)[1]
    if account != lab.account_id:
        notes.append(
            f"the policy of bus {name} in account {account} is not readable from here: for a "
            "request to another account's bus it must allow too"
        )
        return None
    try:
        found = lab.backend.client("events", "admin").describe_event_bus(Name=name)
    except (botocore.exceptions.ClientError, LabError) as exc:
        notes.append(f"the policy of bus {name} could not be read ({str(exc).splitlines()[0]})")
        return None
    policy = found.get("Policy")
    if policy:
        notes.append(f"the policy of event bus {name} read and judged")
    return str(policy) if policy else None


_ALLOW_ALL = {
    "Version": "2012-10-17",
    "Statement": [{"Sid": "AssumedAllow", "Effect": "Allow", "Action": "*", "Resource": "*"}],
}


# -- messages ------------------------------------------------------------------------------------
