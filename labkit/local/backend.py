"""The local backend: a lab process (:class:`~labkit.local.process.launcher.LocalLab`) behind
the public ``Lab`` API.

Everything goes through the lab's own AWS front (EC2, IAM, STS, Logs, EventBridge on loopback,
fake credentials); probe rows are filled from the gateway's decision log, so principal, action,
resource, path and decision are what the lab decided, not what labkit guesses afterwards.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from botocore.config import Config

from labkit.backend.calls import Call
from labkit.backend.contract import BackendInfo, Identity, NetworkFacts, Subnet
from labkit.backend.errors import LabError
from labkit.backend.record import DecisionRecord
from labkit.backend.run_ids import new_run_id
from labkit.local.network import guard
from labkit.local.network.asked_clients import send_to_listener
from labkit.local.network.egress import client_timeouts
from labkit.local.process.labinfo import LabInfo
from labkit.local.process.launcher import LabStartError, LocalLab

NETWORK_TIMEOUT = 2.0


class LocalBackend:
    """A running local lab (child process) as a ``Backend``."""

    name = "local"

    def __init__(self, lab: LocalLab) -> None:
        self.lab = lab
        info = lab.info
        self._facts = _network_facts(info, _subnet_cidrs(self.lab.client("ec2", "admin"), info))
        identities = {
            "instance": Identity("instance", info.session_arn, info.account_id),
            "admin": Identity("admin", info.admin_arn, info.account_id),
        }
        for account, arn in info.other_account_user_arns.items():
            identities["other-account"] = Identity("other-account", arn, account)
        self.info = BackendInfo(
            backend="local",
            region=info.region,
            account_id=info.account_id,
            run_id=new_run_id(),
            identities=identities,
            scenario=info.scenario,
        )

    @classmethod
    def start(
        cls, scenario: str = "walkthrough", *, message_style: str = "current"
    ) -> LocalBackend:
        """Start a lab process for ``scenario`` (blocks until it is ready, ~2-3 s)."""
        try:
            lab = LocalLab.start(
                scenario, message_style=message_style, network_timeout=NETWORK_TIMEOUT
            )
        except LabStartError as exc:
            raise LabError(
                f"the local lab did not start: {exc}",
                "run `labkit serve --scenario walkthrough` in a terminal to see the full error; "
                "`make test` checks the installation",
            ) from None
        except FileNotFoundError as exc:
            raise LabError(
                f"unknown scenario {scenario!r} ({exc})",
                "use one of the files in data/scenarios/, e.g. 'walkthrough' or 'exfiltration'",
            ) from None
        return cls(lab)

    @property
    def running(self) -> bool:
        """Whether the lab process is alive (``repr(lab)`` says stopped when it is not)."""
        return self.lab.running

    # -- Backend protocol -------------------------------------------------------------------
    def _who(self, who: str) -> Any:
        if who not in self.info.identities:
            known = ", ".join(sorted(self.info.identities))
            raise LabError(
                f"this lab (scenario {self.lab.info.scenario}) has no identity {who!r}",
                f"use one of: {known}"
                + (
                    ""
                    if "other-account" in self.info.identities
                    else "; start the 'exfiltration' scenario for another account's keys"
                ),
            )
        return who

    def client(self, service: str, who: str = "instance") -> Any:
        """A botocore client as ``who``; a flow the network drops reads as a timeout."""
        return self.lab.client(service, self._who(who), **client_timeouts(NETWORK_TIMEOUT))

    def path_client(
        self,
        service: str,
        who: str = "instance",
        *,
        region: str | None = None,
        use_fips: bool = False,
        use_dual_stack: bool = False,
        endpoint_url: str | None = None,
        connect_to: str | None = None,
    ) -> Any:
        """A client that asks for the AWS name its settings give (another Region, FIPS,
        dual-stack, ``endpoint_url``) and whose calls still leave through ``who``'s network
        in the lab (``labkit.local.network.asked_clients``)."""
        config = Config(
            retries={"max_attempts": 1, "mode": "standard"},
            use_fips_endpoint=use_fips,
            use_dualstack_endpoint=use_dual_stack,
            ignore_configured_endpoint_urls=True,  # the lab's config file names the listener
            proxies={},  # chosen for the AWS name, not the listener; the guard still applies
            **client_timeouts(NETWORK_TIMEOUT),
        )
        session = self.lab.session(self._who(who))
        client = session.client(
            service,
            region_name=region or self.info.region,
            endpoint_url=endpoint_url,
            config=config,
        )
        send_to_listener(client, self.lab.endpoint_url(service, who), connect_to)
        return guard.install(client)

    def env(self, who: str = "instance") -> dict[str, str]:
        """The lab's shell environment for ``who``; variables it unsets are left out."""
        self.lab.ensure_running()
        return {k: v for k, v in self.lab.env(self._who(who)).items() if v is not None}

    def network(self) -> NetworkFacts:
        self.lab.ensure_running()
        return self._facts

    def record(
        self, call: Call, request_id: str | None, error: Mapping[str, Any] | None
    ) -> DecisionRecord | None:
        """The lab's decision record of a finished call (None if it never got a request ID)."""
        return self.decision(request_id) if request_id else None

    def decision(self, request_id: str) -> DecisionRecord | None:
        try:
            return self.lab.decision(request_id)
        except KeyError:
            return None

    def dns_server(self, view: str) -> tuple[str, int] | None:
        self.lab.ensure_running()
        return self.lab.info.dns_vpc if view == "vpc" else self.lab.info.dns_public

    def require_write(self, what: str) -> None:
        """The local lab may always change itself: it never touches AWS."""

    def stop(self) -> None:
        self.lab.stop()


def _subnet_cidrs(ec2: Any, info: LabInfo) -> dict[str, str]:
    """Subnet CIDRs as the lab's EC2 API describes them."""
    found = ec2.describe_subnets(SubnetIds=list(info.subnet_ids))["Subnets"]
    return {s["SubnetId"]: s["CidrBlock"] for s in found}


def _network_facts(info: LabInfo, cidrs: Mapping[str, str]) -> NetworkFacts:
    subnets = tuple(
        Subnet(subnet_id, info.subnet_azs[subnet_id], cidrs.get(subnet_id, ""))
        for subnet_id in info.subnet_ids
    )
    return NetworkFacts(
        vpc_id=info.vpc_id,
        vpc_cidr=info.vpc_cidr,
        subnets=subnets,
        endpoint_security_groups=tuple(info.security_group_ids.values()),
        instance_id=info.instance_id,
        instance_private_ip=info.instance_private_ip,
        other_accounts=info.other_account_ids,
        org_id=info.org_id,
    )
