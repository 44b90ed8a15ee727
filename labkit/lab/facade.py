"""``Lab``: the one object notebooks use. Backend-neutral; every call goes through real AWS APIs.

The same methods work on the local lab and on real AWS: endpoints are created and changed through
the EC2 API, policies read through IAM, probes are real Logs/Events calls. What differs (where the
decision comes from, who "the instance" is) lives in the backend.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from labkit import data
from labkit.aws.cleanup import cleanup
from labkit.backend.contract import Backend
from labkit.backend.errors import LabError, PolicyRejected
from labkit.backend.pricing import EndpointCost, endpoint_cost
from labkit.backend.record import DecisionRecord
from labkit.i18n import _
from labkit.lab import endpoints as ep
from labkit.lab import kernel_env
from labkit.lab.bypasses import run_bypasses
from labkit.lab.calls import CallContext, calls_named
from labkit.lab.dns import DigResult, dig
from labkit.lab.explain import (
    DENIED_CODES,
    MEMO_MESSAGE,
    explain_message,
    explain_row,
    messages_for_row,
)
from labkit.lab.iam import role_policies
from labkit.lab.policies import placeholder_values, policy_source
from labkit.policy import check_policy
from labkit.probe import Call, run_calls
from labkit.redact import Redactor

LONG_PROBE = 10  # a probe of this many calls or more shows its progress (the matrix has 13)


class Lab:
    """A running lab. Create it with :func:`labkit.start`.

    This is the lab without its widgets; :class:`labkit.ui.notebook_lab.NotebookLab` (what
    ``labkit.start()`` returns) adds ``results``, ``diagram``, ``editor`` and ``playground``.
    """

    def __init__(
        self,
        backend: Backend,
        *,
        scenario: str = "walkthrough",
        profile: str = "self-paced",
        redact: bool = False,
    ) -> None:
        self.backend = backend
        self.scenario = scenario
        self.profile = profile
        self.redactor = Redactor(redact)
        self.history: list[pd.DataFrame] = []
        self._saved_env: kernel_env.SavedEnv | None = None
        self._stopped = False

    def progress(self, text: str | None) -> None:
        """A long step's progress (``None``: the step is done). Silent here; a notebook's lab
        (:class:`labkit.ui.notebook_lab.NotebookLab`) shows it while the step runs."""

    # -- who and where ----------------------------------------------------------------------
    @property
    def region(self) -> str:
        return self.backend.info.region

    @property
    def account_id(self) -> str:
        return self.backend.info.account_id

    @property
    def run_id(self) -> str:
        return self.backend.info.run_id

    @property
    def identity(self) -> str:
        """The ARN probes run as by default (the instance's role session locally)."""
        return self.backend.info.identities["instance"].arn

    def banner(self) -> str:
        """Backend, Region, identity and run ID, as printed by ``labkit.start``."""
        info = self.backend.info
        lines = [
            f"backend   {info.backend}"
            + (f"  (scenario {self.scenario})" if info.scenario else ""),
            f"region    {info.region}",
            f"account   {info.account_id}",
        ]
        lines += [f"{who:<9} {ident.arn}" for who, ident in info.identities.items()]
        lines.append(f"run id    {info.run_id}")
        if self.redactor.enabled:
            lines.append("redaction on: account and instance IDs are shown as X")
        return self.redactor.text("\n".join(lines))

    @property
    def running(self) -> bool:
        """False once the lab was stopped, or its backend (the local lab process) is gone."""
        return not self._stopped and bool(getattr(self.backend, "running", True))

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"<Lab {state}\n{self.banner()}>"

    def confirm(self, account_id: str) -> None:
        """Real AWS only: allow this run to create tagged resources (type the account ID)."""
        confirm = getattr(self.backend, "confirm", None)
        if confirm is None:
            print("the local lab needs no confirmation: it never touches AWS")
            return
        confirm(account_id)
        print(self.redactor.text(f"confirmed for account {account_id} in {self.region}"))

    def show(self, value: Any) -> Any:
        """``value`` with account and instance IDs masked when redaction is on."""
        return self.redactor(value)

    # -- environment ------------------------------------------------------------------------
    def env(self, who: str = "instance") -> dict[str, str]:
        """Variables that send ``aws``, ``dig`` and boto3 in this kernel to the lab."""
        return self.backend.env(who)

    def use_in_kernel(self, who: str = "instance") -> None:
        """Point this kernel's environment (and so ``!aws``, ``!dig``) at the lab as ``who``."""
        if self._saved_env is not None:
            kernel_env.restore(self._saved_env)
        local = self.backend.info.backend == "local"
        self._saved_env = kernel_env.apply(self.env(who), clear_other_aws=local)

    def client(self, service: str, who: str = "instance") -> Any:
        """A botocore client as ``who`` (instance, admin, other-account)."""
        return self.backend.client(service, who)

    # -- the VPC and its endpoints ----------------------------------------------------------
    def network(self) -> pd.DataFrame:
        """The VPC's subnets (ID, AZ, CIDR) as the lab sees them."""
        facts = self.backend.network()
        rows = [
            (facts.vpc_id, facts.vpc_cidr, s.subnet_id, s.availability_zone, s.cidr)
            for s in facts.subnets
        ]
        frame = pd.DataFrame(rows, columns=["vpc", "vpc_cidr", "subnet", "az", "subnet_cidr"])
        return self.show(frame)

    def _ec2(self) -> Any:
        return self.backend.client("ec2", "admin")

    def _service_name(self, service: str) -> str:
        return ep.endpoint_service_name(service, self.region)

    def endpoint(self, service: str = "logs") -> dict[str, Any] | None:
        """DescribeVpcEndpoints' record of this run's ``service`` endpoint (None if none)."""
        found = self._own_endpoint(service)
        return self.show(found) if found else None

    def _own_endpoint(self, service: str) -> dict[str, Any] | None:
        vpc_id = self.backend.network().vpc_id
        return ep.find(self._ec2(), vpc_id, self._service_name(service), run_id=self.run_id)

    def _require_own(self, service: str) -> dict[str, Any]:
        """This run's endpoint; endpoints not tagged with the run are never changed."""
        vpc_id = self.backend.network().vpc_id
        return ep.require(self._ec2(), vpc_id, self._service_name(service), run_id=self.run_id)

    def _endpoint_id(self, service: str) -> str:
        return str(self._require_own(service)["VpcEndpointId"])

    def endpoints(self) -> pd.DataFrame:
        """Every live endpoint in the VPC with who made it: this run, another, or not ours."""
        vpc_id = self.backend.network().vpc_id
        found = self._ec2().describe_vpc_endpoints(
            Filters=[{"Name": "vpc-id", "Values": [vpc_id]}]
        )["VpcEndpoints"]
        rows = [
            (
                e["VpcEndpointId"],
                e.get("ServiceName"),
                e.get("State"),
                bool(e.get("PrivateDnsEnabled")),
                "this run" if ep.run_of(e) == self.run_id else ep.owner_label(e),
            )
            for e in found
            if e.get("State", "").lower() not in ep.GONE_STATES
        ]
        columns = ["VpcEndpointId", "ServiceName", "State", "PrivateDnsEnabled", "owner"]
        return self.show(pd.DataFrame(rows, columns=columns))

    def create_endpoint(
        self,
        service: str = "logs",
        policy: str | Mapping[str, Any] | None = None,
        private_dns: bool = True,
        wait: bool = True,
    ) -> pd.DataFrame:
        """Create the ``service`` interface endpoint in every subnet, through the EC2 API.

        ``policy``: a template name (``"walkthrough"``), a dict or JSON text; None attaches AWS's
        default full-access policy. With ``wait`` it polls until ``available``.
        """
        self.backend.require_write(f"create a {service} endpoint")
        text = None if policy is None else self._checked_policy_text(policy)
        existing = self._own_endpoint(service)
        if existing is not None:
            return self._reuse_endpoint(service, existing, text, private_dns)
        if private_dns:
            self._refuse_second_private_dns(service)
        if hasattr(self.backend, "endpoint_security_group"):
            self.backend.endpoint_security_group()
        created = ep.create(
            self._ec2(),
            self.backend.network(),
            self._service_name(service),
            policy_text=text,
            private_dns=private_dns,
            run_id=self.run_id,
        )
        self.lifecycle = [created.get("State", "")]
        if wait:
            endpoint_id = created["VpcEndpointId"]

            def waiting(state: str, seconds: float) -> None:
                if state.lower() != "available":
                    self.progress(
                        _("{endpoint} is {state} after {seconds} s; waiting ...").format(
                            endpoint=endpoint_id, state=state, seconds=f"{seconds:.1f}"
                        )
                    )

            try:
                seen = ep.wait_available(self._ec2(), endpoint_id, on_poll=waiting)
            finally:
                self.progress(None)
            self.lifecycle += [s for s in seen if s != self.lifecycle[-1]]
        current = ep.describe(self._ec2(), created["VpcEndpointId"])
        return self.show(ep.summary(current))

    def _reuse_endpoint(
        self, service: str, endpoint: dict[str, Any], text: str | None, private_dns: bool
    ) -> pd.DataFrame:
        """This run's endpoint brought to what ``create_endpoint`` asked (a rerun reuses it)."""
        endpoint_id = str(endpoint["VpcEndpointId"])
        wanted = text if text is not None else self.policy_text("full-access")
        if endpoint.get("PolicyDocument") != wanted:
            ep.modify(self._ec2(), endpoint_id, PolicyDocument=wanted)
        if bool(endpoint.get("PrivateDnsEnabled")) != private_dns:
            if private_dns:
                self._refuse_second_private_dns(service)
            ep.modify(self._ec2(), endpoint_id, PrivateDnsEnabled=private_dns)
        self.lifecycle = [str(endpoint.get("State", ""))]
        return self.show(ep.summary(ep.describe(self._ec2(), endpoint_id)))

    def _refuse_second_private_dns(self, service: str) -> None:
        """AWS allows one private-DNS endpoint per service in a VPC: never ask for a second."""
        vpc_id = self.backend.network().vpc_id
        name = self._service_name(service)
        holder = ep.private_dns_holder(self._ec2(), vpc_id, name, self.run_id)
        if holder is not None:
            raise LabError(
                f"{holder['VpcEndpointId']} ({ep.owner_label(holder)}) already serves "
                f"{name} with private DNS in {vpc_id}; AWS allows one, and labkit leaves "
                "that endpoint alone",
                "use private_dns=False (calls then reach it only by its vpce- name), run the lab "
                "in a VPC of its own (start without vpc_id), or free the name yourself",
            )

    def enis(self, service: str = "logs") -> pd.DataFrame:
        """The endpoint's network interfaces: one per subnet, each with a private address."""
        return self.show(ep.enis(self._ec2(), self._require_own(service)))

    def dns_entries(self, service: str = "logs") -> pd.DataFrame:
        """The endpoint's DNS names, as DescribeVpcEndpoints lists them."""
        return self.show(ep.dns_entries(self._require_own(service)))

    def cost(self, service: str = "logs") -> EndpointCost:
        """What this endpoint would cost per hour on AWS (per AZ-hour, all its subnets)."""
        endpoint = self._require_own(service)
        return endpoint_cost(self.region, len(endpoint.get("SubnetIds", [])))

    def set_private_dns(self, service: str, enabled: bool) -> None:
        """Turn the endpoint's private DNS on or off (ModifyVpcEndpoint)."""
        self.backend.require_write(f"change private DNS of the {service} endpoint")
        endpoint_id = self._endpoint_id(service)
        if enabled:
            self._refuse_second_private_dns(service)
        ep.modify(self._ec2(), endpoint_id, PrivateDnsEnabled=enabled)

    def delete_endpoint(self, service: str = "logs") -> None:
        """Delete the ``service`` endpoint (DeleteVpcEndpoints)."""
        self.backend.require_write(f"delete the {service} endpoint")
        ep.delete(self._ec2(), self._endpoint_id(service))

    # -- policies ---------------------------------------------------------------------------
    def policy_values(self) -> dict[str, str]:
        """Values for the placeholders of data/policies templates in this lab."""
        try:
            facts = self.backend.network()
        except LabError:  # a real-AWS run not set up yet: templates need no VPC
            return placeholder_values(self.region, self.account_id)
        other = facts.other_accounts[0] if facts.other_accounts else None
        return placeholder_values(self.region, self.account_id, facts.org_id, other)

    def policy_text(self, policy: str | Mapping[str, Any]) -> str:
        """The text of ``policy`` (template name filled for this lab, dict, or JSON as given)."""
        return policy_source(policy, self.policy_values())

    def _checked_policy_text(self, policy: str | Mapping[str, Any]) -> str:
        text = self.policy_text(policy)
        errors = [f for f in check_policy(text, kind="vpc-endpoint") if f.severity == "error"]
        if errors:
            first = errors[0]
            where = f"line {first.line}, column {first.column}" if first.line else "the document"
            raise PolicyRejected(
                f"the endpoint policy is not valid at {where}: {first.message}",
                "correct it and apply again; the endpoint keeps the policy it has",
                errors,
            )
        return text

    def policy(self, service: str = "logs") -> str:
        """The endpoint policy in force, read back with DescribeVpcEndpoints."""
        endpoint = self._require_own(service)
        return self.show(endpoint.get("PolicyDocument", ""))

    def set_policy(self, policy: str | Mapping[str, Any], service: str = "logs") -> str:
        """Apply an endpoint policy through ModifyVpcEndpoint; returns the text in force.

        Invalid input raises :class:`PolicyRejected` (line and column) and changes nothing.
        """
        self.backend.require_write(f"change the {service} endpoint policy")
        endpoint_id = self._endpoint_id(service)
        text = self._checked_policy_text(policy)
        ep.modify(self._ec2(), endpoint_id, PolicyDocument=text)
        return self.policy(service)

    def reset_policy(self, service: str = "logs") -> str:
        """Back to AWS's default full-access policy (sent as a document; see fidelity notes)."""
        return self.set_policy("full-access", service)

    def identity_policies(self, role: str | None = None) -> dict[str, str]:
        """The instance role's inline and attached policies, read through IAM as the admin."""
        role_name = role or self.backend.info.identities["instance"].arn.split("/")[1]
        return self.show(role_policies(self.backend.client("iam", "admin"), role_name))

    # -- DNS ---------------------------------------------------------------------------------
    def dig(self, name: str | None = None, view: str = "vpc") -> DigResult:
        """Resolve ``name`` (default ``logs.<region>.amazonaws.com``) from ``view``.

        ``view="vpc"``: the VPC resolver, as on the instance; ``"public"``: outside the VPC.
        """
        if view not in ("vpc", "public"):
            raise ValueError("view must be 'vpc' (on the instance) or 'public' (outside the VPC)")
        name = name or f"logs.{self.region}.amazonaws.com"
        remote = getattr(self.backend, "resolve", None)
        answer = remote(name, view) if remote is not None else None
        if answer is not None:
            return self.show(DigResult.from_answer(answer, view))
        return self.show(dig(name, self.backend.dns_server(view), view))

    # -- probes ------------------------------------------------------------------------------
    def call_context(self) -> CallContext:
        """Names (log groups, buses, other accounts) the probe sets use."""
        return CallContext.from_scenario(data.scenario(self.scenario), self.region, self.account_id)

    def calls(self, name: str) -> list[Call]:
        """The probe set ``name`` (walkthrough, memo, matrix, exfiltration, events)."""
        return calls_named(name, self.call_context())

    def probe(self, calls: str | Call | Iterable[Call] = "walkthrough") -> pd.DataFrame:
        """Make the calls for real and return one row per call (see ``labkit.probe``)."""
        selected = self._callable(self._select(calls))
        self.backend.require_write("make probe calls (they write log events)")
        long = len(selected) >= LONG_PROBE
        if long:
            self.progress(
                _("making {count} calls through the lab, one after the other ...").format(
                    count=len(selected)
                )
            )
        try:
            frame = run_calls(self.backend, selected)
        finally:
            if long:
                self.progress(None)
        self.history.append(frame)
        return self.show(frame)

    def _callable(self, calls: list[Call]) -> list[Call]:
        """``calls`` without those of identities this lab has not (said in one line)."""
        known = self.backend.info.identities
        kept = [c for c in calls if c.who in known]
        skipped = sorted({c.who for c in calls if c.who not in known})
        if skipped:
            print(
                f"{len(calls) - len(kept)} of {len(calls)} calls skipped: this lab has no "
                f"{', '.join(skipped)} identity (only the local lab holds another account's keys)"
            )
        return kept

    def denied_message(self, frame: pd.DataFrame) -> str:
        """The AccessDenied text of the first denied row of ``frame``.

        When nothing in the run was denied (real AWS, or a stand-in for it, allowed every call),
        says so in one line and returns the 2019 memo's message instead, to study the same way.
        """
        denied = frame[frame["error_code"].isin(DENIED_CODES)]
        if len(denied):
            return str(self.raw(frame).loc[denied.index[0], "message"])
        print(
            f"none of the {len(frame)} calls was denied, so this run has no AccessDenied text; "
            "the 2019 memo's message stands in for it"
        )
        return MEMO_MESSAGE

    def bypasses(self, only: Iterable[str] | None = None) -> pd.DataFrame:
        """Every way around the endpoint, run for real against the current policies: one row
        per path (where DNS sent the call, whether the endpoint policy applied, whether it
        reached the service, what stopped it, what closes it). On real AWS: a read-only
        checklist of the account's VPC (``labkit.aws.bypass_checklist``)."""
        checklist = getattr(self.backend, "bypass_checklist", None)
        if checklist is not None:
            return self.show(checklist())
        return self.show(run_bypasses(self, None if only is None else list(only)))

    def local_only(self, what: str) -> bool:
        """True on the local lab; elsewhere says in one line that only it can show ``what``."""
        if self.backend.info.backend == "local":
            return True
        print(f"skipped: {what} is something only the local lab can show")
        return False

    def _select(self, calls: str | Call | Iterable[Call]) -> list[Call]:
        if isinstance(calls, str):
            return self.calls(calls)
        if isinstance(calls, Call):
            return [calls]
        return list(calls)

    def raw(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The unredacted run that produced ``frame`` (matched on request IDs)."""
        if not isinstance(frame, pd.DataFrame) or "request_id" not in frame.columns:
            return frame  # not a probe result: the caller reports that
        ids = list(frame["request_id"].fillna(""))  # a timed-out call has no request ID (<NA>)
        for run in reversed(self.history):
            if list(run["request_id"].fillna("")) == ids:
                return run
        return frame

    def decision(self, request_id: str) -> DecisionRecord | None:
        """The decision-log record of one request (local backend; None on real AWS)."""
        return self.backend.decision(request_id)

    def explain(self, frame: pd.DataFrame | str, row: int = 0) -> Any:
        """Why row ``row`` of a probe result was decided as it was (policy engine explanation).

        Given an AccessDenied message (text) instead, explains it as :meth:`explain_message`.
        """
        if isinstance(frame, str):
            return self.explain_message(frame)
        return self.show(explain_row(self, self.raw(frame), row))

    def messages(self, frame: pd.DataFrame, row: int = 0) -> dict[str, str | None]:
        """The AccessDenied text of a row in each message style (today, 2019, 2026)."""
        return self.show(messages_for_row(self, self.raw(frame), row))

    def explain_message(self, text: str, **what_if: Any) -> Any:
        """Parse a pasted AccessDenied message and explain it against the live policies.

        ``what_if``: ``endpoint_policy=...`` / ``identity_policy=...`` to try another policy
        without applying it.
        """
        return self.show(explain_message(self, text, **what_if))

    # -- lifecycle ---------------------------------------------------------------------------
    def cleanup(self, run_id: str | None = None) -> Any:
        """Delete what this run created (found by its ``labkit:run-id`` tag) and report."""
        self.backend.require_write("delete resources")
        own = getattr(self.backend, "cleanup", None)
        if own is not None:
            return own(run_id or self.run_id)
        return cleanup(run_id or self.run_id, lambda s: self.backend.client(s, "admin"))

    def stop(self) -> None:
        """Stop the lab and restore the kernel's environment. Safe to call twice."""
        if self._saved_env is not None:
            kernel_env.restore(self._saved_env)
            self._saved_env = None
        if not self._stopped:
            self.backend.stop()
            self._stopped = True

    def __enter__(self) -> Lab:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def pretty_json(text: str) -> str:
    """Policy text re-indented for display (returned as given if it is not JSON)."""
    try:
        return json.dumps(json.loads(text), indent=2)
    except ValueError:
        return text


__all__ = ["Lab", "LabError", "PolicyRejected", "pretty_json"]
