"""``lab.bypasses()`` on real AWS: a read-only checklist of the account's VPC.

On the aws backend the paths around the endpoint are not run (each would send the instance's
calls out through your internet or NAT gateway, and some need settings a run cannot change). The
checklist reads what decides them instead, with Describe calls only: the VPC's interface
endpoints (which services, private DNS on or off) and the route table of each subnet (a
0.0.0.0/0 route to an internet or NAT gateway). Identity policies and SCPs with
``aws:SourceVpce`` are not read here: each row says what it found and what closes the path.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from labkit import services

COLUMNS = ("path", "status", "found", "closed_by")
WATCHED = ("logs", "events", "eventsv2")


def internet_routes(ec2: Any, vpc_id: str, subnet_ids: Iterable[str]) -> dict[str, str]:
    """Subnet → the gateway its 0.0.0.0/0 route goes to (subnets without one left out)."""
    tables = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])[
        "RouteTables"
    ]
    main = next((t for t in tables if any(a.get("Main") for a in t.get("Associations", []))), None)
    found: dict[str, str] = {}
    for subnet in subnet_ids:
        table = next(
            (
                t
                for t in tables
                if any(a.get("SubnetId") == subnet for a in t.get("Associations", []))
            ),
            main,
        )
        for route in (table or {}).get("Routes", []):
            if route.get("DestinationCidrBlock") != "0.0.0.0/0":
                continue
            gateway = route.get("NatGatewayId") or route.get("GatewayId") or ""
            if gateway.startswith(("igw-", "nat-")):
                found[subnet] = gateway
    return found


def endpoints_by_service(ec2: Any, vpc_id: str, region: str) -> dict[str, dict[str, Any]]:
    """This VPC's live interface endpoints for Logs, EventBridge and the Custom Event Bus."""
    answer = ec2.describe_vpc_endpoints(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])
    found: dict[str, dict[str, Any]] = {}
    for endpoint in answer["VpcEndpoints"]:
        if str(endpoint.get("State", "")).lower() in ("deleted", "deleting", "failed", "rejected"):
            continue
        spec = services.by_endpoint_service(str(endpoint.get("ServiceName", "")), region)
        if spec is not None and spec.name in WATCHED:
            found.setdefault(spec.name, endpoint)
    return found


def checklist(ec2: Any, vpc_id: str, subnet_ids: Iterable[str], region: str) -> pd.DataFrame:
    """One row per path: ``open``, ``closed`` or ``check`` with what was found (read-only)."""
    subnets = list(subnet_ids)
    routes = internet_routes(ec2, vpc_id, subnets)
    endpoints = endpoints_by_service(ec2, vpc_id, region)
    way_out = ", ".join(f"{s} → {g}" for s, g in routes.items())
    route_found = f"0.0.0.0/0 route: {way_out}" if routes else "no subnet routes 0.0.0.0/0 out"
    rows: list[tuple[str, str, str, str]] = []

    def by_route(path: str, closed_by: str, extra: str = "") -> None:
        rows.append((path, "open" if routes else "closed", route_found + extra, closed_by))

    logs = endpoints.get("logs")
    if logs is None:
        rows.append(
            (
                "private-dns-off",
                "open" if routes else "closed",
                "no logs endpoint in the VPC: every logs call takes the public path; "
                + route_found,
                "a logs interface endpoint with private DNS on",
            )
        )
    elif not logs.get("PrivateDnsEnabled"):
        rows.append(
            (
                "private-dns-off",
                "open" if routes else "closed",
                f"{logs['VpcEndpointId']} has private DNS off; " + route_found,
                "private DNS on (ModifyVpcEndpoint)",
            )
        )
    else:
        rows.append(
            (
                "private-dns-off",
                "closed",
                f"{logs['VpcEndpointId']} has private DNS on",
                "private DNS on",
            )
        )
    by_route(
        "public-endpoint",
        "aws:SourceVpce / aws:SourceVpc in identity policies or SCPs "
        "(not read here); remove the internet route",
    )
    by_route("other-region", "a Deny on aws:RequestedRegion or aws:SourceVpce (not read here)")
    if "eventsv2" in endpoints:
        rows.append(
            (
                "eventsv2",
                "closed",
                f"{endpoints['eventsv2']['VpcEndpointId']} serves the Custom Event Bus",
                "an eventsv2 endpoint",
            )
        )
    else:
        by_route(
            "eventsv2",
            "an interface endpoint for com.amazonaws.<region>.eventsv2",
            "; no eventsv2 endpoint in the VPC",
        )
    by_route("live-tail-old-sdk", "SDKs released on or after 2026-04-01; aws:SourceVpce")
    by_route("dual-stack", "aws:SourceVpce / aws:SourceVpc (not read here)")
    if region in services.FIPS_REGIONS:
        by_route("fips", "aws:SourceVpce / aws:SourceVpc (not read here)")
    else:
        rows.append(("fips", "closed", f"no logs-fips name in {region}", "nothing to close"))
    by_route("foreign-keys", "egress control only: no internet route, a DNS or network firewall")
    return pd.DataFrame(rows, columns=list(COLUMNS))
