"""Named sets of probe calls: the memo's commands, the walkthrough's two puts, the matrix, ...

The calls are built from the scenario file (log groups, streams, buses, other accounts), so a
scenario change changes the probes; nothing here decides an outcome.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from labkit.probe import Call

_counter = itertools.count(1)


@dataclass(frozen=True)
class CallContext:
    """What call sets need to know about the lab."""

    region: str
    account_id: str
    log_groups: tuple[tuple[str, tuple[str, ...]], ...]  # (group, streams) in the own account
    event_buses: tuple[str, ...] = ()  # custom buses in the own account
    other_account_id: str | None = None
    other_log_groups: tuple[tuple[str, tuple[str, ...]], ...] = ()
    other_event_buses: tuple[str, ...] = ()

    @classmethod
    def from_scenario(cls, scenario: dict[str, Any], region: str, account_id: str) -> CallContext:
        """Read names from a scenario dict (``labkit.data.scenario(name)``)."""
        others = scenario.get("other_accounts") or []
        other = others[0] if others else {}
        return cls(
            region=region,
            account_id=account_id,
            log_groups=_groups(scenario.get("log_groups", [])),
            event_buses=tuple(b["name"] for b in scenario.get("event_buses", [])),
            other_account_id=other.get("account_id"),
            other_log_groups=_groups(other.get("log_groups", [])),
            other_event_buses=tuple(b["name"] for b in other.get("event_buses", [])),
        )

    def group(self, index: int) -> str:
        return self.log_groups[index][0]

    def stream(self, index: int) -> str:
        return self.log_groups[index][1][0]


def _groups(items: list[dict[str, Any]]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple((g["name"], tuple(g.get("streams", []))) for g in items)


def now_ms() -> int:
    """The current time in milliseconds (CloudWatch Logs rejects events older than 14 days)."""
    return int(time.time() * 1000)


def put_log_events(group: str, stream: str, who: str = "instance", n: int = 2) -> Call:
    """PutLogEvents with ``n`` events stamped now, like the memo's ExampleEvent1/2."""
    start = now_ms()
    events = [{"timestamp": start + i, "message": f"ExampleEvent{i + 1}"} for i in range(n)]
    return Call(
        "logs",
        "PutLogEvents",
        {"logGroupName": group, "logStreamName": stream, "logEvents": events},
        who,
        f"{group}/{stream}",
    )


def walkthrough(ctx: CallContext) -> list[Call]:
    """The memo's step 6: put events to the allowed group and to the denied group."""
    return [put_log_events(g, streams[0]) for g, streams in ctx.log_groups[:2]]


def memo(ctx: CallContext) -> list[Call]:
    """The memo's own commands on the instance: create each group and a stream, then put."""
    calls: list[Call] = []
    for group, _streams in ctx.log_groups[:2]:
        calls.append(Call("logs", "CreateLogGroup", {"logGroupName": group}, target=group))
        calls.append(
            Call(
                "logs",
                "CreateLogStream",
                {"logGroupName": group, "logStreamName": "logs-stream"},
                target=f"{group}/logs-stream",
            )
        )
    return calls + walkthrough(ctx)


def matrix(ctx: CallContext) -> list[Call]:
    """Log groups × actions through the endpoint, including the memo's surprises."""
    calls: list[Call] = [Call("logs", "DescribeLogGroups", {}, target="(all groups)")]
    for group, streams in ctx.log_groups[:2]:
        stream = streams[0]
        arn = f"arn:aws:logs:{ctx.region}:{ctx.account_id}:log-group:{group}"
        calls += [
            Call("logs", "CreateLogGroup", {"logGroupName": group}, target=group),
            Call(
                "logs",
                "CreateLogStream",
                {"logGroupName": group, "logStreamName": f"probe-{next(_counter)}"},
                target=group,
            ),
            put_log_events(group, stream),
            Call(
                "logs",
                "GetLogEvents",
                {"logGroupName": group, "logStreamName": stream, "limit": 5},
                target=f"{group}/{stream}",
            ),
            Call("logs", "DescribeLogStreams", {"logGroupName": group}, target=group),
            Call(
                "logs", "TagResource", {"resourceArn": arn, "tags": {"team": "lab"}}, target=group
            ),
        ]
    return calls


def exfiltration(ctx: CallContext) -> list[Call]:
    """Another account's keys on the instance, writing to that account's group and bus."""
    if not ctx.other_account_id:
        raise ValueError(
            "this scenario has no other account: start the lab with scenario='exfiltration'"
        )
    calls = [put_log_events(ctx.group(0), ctx.stream(0))]
    for group, streams in ctx.other_log_groups:
        calls.append(put_log_events(group, streams[0], who="other-account"))
    for bus in ctx.other_event_buses:
        arn = f"arn:aws:events:{ctx.region}:{ctx.other_account_id}:event-bus/{bus}"
        calls.append(put_events(arn, who="other-account", target=bus))
    return calls


def put_events(
    bus: str,
    who: str = "instance",
    target: str | None = None,
    sources: Sequence[str] = ("lab.app",),
) -> Call:
    """PutEvents with one entry per source to ``bus`` (a name or an ARN)."""
    entries = [
        {
            "Source": s,
            "DetailType": "labkit probe",
            "Detail": '{"step": "probe"}',
            "EventBusName": bus,
        }
        for s in sources
    ]
    return Call("events", "PutEvents", {"Entries": entries}, who, target or bus)


def events(ctx: CallContext) -> list[Call]:
    """PutEvents to the own default bus, own custom buses, and another account's bus."""
    calls = [put_events("default", target="default")]
    calls += [put_events(b) for b in ctx.event_buses]
    if ctx.other_account_id:
        for bus in ctx.other_event_buses or ("default",):
            arn = f"arn:aws:events:{ctx.region}:{ctx.other_account_id}:event-bus/{bus}"
            calls.append(put_events(arn, target=f"{ctx.other_account_id}/{bus}"))
    calls.append(
        put_events("default", target="default (aws.ec2 + lab.app)", sources=("aws.ec2", "lab.app"))
    )
    return calls


CALL_SETS: dict[str, Callable[[CallContext], list[Call]]] = {
    "walkthrough": walkthrough,
    "memo": memo,
    "matrix": matrix,
    "exfiltration": exfiltration,
    "events": events,
}


def calls_named(name: str, ctx: CallContext) -> list[Call]:
    """The call set ``name`` for this lab; a clear error lists the known names."""
    try:
        build = CALL_SETS[name]
    except KeyError:
        raise ValueError(
            f"no probe set named {name!r}; known: {', '.join(CALL_SETS)} "
            "(or pass a list of labkit.probe.Call)"
        ) from None
    return build(ctx)
