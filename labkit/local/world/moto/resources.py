"""Resource policies and tags by ARN, for the services whose resources the lab holds."""

from __future__ import annotations

from labkit.local.world.moto import events, logs


def _arn_parts(arn: str) -> tuple[str, str, str, str] | None:
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        return None
    return parts[2], parts[3], parts[4], parts[5]


def resource_policy(arn: str) -> str | None:
    """The resource policy that IAM principals meet on ``arn`` (EventBridge bus policies).

    CloudWatch Logs resource policies apply to AWS service principals only (aws-fidelity §1.9),
    so Logs resources have none here.
    """
    parts = _arn_parts(arn)
    if parts is None or parts[0] != "events" or not parts[3].startswith("event-bus/"):
        return None
    _, region, account, resource = parts
    return events.bus_policy(account, region, resource.split("/", 1)[1])


def resource_tags(arn: str) -> dict[str, str]:
    """Tags on a log group (any of its ARNs) or an event bus; {} when none or unknown."""
    parts = _arn_parts(arn)
    if parts is None:
        return {}
    service, region, account, resource = parts
    if service == "logs" and resource.startswith("log-group:"):
        return logs.log_group_tags(account, region, resource.split(":")[1])
    if service == "events" and resource.startswith("event-bus/"):
        return events.bus_tags(account, region, resource.split("/", 1)[1])
    return {}
