"""The fixes of notebook 10, applied through AWS APIs as the lab's admin and undone the same way.

* an inline policy on the instance role (``aws:SourceVpce`` / ``aws:SourceVpc`` in an identity
  policy): :func:`add_role_policy`, :func:`remove_role_policy`;
* a route change, the 0.0.0.0/0 route of the instance's subnet removed and put back:
  :func:`remove_internet_route`, :func:`restore_internet_route` (the route's target is kept in
  the returned :class:`RemovedRoute`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from labkit.backend.errors import LabError
from labkit.policy import check_policy

DEFAULT_ROUTE = "0.0.0.0/0"


def _role(lab: Any) -> str:
    return str(lab.backend.info.identities["instance"].arn.split("/")[1])


def add_role_policy(lab: Any, name: str, policy: str | Mapping[str, Any]) -> str:
    """Put ``policy`` (template name, dict or JSON) on the instance role as inline ``name``."""
    lab.backend.require_write(f"add the inline policy {name} to the instance role")
    text = lab.policy_text(policy)
    errors = [f for f in check_policy(text, kind="identity") if f.severity == "error"]
    if errors:
        where = f"line {errors[0].line}, column {errors[0].column}" if errors[0].line else "it"
        raise LabError(
            f"the identity policy is not valid at {where}: {errors[0].message}",
            "correct it and add it again; the role keeps the policies it has",
        )
    iam = lab.backend.client("iam", "admin")
    iam.put_role_policy(RoleName=_role(lab), PolicyName=name, PolicyDocument=text)
    return text


def remove_role_policy(lab: Any, name: str) -> None:
    """Delete the instance role's inline policy ``name`` (nothing if it has none by that name)."""
    lab.backend.require_write(f"remove the inline policy {name} from the instance role")
    iam = lab.backend.client("iam", "admin")
    if name in iam.list_role_policies(RoleName=_role(lab))["PolicyNames"]:
        iam.delete_role_policy(RoleName=_role(lab), PolicyName=name)


@dataclass(frozen=True)
class RemovedRoute:
    """A 0.0.0.0/0 route taken out of a route table, with what it pointed at."""

    route_table_id: str
    target: Mapping[str, str]


def _table_of_instance_subnet(ec2: Any, lab: Any) -> dict[str, Any]:
    facts = lab.backend.network()
    instance = ec2.describe_instances(InstanceIds=[facts.instance_id])["Reservations"][0]
    subnet = instance["Instances"][0]["SubnetId"]
    by_subnet = ec2.describe_route_tables(
        Filters=[{"Name": "association.subnet-id", "Values": [subnet]}]
    )["RouteTables"]
    if by_subnet:
        return dict(by_subnet[0])
    main = ec2.describe_route_tables(
        Filters=[
            {"Name": "vpc-id", "Values": [facts.vpc_id]},
            {"Name": "association.main", "Values": ["true"]},
        ]
    )["RouteTables"]
    if not main:
        raise LabError(f"{facts.vpc_id} has no route table", "the scenario's VPC needs one")
    return dict(main[0])


def remove_internet_route(lab: Any) -> RemovedRoute:
    """Delete the 0.0.0.0/0 route of the instance's subnet (DeleteRoute); returns what it was."""
    lab.backend.require_write("remove the internet route of the instance's subnet")
    ec2 = lab.backend.client("ec2", "admin")
    table = _table_of_instance_subnet(ec2, lab)
    route = next(
        (r for r in table.get("Routes", []) if r.get("DestinationCidrBlock") == DEFAULT_ROUTE),
        None,
    )
    if route is None:
        raise LabError(
            f"{table['RouteTableId']} has no {DEFAULT_ROUTE} route to remove",
            "the instance's subnet already has no way to the internet",
        )
    keys = ("GatewayId", "NatGatewayId")
    target = {k: route[k] for k in keys if route.get(k)}
    ec2.delete_route(RouteTableId=table["RouteTableId"], DestinationCidrBlock=DEFAULT_ROUTE)
    return RemovedRoute(table["RouteTableId"], target)


def restore_internet_route(lab: Any, removed: RemovedRoute) -> None:
    """Put a route :func:`remove_internet_route` took out back (CreateRoute)."""
    lab.backend.require_write("put the internet route of the instance's subnet back")
    ec2 = lab.backend.client("ec2", "admin")
    ec2.create_route(
        RouteTableId=removed.route_table_id, DestinationCidrBlock=DEFAULT_ROUTE, **removed.target
    )
