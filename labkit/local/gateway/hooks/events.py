"""EventBridge PutEvents rules that moto 5.2.5 does not apply, applied in the gateway.

* The entries' total size, counted as the EventBridge User Guide's "Calculating PutEvents event
  entry size" does (14 bytes for ``Time``, the UTF-8 bytes of ``Source``, ``DetailType``,
  ``Detail`` and each of ``Resources``), must be less than 256 KB, else the whole call fails
  with ``ValidationException`` ``Total size of the entries in the request is over the limit.``
* An entry whose ``Source`` starts with ``aws.`` fails on its own with
  ``NotAuthorizedForSourceException`` / ``Not authorized for the source.``; the other entries are
  still put (aws-fidelity §4.4–4.6, TV33). moto would accept such an entry.

Results keep the request's order: the gateway forwards only the entries moto should see and
merges moto's per-entry results back in place.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from labkit.local.gateway.hooks import Adjustment
from labkit.local.wire.json11 import AwsError, dumps

MAX_TOTAL_BYTES = 256 * 1024
TIME_BYTES = 14
SOURCE_REFUSED = {
    "ErrorCode": "NotAuthorizedForSourceException",
    "ErrorMessage": "Not authorized for the source.",
}


def entry_size(entry: dict[str, Any]) -> int:
    """One entry's size as EventBridge counts it."""
    size = TIME_BYTES if entry.get("Time") is not None else 0
    for key in ("Source", "DetailType", "Detail"):
        if entry.get(key) is not None:
            size += len(str(entry[key]).encode("utf-8"))
    size += sum(len(str(r).encode("utf-8")) for r in entry.get("Resources") or [] if r)
    return size


@dataclass(frozen=True)
class PreparedEvents:
    """The entries to forward and, for every request position, a local result or ``None``."""

    params: dict[str, Any]
    local: tuple[dict[str, str] | None, ...]

    @property
    def forward_count(self) -> int:
        """How many entries go on to moto."""
        return sum(1 for result in self.local if result is None)


def prepare_put_events(params: dict[str, Any]) -> PreparedEvents:
    """Apply the size rule and set ``aws.*`` entries aside; raises :class:`AwsError`."""
    entries: list[dict[str, Any]] = list(params.get("Entries") or [])
    if sum(entry_size(e) for e in entries) >= MAX_TOTAL_BYTES:
        raise AwsError(
            "ValidationException", "Total size of the entries in the request is over the limit."
        )
    local: list[dict[str, str] | None] = []
    forwarded = []
    for entry in entries:
        if str(entry.get("Source") or "").startswith("aws."):
            local.append(dict(SOURCE_REFUSED))
        else:
            local.append(None)
            forwarded.append(entry)
    return PreparedEvents({**params, "Entries": forwarded}, tuple(local))


def local_only_answer(prepared: PreparedEvents) -> bytes:
    """The answer when no entry needs moto (every one was refused here)."""
    return _answer([r for r in prepared.local if r is not None])


def finish_put_events(body: bytes, prepared: PreparedEvents) -> bytes:
    """moto's answer with the locally refused entries put back in request order."""
    try:
        answer = json.loads(body)
        from_moto = iter(answer.get("Entries") or [])
    except (ValueError, AttributeError):
        return body
    merged = [result if result is not None else next(from_moto, {}) for result in prepared.local]
    return _answer(merged)


def _answer(entries: list[dict[str, Any]]) -> bytes:
    failed = sum(1 for entry in entries if "ErrorCode" in entry)
    return dumps({"FailedEntryCount": failed, "Entries": entries})


def adjust(operation: str, params: dict[str, Any], now_ms: int) -> Adjustment | None:
    """EventBridge's rules for an allowed call (only PutEvents has any)."""
    if operation != "PutEvents":
        return None
    prepared = prepare_put_events(params)
    if prepared.local and prepared.forward_count == 0:
        return Adjustment(answer=local_only_answer(prepared))
    if all(result is None for result in prepared.local):
        return None
    return Adjustment(
        params=prepared.params, finish=lambda answer: finish_put_events(answer, prepared)
    )
