"""Run real API calls through a lab, as one principal, and return what happened as a DataFrame.

Every row is one call that really went over the wire (boto3 client from the lab). Nothing in a row
is typed in: the HTTP status, error code, message and latency come from the response; the
principal, IAM action, resource ARN, network path, decision and the policy type that denied come
from the lab's decision log (``lab.decision(request_id)``, local backend) or, where there is no
log (real AWS), from the response itself and labkit's catalog.

Columns (stable; notebooks, widgets, exercises and ``labkit demo`` rely on them):

============  ==========================================================================
principal     ARN the request was authenticated as (role *session* ARN for the instance)
action        IAM action authorized, e.g. ``logs:PutLogEvents``
resource      resource ARN authorized (CloudWatch Logs' real forms, e.g. ``...:log-stream:S``)
via_endpoint  True when the request went through the interface endpoint, False on the public
              path, <NA> when unknown (real AWS; or the call never arrived)
decision      ``Allowed`` / ``ImplicitlyDenied`` / ``ExplicitlyDenied``; <NA> when the call
              never reached authorization (timeout, bad credentials)
denied_by     policy kind that denied (``vpc-endpoint``, ``identity``, ...) or <NA>
http_status   HTTP status code of the response (<NA> on a timeout)
error_code    AWS error code (``AccessDeniedException``...) or "" on success; ``Timeout`` when
              the connection was not answered in time (no route, security group)
message       the error message exactly as returned, or the response body (JSON, shortened)
latency_ms    wall time of the call in the client, in milliseconds
============  ==========================================================================

Extra columns after those: ``who`` (lab identity that called: instance, admin, other-account),
``operation`` (API name), ``target`` (log group / stream / bus the call was aimed at, a stable key
for diffs between runs) and ``request_id``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import botocore.exceptions
import pandas as pd
from botocore import xform_name

from labkit.backend.calls import Call
from labkit.backend.record import DecisionRecord

PROBE_COLUMNS: tuple[str, ...] = (
    "principal",
    "action",
    "resource",
    "via_endpoint",
    "decision",
    "denied_by",
    "http_status",
    "error_code",
    "message",
    "latency_ms",
)
EXTRA_COLUMNS: tuple[str, ...] = ("who", "operation", "target", "request_id")
ALL_COLUMNS: tuple[str, ...] = PROBE_COLUMNS + EXTRA_COLUMNS
MESSAGE_LIMIT = 400

__all__ = [
    "ALL_COLUMNS",
    "PROBE_COLUMNS",
    "Call",
    "CallOutcome",
    "ProbeTarget",
    "invoke_call",
    "run_calls",
    "to_frame",
]


class ProbeTarget(Protocol):
    """What a probe needs from a lab backend."""

    def client(self, service: str, who: str = "instance") -> Any:
        """A botocore client whose traffic goes as ``who``'s would."""

    def record(
        self, call: Call, request_id: str | None, error: Mapping[str, Any] | None
    ) -> DecisionRecord | None:
        """What happened to a finished call (from a decision log or the response)."""


@dataclass
class CallOutcome:
    """What came back from one call: status, error code and message, request ID, latency."""

    http_status: int | None
    error_code: str
    message: str
    request_id: str | None
    latency_ms: float
    error: Mapping[str, Any] | None


def run_calls(target: ProbeTarget, calls: Iterable[Call]) -> pd.DataFrame:
    """Make every call through ``target`` in order and return one row per call.

    A target with ``invoke_calls(calls) -> list[CallOutcome]`` makes the calls itself (the aws
    backend runs the instance's calls on the lab instance, in one batch); otherwise each call
    goes through ``target.client``.
    """
    selected = list(calls)
    invoke_all = getattr(target, "invoke_calls", None)
    outcomes = invoke_all(selected) if invoke_all is not None else _each(target, selected)
    rows = []
    for call, outcome in zip(selected, outcomes, strict=True):
        record = target.record(call, outcome.request_id, outcome.error)
        rows.append(_row(call, outcome, record))
    return to_frame(rows)


def _each(target: ProbeTarget, calls: Sequence[Call]) -> list[CallOutcome]:
    clients: dict[tuple[str, str], Any] = {}
    outcomes = []
    for call in calls:
        key = (call.service, call.who)
        if key not in clients:
            clients[key] = target.client(call.service, call.who)
        outcomes.append(invoke_call(clients[key], call))
    return outcomes


def to_frame(rows: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """Rows (dicts keyed by column name) as a DataFrame with the documented columns and dtypes."""
    frame = pd.DataFrame(list(rows), columns=list(ALL_COLUMNS))
    frame["via_endpoint"] = frame["via_endpoint"].astype("boolean")
    frame["http_status"] = frame["http_status"].astype("Int64")
    frame["latency_ms"] = frame["latency_ms"].astype("float64")
    for column in ("principal", "action", "resource", "decision", "denied_by", "request_id"):
        frame[column] = frame[column].astype("string")
    for column in ("error_code", "message", "who", "operation", "target"):
        frame[column] = frame[column].astype("string").fillna("")
    return frame


def invoke_call(client: Any, call: Call) -> CallOutcome:
    """Make one call through a botocore client; its outcome, errors included."""
    method: Callable[..., Mapping[str, Any]] = getattr(client, xform_name(call.operation))
    started = time.perf_counter()
    try:
        response = method(**call.params)
    except botocore.exceptions.ClientError as exc:
        elapsed = (time.perf_counter() - started) * 1000
        meta = exc.response.get("ResponseMetadata", {})
        error = exc.response.get("Error", {})
        return CallOutcome(
            http_status=meta.get("HTTPStatusCode"),
            error_code=str(error.get("Code", "")),
            message=str(error.get("Message", "")),
            request_id=meta.get("RequestId"),
            latency_ms=elapsed,
            error=error,
        )
    except (
        botocore.exceptions.ConnectTimeoutError,
        botocore.exceptions.ReadTimeoutError,
        botocore.exceptions.EndpointConnectionError,
        botocore.exceptions.ConnectionClosedError,
    ) as exc:
        elapsed = (time.perf_counter() - started) * 1000
        return CallOutcome(None, "Timeout", str(exc), None, elapsed, {"Code": "Timeout"})
    elapsed = (time.perf_counter() - started) * 1000
    meta = response.get("ResponseMetadata", {})
    return CallOutcome(
        http_status=meta.get("HTTPStatusCode"),
        error_code="",
        message=summarize_response(response),
        request_id=meta.get("RequestId"),
        latency_ms=elapsed,
        error=None,
    )


def summarize_response(response: Mapping[str, Any]) -> str:
    """The response body as compact JSON (without ResponseMetadata), shortened for a table."""
    body = {k: v for k, v in response.items() if k != "ResponseMetadata"}
    text = json.dumps(body, default=str, separators=(", ", ": "))
    return text if len(text) <= MESSAGE_LIMIT else text[: MESSAGE_LIMIT - 1] + "…"


def _row(call: Call, outcome: CallOutcome, record: DecisionRecord | None) -> dict[str, Any]:
    request = record.request if record else None
    return {
        "principal": record.principal if record else None,
        "action": request.action if request else None,
        "resource": request.resource if request else None,
        "via_endpoint": record.via_endpoint if record else None,
        "decision": record.decision if record else None,
        "denied_by": record.denied_by if record else None,
        "http_status": outcome.http_status,
        "error_code": outcome.error_code,
        "message": outcome.message,
        "latency_ms": round(outcome.latency_ms, 2),
        "who": call.who,
        "operation": call.operation,
        "target": call.target,
        "request_id": outcome.request_id,
    }
