"""Test doubles for pieces other rooms own (never shipped as the real thing).

``ScriptedDecider`` stands in for ``labkit.policy``/``labkit.catalog`` in tests that exercise the
gateway's plumbing: the test says which calls are denied and with what message.
"""

from __future__ import annotations

from collections.abc import Callable

from labkit.backend.record import Evaluation, NetworkRoute, RecordedRequest
from labkit.local.gateway.decide import Judgement
from labkit.local.gateway.request_input import ServiceCall
from labkit.local.wire.sigv4 import Verified

Rule = Callable[[ServiceCall, Verified, NetworkRoute], str | None]


class ScriptedDecider:
    """Denies a call when ``rule`` returns a message; allows it otherwise. Records what it saw."""

    def __init__(self, rule: Rule | None = None) -> None:
        self.rule = rule or (lambda call, verified, route: None)
        self.seen: list[tuple[ServiceCall, Verified, NetworkRoute]] = []

    def decide(self, call: ServiceCall, verified: Verified, route: NetworkRoute) -> Judgement:
        self.seen.append((call, verified, route))
        message = self.rule(call, verified, route)
        request = RecordedRequest(verified.credential.arn, f"{call.service}:{call.operation}", "*")
        if message is None:
            return Judgement(True, None, (Evaluation(request, "Allowed"),))
        denied = Evaluation(request, "ImplicitlyDenied", "vpc-endpoint", message)
        return Judgement(False, message, (denied,))


def deny_group(group: str, message: str) -> Rule:
    """A rule denying every call that names log group ``group``."""

    def rule(call: ServiceCall, verified: Verified, route: NetworkRoute) -> str | None:
        return message if call.params.get("logGroupName") == group else None

    return rule
