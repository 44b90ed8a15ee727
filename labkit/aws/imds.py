"""Is this kernel running on an EC2 instance, and in which VPC? Asked of IMDSv2, briefly.

``AWS_EC2_METADATA_DISABLED=true`` skips the question; ``AWS_EC2_METADATA_SERVICE_ENDPOINT``
points it elsewhere (as botocore honours both).
"""

from __future__ import annotations

import os
import urllib.error
import urllib.request
from dataclasses import dataclass

DEFAULT_ENDPOINT = "http://169.254.169.254"
TIMEOUT = 0.5


@dataclass(frozen=True)
class KernelHost:
    """The instance this kernel runs on."""

    instance_id: str
    vpc_id: str
    subnet_id: str
    private_ip: str


def kernel_host(timeout: float = TIMEOUT) -> KernelHost | None:
    """The instance and VPC this kernel runs in, or None when it is not on EC2."""
    if os.environ.get("AWS_EC2_METADATA_DISABLED", "").strip().lower() == "true":
        return None
    base = os.environ.get("AWS_EC2_METADATA_SERVICE_ENDPOINT", DEFAULT_ENDPOINT).rstrip("/")
    try:
        token_request = urllib.request.Request(
            base + "/latest/api/token",
            method="PUT",
            headers={"X-aws-ec2-metadata-token-ttl-seconds": "60"},
        )
        with urllib.request.urlopen(token_request, timeout=timeout) as answer:
            token = answer.read().decode()

        def read(path: str) -> str:
            request = urllib.request.Request(
                f"{base}/latest/meta-data/{path}", headers={"X-aws-ec2-metadata-token": token}
            )
            with urllib.request.urlopen(request, timeout=timeout) as answer:
                return answer.read().decode().strip()

        mac = read("mac")
        prefix = f"network/interfaces/macs/{mac}/"
        return KernelHost(
            read("instance-id"),
            read(prefix + "vpc-id"),
            read(prefix + "subnet-id"),
            read("local-ipv4"),
        )
    except (OSError, urllib.error.URLError, ValueError):
        return None
