"""Each control-plane service's own rules at the control front: one module per service.

The registry (:mod:`labkit.services`, ``front_rules``) names each service's module. A module
exposes ``refusal(denial) -> FrontError``: a denied call in that service's words (EC2's
``UnauthorizedOperation`` with an encoded message, IAM's and STS's ``AccessDenied``), and may
expose ``validate(call, front, account)``: the checks the service makes of an authorized call
before acting (IAM's policy documents: ``MalformedPolicyDocument``, ``LimitExceeded``), and
``local_answer(call, front) -> bytes | None``: an answer the lab gives itself for an allowed call
moto cannot serve (STS ``DecodeAuthorizationMessage``).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import cache
from typing import Any

from labkit import services
from labkit.local.front.answers import FrontError
from labkit.local.front.authorization_messages import AuthorizationMessages
from labkit.local.gateway.decide import Judgement


@dataclass(frozen=True)
class Denial:
    """A denied control-plane call: what was asked, the verdict, and how to word it."""

    service: str
    operation: str
    judgement: Judgement
    style: str  # the lab's AccessDenied wording: current, 2019 or 2026
    messages: AuthorizationMessages

    @property
    def request(self) -> Any:
        """The evaluated request that was denied (``RecordedRequest``)."""
        final = self.judgement.evaluations[-1]
        return final.request


@cache
def rules_for(service: str) -> Any:
    """The rules module the registry names for ``service`` (None if it has none)."""
    spec = services.find(service)
    if spec is None or spec.front_rules is None:
        return None
    return importlib.import_module(spec.front_rules)


def refusal(denial: Denial) -> FrontError:
    """The service's refusal of a denied call (a generic AccessDenied if it has no rules)."""
    module = rules_for(denial.service)
    if module is None:
        return FrontError("AccessDenied", denial.judgement.message or "Access denied", 403)
    return module.refusal(denial)  # type: ignore[no-any-return]
