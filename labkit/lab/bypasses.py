"""Every way around the endpoint, run for real: ``lab.bypasses()``.

Each path is one call from the instance that a client setting, a DNS answer or a second set of
keys sends somewhere other than the endpoint (aws-facts-2026 §1): private DNS off, the public
endpoint through the internet gateway or a NAT, another Region, EventBridge's Custom Event Bus
(``eventsv2``) with only the ``events`` endpoint, CloudWatch Logs Live Tail from an SDK released
before 2026-04-01, the dual-stack and FIPS names, another account's keys. Every row comes from
the call's own answer and the lab's decision record: where DNS sent it, whether the endpoint
policy applied, whether the service was reached, and which policy stopped it if one did. The
fix each path has in AWS's documentation is named beside it (``closed_by``).

A path the lab cannot build (no second Region, no other account in the scenario) is a row
"not tried, because …". On the aws backend, :mod:`labkit.aws.bypass_checklist` reads the
account's VPC instead (read-only), since these calls would have to leave the lab instance.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import botocore.exceptions
import pandas as pd

from labkit import data, services
from labkit.backend.errors import LabError
from labkit.lab.calls import CallContext

COLUMNS = (
    "path",
    "call",
    "name",
    "dns",
    "via_endpoint",
    "reaches_service",
    "result",
    "stopped_by",
    "closed_by",
)


@dataclass(frozen=True)
class BypassPath:
    """One way around the endpoint and the documented ways to close it."""

    key: str
    title: str
    closed_by: str


PATHS: tuple[BypassPath, ...] = (
    BypassPath(
        "private-dns-off",
        "private DNS off on the logs endpoint",
        "private DNS on (a DNS setting); aws:SourceVpce / aws:SourceVpc in an identity policy "
        "or SCP; no 0.0.0.0/0 route to an internet or NAT gateway",
    ),
    BypassPath(
        "public-endpoint",
        "the public endpoint through the internet gateway or a NAT",
        "aws:SourceVpce / aws:SourceVpc in an identity policy or SCP; no 0.0.0.0/0 route to an "
        "internet or NAT gateway (a route change); a DNS firewall for public resolvers",
    ),
    BypassPath(
        "other-region",
        "another Region's endpoint",
        "a Deny on aws:RequestedRegion (always in the request) or aws:SourceVpce in an identity "
        "policy or SCP; no internet route (logs and events are not cross-Region endpoint services)",
    ),
    BypassPath(
        "eventsv2",
        "an EventBridge Custom Event Bus (eventsv2) with only the events endpoint",
        "an interface endpoint for com.amazonaws.<region>.eventsv2 (an endpoint for the missing "
        "service); aws:SourceVpce / aws:SourceVpc in an identity policy or SCP",
    ),
    BypassPath(
        "live-tail-old-sdk",
        "CloudWatch Logs Live Tail from an SDK released before 2026-04-01 (streaming-logs)",
        "an SDK released on or after 2026-04-01 (stream-logs, which supports VPC endpoints); "
        "aws:SourceVpce / aws:SourceVpc in an identity policy or SCP; no internet route",
    ),
    BypassPath(
        "dual-stack",
        "the dual-stack name (use_dualstack_endpoint, .api.aws)",
        "aws:SourceVpce / aws:SourceVpc in an identity policy or SCP; no internet route "
        "(whether private DNS answers .api.aws names is unknown: the lab assumes it does not)",
    ),
    BypassPath(
        "fips",
        "the FIPS name (use_fips_endpoint, logs-fips)",
        "aws:SourceVpce / aws:SourceVpc in an identity policy or SCP; no internet route "
        "(logs-fips names exist in US Regions only)",
    ),
    BypassPath(
        "foreign-keys",
        "another account's keys over the internet path (notebook 06)",
        "egress control only: no internet or NAT route, a DNS or network firewall (nothing in "
        "your account decides: the keys, policy and log group are the other account's)",
    ),
)


@dataclass
class PathRun:
    """What one path did."""

    path: BypassPath
    call: str = ""
    name: str = ""
    dns: str = ""
    via_endpoint: bool | None = None
    reaches_service: bool | None = None
    result: str = ""
    stopped_by: str | None = None

    def row(self) -> dict[str, Any]:
        return {
            "path": self.path.key,
            "call": self.call,
            "name": self.name,
            "dns": self.dns,
            "via_endpoint": self.via_endpoint,
            "reaches_service": self.reaches_service,
            "result": self.result,
            "stopped_by": self.stopped_by,
            "closed_by": self.path.closed_by,
        }


class NotTried(Exception):
    """A path this lab cannot build; the message says why."""


def path_keys() -> tuple[str, ...]:
    """The paths, in the order the table lists them."""
    return tuple(p.key for p in PATHS)


def run_bypasses(lab: Any, only: list[str] | None = None) -> pd.DataFrame:
    """Run every path (or ``only`` these keys) against ``lab``'s current policies."""
    unknown = sorted(set(only or ()) - set(path_keys()))
    if unknown:
        raise ValueError(f"no path named {', '.join(unknown)}; the paths: {', '.join(path_keys())}")
    runner = PathRunner(lab)
    rows = []
    for path in PATHS:
        if only is not None and path.key not in only:
            continue
        rows.append(runner.run(path).row())
    return to_frame(rows)


