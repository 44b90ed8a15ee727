"""The lab instance: the latest Amazon Linux (through the public SSM parameter), in the first
lab subnet, with the run's role and security group, IMDSv2 only, tagged with the run."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import botocore.exceptions

from labkit.aws.setup.network import lab_name
from labkit.aws.tags import ec2_filter, ec2_tag_specs
from labkit.backend.errors import LabError

AMI_PARAMETER = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
INSTANCE_TYPE = "t3.micro"
LIVE_STATES = ("pending", "running", "stopping", "stopped")
PROFILE_PROPAGATION_SECONDS = 90.0


@dataclass(frozen=True)
class LabInstance:
    """The instance probes run on."""

    instance_id: str
    subnet_id: str
    private_ip: str
    state: str


def _as_instance(item: dict[str, Any]) -> LabInstance:
    return LabInstance(
        item["InstanceId"],
        item.get("SubnetId", ""),
        item.get("PrivateIpAddress", ""),
        item["State"]["Name"],
    )


def find_instance(ec2: Any, run_id: str) -> LabInstance | None:
    """The run's live lab instance, if any."""
    filters = [
        *ec2_filter(run_id, lab_name("instance", run_id)),
        {"Name": "instance-state-name", "Values": list(LIVE_STATES)},
    ]
    for reservation in ec2.describe_instances(Filters=filters)["Reservations"]:
        for item in reservation["Instances"]:
            return _as_instance(item)
    return None


def latest_amazon_linux(ssm: Any) -> str:
    """The AMI ID AWS publishes for the latest Amazon Linux 2023 (x86_64) in this Region."""
    return str(ssm.get_parameter(Name=AMI_PARAMETER)["Parameter"]["Value"])


def ensure_instance(
    ec2: Any,
    ssm: Any,
    run_id: str,
    *,
    subnet_id: str,
    security_group: str,
    profile_name: str,
    public_ip: bool,
    wait_seconds: float = 600.0,
) -> LabInstance:
    """The run's lab instance, launched if missing, started if stopped, once it is running."""
    found = find_instance(ec2, run_id)
    if found is None:
        instance_id = _launch(ec2, ssm, run_id, subnet_id, security_group, profile_name, public_ip)
    else:
        instance_id = found.instance_id
        if found.state in ("stopping", "stopped"):
            _wait_for(ec2, instance_id, ("stopped",), wait_seconds)
            ec2.start_instances(InstanceIds=[instance_id])
    return _wait_for(ec2, instance_id, ("running",), wait_seconds)


def _launch(
    ec2: Any,
    ssm: Any,
    run_id: str,
    subnet_id: str,
    security_group: str,
    profile_name: str,
    public_ip: bool,
) -> str:
    params = {
        "ImageId": latest_amazon_linux(ssm),
        "InstanceType": INSTANCE_TYPE,
        "MinCount": 1,
        "MaxCount": 1,
        "IamInstanceProfile": {"Name": profile_name},
        "NetworkInterfaces": [
            {
                "DeviceIndex": 0,
                "SubnetId": subnet_id,
                "Groups": [security_group],
                "AssociatePublicIpAddress": public_ip,
                "DeleteOnTermination": True,
            }
        ],
        "MetadataOptions": {"HttpTokens": "required", "HttpEndpoint": "enabled"},
        "TagSpecifications": ec2_tag_specs(
            ("instance", "volume", "network-interface"), run_id, lab_name("instance", run_id)
        ),
    }
    deadline = time.monotonic() + PROFILE_PROPAGATION_SECONDS
    while True:
        try:
            return str(ec2.run_instances(**params)["Instances"][0]["InstanceId"])
        except botocore.exceptions.ClientError as exc:
            # a new instance profile takes a few seconds to be visible to EC2
            error = exc.response["Error"]
            pending_profile = (
                error["Code"] == "InvalidParameterValue"
                and "profile" in str(error.get("Message", "")).lower()
            )
            if not pending_profile or time.monotonic() > deadline:
                raise
            time.sleep(5)


def _wait_for(ec2: Any, instance_id: str, states: tuple[str, ...], seconds: float) -> LabInstance:
    deadline = time.monotonic() + seconds
    delay = 0.2
    while True:
        reservations = ec2.describe_instances(InstanceIds=[instance_id])["Reservations"]
        current = _as_instance(reservations[0]["Instances"][0])
        if current.state in states:
            return current
        if current.state in ("shutting-down", "terminated") or time.monotonic() > deadline:
            raise LabError(
                f"the lab instance {instance_id} is {current.state}, not {states[0]}",
                "run the set-up cell again: a terminated instance is replaced; a slow one "
                "is waited for once more",
            )
        time.sleep(delay)
        delay = min(delay * 2, 10.0)
