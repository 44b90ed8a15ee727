"""Seed a scenario (``data/scenarios/<name>.json``) into a fresh moto server.

Everything is created through ordinary boto3 calls to moto, then corrected through the moto
adapter where moto differs from AWS (default VPC flags, reserved instance addresses).
The result, :class:`SeededLab`, records every id the rest of the lab needs.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import boto3
from botocore.config import Config

from labkit import data
from labkit.local.wire.wsgi_forward import WsgiApp, WsgiForwarder, in_process_sender
from labkit.local.world.moto import ec2_network
from labkit.local.world.scenario_schema import check_scenario

# Instance-role sessions last six hours, like EC2's own; the IMDS stand-in mints a new one
# when less than INSTANCE_SESSION_REFRESH_SECONDS remain.
INSTANCE_SESSION_SECONDS = 6 * 3600
INSTANCE_SESSION_REFRESH_SECONDS = 30 * 60
ROLE_MAX_SESSION_SECONDS = 12 * 3600
# Keys used only to talk to moto while seeding; the control front never accepts them.
_BOOTSTRAP_KEY = "AKIALABKITSEEDING000"
_BOOTSTRAP_SECRET = "labkit-seeding-only-never-accepted-by-the-control-front"


@dataclass
class OtherAccount:
    """A second account of the scenario (the exfiltration target)."""

    account_id: str
    label: str
    org_id: str | None
    user_arn: str
    access_key_id: str
    log_groups: list[str]
    event_buses: list[str]


@dataclass
class SeededLab:
    """The ids of what a scenario created."""

    scenario: str
    region: str
    account_id: str
    org_id: str | None
    vpc_id: str
    vpc_cidr: str
    subnets: dict[str, str]  # scenario name → subnet id
    subnet_azs: dict[str, str]  # subnet id → Availability Zone
    security_groups: dict[str, str]  # scenario name → group id
    internet_gateway_id: str | None
    route_table_id: str
    role_arns: dict[str, str]
    instance_profile_arn: str
    instance_id: str
    instance_role: str
    instance_role_arn: str
    admin_user_arn: str
    admin_access_key_id: str
    log_groups: list[str]
    event_buses: list[str]
    endpoints: list[str] = field(default_factory=list)
    other_accounts: list[OtherAccount] = field(default_factory=list)
    # SCPs of the organization, one list of (name, text) per level from the root to the accounts
    scps: list[list[tuple[str, str]]] = field(default_factory=list)
    # Custom Event Buses (eventsv2) of the own account, and the Regions besides ``region`` where
    # the own account's log groups exist too (the other-Region path, aws-facts-2026 §1.4)
    event_buses_v2: list[str] = field(default_factory=list)
    other_regions: list[str] = field(default_factory=list)

    @property
    def regions(self) -> tuple[str, ...]:
        """The lab's Region first, then the other Regions the scenario models."""
        return (self.region, *self.other_regions)

    def org_ids(self) -> dict[str, str]:
        """Account id → organization id, for the accounts that belong to one."""
        found = {self.account_id: self.org_id} if self.org_id else {}
        found.update({o.account_id: o.org_id for o in self.other_accounts if o.org_id})
        return found


