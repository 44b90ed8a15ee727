"""EventBridge Custom Event Buses (``eventsv2``): the lab's own state, since moto has none.

A bus lives at ``arn:<partition>:events:<region>:<account>:event-busv2/<name>/<opaque id>``
(aws-facts-2026 §1.12). The opaque ID is 25 lowercase letters and digits, as the pattern of
``EventBusArn`` in botocore's model says (how AWS makes one is not documented). Events put
to a bus are counted and kept (the
last 100), so that a probe can show they arrived.
"""

from __future__ import annotations

import random
import string
import threading
import uuid
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

KEPT_EVENTS = 100


@dataclass
class BusV2:
    """One Custom Event Bus."""

    name: str
    arn: str
    account_id: str
    region: str
    created: datetime
    description: str = ""
    events: deque[dict[str, Any]] = field(default_factory=lambda: deque(maxlen=KEPT_EVENTS))
    received: int = 0

    def describe(self) -> dict[str, Any]:
        """As DescribeEventBus and ListEventBuses answer it."""
        found: dict[str, Any] = {
            "Name": self.name,
            "EventBusArn": self.arn,
            "CreationTime": self.created,
            "LastModifiedTime": self.created,
            "State": "ACTIVE",
            "EventBusAccountId": self.account_id,
        }
        if self.description:
            found["Description"] = self.description
        return found


def opaque_id(rng: random.Random | None = None) -> str:
    """The last part of a bus ARN: 25 lowercase letters and digits (the model's pattern)."""
    rng = rng or random.SystemRandom()
    return "".join(rng.choice(string.ascii_lowercase + string.digits) for _ in range(25))


class BusesV2:
    """Every Custom Event Bus of the lab, by ARN."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_arn: dict[str, BusV2] = {}

    def create(
        self, account_id: str, region: str, name: str, description: str = ""
    ) -> BusV2 | None:
        """A new bus; None when ``account_id`` already has one named ``name`` in ``region``."""
        with self._lock:
            if self._named(account_id, region, name) is not None:
                return None
            arn = f"arn:aws:events:{region}:{account_id}:event-busv2/{name}/{opaque_id()}"
            bus = BusV2(name, arn, account_id, region, datetime.now(UTC), description)
            self._by_arn[arn] = bus
            return bus

    def get(self, arn: str) -> BusV2 | None:
        """The bus ``arn`` names, or None."""
        with self._lock:
            return self._by_arn.get(arn)

    def named(self, account_id: str, region: str, name: str) -> BusV2 | None:
        """The bus called ``name`` in that account and Region, or None."""
        with self._lock:
            return self._named(account_id, region, name)

    def _named(self, account_id: str, region: str, name: str) -> BusV2 | None:
        return next(
            (
                b
                for b in self._by_arn.values()
                if (b.account_id, b.region, b.name) == (account_id, region, name)
            ),
            None,
        )

    def listed(self, account_id: str, region: str, prefix: str = "") -> list[BusV2]:
        """The account's buses in ``region`` whose names start with ``prefix``, by name."""
        with self._lock:
            found = [
                b
                for b in self._by_arn.values()
                if b.account_id == account_id and b.region == region and b.name.startswith(prefix)
            ]
        return sorted(found, key=lambda b: b.name)

    def put(self, arn: str, entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Keep ``entries`` on the bus; one ``{"EventId": …}`` result per entry."""
        with self._lock:
            bus = self._by_arn[arn]
            results = []
            for entry in entries:
                event_id = str(uuid.uuid4())
                bus.events.append({"EventId": event_id, **entry})
                bus.received += 1
                results.append({"EventId": event_id})
            return results
