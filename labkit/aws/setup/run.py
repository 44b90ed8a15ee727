"""Set up one run in order, idempotently: rerun with the same run ID and everything is reused.

Order: the scenario's log groups and event buses and the instance role first (cheap, and where
a name clash with something not ours shows up before anything billed exists), then the network
(lab VPC or the learner's), the security groups, and the lab instance. Every create carries the
run's tag, so a set-up stopped halfway leaves nothing that clean-up cannot find.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from labkit import data
from labkit.aws.clients import AwsClients
from labkit.aws.setup.data import (
    check_event_buses,
    check_log_groups,
    ensure_event_buses,
    ensure_log_groups,
)
from labkit.aws.setup.instance import LabInstance, ensure_instance, find_instance
from labkit.aws.setup.network import (
    ensure_lab_vpc,
    ensure_security_group,
    find_lab_vpc,
    lab_name,
    learner_network,
    read_network,
)
from labkit.aws.setup.role import InstanceRole, ensure_instance_role, find_role, role_name
from labkit.aws.tags import ec2_filter
from labkit.backend.contract import NetworkFacts

ENDPOINT_GROUP = "endpoint-https"
INSTANCE_GROUP = "instance"


@dataclass(frozen=True)
class RunOptions:
    """What a run is set up from."""

    run_id: str
    scenario: Mapping[str, Any]
    region: str
    account_id: str
    partition: str = "aws"
    vpc_id: str | None = None  # the learner's VPC; None: a lab VPC of the run's own
    kernel_in_vpc: bool = False  # the kernel runs on an instance in that VPC: no lab instance


@dataclass(frozen=True)
class RunState:
    """What exists of a run (after set-up, or as found read-only)."""

    network: NetworkFacts | None
    role: InstanceRole | None = None
    instance: LabInstance | None = None
    log_groups: tuple[str, ...] = ()
    event_buses: tuple[str, ...] = ()

    @property
    def complete(self) -> bool:
        return self.network is not None


def scenario_role(scenario: Mapping[str, Any]) -> tuple[str, dict[str, str]]:
    """The scenario's instance role: its name and inline policy templates (name → template)."""
    role = (scenario.get("roles") or [{}])[0]
    return str(role.get("name", "ec2-logs-fullaccess-role")), dict(role.get("inline_policies", {}))


def instance_role_name(options: RunOptions) -> str:
    """The name of the run's instance role."""
    return role_name(scenario_role(options.scenario)[0], options.run_id)


def check_names(clients: AwsClients, options: RunOptions) -> None:
    """Before anything is made: NotOurs if a name the run needs is taken by someone else."""
    run_id = options.run_id
    check_log_groups(
        clients.lab("logs"), run_id, [g["name"] for g in options.scenario.get("log_groups", [])]
    )
    check_event_buses(
        clients.lab("events"), run_id, [b["name"] for b in options.scenario.get("event_buses", [])]
    )
    if not options.kernel_in_vpc:
        find_role(clients.lab("iam"), instance_role_name(options), run_id)


def set_up(clients: AwsClients, options: RunOptions) -> RunState:
    """Everything the run needs, created where missing."""
    run_id = options.run_id
    groups = [
        (g["name"], tuple(g.get("streams", []))) for g in options.scenario.get("log_groups", [])
    ]
    log_groups = ensure_log_groups(clients.lab("logs"), run_id, groups)
    buses = ensure_event_buses(
        clients.lab("events"), run_id, [b["name"] for b in options.scenario.get("event_buses", [])]
    )
    role = None
    if not options.kernel_in_vpc:
        base, templates = scenario_role(options.scenario)
        values = {"region": options.region, "account_id": options.account_id}
        texts = {name: data.policy_text(t, **values) for name, t in templates.items()}
        role = ensure_instance_role(clients.lab("iam"), run_id, base, texts, options.partition)
    ec2 = clients.lab("ec2")
    network = (
        learner_network(ec2, options.vpc_id) if options.vpc_id else ensure_lab_vpc(ec2, run_id)
    )
    endpoint_group = ensure_security_group(
        ec2,
        run_id,
        network.vpc_id,
        ENDPOINT_GROUP,
        "labkit: HTTPS from the VPC to interface endpoints",
        https_from=network.vpc_cidr,
    )
    instance = None
    if role is not None:
        instance_group = ensure_security_group(
            ec2, run_id, network.vpc_id, INSTANCE_GROUP, "labkit: the lab instance", None
        )
        subnet = network.subnets[0]
        instance = ensure_instance(
            ec2,
            clients.lab("ssm"),
            run_id,
            subnet_id=subnet.subnet_id,
            security_group=instance_group,
            profile_name=role.profile_name,
            public_ip=options.vpc_id is None or _maps_public_ip(ec2, subnet.subnet_id),
        )
    return RunState(
        _with(network, (endpoint_group,), instance),
        role,
        instance,
        tuple(log_groups),
        tuple(buses),
    )


def discover(clients: AwsClients, options: RunOptions) -> RunState:
    """What of the run exists already, found by tag and without changing anything."""
    ec2 = clients.lab("ec2")
    if options.vpc_id:
        network = learner_network(ec2, options.vpc_id)
    else:
        vpc = find_lab_vpc(ec2, options.run_id)
        if vpc is None:
            return RunState(None)
        network = read_network(ec2, vpc, options.run_id)
    name = lab_name(ENDPOINT_GROUP, options.run_id)
    groups = tuple(
        g["GroupId"]
        for g in ec2.describe_security_groups(Filters=ec2_filter(options.run_id, name))[
            "SecurityGroups"
        ]
        if g["VpcId"] == network.vpc_id
    )
    instance = None if options.kernel_in_vpc else find_instance(ec2, options.run_id)
    return RunState(_with(network, groups, instance), instance=instance)


def _with(
    network: NetworkFacts, groups: tuple[str, ...], instance: LabInstance | None
) -> NetworkFacts:
    if instance is None:
        return dataclasses.replace(network, endpoint_security_groups=groups)
    return dataclasses.replace(
        network,
        endpoint_security_groups=groups,
        instance_id=instance.instance_id,
        instance_subnet=instance.subnet_id,
        instance_private_ip=instance.private_ip,
    )


def _maps_public_ip(ec2: Any, subnet_id: str) -> bool:
    subnet = ec2.describe_subnets(SubnetIds=[subnet_id])["Subnets"][0]
    return bool(subnet.get("MapPublicIpOnLaunch"))