class Seeder:
    """boto3 clients bound to one moto server, per account.

    With ``app`` (moto's WSGI application, in this process) each call is handed to moto
    in-process, as the gateway does, instead of crossing a loopback socket: the same requests,
    parsed and answered by the same moto, minus TCP and a second HTTP parse.
    """

    def __init__(self, moto_url: str, region: str, app: WsgiApp | None = None) -> None:
        self.moto_url = moto_url
        self.region = region
        self._in_process = None
        if app is not None:
            parts = urlsplit(moto_url)
            forwarder = WsgiForwarder(app, parts.hostname or "127.0.0.1", parts.port or 80)
            self._in_process = in_process_sender(forwarder)
        self._session = boto3.session.Session(
            aws_access_key_id=_BOOTSTRAP_KEY,
            aws_secret_access_key=_BOOTSTRAP_SECRET,
            region_name=region,
        )
        self._clients: dict[tuple[str, str, str], Any] = {}

    def client(self, service: str, account_id: str, region: str | None = None) -> Any:
        """A client whose calls land in ``account_id`` (moto's ``x-moto-account-id`` header),
        in ``region`` (default: the lab's)."""
        key = (service, account_id, region or self.region)
        if key not in self._clients:
            client = self._session.client(
                service,
                region_name=region or self.region,
                endpoint_url=self.moto_url,
                config=Config(retries={"max_attempts": 1}, tcp_keepalive=True),
            )

            def add_account(request: Any, **_: Any) -> None:
                request.headers["x-moto-account-id"] = account_id

            client.meta.events.register("before-sign", add_account)
            if self._in_process is not None:
                client.meta.events.register("before-send", self._in_process)
            self._clients[key] = client
        return self._clients[key]

    def mint_instance_session(self, seeded: SeededLab) -> str:
        """A new instance-role session (``RoleSessionName`` = instance id); its access key id."""
        sts = self.client("sts", seeded.account_id)
        answer = sts.assume_role(
            RoleArn=seeded.instance_role_arn,
            RoleSessionName=seeded.instance_id,
            DurationSeconds=INSTANCE_SESSION_SECONDS,
        )
        return str(answer["Credentials"]["AccessKeyId"])


def _policy_values(spec: Mapping[str, Any]) -> dict[str, str]:
    others = spec.get("other_accounts") or []
    return {
        "account_id": spec["account_id"],
        "region": spec["region"],
        "org_id": spec.get("org_id") or "",
        "other_account_id": others[0]["account_id"] if others else spec["account_id"],
    }


def _seed_network(seeder: Seeder, spec: Mapping[str, Any]) -> dict[str, Any]:
    account = spec["account_id"]
    ec2 = seeder.client("ec2", account)
    vpc_spec = spec["vpc"]
    if vpc_spec.get("is_default"):
        _remove_default_vpcs(ec2)  # moto makes its own; a Region has one default VPC
    vpc_id = ec2.create_vpc(CidrBlock=vpc_spec["cidr"])["Vpc"]["VpcId"]
    ec2.modify_vpc_attribute(
        VpcId=vpc_id, EnableDnsSupport={"Value": bool(vpc_spec["enable_dns_support"])}
    )
    ec2.modify_vpc_attribute(
        VpcId=vpc_id, EnableDnsHostnames={"Value": bool(vpc_spec["enable_dns_hostnames"])}
    )
    subnets: dict[str, str] = {}
    subnet_azs: dict[str, str] = {}
    for subnet in spec["subnets"]:
        created = ec2.create_subnet(
            VpcId=vpc_id, CidrBlock=subnet["cidr"], AvailabilityZone=subnet["availability_zone"]
        )["Subnet"]
        subnets[subnet["name"]] = created["SubnetId"]
        subnet_azs[created["SubnetId"]] = subnet["availability_zone"]
    if vpc_spec.get("is_default"):
        ec2_network.mark_default_vpc(account, spec["region"], vpc_id, subnets.values())
    tables = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])
    route_table_id = tables["RouteTables"][0]["RouteTableId"]
    igw_id = None
    if vpc_spec.get("internet_gateway"):
        igw_id = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
        ec2.attach_internet_gateway(InternetGatewayId=igw_id, VpcId=vpc_id)
        ec2.create_route(
            RouteTableId=route_table_id, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw_id
        )
    groups: dict[str, str] = {}
    for group in spec["security_groups"]:
        group_id = ec2.create_security_group(
            GroupName=group["name"], Description=group["description"], VpcId=vpc_id
        )["GroupId"]
        groups[group["name"]] = group_id
        permissions = [
            {
                "IpProtocol": rule["protocol"],
                "FromPort": rule["port"],
                "ToPort": rule["port"],
                "IpRanges": [{"CidrIp": rule["cidr"]}],
            }
            for rule in group["ingress"]
        ]
        if permissions:
            ec2.authorize_security_group_ingress(GroupId=group_id, IpPermissions=permissions)
    return {
        "vpc_id": vpc_id,
        "subnets": subnets,
        "subnet_azs": subnet_azs,
        "security_groups": groups,
        "internet_gateway_id": igw_id,
        "route_table_id": route_table_id,
    }


