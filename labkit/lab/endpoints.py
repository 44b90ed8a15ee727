"""Interface endpoints through the EC2 API, as an administrator would use it (any backend)."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

import botocore.exceptions
import pandas as pd

from labkit import services
from labkit.backend.contract import NetworkFacts
from labkit.backend.errors import LabError, PolicyRejected
from labkit.backend.run_ids import RUN_ID_TAG

GONE_STATES = ("deleted", "deleting", "rejected", "failed", "expired")


def endpoint_service_name(service: str, region: str) -> str:
    """The endpoint service of ``service`` in ``region``: ``com.amazonaws.<region>.<service>``."""
    spec = services.find(service)
    return spec.endpoint_service_name(region) if spec else f"com.amazonaws.{region}.{service}"


def live_in_vpc(ec2: Any, vpc_id: str, name: str) -> list[dict[str, Any]]:
    """Every live endpoint for service ``name`` in the VPC, whoever made it."""
    if not vpc_id:
        return []
    found = ec2.describe_vpc_endpoints(
        Filters=[
            {"Name": "vpc-id", "Values": [vpc_id]},
            {"Name": "service-name", "Values": [name]},
        ]
    )["VpcEndpoints"]
    return [e for e in found if e.get("State", "").lower() not in GONE_STATES]


def run_of(endpoint: Mapping[str, Any]) -> str | None:
    """The run an endpoint is tagged with (None: not made by labkit)."""
    tags = {t["Key"]: t["Value"] for t in endpoint.get("Tags", [])}
    return tags.get(RUN_ID_TAG)


def find(ec2: Any, vpc_id: str, name: str, *, run_id: str | None = None) -> dict[str, Any] | None:
    """The live endpoint for service ``name`` in the VPC, or None.

    With ``run_id``: only the one tagged with that run (what a run may change or delete).
    Without: the run's own is not known, so the one private DNS sends calls to comes first.
    """
    live = live_in_vpc(ec2, vpc_id, name)
    if run_id is not None:
        live = [e for e in live if run_of(e) == run_id]
    live.sort(key=lambda e: not e.get("PrivateDnsEnabled"))
    return live[0] if live else None


def not_ours(ec2: Any, vpc_id: str, name: str, run_id: str) -> list[dict[str, Any]]:
    """Live endpoints for ``name`` in the VPC that another run or someone else made."""
    return [e for e in live_in_vpc(ec2, vpc_id, name) if run_of(e) != run_id]


def owner_label(endpoint: Mapping[str, Any]) -> str:
    """Who made an endpoint, as the lab lists it: ``not ours`` or ``labkit run <id>``."""
    run = run_of(endpoint)
    return f"labkit run {run}" if run else "not ours (no labkit tag)"


def require(ec2: Any, vpc_id: str, name: str, *, run_id: str | None = None) -> dict[str, Any]:
    """Like :func:`find`, but a clear error when there is none (naming any left alone)."""
    endpoint = find(ec2, vpc_id, name, run_id=run_id)
    if endpoint is None:
        short = name.rsplit(".", 1)[-1]
        others = not_ours(ec2, vpc_id, name, run_id) if run_id else []
        left = "".join(
            f"; {e['VpcEndpointId']} ({owner_label(e)}) is there and is left alone" for e in others
        )
        whose = f"of run {run_id} " if run_id else ""
        raise LabError(
            f"there is no {name} endpoint {whose}in {vpc_id} yet{left}",
            f"create it first: lab.create_endpoint({short!r})",
        )
    return endpoint


def private_dns_holder(ec2: Any, vpc_id: str, name: str, run_id: str) -> dict[str, Any] | None:
    """Another's endpoint for ``name`` in the VPC that has private DNS on (AWS allows one)."""
    holders = [e for e in not_ours(ec2, vpc_id, name, run_id) if e.get("PrivateDnsEnabled")]
    return holders[0] if holders else None


def create(
    ec2: Any,
    network: NetworkFacts,
    name: str,
    *,
    policy_text: str | None,
    private_dns: bool,
    run_id: str,
) -> dict[str, Any]:
    """CreateVpcEndpoint (Interface) in every lab subnet, tagged with the run ID."""
    params: dict[str, Any] = {
        "VpcEndpointType": "Interface",
        "VpcId": network.vpc_id,
        "ServiceName": name,
        "SubnetIds": [s.subnet_id for s in network.subnets],
        "PrivateDnsEnabled": private_dns,
        "TagSpecifications": [
            {
                "ResourceType": "vpc-endpoint",
                "Tags": [{"Key": RUN_ID_TAG, "Value": run_id}, {"Key": "Name", "Value": name}],
            }
        ],
    }
    if network.endpoint_security_groups:
        params["SecurityGroupIds"] = list(network.endpoint_security_groups)
    if policy_text is not None:
        params["PolicyDocument"] = policy_text
    try:
        return ec2.create_vpc_endpoint(**params)["VpcEndpoint"]
    except botocore.exceptions.ClientError as exc:
        raise _refused(exc, "CreateVpcEndpoint") from None


