"""Per-service rules the gateway applies around moto: one module per service.

The registry (:mod:`labkit.services`, ``gateway_hooks``) names each service's module; the
module exposes ``adjust(operation, params, now_ms) -> Adjustment | None`` for an allowed call.
An :class:`Adjustment` may change what moto is sent, answer without moto, or rewrite moto's
successful answer (e.g. CloudWatch Logs' ``rejectedLogEventsInfo``). A module may also expose
``resolve(operation, params, account, region) -> dict``: parameters, read from the service's
state, that only authorization needs (the log groups of a Logs Insights query).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from labkit import services


@dataclass(frozen=True)
class Adjustment:
    """What a service's rules change about one allowed call."""

    params: dict[str, Any] | None = None  # send these parameters instead of the request's own
    answer: bytes | None = None  # answer with this JSON body without asking moto
    finish: Callable[[bytes], bytes] | None = None  # rewrite moto's successful answer


Adjuster = Callable[[str, dict[str, Any], int], Adjustment | None]
Resolver = Callable[[str, dict[str, Any], str, str], dict[str, Any]]


@cache
def _module(service: str) -> Any:
    spec = services.find(service)
    if spec is None or spec.gateway_hooks is None:
        return None
    return importlib.import_module(spec.gateway_hooks)


def resolver(service: str) -> Resolver | None:
    """The ``resolve`` function of ``service``'s hooks module, or None if it has none."""
    module = _module(service)
    return getattr(module, "resolve", None) if module is not None else None


@cache
def adjuster(service: str) -> Adjuster | None:
    """The ``adjust`` function of ``service``'s hooks module, or None if it has none.

    The module is named by the registry, not imported here, so that adding a service's rules
    touches its own module and its registry entry only.
    """
    module = _module(service)
    return None if module is None else module.adjust  # type: ignore[no-any-return]