def _remove_default_vpcs(ec2: Any) -> None:
    """Delete the default VPC moto creates in every Region, and its default subnets."""
    found = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"]
    for vpc in found:
        subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}])
        for subnet in subnets["Subnets"]:
            ec2.delete_subnet(SubnetId=subnet["SubnetId"])
        ec2.delete_vpc(VpcId=vpc["VpcId"])


def _seed_identities(seeder: Seeder, spec: Mapping[str, Any]) -> dict[str, Any]:
    account = spec["account_id"]
    iam = seeder.client("iam", account)
    values = _policy_values(spec)
    role_arns: dict[str, str] = {}
    profile_arns: dict[str, str] = {}
    for role in spec["roles"]:
        trust = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": role["trusted_service"]},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
        role_arns[role["name"]] = iam.create_role(
            RoleName=role["name"],
            AssumeRolePolicyDocument=json.dumps(trust),
            MaxSessionDuration=ROLE_MAX_SESSION_SECONDS,
        )["Role"]["Arn"]
        for policy_name, template in role["inline_policies"].items():
            iam.put_role_policy(
                RoleName=role["name"],
                PolicyName=policy_name,
                PolicyDocument=data.policy_text(template, **values),
            )
        if role.get("instance_profile"):
            profile = iam.create_instance_profile(InstanceProfileName=role["instance_profile"])
            iam.add_role_to_instance_profile(
                InstanceProfileName=role["instance_profile"], RoleName=role["name"]
            )
            profile_arns[role["name"]] = profile["InstanceProfile"]["Arn"]
    admin = spec["admin"]
    admin_arn = iam.create_user(UserName=admin["user_name"])["User"]["Arn"]
    for policy_name, template in (admin.get("inline_policies") or {}).items():
        iam.put_user_policy(
            UserName=admin["user_name"],
            PolicyName=policy_name,
            PolicyDocument=data.policy_text(template, **values),
        )
    admin_key = iam.create_access_key(UserName=admin["user_name"])["AccessKey"]["AccessKeyId"]
    return {
        "role_arns": role_arns,
        "profile_arns": profile_arns,
        "admin_user_arn": admin_arn,
        "admin_access_key_id": admin_key,
    }


def _seed_instance(seeder: Seeder, spec: Mapping[str, Any], network: Mapping[str, Any]) -> str:
    account = spec["account_id"]
    wanted = spec["instance"]
    ec2 = seeder.client("ec2", account)
    reservation = ec2.run_instances(
        ImageId=wanted["image_id"],
        InstanceType=wanted["instance_type"],
        MinCount=1,
        MaxCount=1,
        SubnetId=network["subnets"][wanted["subnet"]],
        IamInstanceProfile={"Name": wanted["role"]},
        TagSpecifications=[
            {"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": wanted["name"]}]}
        ],
    )
    instance_id = str(reservation["Instances"][0]["InstanceId"])
    ec2_network.ensure_usable_instance_address(account, spec["region"], instance_id)
    return instance_id


def _seed_log_groups(logs: Any, spec: Mapping[str, Any]) -> None:
    for group in spec.get("log_groups") or []:
        logs.create_log_group(logGroupName=group["name"])
        for stream in group.get("streams") or []:
            logs.create_log_stream(logGroupName=group["name"], logStreamName=stream)


def _seed_logs_and_events(seeder: Seeder, account: str, spec: Mapping[str, Any]) -> None:
    _seed_log_groups(seeder.client("logs", account), spec)
    buses = spec.get("event_buses") or []
    if buses:
        events = seeder.client("events", account)
        for bus in buses:
            events.create_event_bus(Name=bus["name"])


