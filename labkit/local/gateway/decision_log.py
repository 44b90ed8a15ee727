"""The decision log: one :class:`~labkit.backend.record.DecisionRecord` per request, by ID.

Every request that reaches the gateway leaves one record (allowed, denied, refused before a
decision, or dropped by the network). Records are immutable, so a reader gets the stored one;
its explanation is computed the first time someone reads it. The log keeps the most recent
records within two caps, so a long-running lab does not grow without bound: at most
``capacity`` records and at most ``max_bytes`` of them by :func:`record_bytes`' estimate (a
record holds the text of every policy in force, so its size varies with the policies).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator

from labkit.backend.record import DecisionRecord

DEFAULT_CAPACITY = 20_000
DEFAULT_MAX_BYTES = 32 * 1024 * 1024
_RECORD_OVERHEAD = 2_048  # the record, its route and request objects, the explanation closure
_EVALUATION_OVERHEAD = 1_024
_CONTEXT_ITEM = 96


def record_bytes(entry: DecisionRecord) -> int:
    """An estimate of the memory one record holds: fixed overheads plus its texts."""
    size = _RECORD_OVERHEAD + sum(
        len(text or "")
        for text in (entry.error_message, entry.internal_error, entry.reason, entry.caller)
    )
    for evaluation in entry.evaluations:
        size += _EVALUATION_OVERHEAD + len(evaluation.message or "")
        size += sum(len(policy.text) for policy in evaluation.policies)
        size += _CONTEXT_ITEM * len(evaluation.request.context)
    return size


class DecisionLog:
    """A bounded, thread-safe map from request ID to its record (oldest dropped first)."""

    def __init__(
        self, capacity: int = DEFAULT_CAPACITY, max_bytes: int = DEFAULT_MAX_BYTES
    ) -> None:
        if capacity < 1:
            raise ValueError(f"capacity must be at least 1, got {capacity}")
        if max_bytes < 1:
            raise ValueError(f"max_bytes must be at least 1, got {max_bytes}")
        self._capacity = capacity
        self._max_bytes = max_bytes
        self._records: OrderedDict[str, tuple[DecisionRecord, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    @property
    def estimated_bytes(self) -> int:
        """The records' size by :func:`record_bytes` (never above ``max_bytes`` for long)."""
        return self._bytes

    def record(self, entry: DecisionRecord) -> None:
        """Store ``entry`` under its request ID; drop the oldest records past either cap.

        The newest record is always kept, even one larger than ``max_bytes`` on its own.
        """
        size = record_bytes(entry)
        with self._lock:
            old = self._records.pop(entry.request_id, None)
            if old is not None:
                self._bytes -= old[1]
            self._records[entry.request_id] = (entry, size)
            self._bytes += size
            while len(self._records) > 1 and (
                len(self._records) > self._capacity or self._bytes > self._max_bytes
            ):
                _, (_, dropped) = self._records.popitem(last=False)
                self._bytes -= dropped

    def get(self, request_id: str) -> DecisionRecord | None:
        """The record for ``request_id``, or ``None`` if unknown or dropped."""
        with self._lock:
            found = self._records.get(request_id)
            return found[0] if found is not None else None

    def recent(self, count: int = 20) -> list[DecisionRecord]:
        """The last ``count`` records, newest last."""
        with self._lock:
            return (
                [entry for entry, _ in list(self._records.values())[-count:]] if count > 0 else []
            )

    def __len__(self) -> int:
        with self._lock:
            return len(self._records)

    def __iter__(self) -> Iterator[str]:
        with self._lock:
            return iter(list(self._records))
