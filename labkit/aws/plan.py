"""The confirmation shown before the aws backend creates anything: account, Region, what set-up
creates (exactly what :mod:`labkit.aws.setup.run` makes), what notebooks add, and the cost.

Hourly rates: interface endpoints from :mod:`labkit.backend.pricing`; the t3.micro instance,
its public IPv4 address and its 8 GiB gp3 root volume from AWS's public price pages, for the
Regions labkit knows (docs/fidelity/aws-backend.md); elsewhere the plan says "unknown".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from labkit.aws.session import AwsIdentity
from labkit.aws.setup.instance import AMI_PARAMETER, INSTANCE_TYPE
from labkit.aws.setup.network import LAB_CIDR, lab_name
from labkit.backend.pricing import endpoint_cost
from labkit.backend.run_ids import RUN_ID_TAG

INSTANCE_HOURLY_USD = {"ap-northeast-1": 0.0136, "us-east-1": 0.0104}
ROOT_VOLUME_GIB = 8
GP3_GIB_MONTH_USD = {"ap-northeast-1": 0.096, "us-east-1": 0.08}
PUBLIC_IPV4_HOURLY_USD = 0.005
HOURS_PER_MONTH = 730


@dataclass(frozen=True)
class Plan:
    """What a run creates, and what it is billed for per hour."""

    identity: AwsIdentity
    run_id: str
    vpc: str
    resources: tuple[str, ...]
    on_demand: tuple[str, ...]
    costs: tuple[tuple[str, float | None], ...]
    reused: bool = False

    @property
    def hourly(self) -> float | None:
        """The hourly total of everything listed (None if a rate is unknown)."""
        values = [cost for _, cost in self.costs]
        return None if any(v is None for v in values) else round(sum(values), 4)  # type: ignore[arg-type]

    def __str__(self) -> str:
        lines = [
            f"account  {self.identity.account_id}",
            f"region   {self.identity.region}",
            f"caller   {self.identity.arn}",
            f"vpc      {self.vpc}",
            f"run id   {self.run_id}  (every resource is tagged {RUN_ID_TAG}={self.run_id})"
            + ("  — reusing what this run already made" if self.reused else ""),
            "set-up creates (or reuses, by tag):",
            *[f"  - {r}" for r in self.resources],
            "notebooks add:",
            *[f"  - {r}" for r in self.on_demand],
            "billed per hour while it exists:",
        ]
        for what, cost in self.costs:
            lines.append(f"  {what:<46} " + (f"${cost:.4f}" if cost is not None else "unknown"))
        total = self.hourly
        if total is None:
            lines.append(
                f"  total: unknown in {self.identity.region}; see https://aws.amazon.com/pricing/"
            )
        else:
            lines.append(
                f"  total ≈ ${total:.3f} per hour (≈ ${total * HOURS_PER_MONTH:.2f} per "
                f"{HOURS_PER_MONTH} h month), plus data processed by endpoints ($0.01/GB)"
            )
        lines.append(f"delete   labkit cleanup --run-id {self.run_id}  (or notebook 09)")
        return "\n".join(lines)

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(str(self))


def build_plan(
    identity: AwsIdentity,
    run_id: str,
    *,
    vpc_id: str | None,
    azs: Sequence[str],
    scenario_logs: Sequence[str],
    scenario_buses: Sequence[str],
    role_name: str,
    lab_instance: bool,
    reused: bool = False,
) -> Plan:
    """The plan for a run: in the learner's ``vpc_id``, or a lab VPC of its own."""
    region = identity.region
    zones = len(azs) or 3
    if vpc_id:
        vpc = f"{vpc_id} (yours: read, never changed; its subnets in {', '.join(azs)})"
        resources = []
    else:
        vpc = f"a lab VPC {LAB_CIDR} of this run's own, subnets in {zones} AZs"
        resources = [
            f"VPC {lab_name('vpc', run_id)} {LAB_CIDR} (DNS hostnames on)",
            f"{zones} subnets (/20, one per AZ: {', '.join(azs) or 'the first three'})",
            "internet gateway and a route table with 0.0.0.0/0 → gateway (the public path)",
        ]
    resources.append(f"security group {lab_name('endpoint-https', run_id)} (TCP 443 from the VPC)")
    if lab_instance:
        resources += [
            f"IAM role and instance profile {role_name} (the walkthrough's policies + "
            "AmazonSSMManagedInstanceCore)",
            f"security group {lab_name('instance', run_id)} (no inbound rules)",
            f"{INSTANCE_TYPE} instance, latest Amazon Linux 2023 ({AMI_PARAMETER}), IMDSv2, "
            "public IPv4; probes and dig run on it through SSM Run Command",
        ]
    else:
        resources.append("no lab instance: this kernel runs in that VPC, probes run here")
    if scenario_logs:
        resources.append(
            f"log groups {', '.join(scenario_logs)}, each with its streams (no charge when empty)"
        )
    if scenario_buses:
        resources.append(f"event buses {', '.join(scenario_buses)}")
    on_demand = (
        f"interface endpoints com.amazonaws.{region}.logs / .events in {zones} subnets "
        "(private DNS on), when a notebook creates them",
        "log groups or streams a probe creates (tagged after the call, for clean-up)",
    )
    per_endpoint = endpoint_cost(region, zones)
    costs: list[tuple[str, float | None]] = [
        (f"logs endpoint ({zones} AZ)", per_endpoint.hourly),
        (f"events endpoint ({zones} AZ, notebooks 06–07)", per_endpoint.hourly),
    ]
    if lab_instance:
        gp3 = GP3_GIB_MONTH_USD.get(region)
        costs += [
            (f"{INSTANCE_TYPE} instance", INSTANCE_HOURLY_USD.get(region)),
            ("its public IPv4 address", PUBLIC_IPV4_HOURLY_USD),
            (
                f"its {ROOT_VOLUME_GIB} GiB gp3 root volume",
                None if gp3 is None else round(gp3 * ROOT_VOLUME_GIB / HOURS_PER_MONTH, 4),
            ),
        ]
    return Plan(identity, run_id, vpc, tuple(resources), on_demand, tuple(costs), reused=reused)
