"""Connect to real AWS with the default credential chain (or a named profile), read-only.

``AWS_ENDPOINT_URL`` and its service-specific forms are honoured by botocore itself, which is how
the tests point the backend at a moto server standing in for AWS.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import boto3
import botocore.config
import botocore.exceptions

RETRY_MODES = ("standard", "adaptive")
DEFAULT_ATTEMPTS = 6


class AwsConnectionError(RuntimeError):
    """labkit could not reach AWS as anyone; the message says how to fix it."""


@dataclass(frozen=True)
class AwsIdentity:
    """Who and where: account, caller ARN and Region of a boto3 session."""

    account_id: str
    arn: str
    region: str

    @property
    def partition(self) -> str:
        """``aws``, ``aws-cn`` or ``aws-us-gov``, from the caller's ARN."""
        return self.arn.split(":")[1] if self.arn.startswith("arn:") else "aws"


def lab_config() -> botocore.config.Config:
    """For labkit's own calls: botocore's standard retry mode (or adaptive), several attempts.

    ``AWS_RETRY_MODE=adaptive`` and ``AWS_MAX_ATTEMPTS`` are read as botocore reads them.
    """
    mode = os.environ.get("AWS_RETRY_MODE", "standard").strip().lower()
    attempts = os.environ.get("AWS_MAX_ATTEMPTS", "").strip()
    return botocore.config.Config(
        retries={
            "mode": mode if mode in RETRY_MODES else "standard",  # type: ignore[typeddict-item]
            "total_max_attempts": int(attempts) if attempts.isdigit() else DEFAULT_ATTEMPTS,
        }
    )


def probe_config() -> botocore.config.Config:
    """For probe calls: one attempt, so a throttled or failed probe shows as what it was."""
    return botocore.config.Config(retries={"mode": "standard", "total_max_attempts": 1})


def connect(profile: str | None = None, region: str | None = None) -> tuple[Any, AwsIdentity]:
    """A boto3 session plus who it is (``sts:GetCallerIdentity``, needs no permission).

    The Region comes from ``region``, else the profile/environment; it is never guessed.
    """
    try:
        session = boto3.Session(profile_name=profile, region_name=region)
    except botocore.exceptions.ProfileNotFound as exc:
        raise AwsConnectionError(
            f"{exc}. Fix: pick a profile listed by `aws configure list-profiles`, "
            "or omit profile= to use the default credential chain."
        ) from None
    if not session.region_name:
        raise AwsConnectionError(
            "no AWS Region is configured. Fix: labkit.start('aws', region='ap-northeast-1') "
            "or `export AWS_DEFAULT_REGION=ap-northeast-1` (any Region you want to use)."
        )
    return session, identify(session)


def identify(session: Any) -> AwsIdentity:
    """Account, ARN and Region of ``session`` (``sts:GetCallerIdentity``)."""
    try:
        who = session.client("sts", config=lab_config()).get_caller_identity()
    except botocore.exceptions.NoCredentialsError:
        raise AwsConnectionError(
            "no AWS credentials found. Fix: `aws configure sso` or `aws configure`, or pass "
            "aws_profile='name'; labkit never asks you to paste keys into a notebook."
        ) from None
    except (botocore.exceptions.ClientError, botocore.exceptions.EndpointConnectionError) as exc:
        raise AwsConnectionError(
            f"AWS refused the credentials or could not be reached: {exc}. Fix: refresh them "
            "(`aws sso login`) and run the cell again."
        ) from None
    return AwsIdentity(who["Account"], who["Arn"], session.region_name)
