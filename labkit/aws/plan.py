"""The confirmation shown before the aws backend creates anything: account, Region, resources."""

from __future__ import annotations

from dataclasses import dataclass

from labkit.aws.session import AwsIdentity
from labkit.backend.contract import NetworkFacts
from labkit.backend.pricing import endpoint_cost
from labkit.backend.run_ids import RUN_ID_TAG


@dataclass(frozen=True)
class Plan:
    """What a run would create, and what it would be billed for."""

    identity: AwsIdentity
    network: NetworkFacts
    run_id: str
    resources: tuple[str, ...]
    cost: str

    def __str__(self) -> str:
        lines = [
            f"account  {self.identity.account_id}",
            f"region   {self.identity.region}",
            f"caller   {self.identity.arn}",
            f"vpc      {self.network.vpc_id} ({self.network.vpc_cidr}), "
            f"{len(self.network.subnets)} subnets: "
            + ", ".join(s.availability_zone for s in self.network.subnets),
            f"run id   {self.run_id}  (every resource is tagged {RUN_ID_TAG}={self.run_id})",
            "would create, when a notebook asks for it:",
            *[f"  - {r}" for r in self.resources],
            f"billed   per interface endpoint: {self.cost}",
            f"delete   labkit.cleanup({self.run_id!r}) (or notebook 09)",
        ]
        return "\n".join(lines)

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(str(self))


def build_plan(identity: AwsIdentity, network: NetworkFacts, run_id: str) -> Plan:
    """The plan for a run in ``network``."""
    region = identity.region
    azs = len(network.subnets)
    resources = (
        f"security group labkit-endpoint-https-{run_id} (TCP 443 from {network.vpc_cidr})",
        f"interface endpoint com.amazonaws.{region}.logs in {azs} subnets (private DNS on)",
        f"interface endpoint com.amazonaws.{region}.events in {azs} subnets (notebook 07)",
        "log groups logs-test-allowed and logs-test-denied, each with stream log-stream",
    )
    return Plan(identity, network, run_id, resources, str(endpoint_cost(region, azs)))
