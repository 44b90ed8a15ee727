"""Per-service rules the gateway applies around moto: one module per service.

The registry (:mod:`labkit.services`, ``gateway_hooks``) names each service's module; the
module exposes ``adjust(operation, params, now_ms) -> Adjustment | None`` for an allowed call.
An :class:`Adjustment` may change what moto is sent, answer without moto, or rewrite moto's
successful answer (e.g. CloudWatch Logs' ``rejectedLogEventsInfo``).
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


@cache
def adjuster(service: str) -> Adjuster | None:
    """The ``adjust`` function of ``service``'s hooks module, or None if it has none.

    The module is named by the registry, not imported here, so that adding a service's rules
    touches its own module and its registry entry only.
    """
    spec = services.find(service)
    if spec is None or spec.gateway_hooks is None:
        return None
    module = importlib.import_module(spec.gateway_hooks)
    return module.adjust  # type: ignore[no-any-return]