def modify(ec2: Any, endpoint_id: str, **changes: Any) -> None:
    """ModifyVpcEndpoint; an AWS error becomes a LabError (the endpoint is left unchanged)."""
    try:
        ec2.modify_vpc_endpoint(VpcEndpointId=endpoint_id, **changes)
    except botocore.exceptions.ClientError as exc:
        raise _refused(exc, "ModifyVpcEndpoint") from None


def delete(ec2: Any, endpoint_id: str) -> None:
    """DeleteVpcEndpoints for one endpoint; per-item failures become a LabError."""
    result = ec2.delete_vpc_endpoints(VpcEndpointIds=[endpoint_id])
    for failure in result.get("Unsuccessful", []):
        error = failure.get("Error", {})
        raise LabError(f"{error.get('Code')}: {error.get('Message')}", "see the message above")


def wait_available(
    ec2: Any,
    endpoint_id: str,
    timeout: float = 600.0,
    on_poll: Callable[[str, float], None] | None = None,
) -> list[str]:
    """Poll until the endpoint is ``available``; returns the states seen, in order.

    ``on_poll(state, seconds)`` hears each state read and the time waited so far.
    """
    seen: list[str] = []
    started = time.monotonic()
    deadline = started + timeout
    delay = 0.05
    while True:
        state = describe(ec2, endpoint_id).get("State", "")
        if not seen or seen[-1] != state:
            seen.append(state)
        if on_poll is not None:
            on_poll(state, time.monotonic() - started)
        if state.lower() == "available":
            return seen
        if state.lower() in GONE_STATES or time.monotonic() > deadline:
            raise LabError(
                f"endpoint {endpoint_id} is {state!r}, not available (states seen: {seen})",
                "delete it (lab.delete_endpoint(...)) and create it again",
            )
        time.sleep(delay)
        delay = min(delay * 2, 5.0)


def describe(ec2: Any, endpoint_id: str) -> dict[str, Any]:
    """DescribeVpcEndpoints for one ID."""
    found = ec2.describe_vpc_endpoints(VpcEndpointIds=[endpoint_id])["VpcEndpoints"]
    return found[0]


def summary(endpoint: Mapping[str, Any]) -> pd.DataFrame:
    """One endpoint as a two-column table (field, value)."""
    rows = [
        ("VpcEndpointId", endpoint.get("VpcEndpointId")),
        ("ServiceName", endpoint.get("ServiceName")),
        ("VpcEndpointType", endpoint.get("VpcEndpointType")),
        ("State", endpoint.get("State")),
        ("VpcId", endpoint.get("VpcId")),
        ("SubnetIds", ", ".join(endpoint.get("SubnetIds", []))),
        ("NetworkInterfaceIds", ", ".join(endpoint.get("NetworkInterfaceIds", []))),
        ("Groups", ", ".join(g.get("GroupId", "") for g in endpoint.get("Groups", []))),
        ("PrivateDnsEnabled", endpoint.get("PrivateDnsEnabled")),
    ]
    return pd.DataFrame(rows, columns=["field", "value"])


def enis(ec2: Any, endpoint: Mapping[str, Any]) -> pd.DataFrame:
    """The endpoint's network interfaces as DescribeNetworkInterfaces reports them."""
    ids = list(endpoint.get("NetworkInterfaceIds", []))
    columns = [
        "NetworkInterfaceId",
        "SubnetId",
        "AvailabilityZone",
        "PrivateIpAddress",
        "InterfaceType",
        "RequesterManaged",
        "Description",
    ]
    if not ids:
        return pd.DataFrame(columns=columns)
    found = ec2.describe_network_interfaces(NetworkInterfaceIds=ids)["NetworkInterfaces"]
    rows = [[eni.get(c) for c in columns] for eni in found]
    return pd.DataFrame(rows, columns=columns).sort_values("AvailabilityZone", ignore_index=True)


def dns_entries(endpoint: Mapping[str, Any]) -> pd.DataFrame:
    """The endpoint's DnsEntries (endpoint-specific, zonal, and the private DNS name)."""
    rows = [(e.get("DnsName"), e.get("HostedZoneId")) for e in endpoint.get("DnsEntries", [])]
    return pd.DataFrame(rows, columns=["DnsName", "HostedZoneId"])


def _refused(exc: botocore.exceptions.ClientError, operation: str) -> LabError:
    error = exc.response.get("Error", {})
    code, message = error.get("Code", ""), error.get("Message", "")
    if code in ("InvalidPolicyDocument", "MalformedPolicyDocument"):
        return PolicyRejected(
            f"{operation} refused the policy: {code}: {message}",
            "correct the document at the position given; the endpoint keeps its previous policy",
        )
    return LabError(f"{operation} failed: {code}: {message}", "see AWS's message above")
