"""``DecisionRecord``: what happened to one request, written once and read everywhere.

The local lab's gateway writes one record per request it receives (or drops); the decision log
keeps them by request ID; the local backend reads them back over the lab's control API
(``to_dict``/``from_dict``); probe rows, ``lab.explain`` and the diagram read their fields. On
real AWS there is no decision log: the AWS backend builds a record from the response itself
(``source="response"``), with what the response and the AccessDenied text say.

A record holds plain data only (texts, ARNs, context values), so it crosses the process boundary
unchanged; the costly part, the policy engine's explanation, is computed when first read.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any, Literal

Outcome = Literal["allowed", "denied", "refused", "failed", "dropped", "unsupported"]
"""allowed: served (even if the service then answered an error); denied: AccessDenied;
refused: rejected before a decision (bad input, bad signature); failed: the service or the lab
failed; dropped: the network dropped the flow; unsupported: the lab cannot authorize it."""

Stage = Literal[
    "request", "authentication", "validation", "authorization", "service", "internal", "network"
]
"""Where a request that was not served stopped."""

Source = Literal["gateway", "response"]
ContextValue = str | list[str]


@dataclass(frozen=True)
class NetworkRoute:
    """How a call reached the service: through an endpoint, or over the public path."""

    via_endpoint: bool
    source_ip: str = ""  # aws:VpcSourceIp via an endpoint, aws:SourceIp on the public path
    listener: str = ""  # "instance" (the VPC instance's traffic) or "internet"
    vpce_id: str | None = None
    vpc_id: str | None = None
    name: str = ""  # the DNS name resolved
    address: str | None = ""  # the address it resolved to and the call went to
    region: str = ""  # the Region the name belongs to ("" when the lab cannot tell)
    way_out: str = ""  # the public path's gateway: "igw" or "nat" ("" via an endpoint)

    def to_dict(self) -> dict[str, Any]:
        """Plain data."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> NetworkRoute:
        """The inverse of :meth:`to_dict` (unknown keys are ignored)."""
        names = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in names}
        values.setdefault("via_endpoint", False)
        return cls(**values)