def to_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Rows as the table ``lab.bypasses()`` returns."""
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    frame["via_endpoint"] = frame["via_endpoint"].astype("boolean")
    frame["reaches_service"] = frame["reaches_service"].astype("boolean")
    frame["stopped_by"] = frame["stopped_by"].astype("string")
    return frame


def open_paths(frame: pd.DataFrame) -> list[str]:
    """The paths of a ``bypasses()`` table whose call reached the service."""
    return [str(p) for p in frame.loc[frame["reaches_service"].fillna(False), "path"]]


class PathRunner:
    """Builds each path's client and call in one lab, and reads back what happened."""

    def __init__(self, lab: Any) -> None:
        self.lab = lab
        self.backend = lab.backend
        self.ctx: CallContext = lab.call_context()
        self.region = lab.region

    def run(self, path: BypassPath) -> PathRun:
        outcome = PathRun(path)
        build: Callable[[PathRun], None] = getattr(self, "_" + path.key.replace("-", "_"))
        try:
            build(outcome)
        except NotTried as reason:
            outcome.result = f"not tried, because {reason}"
        return outcome

    # -- the calls ---------------------------------------------------------------------------
    def _put(self, outcome: PathRun, client: Any, group: str, stream: str) -> None:
        events = [{"timestamp": int(time.time() * 1000), "message": f"bypass {outcome.path.key}"}]
        outcome.call = f"PutLogEvents {group}/{stream}"
        self._invoke(
            outcome,
            client,
            "put_log_events",
            logGroupName=group,
            logStreamName=stream,
            logEvents=events,
        )

    def _invoke(self, outcome: PathRun, client: Any, method: str, **params: Any) -> None:
        request_id = None
        try:
            answer = getattr(client, method)(**params)
        except botocore.exceptions.ClientError as error:
            meta = error.response.get("ResponseMetadata", {})
            request_id = meta.get("RequestId")
            code = error.response.get("Error", {}).get("Code", "")
            outcome.result = f"{code} ({meta.get('HTTPStatusCode')})"
        except (
            botocore.exceptions.ConnectTimeoutError,
            botocore.exceptions.ReadTimeoutError,
            botocore.exceptions.EndpointConnectionError,
            botocore.exceptions.ConnectionClosedError,
        ):
            outcome.result = "no connection (dropped or no such name)"
            outcome.reaches_service = False
        else:
            request_id = answer.get("ResponseMetadata", {}).get("RequestId")
            _drain(answer)
            outcome.result = f"OK ({answer['ResponseMetadata'].get('HTTPStatusCode')})"
        asked = getattr(client, "labkit_asked_host", None) or outcome.name
        outcome.name = asked
        if not outcome.dns:
            outcome.dns = self._dns(asked)
        record = self.lab.decision(request_id) if request_id else None
        if record is None:
            return
        outcome.via_endpoint = record.via_endpoint
        outcome.reaches_service = record.decision == "Allowed"
        outcome.stopped_by = record.denied_by
        if record.network is not None and record.network.name:
            outcome.name = record.network.name

    def _dns(self, name: str) -> str:
        if not name:
            return ""
        answer = self.lab.dig(name)
        if not answer.addresses:
            return answer.status
        private = answer.all_in(self.backend.network().vpc_cidr)
        where = "endpoint ENIs" if private else "public"
        return f"{', '.join(answer.addresses)} ({where})"

    def _client(self, service: str, who: str = "instance", **settings: Any) -> Any:
        make = getattr(self.backend, "path_client", None)
        if make is None:
            raise NotTried("this backend cannot build a client with these settings")
        return make(service, who, **settings)

    def _denied_group(self) -> tuple[str, str]:
        """The walkthrough's second group (the one its endpoint policy denies), else the first."""
        if not self.ctx.log_groups:
            raise NotTried("the scenario has no log group to write to")
        group, streams = self.ctx.log_groups[min(1, len(self.ctx.log_groups) - 1)]
        if not streams:
            raise NotTried(f"log group {group} has no stream in the scenario")
        return group, streams[0]

    def _public_address(self, service: str) -> str:
        name = services.service(service).hostname(self.region)
        found = self.lab.dig(name, view="public").addresses
        if not found:
            raise NotTried(f"{name} has no public address in the lab's DNS")
        return found[0]

    # -- the paths ---------------------------------------------------------------------------
    def _private_dns_off(self, outcome: PathRun) -> None:
        endpoint = self.lab.endpoint("logs")
        if endpoint is None:
            raise NotTried("this run has no logs endpoint (lab.create_endpoint('logs'))")
        group, stream = self._denied_group()
        with _private_dns_off(self.lab, bool(endpoint.get("PrivateDnsEnabled"))):
            self._put(outcome, self._client("logs"), group, stream)

    def _public_endpoint(self, outcome: PathRun) -> None:
        address = self._public_address("logs")
        group, stream = self._denied_group()
        outcome.dns = f"{address} (hosts file / public resolver)"
        self._put(outcome, self._client("logs", connect_to=address), group, stream)

    def _other_region(self, outcome: PathRun) -> None:
        others = list(data.scenario(self.lab.scenario).get("other_regions") or [])
        if not others:
            raise NotTried(
                f"scenario {self.lab.scenario!r} models no second Region "
                '(add "other_regions": ["us-east-1"] to it)'
            )
        group, stream = self._denied_group()
        self._put(outcome, self._client("logs", region=others[0]), group, stream)

    def _eventsv2(self, outcome: PathRun) -> None:
        buses = self.lab.client("eventbridgev2", "admin").list_event_buses()["EventBuses"]
        if not buses:
            raise NotTried(f"scenario {self.lab.scenario!r} has no Custom Event Bus")
        arn = buses[0]["EventBusArn"]
        outcome.call = f"PutEvents {buses[0]['Name']} (event-busv2)"
        entry = {"Source": "lab.app", "DetailType": "labkit bypass", "Detail": "{}"}
        client = self._client("eventbridgev2")
        self._invoke(outcome, client, "put_events", EventBusArn=arn, Entries=[entry])

    def _live_tail_old_sdk(self, outcome: PathRun) -> None:
        group, _stream = self._denied_group()
        name = f"streaming-logs.{self.region}.amazonaws.com"
        client = self._client("logs", endpoint_url=f"https://{name}")
        arn = f"arn:aws:logs:{self.region}:{self.lab.account_id}:log-group:{group}"
        outcome.call = f"StartLiveTail {group}"
        self._invoke(outcome, client, "start_live_tail", logGroupIdentifiers=[arn])

    def _dual_stack(self, outcome: PathRun) -> None:
        group, stream = self._denied_group()
        self._put(outcome, self._client("logs", use_dual_stack=True), group, stream)

    def _fips(self, outcome: PathRun) -> None:
        group, stream = self._denied_group()
        self._put(outcome, self._client("logs", use_fips=True), group, stream)

    def _foreign_keys(self, outcome: PathRun) -> None:
        if "other-account" not in self.lab.backend.info.identities:
            raise NotTried(
                f"scenario {self.lab.scenario!r} holds no other account's keys "
                "(start the lab with scenario='exfiltration')"
            )
        if not self.ctx.other_log_groups or not self.ctx.other_log_groups[0][1]:
            raise NotTried("the other account has no log group with a stream in the scenario")
        group, streams = self.ctx.other_log_groups[0]
        address = self._public_address("logs")
        outcome.dns = f"{address} (hosts file / public resolver)"
        client = self._client("logs", "other-account", connect_to=address)
        self._put(outcome, client, group, streams[0])


@contextmanager
def _private_dns_off(lab: Any, was_on: bool) -> Iterator[None]:
    """Private DNS of the logs endpoint off for one call, then as it was."""
    if was_on:
        lab.set_private_dns("logs", False)
    try:
        yield
    finally:
        if was_on:
            try:
                lab.set_private_dns("logs", True)
            except LabError as error:  # said, never hidden: the endpoint stays as it is now
                print(f"private DNS of the logs endpoint could not be turned back on: {error}")


def _drain(answer: Any) -> None:
    """Close an event stream (StartLiveTail) after its first event, so the call ends."""
    stream = answer.get("responseStream") if isinstance(answer, dict) else None
    if stream is None:
        return
    try:
        for _event in stream:
            break
    finally:
        close = getattr(stream, "close", None)
        if close is not None:
            close()
