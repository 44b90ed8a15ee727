"""Errors an engineer can act on, for the calls labkit itself makes in the account.

:func:`watch` hooks a botocore client so that, once botocore's retries are spent, three kinds of
AWS error become a :class:`~labkit.backend.errors.LabError` that says what to do:

- a missing permission (``AccessDenied*``, ``UnauthorizedOperation``) names the IAM action and
  points to ``docs/aws-permissions.json``, the least-privilege policy labkit needs;
- throttling says botocore already retried (standard or adaptive mode) and how to retry more;
- a quota error names the quota and where to raise it.

Every other error stays a botocore ``ClientError`` for the caller (NotFound, DependencyViolation
and kin are part of normal set-up and clean-up). Probe clients are never hooked: a denied probe
is a result, not a failure.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from labkit.backend.errors import LabError

PERMISSIONS_FILE = "docs/aws-permissions.json"

DENIED_CODES = frozenset(
    {
        "AccessDenied",
        "AccessDeniedException",
        "UnauthorizedOperation",
        "AuthorizationError",
        "AccessDeniedForDependencyException",
    }
)
THROTTLING_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottled",
        "RequestThrottledException",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "SlowDown",
    }
)
QUOTAS: Mapping[str, str] = {
    "VpcLimitExceeded": "Amazon VPC: VPCs per Region",
    "SubnetLimitExceeded": "Amazon VPC: subnets per VPC",
    "InternetGatewayLimitExceeded": "Amazon VPC: internet gateways per Region",
    "RouteTableLimitExceeded": "Amazon VPC: route tables per VPC",
    "SecurityGroupLimitExceeded": "Amazon VPC: VPC security groups per Region",
    "RulesPerSecurityGroupLimitExceeded": "Amazon VPC: inbound (or outbound) rules per "
    "security group",
    "VpcEndpointLimitExceeded": "Amazon VPC: interface and Gateway Load Balancer endpoints per VPC",
    "NetworkInterfaceLimitExceeded": "Amazon VPC: network interfaces per Region",
    "AddressLimitExceeded": "Amazon EC2: EC2-VPC Elastic IPs",
    "InstanceLimitExceeded": "Amazon EC2: Running On-Demand Standard instances (vCPUs)",
    "VcpuLimitExceeded": "Amazon EC2: Running On-Demand Standard instances (vCPUs)",
    "LimitExceeded": "IAM: the quota named in the message (roles, instance profiles, policies)",
    "LimitExceededException": "the service's quota named in the message (CloudWatch Logs: log "
    "groups per account per Region; EventBridge: event buses per account per Region)",
    "ServiceQuotaExceededException": "the service's quota named in the message",
}


class MissingPermission(LabError):
    """The caller lacks a permission labkit needs for the lab itself."""

    def __init__(self, action: str, message: str) -> None:
        super().__init__(
            f"AWS refused {action}: the identity running labkit lacks this permission "
            f"({message.strip() or 'no message'})",
            f"allow {action} for it: {PERMISSIONS_FILE} is the least-privilege policy labkit "
            "needs (attach it, or ask your administrator to)",
        )
        self.action = action


class Throttled(LabError):
    """AWS kept throttling a call after botocore's retries."""

    def __init__(self, action: str, code: str, attempts: int | None) -> None:
        tried = f"{attempts} attempts" if attempts else "its retries"
        super().__init__(
            f"AWS throttled {action} ({code}) and botocore gave up after {tried}",
            "wait a minute and run the cell again; AWS_RETRY_MODE=adaptive and a larger "
            "AWS_MAX_ATTEMPTS (e.g. 10) make botocore retry longer",
        )
        self.action = action


class QuotaExceeded(LabError):
    """A service quota stopped labkit from creating something."""

    def __init__(self, action: str, code: str, quota: str, message: str) -> None:
        super().__init__(
            f"{action} hit a quota ({code}: {message.strip()}); quota: {quota}",
            f"free one up (`labkit cleanup --all` deletes earlier labkit runs) or ask for a "
            f"higher '{quota}' in the Service Quotas console",
        )
        self.action = action
        self.quota = quota


def action_of(model: Any) -> str:
    """The IAM action of a botocore operation model (``ec2:CreateVpc``)."""
    return f"{model.service_model.signing_name}:{model.name}"


def actionable(action: str, parsed: Mapping[str, Any]) -> LabError | None:
    """The LabError for a parsed error response, or None when the caller should see it as is."""
    error = parsed.get("Error") or {}
    code = str(error.get("Code", ""))
    message = str(error.get("Message", ""))
    if code in DENIED_CODES:
        return MissingPermission(action, message)
    if code in THROTTLING_CODES:
        attempts = (parsed.get("ResponseMetadata") or {}).get("RetryAttempts")
        return Throttled(action, code, None if attempts is None else attempts + 1)
    if code in QUOTAS:
        return QuotaExceeded(action, code, QUOTAS[code], message)
    return None


def _raise_actionable(http_response: Any, parsed: Mapping[str, Any], model: Any, **_: Any) -> None:
    if http_response is None or http_response.status_code < 300:
        return
    error = actionable(action_of(model), parsed)
    if error is not None:
        raise error


def watch(client: Any) -> Any:
    """``client`` with permission, throttling and quota errors turned into LabErrors."""
    client.meta.events.register("after-call", _raise_actionable)
    return client


class NotOurs(LabError):
    """A resource labkit needs by name exists but was not made by this run: it is left alone."""

    def __init__(self, kind: str, name: str, owner_run: str | None, run_id: str) -> None:
        if owner_run:
            whose = f"it belongs to labkit run {owner_run}"
            fix = (
                f"continue that run with labkit.start('aws', run_id={owner_run!r}), or delete it "
                f"with `labkit cleanup --run-id {owner_run}`"
            )
        else:
            whose = "it has no labkit:run-id tag, so labkit did not create it"
            fix = "rename or delete it yourself, or run the lab in another Region"
        super().__init__(
            f"a {kind} named {name!r} already exists and is not part of run {run_id}: {whose}. "
            "labkit never changes or deletes what it did not create",
            fix,
        )
        self.kind = kind
        self.name = name
