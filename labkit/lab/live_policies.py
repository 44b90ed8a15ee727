"""Evaluate a request against the policies in force now (or what-if ones), read through the APIs.

Used where no decision-log record exists (real AWS, a call that never got a request ID), for
pasted AccessDenied messages, and by the exercises.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from labkit.backend.errors import LabError
from labkit.catalog import Authorization, Caller, NetworkPath, build_request
from labkit.lab import endpoints as ep
from labkit.lab.iam import role_policies
from labkit.policy import Decision, PolicySet, check_policy, evaluate, parse_policy

if TYPE_CHECKING:
    from labkit.lab.facade import Lab


def _service_of(action: str) -> str:
    return action.split(":", 1)[0]


def _live_endpoint(lab: Lab, service: str) -> dict[str, Any] | None:
    name = ep.endpoint_service_name(service, lab.region)
    return ep.find(lab.backend.client("ec2", "admin"), lab.backend.network().vpc_id, name)


def _instance_role(lab: Lab) -> str:
    return lab.backend.info.identities["instance"].arn.split("/")[1]


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
    """Evaluate one request against the live (or what-if) endpoint and identity policies."""
    notes: list[str] = []
    service = _service_of(action)
    endpoint = _live_endpoint(lab, service)
    endpoint_text = None
    if endpoint_policy is not None:
        endpoint_text = _as_policy_text(lab, endpoint_policy, "vpc-endpoint")
        notes.append("what-if: the endpoint policy given, not the one in force")
    elif endpoint is not None:
        endpoint_text = endpoint.get("PolicyDocument") or None
    if via_endpoint is None:
        via_endpoint = endpoint_text is not None and (
            endpoint is None or bool(endpoint.get("PrivateDnsEnabled"))
        )
        notes.append(
            "assumed the request went through the "
            + ("endpoint (it exists, private DNS on)" if via_endpoint else "public path")
        )
    elif via_endpoint and endpoint_text is None:
        notes.append(f"there is no {service} endpoint now: its policy cannot be judged")
    identity_texts = _identity_texts(lab, principal, identity_policy, notes)
    caller = Caller.from_arn(principal, org_id=lab.backend.network().org_id)
    account = resource.split(":")[4] if resource.count(":") >= 5 else lab.account_id
    authz = Authorization(action, resource, None, resource_account=account or lab.account_id)
    vpce = (endpoint or {}).get("VpcEndpointId") or "vpce-what-if"
    network = NetworkPath(
        bool(via_endpoint),
        vpce_id=vpce if via_endpoint else None,
        vpc_id=lab.backend.network().vpc_id if via_endpoint else None,
        source_ip=lab.backend.network().instance_private_ip,
    )
    facts = lab.backend.network()
    org = facts.org_id if account == lab.account_id else None
    request = build_request(caller, authz, network, region=lab.region, resource_org_id=org)
    policies = PolicySet(
        identity=[
            parse_policy(text, kind="identity", name=name) for name, text in identity_texts.items()
        ],
        vpc_endpoint=(
            parse_policy(endpoint_text, kind="vpc-endpoint", name=vpce)
            if via_endpoint and endpoint_text
            else None
        ),
    )
    return evaluate(request, policies), notes


def _identity_texts(
    lab: Lab, principal: str, what_if: str | Mapping[str, Any] | None, notes: list[str]
) -> dict[str, str]:
    if what_if is not None:
        notes.append("what-if: the identity policy given, not the role's own")
        return {"what-if": _as_policy_text(lab, what_if, "identity")}
    role = _instance_role(lab)
    if f":assumed-role/{role}/" in principal or principal.endswith(f":role/{role}"):
        return role_policies(lab.backend.client("iam", "admin"), role)
    notes.append(
        f"the identity policies of {principal} are not readable from this lab: assumed to allow "
        "the action (only the other policies are judged)"
    )
    return {"assumed-allow": json.dumps(_ALLOW_ALL)}


_ALLOW_ALL = {
    "Version": "2012-10-17",
    "Statement": [{"Sid": "AssumedAllow", "Effect": "Allow", "Action": "*", "Resource": "*"}],
}


# -- messages ------------------------------------------------------------------------------------
