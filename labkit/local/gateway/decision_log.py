"""The decision log: what the data plane decided for each request, by request id.

Every request that reaches the gateway leaves one record (allowed, denied, refused before a
decision, or dropped by the network), holding plain JSON-ready data: the request context, the
policies' text, the decision, the AccessDenied message and the explanation. The log keeps the
most recent ``capacity`` records so a long-running lab does not grow without bound.
"""

from __future__ import annotations

import copy
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from typing import Any

DEFAULT_CAPACITY = 20_000


class Lazy:
    """A value computed the first time a record holding it is read (e.g. an explanation).

    Keeps costly, rarely read parts of a record off the request's hot path.
    """

    __slots__ = ("_make",)

    def __init__(self, make: Callable[[], Any]) -> None:
        self._make = make

    def value(self) -> Any:
        """Compute the value."""
        return self._make()


def _resolve(value: Any) -> Any:
    if isinstance(value, Lazy):
        return _resolve(value.value())
    if isinstance(value, dict):
        return {key: _resolve(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_resolve(item) for item in value]
    return value


class DecisionLog:
    """A bounded, thread-safe map from request id to its record (oldest dropped first)."""

    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        if capacity < 1:
            raise ValueError(f"capacity must be at least 1, got {capacity}")
        self._capacity = capacity
        self._records: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def record(self, request_id: str, entry: dict[str, Any]) -> None:
        """Store ``entry`` under ``request_id`` (the id is added to the entry)."""
        stored = {"request_id": request_id, **entry}
        with self._lock:
            self._records[request_id] = stored
            self._records.move_to_end(request_id)
            while len(self._records) > self._capacity:
                self._records.popitem(last=False)

    def get(self, request_id: str) -> dict[str, Any] | None:
        """The record for ``request_id`` (a copy), or ``None`` if unknown or dropped."""
        with self._lock:
            found = self._records.get(request_id)
            if found is None:
                return None
            resolved = _resolve(found)
            self._records[request_id] = resolved  # computed once
            return copy.deepcopy(resolved)

    def recent(self, count: int = 20) -> list[dict[str, Any]]:
        """The last ``count`` records, newest last."""
        with self._lock:
            ids = list(self._records)[-count:] if count > 0 else []
            for request_id in ids:
                self._records[request_id] = _resolve(self._records[request_id])
            return copy.deepcopy([self._records[i] for i in ids])

    def __len__(self) -> int:
        with self._lock:
            return len(self._records)

    def __iter__(self) -> Iterator[str]:
        with self._lock:
            return iter(list(self._records))
