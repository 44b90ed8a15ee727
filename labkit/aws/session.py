"""Connect to real AWS with the default credential chain (or a named profile), read-only."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import boto3
import botocore.exceptions


class AwsConnectionError(RuntimeError):
    """labkit could not reach AWS as anyone; the message says how to fix it."""


@dataclass(frozen=True)
class AwsIdentity:
    """Who and where: account, caller ARN and Region of a boto3 session."""

    account_id: str
    arn: str
    region: str


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
    try:
        who = session.client("sts").get_caller_identity()
    except botocore.exceptions.NoCredentialsError:
        raise AwsConnectionError(
            "no AWS credentials found. Fix: `aws configure sso` or `aws configure`, or pass "
            "profile='name'; labkit never asks you to paste keys into a notebook."
        ) from None
    except botocore.exceptions.ClientError as exc:
        raise AwsConnectionError(
            f"AWS refused the credentials: {exc}. Fix: refresh them (`aws sso login`) "
            "and run the cell again."
        ) from None
    return session, AwsIdentity(who["Account"], who["Arn"], session.region_name)
