"""The instance's calls and DNS questions, made where the instance is, read back on the kernel.

Each call is serialized here (:mod:`labkit.aws.wire`), sent by the runner from inside the VPC,
and parsed here again: the outcome has the same fields a boto3 call gives the probe table, and
the path comes from the address the connection reached (:mod:`labkit.aws.routes`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from labkit.aws import wire
from labkit.aws.routes import endpoint_addresses, route_of
from labkit.aws.runners import ProbeRunner, run_in_batches
from labkit.backend.calls import Call
from labkit.backend.contract import NetworkFacts
from labkit.backend.record import NetworkRoute
from labkit.probe import CallOutcome, summarize_response


@dataclass(frozen=True)
class MadeCall:
    """One call made on the instance: its outcome, its path, and the parsed answer."""

    outcome: CallOutcome
    route: NetworkRoute | None
    parsed: dict[str, Any]


class InstanceCalls:
    """Calls and DNS questions through one runner, for one VPC."""

    def __init__(self, runner: ProbeRunner, region: str, ec2: Any, network: NetworkFacts) -> None:
        self.runner = runner
        self.region = region
        self.ec2 = ec2
        self.network = network

    def make(self, calls: Sequence[Call]) -> list[MadeCall]:
        """Make ``calls`` on the instance, in order."""
        if not calls:
            return []
        requests = [wire.prepare(call, self.region) for call in calls]
        answers = run_in_batches(self.runner, requests, [])["responses"]
        addresses = endpoint_addresses(self.ec2, self.network.vpc_id)
        made = []
        for call, answer in zip(calls, answers, strict=True):
            route = route_of(
                answer,
                addresses,
                vpc_id=self.network.vpc_id,
                vpc_cidr=self.network.vpc_cidr,
                source_ip=self.network.instance_private_ip or "",
            )
            made.append(_made(call, answer, route))
        return made

    def resolve(self, name: str, server: str | None) -> dict[str, Any]:
        """Ask ``server`` (None: the resolver the runner's host uses) for ``name``."""
        return run_in_batches(self.runner, [], [{"name": name, "server": server}])["dns"][0]


def _made(call: Call, answer: dict[str, Any], route: NetworkRoute | None) -> MadeCall:
    latency = float(answer.get("latency_ms") or 0.0)
    if answer.get("status") is None:
        error = {"Code": "Timeout", "Message": str(answer.get("error", "no answer"))}
        outcome = CallOutcome(None, "Timeout", error["Message"], None, latency, error)
        return MadeCall(outcome, route, {"Error": error})
    parsed = wire.parse(call, answer)
    metadata = parsed.get("ResponseMetadata", {})
    status = int(metadata["HTTPStatusCode"])
    request_id = metadata.get("RequestId")
    if status >= 300:
        error = dict(parsed.get("Error") or {"Code": str(status)})
        outcome = CallOutcome(
            status,
            str(error.get("Code", "")),
            str(error.get("Message", "")),
            request_id,
            latency,
            error,
        )
    else:
        outcome = CallOutcome(status, "", summarize_response(parsed), request_id, latency, None)
    return MadeCall(outcome, route, parsed)
