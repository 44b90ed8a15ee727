"""The decision log: one :class:`~labkit.backend.record.DecisionRecord` per request, by ID.

Every request that reaches the gateway leaves one record (allowed, denied, refused before a
decision, or dropped by the network). Records are immutable, so a reader gets the stored one;
its explanation is computed the first time someone reads it. The log keeps the most recent
``capacity`` records so a long-running lab does not grow without bound.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator

from labkit.backend.record import DecisionRecord

DEFAULT_CAPACITY = 20_000


class DecisionLog:
    """A bounded, thread-safe map from request ID to its record (oldest dropped first)."""

    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        if capacity < 1:
            raise ValueError(f"capacity must be at least 1, got {capacity}")
        self._capacity = capacity
        self._records: OrderedDict[str, DecisionRecord] = OrderedDict()
        self._lock = threading.Lock()

    def record(self, entry: DecisionRecord) -> None:
        """Store ``entry`` under its request ID."""
        with self._lock:
            self._records[entry.request_id] = entry
            self._records.move_to_end(entry.request_id)
            while len(self._records) > self._capacity:
                self._records.popitem(last=False)

    def get(self, request_id: str) -> DecisionRecord | None:
        """The record for ``request_id``, or ``None`` if unknown or dropped."""
        with self._lock:
            return self._records.get(request_id)

    def recent(self, count: int = 20) -> list[DecisionRecord]:
        """The last ``count`` records, newest last."""
        with self._lock:
            return list(self._records.values())[-count:] if count > 0 else []

    def __len__(self) -> int:
        with self._lock:
            return len(self._records)

    def __iter__(self) -> Iterator[str]:
        with self._lock:
            return iter(list(self._records))
