"""EventBridge state: event buses, their policies and tags."""

from __future__ import annotations

from typing import Any

from labkit.local.world.moto.backends import known_accounts


def _bus(account_id: str, region: str, name: str) -> tuple[Any, Any] | None:
    from moto.events.models import events_backends

    if account_id not in known_accounts(events_backends):
        return None
    backend = events_backends[account_id][region]
    bus = backend.event_buses.get(name)
    return None if bus is None else (backend, bus)


def bus_policy(account_id: str, region: str, name: str) -> str | None:
    """The resource policy of event bus ``name``, or None."""
    found = _bus(account_id, region, name)
    return None if found is None else found[1].policy


def bus_tags(account_id: str, region: str, name: str) -> dict[str, str]:
    """Tags on event bus ``name``; {} when it has none or does not exist."""
    found = _bus(account_id, region, name)
    if found is None:
        return {}
    backend, bus = found
    return {t["Key"]: t["Value"] for t in backend.tagger.list_tags_for_resource(bus.arn)["Tags"]}
