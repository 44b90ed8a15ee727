"""A seeded walkthrough world in moto for the data plane's tests (see conftest.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import boto3
from botocore.config import Config

from labkit.local.world.scenario import SeededLab, Seeder
from labkit.local.world.state import LabState

REGION = "ap-northeast-1"


@dataclass
class World:
    """A seeded walkthrough scenario in moto and the state view over it."""

    moto_url: str
    seeder: Seeder
    seeded: SeededLab
    state: LabState

    @property
    def account(self) -> str:
        return self.seeded.account_id

    def ec2(self) -> Any:
        """An EC2 client straight to moto (the admin's view, without the control front)."""
        return self.seeder.client("ec2", self.account)

    def create_endpoint(
        self,
        service: str = "logs",
        *,
        policy: str | None = None,
        private_dns: bool = True,
        security_groups: list[str] | None = None,
    ) -> str:
        """An interface endpoint in the scenario VPC's three subnets; its id."""
        kwargs: dict[str, Any] = {
            "VpcEndpointType": "Interface",
            "VpcId": self.seeded.vpc_id,
            "ServiceName": f"com.amazonaws.{REGION}.{service}",
            "SubnetIds": list(self.seeded.subnets.values()),
            "SecurityGroupIds": security_groups or list(self.seeded.security_groups.values()),
            "PrivateDnsEnabled": private_dns,
        }
        if policy is not None:
            kwargs["PolicyDocument"] = policy
        answer = self.ec2().create_vpc_endpoint(**kwargs)
        return str(answer["VpcEndpoint"]["VpcEndpointId"])

    def delete_endpoints(self) -> None:
        """Remove every endpoint (tests start from a VPC without endpoints)."""
        ids = [e.id for e in self.state.endpoints()]
        if ids:
            self.ec2().delete_vpc_endpoints(VpcEndpointIds=ids)

    def instance_client(self, url: str, service: str = "logs", **config: Any) -> Any:
        """A plain boto3 client with the instance-role session, pointed at ``url``."""
        credential = self.state.instance_credentials()
        session = boto3.session.Session(
            aws_access_key_id=credential.access_key_id,
            aws_secret_access_key=credential.secret_access_key,
            aws_session_token=credential.session_token,
            region_name=REGION,
        )
        settings = {"retries": {"max_attempts": 1}, **config}
        return session.client(service, endpoint_url=url, config=Config(**settings))