@dataclass(frozen=True)
class RecordedRequest:
    """The request the policy engine evaluated: who, what, on which resource, with which keys."""

    principal: str
    action: str
    resource: str
    via_endpoint: bool = False
    context: Mapping[str, ContextValue] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Plain data."""
        return {
            "principal": self.principal,
            "action": self.action,
            "resource": self.resource,
            "via_endpoint": self.via_endpoint,
            "context": {k: _plain(v) for k, v in self.context.items()},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RecordedRequest:
        """The inverse of :meth:`to_dict`."""
        return cls(
            str(data["principal"]),
            str(data["action"]),
            str(data["resource"]),
            bool(data.get("via_endpoint")),
            dict(data.get("context") or {}),
        )


@dataclass(frozen=True)
class RecordedPolicy:
    """One policy in force for a request: its kind, name or ARN, level (SCP/RCP) and text."""

    kind: str
    text: str
    name: str | None = None
    arn: str | None = None
    level: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain data."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RecordedPolicy:
        """The inverse of :meth:`to_dict`."""
        return cls(
            str(data["kind"]),
            str(data["text"]),
            data.get("name"),
            data.get("arn"),
            data.get("level"),
        )


@dataclass(frozen=True)
class Evaluation:
    """One (action, resource) the engine decided for a call, against the policies in force.

    ``explanation`` is the engine's explanation as plain data; a record made by the gateway
    computes it from ``explain`` the first time it is read.
    """

    request: RecordedRequest
    decision: str  # Allowed | ImplicitlyDenied | ExplicitlyDenied
    denied_by: str | None = None
    message: str | None = None
    policies: tuple[RecordedPolicy, ...] = ()
    context_reasons: Mapping[str, str] = field(default_factory=dict)
    explain: Callable[[], Mapping[str, Any]] | None = field(default=None, repr=False, compare=False)

    @property
    def explanation(self) -> Mapping[str, Any] | None:
        """The engine's explanation (policy → statement → check), computed once."""
        cached = self.__dict__.get("_explanation")
        if cached is None and self.explain is not None:
            cached = self.explain()
            object.__setattr__(self, "_explanation", cached)
        return cached

    def to_dict(self) -> dict[str, Any]:
        """Plain data (the explanation included)."""
        return {
            "request": self.request.to_dict(),
            "decision": self.decision,
            "denied_by": self.denied_by,
            "message": self.message,
            "policies": [p.to_dict() for p in self.policies],
            "context_reasons": dict(self.context_reasons),
            "explanation": self.explanation,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Evaluation:
        """The inverse of :meth:`to_dict`."""
        explanation = data.get("explanation")
        made = cls(
            RecordedRequest.from_dict(data["request"]),
            str(data["decision"]),
            data.get("denied_by"),
            data.get("message"),
            tuple(RecordedPolicy.from_dict(p) for p in data.get("policies") or ()),
            dict(data.get("context_reasons") or {}),
        )
        if explanation is not None:
            object.__setattr__(made, "_explanation", explanation)
        return made


@dataclass(frozen=True)
class DecisionRecord:
    """What happened to one request, from arrival to answer.

    ``evaluations`` holds one entry per (action, resource) the engine decided, in order; the last
    one decided the call (the first denial stops it). A call that never reached authorization
    has none, and ``stage`` says where it stopped.
    """

    request_id: str
    time: str
    outcome: Outcome
    stage: Stage | None = None
    network: NetworkRoute | None = None
    service: str | None = None
    operation: str | None = None
    target: str | None = None  # X-Amz-Target as sent
    caller: str | None = None  # the ARN the signature proved
    access_key_id: str | None = None
    http_status: int | None = None
    error_code: str | None = None
    error_message: str | None = None
    evaluations: tuple[Evaluation, ...] = ()
    reason: str | None = None  # why the lab could not authorize it (outcome "unsupported")
    internal_error: str | None = None  # the lab's own fault, for its developers
    source: Source = "gateway"

    @property
    def final(self) -> Evaluation | None:
        """The evaluation that decided the call (None if it never reached the engine)."""
        return self.evaluations[-1] if self.evaluations else None

    @property
    def decision(self) -> str | None:
        """``Allowed`` / ``ImplicitlyDenied`` / ``ExplicitlyDenied``, or None."""
        return self.final.decision if self.final else None

    @property
    def denied_by(self) -> str | None:
        """The policy kind that denied, or None."""
        return self.final.denied_by if self.final else None

    @property
    def request(self) -> RecordedRequest | None:
        """The request that was decided last, or None."""
        return self.final.request if self.final else None

    @property
    def via_endpoint(self) -> bool | None:
        """Whether the call went through an interface endpoint (None when unknown)."""
        if self.network is not None:
            return self.network.via_endpoint
        if self.source == "response" or self.request is None:
            return None  # a response alone does not say which path the call took
        return self.request.via_endpoint

    @property
    def principal(self) -> str | None:
        """The principal of the decided request, else the authenticated caller."""
        return self.request.principal if self.request else self.caller

    def replace(self, **changes: Any) -> DecisionRecord:
        """A copy with ``changes``."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values.update(changes)
        return DecisionRecord(**values)

    def to_dict(self) -> dict[str, Any]:
        """Plain, JSON-ready data (explanations computed)."""
        data: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "network":
                value = None if value is None else value.to_dict()
            elif f.name == "evaluations":
                value = [e.to_dict() for e in value]
            data[f.name] = value
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DecisionRecord:
        """The inverse of :meth:`to_dict` (unknown keys are ignored)."""
        names = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in names}
        network = values.get("network")
        values["network"] = None if network is None else NetworkRoute.from_dict(network)
        values["evaluations"] = tuple(
            Evaluation.from_dict(e) for e in values.get("evaluations") or ()
        )
        return cls(**values)


def _plain(value: Any) -> ContextValue:
    if isinstance(value, str):
        return value
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return str(value)