def _seed_other_account(
    seeder: Seeder, spec: Mapping[str, Any], other: Mapping[str, Any]
) -> OtherAccount:
    account = other["account_id"]
    iam = seeder.client("iam", account)
    values = _policy_values(spec) | {"account_id": account}
    user = other["user"]
    user_arn = iam.create_user(UserName=user["name"])["User"]["Arn"]
    for policy_name, template in user["inline_policies"].items():
        iam.put_user_policy(
            UserName=user["name"],
            PolicyName=policy_name,
            PolicyDocument=data.policy_text(template, **values),
        )
    key = iam.create_access_key(UserName=user["name"])["AccessKey"]["AccessKeyId"]
    _seed_logs_and_events(seeder, account, other)
    return OtherAccount(
        account_id=account,
        label=other.get("label") or "other-account",
        org_id=other.get("org_id"),
        user_arn=user_arn,
        access_key_id=key,
        log_groups=[g["name"] for g in other.get("log_groups") or []],
        event_buses=[b["name"] for b in other.get("event_buses") or []],
    )


def seed(seeder: Seeder, name: str) -> SeededLab:
    """Create scenario ``name`` in the moto server behind ``seeder``.

    The file is checked whole first (:func:`check_scenario`): a malformed one seeds nothing.
    """
    spec = data.scenario(name)
    check_scenario(spec, f"data/scenarios/{name}.json")
    account = spec["account_id"]
    network = _seed_network(seeder, spec)
    identities = _seed_identities(seeder, spec)
    instance_id = _seed_instance(seeder, spec, network)
    _seed_logs_and_events(seeder, account, spec)
    for other_region in spec.get("other_regions") or []:
        _seed_log_groups(seeder.client("logs", account, other_region), spec)
    role = spec["instance"]["role"]
    seeded = SeededLab(
        scenario=name,
        region=spec["region"],
        account_id=account,
        org_id=spec.get("org_id"),
        vpc_id=network["vpc_id"],
        vpc_cidr=spec["vpc"]["cidr"],
        subnets=network["subnets"],
        subnet_azs=network["subnet_azs"],
        security_groups=network["security_groups"],
        internet_gateway_id=network["internet_gateway_id"],
        route_table_id=network["route_table_id"],
        role_arns=identities["role_arns"],
        instance_profile_arn=identities["profile_arns"].get(role, ""),
        instance_id=instance_id,
        instance_role=role,
        instance_role_arn=identities["role_arns"][role],
        admin_user_arn=identities["admin_user_arn"],
        admin_access_key_id=identities["admin_access_key_id"],
        log_groups=[g["name"] for g in spec.get("log_groups") or []],
        event_buses=[b["name"] for b in spec.get("event_buses") or []],
        event_buses_v2=[b["name"] for b in spec.get("event_buses_v2") or []],
        other_regions=list(spec.get("other_regions") or []),
        scps=[
            [(name, data.policy_text(name, **_policy_values(spec))) for name in level]
            for level in spec.get("scps") or []
        ],
    )
    seeded.other_accounts = [_seed_other_account(seeder, spec, o) for o in spec["other_accounts"]]
    seeded.endpoints = [
        _seed_endpoint(seeder, spec, seeded, e) for e in spec.get("endpoints") or []
    ]
    return seeded


def _seed_endpoint(
    seeder: Seeder, spec: Mapping[str, Any], seeded: SeededLab, endpoint: Mapping[str, Any]
) -> str:
    """A pre-created endpoint: ``{"service": "logs", "policy": "<data/policies name>" | null,
    "private_dns": true, "subnets": [names] (default all), "security_groups": [names]}``."""
    ec2 = seeder.client("ec2", seeded.account_id)
    kwargs: dict[str, Any] = {
        "VpcEndpointType": "Interface",
        "VpcId": seeded.vpc_id,
        "ServiceName": f"com.amazonaws.{seeded.region}.{endpoint['service']}",
        "SubnetIds": [seeded.subnets[n] for n in endpoint.get("subnets") or seeded.subnets],
        "SecurityGroupIds": [
            seeded.security_groups[n]
            for n in endpoint.get("security_groups") or seeded.security_groups
        ],
        "PrivateDnsEnabled": bool(endpoint.get("private_dns", True)),
    }
    if endpoint.get("policy"):
        kwargs["PolicyDocument"] = data.policy_text(endpoint["policy"], **_policy_values(spec))
    return str(ec2.create_vpc_endpoint(**kwargs)["VpcEndpoint"]["VpcEndpointId"])
