"""The real-AWS backend: explicit opt-in, read-only until confirmed, everything it makes tagged.

``labkit.start("aws")`` (or ``LABKIT_BACKEND=aws``) connects with the default credential chain,
shows account, Region, caller and the plan of what it would create, and stays read-only: it can
describe the VPC, read policies and explain AccessDenied messages. Creating or changing anything
(endpoints, policies, log groups, probe calls that write) needs ``lab.confirm("<account id>")``
(or ``start(..., confirm="<account id>")``) first. Everything created carries the
``labkit:run-id`` tag, and :func:`labkit.cleanup` deletes by that tag.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import botocore.config

from labkit.aws.plan import Plan, build_plan
from labkit.aws.response_record import record_from_response
from labkit.aws.session import AwsIdentity, connect
from labkit.aws.tags import ec2_tag_specs
from labkit.backend.calls import Call
from labkit.backend.contract import BackendInfo, Identity, NetworkFacts, Subnet
from labkit.backend.errors import ConfirmationRequired, LabError
from labkit.backend.record import DecisionRecord
from labkit.backend.run_ids import RUN_ID_TAG, new_run_id

_NO_RETRY = botocore.config.Config(retries={"max_attempts": 1, "mode": "standard"})
_READ_ONLY_WHO = ("instance", "admin")


@dataclass
class _State:
    confirmed: bool = False
    security_group: str | None = None


class AwsBackend:
    """Real AWS through one boto3 session (the default chain, or ``profile``)."""

    name = "aws"

    def __init__(
        self,
        *,
        profile: str | None = None,
        region: str | None = None,
        vpc_id: str | None = None,
        run_id: str | None = None,
        session: Any = None,
    ) -> None:
        if session is None:
            session, identity = connect(profile, region)
        else:
            who = session.client("sts").get_caller_identity()
            identity = AwsIdentity(who["Account"], who["Arn"], session.region_name)
        self.session = session
        self.identity = identity
        self.profile = profile
        self._network = _discover_network(session.client("ec2"), vpc_id)
        self.run_id = run_id or new_run_id()
        self._state = _State()
        me = Identity("instance", identity.arn, identity.account_id)
        self.info = BackendInfo(
            backend="aws",
            region=identity.region,
            account_id=identity.account_id,
            run_id=self.run_id,
            identities={"instance": me, "admin": Identity("admin", me.arn, me.account_id)},
        )

    # -- confirmation -----------------------------------------------------------------------
    def plan(self) -> Plan:
        """What this lab would create in the account (and what it costs per hour)."""
        return build_plan(self.identity, self._network, self.run_id)

    def confirm(self, account_id: str) -> None:
        """Allow creating and changing tagged resources; ``account_id`` must be typed out."""
        if str(account_id).strip() != self.identity.account_id:
            raise ConfirmationRequired(
                f"confirmation {account_id!r} does not match the account in use",
                f"type the 12-digit account ID shown in the plan: lab.confirm('<account id>') "
                f"(Region {self.identity.region})",
            )
        self._state.confirmed = True

    @property
    def confirmed(self) -> bool:
        return self._state.confirmed

    def require_write(self, what: str) -> None:
        if not self._state.confirmed:
            raise ConfirmationRequired(
                f"the aws backend is read-only until confirmed, so it will not {what}.\n"
                f"{self.plan()}",
                "check the account, Region and plan above, then run lab.confirm('<account id>')",
            )

    # -- Backend protocol -------------------------------------------------------------------
    def client(self, service: str, who: str = "instance") -> Any:
        if who not in _READ_ONLY_WHO:
            raise LabError(
                f"the aws backend has no identity {who!r}: it acts only as {self.identity.arn}",
                "use the local backend (labkit.start()) for the other-account scenarios",
            )
        return self.session.client(service, config=_NO_RETRY)

    def env(self, who: str = "instance") -> dict[str, str]:
        env = {"AWS_DEFAULT_REGION": self.identity.region, "AWS_PAGER": ""}
        if self.profile:
            env["AWS_PROFILE"] = self.profile
        return env

    def network(self) -> NetworkFacts:
        groups = (self._state.security_group,) if self._state.security_group else ()
        return NetworkFacts(
            vpc_id=self._network.vpc_id,
            vpc_cidr=self._network.vpc_cidr,
            subnets=self._network.subnets,
            endpoint_security_groups=groups,
        )

    def endpoint_security_group(self) -> str:
        """The run's security group for endpoints (HTTPS from the VPC), made on first use."""
        if self._state.security_group:
            return self._state.security_group
        self.require_write("create a security group")
        ec2 = self.client("ec2")
        name = f"labkit-endpoint-https-{self.run_id}"
        group = ec2.create_security_group(
            GroupName=name,
            Description="labkit: HTTPS from the VPC to interface endpoints",
            VpcId=self._network.vpc_id,
            TagSpecifications=ec2_tag_specs("security-group", self.run_id, name),
        )["GroupId"]
        ec2.authorize_security_group_ingress(
            GroupId=group,
            IpPermissions=[
                {
                    "IpProtocol": "tcp",
                    "FromPort": 443,
                    "ToPort": 443,
                    "IpRanges": [{"CidrIp": self._network.vpc_cidr, "Description": "VPC"}],
                }
            ],
        )
        self._state.security_group = group
        return group

    def record(
        self, call: Call, request_id: str | None, error: Mapping[str, Any] | None
    ) -> DecisionRecord:
        return record_from_response(
            call,
            request_id,
            error,
            region=self.identity.region,
            account=self.identity.account_id,
            principal=self.identity.arn,
        )

    def decision(self, request_id: str) -> DecisionRecord | None:
        return None  # real AWS keeps no decision log we can read

    def dns_server(self, view: str) -> tuple[str, int] | None:
        return None

    def tags(self) -> dict[str, str]:
        """Tags for resources this run creates."""
        return {RUN_ID_TAG: self.run_id}

    def stop(self) -> None:
        """Nothing runs locally; real resources stay until ``labkit.cleanup(run_id)``."""


def _discover_network(ec2: Any, vpc_id: str | None) -> NetworkFacts:
    filters = (
        [{"Name": "vpc-id", "Values": [vpc_id]}]
        if vpc_id
        else [{"Name": "is-default", "Values": ["true"]}]
    )
    vpcs = ec2.describe_vpcs(Filters=filters)["Vpcs"]
    if not vpcs:
        raise LabError(
            f"no {'VPC ' + vpc_id if vpc_id else 'default VPC'} in this Region",
            "pass vpc_id='vpc-…' of a VPC with one subnet per Availability Zone, "
            "or create a default VPC with `aws ec2 create-default-vpc`",
        )
    vpc = vpcs[0]
    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}])[
        "Subnets"
    ]
    one_per_az: dict[str, Subnet] = {}
    for s in sorted(subnets, key=lambda s: (not s.get("DefaultForAz", False), s["SubnetId"])):
        one_per_az.setdefault(
            s["AvailabilityZone"], Subnet(s["SubnetId"], s["AvailabilityZone"], s["CidrBlock"])
        )
    return NetworkFacts(
        vpc_id=vpc["VpcId"],
        vpc_cidr=vpc["CidrBlock"],
        subnets=tuple(one_per_az[az] for az in sorted(one_per_az)),
    )
