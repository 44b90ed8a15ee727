"""The real-AWS backend: explicit opt-in, read-only until confirmed, only its own run, ever.

``labkit.start("aws")`` (or ``LABKIT_BACKEND=aws``) connects with the default credential chain,
shows account, Region, caller and the plan, and stays read-only: it can describe, read policies
and explain AccessDenied messages. Confirming (``lab.confirm("<account id>")``,
``start(..., confirm=...)`` or ``LABKIT_CONFIRM_ACCOUNT``) sets the run up
(:mod:`labkit.aws.setup.run`), reusing whatever the run made before: the run ID is the one given
(``start("aws", run_id=...)``) or the one remembered for the account and Region
(:mod:`labkit.aws.runs`). Everything created carries the ``labkit:run-id`` tag.

The instance's calls and ``dig`` run where the instance is: on the lab instance through SSM Run
Command; directly when this kernel is itself on an instance in the lab VPC (seen through IMDS);
in a local process with ``LABKIT_AWS_PROBE_RUNNER=local`` (runs against a stand-in for AWS).
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
from botocore.credentials import ReadOnlyCredentials

from labkit import data, services
from labkit.aws import bypass_checklist, runs
from labkit.aws.cleanup import CleanupReport, cleanup
from labkit.aws.clients import AwsClients
from labkit.aws.imds import KernelHost, kernel_host
from labkit.aws.instance_calls import InstanceCalls, MadeCall
from labkit.aws.instance_client import InstanceClient
from labkit.aws.organization import OrgStanding, standing
from labkit.aws.plan import Plan, build_plan
from labkit.aws.response_record import record_from_response
from labkit.aws.runners import ProbeRunner, ProcessRunner, SsmRunner, chosen_runner
from labkit.aws.session import AwsIdentity, connect, identify
from labkit.aws.setup.data import tag_log_group
from labkit.aws.setup.network import availability_zones, resolver_address
from labkit.aws.setup.run import (
    RunOptions,
    RunState,
    check_names,
    discover,
    instance_role_name,
    set_up,
)
from labkit.backend.calls import Call
from labkit.backend.contract import BackendInfo, Identity, NetworkFacts
from labkit.backend.errors import ConfirmationRequired, LabError
from labkit.backend.record import DecisionRecord, NetworkRoute
from labkit.backend.run_ids import RUN_ID_TAG, check_run_id, new_run_id
from labkit.probe import CallOutcome, invoke_call

IDENTITIES = ("instance", "admin")
ASSUMED_SESSION_SECONDS = 3600


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
        scenario: str = "walkthrough",
        session: Any = None,
    ) -> None:
        if session is None:
            session, identity = connect(profile, region)
        else:
            identity = identify(session)
        self.session = session
        self.identity: AwsIdentity = identity
        self.profile = profile
        self.clients = AwsClients(session)
        self.scenario = data.scenario(scenario)
        self.host: KernelHost | None = kernel_host()
        self.kernel_in_vpc = bool(vpc_id and self.host and self.host.vpc_id == vpc_id)
        remembered = runs.remembered(identity.account_id, identity.region)
        if run_id is not None:
            _check_run(run_id)
        self.run_id = run_id or remembered or new_run_id()
        self.reused_run = self.run_id == remembered or run_id is not None
        self.options = RunOptions(
            run_id=self.run_id,
            scenario=self.scenario,
            region=identity.region,
            account_id=identity.account_id,
            partition=identity.partition,
            vpc_id=vpc_id,
            kernel_in_vpc=self.kernel_in_vpc,
        )
        self.runner_choice = "direct" if self.kernel_in_vpc else (chosen_runner() or "ssm")
        self._state: RunState = discover(self.clients, self.options)
        self._confirmed = False
        self._runner: ProbeRunner | None = None
        self._assumed: tuple[Any, float] | None = None
        self._routes: dict[int, NetworkRoute | None] = {}
        self._org: OrgStanding | None = None
        self.info = self._info()

    # -- who and what -----------------------------------------------------------------------
    def _instance_arn(self) -> str:
        if self.kernel_in_vpc:
            return self.identity.arn
        role = instance_role_name(self.options)
        instance = self._state.instance.instance_id if self._state.instance else "(not launched)"
        account = self.identity.account_id
        return f"arn:{self.identity.partition}:sts::{account}:assumed-role/{role}/{instance}"

    def _info(self) -> BackendInfo:
        account = self.identity.account_id
        return BackendInfo(
            backend="aws",
            region=self.identity.region,
            account_id=account,
            run_id=self.run_id,
            identities={
                "instance": Identity("instance", self._instance_arn(), account),
                "admin": Identity("admin", self.identity.arn, account),
            },
        )

    def plan(self) -> Plan:
        """What this run creates in the account, and what it costs per hour."""
        network = self._state.network
        zones = tuple(s.availability_zone for s in network.subnets) if network else ()
        if not zones and not self.options.vpc_id:
            zones = tuple(availability_zones(self.clients.lab("ec2")))
        return build_plan(
            self.identity,
            self.run_id,
            vpc_id=self.options.vpc_id,
            azs=zones,
            scenario_logs=[g["name"] for g in self.scenario.get("log_groups", [])],
            scenario_buses=[b["name"] for b in self.scenario.get("event_buses", [])],
            role_name=instance_role_name(self.options),
            lab_instance=not self.kernel_in_vpc,
            reused=self.reused_run and self._state.network is not None,
        )

    # -- confirmation and set-up ------------------------------------------------------------
    def confirm(self, account_id: str) -> None:
        """Allow this run to create tagged resources (``account_id`` typed out), then set up."""
        if str(account_id).strip() != self.identity.account_id:
            raise ConfirmationRequired(
                f"confirmation {str(account_id)!r} does not match the account in use",
                f"type the 12-digit account ID shown in the plan: lab.confirm('<account id>') "
                f"(Region {self.identity.region})",
            )
        self._confirmed = True
        self.set_up()

    @property
    def confirmed(self) -> bool:
        return self._confirmed

    def set_up(self) -> RunState:
        """Create what the run lacks (idempotent); the run is remembered before anything."""
        self.require_write("set the run up")
        check_names(self.clients, self.options)
        runs.remember(self.identity.account_id, self.identity.region, self.run_id)
        self._state = set_up(self.clients, self.options)
        self._runner = None
        self.info = self._info()
        return self._state

    def require_write(self, what: str) -> None:
        if not self._confirmed:
            raise ConfirmationRequired(
                f"the aws backend is read-only until confirmed, so it will not {what}.\n"
                f"{self.plan()}",
                "check the account, Region and plan above, then run "
                "lab.confirm('<account id>') (or set LABKIT_CONFIRM_ACCOUNT=<account id>)",
            )

    # -- Backend protocol -------------------------------------------------------------------
    def client(self, service: str, who: str = "instance") -> Any:
        """As ``instance``: Logs and EventBridge calls run on the lab instance; anything else,
        and ``admin``, is this kernel's own identity (labkit's retried, checked clients)."""
        if who not in IDENTITIES:
            raise LabError(
                f"the aws backend has no identity {who!r}: it acts as {self.identity.arn} and "
                "as the lab instance",
                "only the local lab (labkit.start()) holds a second account's keys",
            )
        spec = services.find(service)
        if who == "instance" and spec is not None and spec.plane == "data" and self._confirmed:
            return InstanceClient(service, self.identity.region, self._make_one)
        return self.clients.lab(service)

    def env(self, who: str = "instance") -> dict[str, str]:
        region = self.identity.region
        env = {"AWS_DEFAULT_REGION": region, "AWS_REGION": region, "AWS_PAGER": ""}
        if self.profile:
            env["AWS_PROFILE"] = self.profile
        return env

    def network(self) -> NetworkFacts:
        facts = self._state.network
        if facts is None:
            raise ConfirmationRequired(
                f"run {self.run_id} has no VPC yet: set-up creates it once you confirm.\n"
                f"{self.plan()}",
                "run lab.confirm('<account id>'), or start('aws', vpc_id='vpc-…') to use yours",
            )
        if self.kernel_in_vpc and self.host is not None:
            facts = dataclasses.replace(
                facts,
                instance_id=self.host.instance_id,
                instance_subnet=self.host.subnet_id,
                instance_private_ip=self.host.private_ip,
            )
        org = self.organization()
        return dataclasses.replace(facts, org_id=org.org_id)

    def bypass_checklist(self) -> pd.DataFrame:
        """``lab.bypasses()`` here: the VPC's endpoints and routes read, nothing run."""
        facts = self.network()
        subnets = [s.subnet_id for s in facts.subnets]
        return bypass_checklist.checklist(
            self.clients.lab("ec2"), facts.vpc_id, subnets, self.identity.region
        )

    def organization(self) -> OrgStanding:
        """The account's standing in AWS Organizations (asked once)."""
        if self._org is None:
            self._org = standing(self.clients.lab("organizations"), self.identity.account_id)
        return self._org

    def unseen_policies(self) -> list[str]:
        """Policy types an explanation cannot read here, and what that leaves open."""
        return self.organization().unseen()

    def endpoint_security_group(self) -> str:
        """The run's security group for endpoints (HTTPS from the VPC), made by set-up."""
        self.require_write("create an endpoint")
        return self.network().endpoint_security_groups[0]

    def invoke_calls(self, calls: Sequence[Call]) -> list[CallOutcome]:
        """Make the calls: the instance's Logs and EventBridge calls on the instance (one batch),
        the rest from this kernel; then tag any log group a call created."""
        on_instance = [c for c in calls if self._on_instance(c)]
        made = iter(self._instance_calls().make(on_instance) if on_instance else [])
        outcomes = []
        for call in calls:
            if self._on_instance(call):
                one: MadeCall = next(made)
                self._routes[id(call)] = one.route
                outcomes.append(one.outcome)
            else:
                self._routes[id(call)] = None
                outcomes.append(invoke_call(self.clients.probe(call.service), call))
        self._tag_created_groups(calls, outcomes)
        return outcomes

    def record(
        self, call: Call, request_id: str | None, error: Mapping[str, Any] | None
    ) -> DecisionRecord:
        principal = self.info.identities[call.who if call.who in IDENTITIES else "admin"].arn
        return record_from_response(
            call,
            request_id,
            error,
            region=self.identity.region,
            account=self.identity.account_id,
            principal=principal,
            network=self._routes.pop(id(call), None),
        )

    def decision(self, request_id: str) -> DecisionRecord | None:
        return None  # real AWS keeps no decision log we can read

    def dns_server(self, view: str) -> tuple[str, int] | None:
        return None

    def resolve(self, name: str, view: str) -> dict[str, Any] | None:
        """``dig`` from inside the VPC (on the instance); None for the public view (this
        machine's own resolver answers that)."""
        if view != "vpc":
            return None
        self.require_write("run dig on the lab instance")
        network = self.network()
        server = None if self.runner_choice == "local" else resolver_address(network.vpc_cidr)
        return self._instance_calls().resolve(name, server)

    def cleanup(self, run_id: str | None = None) -> CleanupReport:
        """Delete what ``run_id`` (default this run) made, by tag; forget it once none is left."""
        target = run_id or self.run_id
        report = cleanup(target, self.clients.lab)
        if not report.exit_code:
            runs.forget(self.identity.account_id, self.identity.region, target)
            if target in (self.run_id, "all"):
                self._state = RunState(None)
                self._runner = None
                self.info = self._info()
        return report

    def tags(self) -> dict[str, str]:
        """Tags for resources this run creates."""
        return {RUN_ID_TAG: self.run_id}

    def stop(self) -> None:
        """Nothing runs locally; real resources stay until clean-up."""

    # -- the instance's calls ---------------------------------------------------------------
    def _on_instance(self, call: Call) -> bool:
        spec = services.find(call.service)
        return call.who == "instance" and spec is not None and spec.plane == "data"

    def _make_one(self, call: Call) -> tuple[CallOutcome, dict[str, Any]]:
        self.require_write(f"call {call.operation} on the lab instance")
        (made,) = self._instance_calls().make([call])
        self._tag_created_groups([call], [made.outcome])
        return made.outcome, made.parsed

    def _instance_calls(self) -> InstanceCalls:
        return InstanceCalls(
            self._probe_runner(), self.identity.region, self.clients.lab("ec2"), self.network()
        )

    def _probe_runner(self) -> ProbeRunner:
        self.require_write("make calls as the lab instance")
        if self._runner is not None:
            return self._runner
        if self.runner_choice == "direct":
            self._runner = ProcessRunner(
                "direct", self.clients.credentials, "on this kernel's instance (in the lab VPC)"
            )
        elif self.runner_choice == "local":
            self._runner = ProcessRunner(
                "local", self._instance_credentials, "in a local process (LABKIT_AWS_PROBE_RUNNER)"
            )
        else:
            instance = self._state.instance
            if instance is None:
                raise LabError(
                    f"run {self.run_id} has no lab instance",
                    "run the set-up again: lab.confirm('<account id>')",
                )
            self._runner = SsmRunner(self.clients.lab("ssm"), instance.instance_id, self.run_id)
        return self._runner

    def _instance_credentials(self) -> Any:
        """The instance role's session, as the instance gets it (local runner only)."""
        if self._assumed is not None and self._assumed[1] > time.monotonic() + 300:
            return self._assumed[0]
        role = self._state.role
        instance = self._state.instance
        if role is None or instance is None:
            raise LabError(
                f"run {self.run_id} has no instance role to act as",
                "run the set-up again: lab.confirm('<account id>')",
            )
        found = self.clients.lab("sts").assume_role(
            RoleArn=role.role_arn,
            RoleSessionName=instance.instance_id,
            DurationSeconds=ASSUMED_SESSION_SECONDS,
        )["Credentials"]
        creds = ReadOnlyCredentials(
            found["AccessKeyId"], found["SecretAccessKey"], found["SessionToken"]
        )
        self._assumed = (creds, time.monotonic() + ASSUMED_SESSION_SECONDS)
        return creds

    def _tag_created_groups(self, calls: Sequence[Call], outcomes: Sequence[CallOutcome]) -> None:
        logs = None
        for call, outcome in zip(calls, outcomes, strict=True):
            if call.operation == "CreateLogGroup" and outcome.error is None:
                logs = logs or self.clients.lab("logs")
                tag_log_group(
                    logs,
                    self.identity.region,
                    self.identity.account_id,
                    str(call.params.get("logGroupName")),
                    self.run_id,
                )


def _check_run(run_id: str) -> None:
    try:
        check_run_id(run_id)
    except ValueError as exc:
        raise LabError(
            str(exc), "pass the run ID labkit.start printed, or leave run_id out"
        ) from None
    if run_id == "all":
        raise LabError(
            "run_id='all' names every run, not one to continue",
            "pass one run ID (labkit-YYYYMMDD-HHMMSS-xxxx), or leave run_id out",
        )
