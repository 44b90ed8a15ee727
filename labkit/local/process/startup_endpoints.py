"""``labkit serve --endpoint SERVICE[=POLICY]``: interface endpoints the lab creates at start.

What the walkthrough did in the console before its first command: an interface endpoint for a
service, with a policy. Each request is checked before anything starts (a service the lab
cannot make an endpoint for, a policy name that does not exist, a file that is not a valid
endpoint policy: :class:`EndpointRequestError`, which names the file, line and column), then
created through the lab's own EC2 API as the admin, and the lab reports ready once every one is
``available``.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from labkit import data, services
from labkit.local.world.endpoint_model import MAX_POLICY_CHARS
from labkit.policy import PolicyValidationError, parse_policy


class EndpointRequestError(ValueError):
    """An ``--endpoint`` value the lab cannot honour; the message says where and how to fix it."""


@dataclass(frozen=True)
class EndpointRequest:
    """One endpoint to create: the service, and its policy (None: AWS's default policy)."""

    service: str
    policy: str | None = None
    source: str | None = None  # where the policy came from: data/policies/NAME.json or a path


def endpoint_services() -> list[str]:
    """The services the lab can make an interface endpoint for."""
    return [spec.name for spec in services.SERVICES if spec.endpoint_services]


def _values(scenario: Mapping[str, Any]) -> dict[str, str]:
    others = scenario.get("other_accounts") or []
    return {
        "account_id": str(scenario["account_id"]),
        "region": str(scenario["region"]),
        "org_id": str(scenario.get("org_id") or ""),
        "other_account_id": str(others[0]["account_id"] if others else scenario["account_id"]),
    }


def _policy(value: str, option: str, scenario: Mapping[str, Any]) -> tuple[str, str]:
    """The policy text a ``POLICY`` names (a data/policies name or a file) and its source."""
    if value in data.policy_names():
        source, raw = f"data/policies/{value}.json", data.policy_text(value, **_values(scenario))
    else:
        path = Path(value)
        if not path.is_file():
            known = ", ".join(data.policy_names())
            raise EndpointRequestError(
                f"{option}: {value!r} is neither a policy of data/policies/ ({known}) nor a file"
            )
        try:
            raw = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            raise EndpointRequestError(f"{option}: cannot read {value}: {err}") from None
        source = value
        try:
            raw = data.fill(raw, _values(scenario))
        except data.MissingPlaceholder as err:
            raise EndpointRequestError(f"{option}: {value}: {err}") from None
    if len(raw) > MAX_POLICY_CHARS:
        raise EndpointRequestError(
            f"{option}: {source}: the policy is {len(raw)} characters long; an endpoint policy "
            f"may have at most {MAX_POLICY_CHARS} characters, white space included"
        )
    try:
        parse_policy(raw, kind="vpc-endpoint")
    except PolicyValidationError as err:
        where = f"{source}:{err.line}:{err.column}" if err.line else source
        within = f" ({err.path})" if err.path else ""
        hint = f"; fix: {err.hint}" if err.hint else ""
        raise EndpointRequestError(f"{option}: {where}: {err.reason}{within}{hint}") from None
    return raw, source


def parse_endpoint_requests(
    values: Sequence[str], scenario: Mapping[str, Any]
) -> list[EndpointRequest]:
    """The ``--endpoint`` values, checked; :class:`EndpointRequestError` for the first bad one."""
    found: list[EndpointRequest] = []
    for value in values:
        option = f"--endpoint {value}"
        service, _, policy = value.partition("=")
        service = service.strip()
        if service not in endpoint_services():
            known = ", ".join(endpoint_services())
            raise EndpointRequestError(
                f"{option}: the lab makes interface endpoints for {known}, not {service!r}"
            )
        if any(request.service == service for request in found):
            raise EndpointRequestError(
                f"{option}: {service} is named twice; a VPC takes one private-DNS endpoint per "
                "service"
            )
        if "=" in value and not policy:
            raise EndpointRequestError(f"{option}: name a policy after '=', or leave '=' out")
        if policy:
            text, source = _policy(policy, option, scenario)
            found.append(EndpointRequest(service, text, source))
        else:
            found.append(EndpointRequest(service))
    return found


def create_endpoints(
    ec2: Any, requests: Sequence[EndpointRequest], info: Any, *, timeout: float = 60
) -> list[str]:
    """Create each endpoint (all subnets and groups of the scenario, private DNS on) as the
    console did, through the lab's EC2 API; wait until every one is ``available``."""
    created: list[str] = []
    for request in requests:
        spec = services.service(request.service)
        kwargs: dict[str, Any] = {
            "VpcEndpointType": "Interface",
            "VpcId": info.vpc_id,
            "ServiceName": spec.endpoint_service_name(info.region),
            "SubnetIds": list(info.subnet_ids),
            "SecurityGroupIds": list(info.security_group_ids.values()),
            "PrivateDnsEnabled": True,
        }
        if request.policy is not None:
            kwargs["PolicyDocument"] = request.policy
        answer = ec2.create_vpc_endpoint(**kwargs)
        created.append(str(answer["VpcEndpoint"]["VpcEndpointId"]))
    deadline = time.monotonic() + timeout
    while created:
        found = ec2.describe_vpc_endpoints(VpcEndpointIds=created)["VpcEndpoints"]
        if all(e["State"] == "available" for e in found):
            break
        if time.monotonic() > deadline:
            raise RuntimeError(f"the endpoints {created} did not become available in {timeout} s")
        time.sleep(0.1)
    return created
