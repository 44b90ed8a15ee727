"""CloudWatch Logs PutLogEvents rules that moto 5.2.5 does not apply, applied in the gateway.

From the PutLogEvents API reference (botocore model, aws-fidelity §3.3):

* at most 10,000 events, and at most 1,048,576 bytes counted as the UTF-8 bytes of every message
  plus 26 bytes per event: ``InvalidParameterException``
  ``Upload too large: <n> bytes exceeds limit of 1048576`` (text as AWS answers it);
* events must be in chronological order: ``Log events in a single PutLogEvents request must be in
  chronological order.`` (moto checks this too; the gateway answers first);
* events older than 14 days or more than 2 hours in the future are rejected while the rest are
  stored, reported in ``rejectedLogEventsInfo`` with ``tooOldLogEventEndIndex`` exclusive and
  ``tooNewLogEventStartIndex`` inclusive (moto reports both indices off by one, so the gateway
  stores only the accepted events and reports the indices itself);
* the accepted events may not span more than 24 hours: ``The batch of log events in a single
  PutLogEvents request cannot span more than 24 hours.``
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from typing import Any

from labkit.local.gateway.hooks import Adjustment
from labkit.local.wire.json11 import AwsError, dumps
from labkit.local.world.moto.logs import query_log_groups

MAX_EVENTS = 10_000
MAX_BATCH_BYTES = 1_048_576
EVENT_OVERHEAD_BYTES = 26
MAX_SPAN_MS = 24 * 3600 * 1000
TOO_OLD_MS = 14 * 24 * 3600 * 1000
TOO_NEW_MS = 2 * 3600 * 1000


@dataclass(frozen=True)
class PreparedPut:
    """What to send on to moto, and what to add to its answer."""

    params: dict[str, Any]
    rejected: dict[str, int] = field(default_factory=dict)


def batch_bytes(events: list[dict[str, Any]]) -> int:
    """The batch size as CloudWatch Logs counts it."""
    return sum(
        len(str(event.get("message", "")).encode("utf-8")) + EVENT_OVERHEAD_BYTES
        for event in events
    )


def prepare_put_log_events(params: dict[str, Any], now_ms: int) -> PreparedPut:
    """Apply the batch rules; raises :class:`AwsError` when the whole call fails."""
    events: list[dict[str, Any]] = list(params.get("logEvents") or [])
    if len(events) > MAX_EVENTS:
        raise AwsError(
            "InvalidParameterException",
            "1 validation error detected: Value '[InputLogEvent]' at 'logEvents' failed to "
            f"satisfy constraint: Member must have length less than or equal to {MAX_EVENTS}",
        )
    size = batch_bytes(events)
    if size > MAX_BATCH_BYTES:
        raise AwsError(
            "InvalidParameterException",
            f"Upload too large: {size} bytes exceeds limit of {MAX_BATCH_BYTES}",
        )
    stamps = [int(event.get("timestamp", 0)) for event in events]
    if any(later < earlier for earlier, later in itertools.pairwise(stamps)):
        raise AwsError(
            "InvalidParameterException",
            "Log events in a single PutLogEvents request must be in chronological order.",
        )
    rejected: dict[str, int] = {}
    old_end = sum(1 for stamp in stamps if stamp < now_ms - TOO_OLD_MS)
    new_start = next(
        (i for i, stamp in enumerate(stamps) if stamp > now_ms + TOO_NEW_MS), len(stamps)
    )
    if old_end:
        rejected["tooOldLogEventEndIndex"] = old_end
    if new_start < len(stamps):
        rejected["tooNewLogEventStartIndex"] = new_start
    accepted = events[old_end:new_start]
    if accepted and stamps[new_start - 1] - stamps[old_end] > MAX_SPAN_MS:
        raise AwsError(
            "InvalidParameterException",
            "The batch of log events in a single PutLogEvents request cannot span more than "
            "24 hours.",
        )
    return PreparedPut({**params, "logEvents": accepted}, rejected)


def finish_put_log_events(body: bytes, prepared: PreparedPut) -> bytes:
    """moto's successful answer with the gateway's ``rejectedLogEventsInfo``."""
    try:
        answer = json.loads(body)
    except ValueError:
        return body
    answer.pop("rejectedLogEventsInfo", None)
    if prepared.rejected:
        answer["rejectedLogEventsInfo"] = dict(prepared.rejected)
    return dumps(answer)


def adjust(operation: str, params: dict[str, Any], now_ms: int) -> Adjustment | None:
    """CloudWatch Logs' rules for an allowed call (only PutLogEvents has any)."""
    if operation != "PutLogEvents":
        return None
    prepared = prepare_put_log_events(params, now_ms)
    if not prepared.rejected:
        return None
    return Adjustment(
        params=prepared.params, finish=lambda answer: finish_put_log_events(answer, prepared)
    )


def resolve(operation: str, params: dict[str, Any], account: str, region: str) -> dict[str, Any]:
    """GetQueryResults: the log groups the query ran on (AWS authorizes the call on them).

    An unknown query ID is ``ResourceNotFoundException`` (moto 5.2.5 fails with a server error).
    """
    if operation != "GetQueryResults":
        return {}
    query_id = params.get("queryId")
    groups = query_log_groups(account, region, query_id) if isinstance(query_id, str) else None
    if groups is None:
        raise AwsError("ResourceNotFoundException", f"Query {query_id} does not exist.")
    return {"logGroupNames": groups}
