"""The gateway's authorization step: catalog → request context → policy engine, on live state.

For each authorization the catalog derives from the call (``labkit.catalog.authorize_call``),
the complete request is built for the network path the call took (``build_request``) and the
policy engine (``labkit.policy.evaluate``) decides against the policies that apply now:

* identity policies of the caller's user or role (inline, managed, group), its permissions
  boundary and its session policy where they exist;
* the VPC endpoint's policy, only when the call went through the endpoint;
* the event bus's resource policy for EventBridge calls on a bus.

Policy texts are read in-process from moto at each call and parsed once per distinct text.
The first authorization that is denied decides the call (AWS answers one AccessDenied).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, Protocol

from labkit.local.gateway.decision_log import Lazy
from labkit.local.gateway.request_input import VALIDATION_CODE, ServiceCall
from labkit.local.wire.json11 import AwsError
from labkit.local.wire.sigv4 import Verified


@dataclass(frozen=True)
class Route:
    """How a call reached the service: through an endpoint, or over the public path."""

    via_endpoint: bool
    source_ip: str  # aws:VpcSourceIp via an endpoint, aws:SourceIp on the public path
    listener: str  # "instance" (the VPC instance's traffic) or "internet"
    vpce_id: str | None = None
    vpc_id: str | None = None
    name: str = ""  # the DNS name resolved
    address: str = ""  # the address it resolved to and the call went to

    def to_dict(self) -> dict[str, Any]:
        """Plain data for the decision log."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}


@dataclass(frozen=True)
class Judgement:
    """The gateway's verdict on one call, with everything the decision log keeps."""

    allowed: bool
    message: str | None = None  # the AccessDenied text when denied
    record: dict[str, Any] = field(default_factory=dict)
    unsupported: bool = False  # the catalog cannot map the operation


class Decider(Protocol):
    """Decides calls; the real one is :class:`PolicyDecider`."""

    def decide(self, call: ServiceCall, verified: Verified, route: Route) -> Judgement: ...


class PolicyState(Protocol):
    """The part of ``LabState`` the decider reads."""

    region: str

    def identity_policies(self, caller: Any) -> list[Any]: ...
    def permission_boundary(self, caller: Any) -> Any | None: ...
    def session_policy(self, caller: Any) -> Any | None: ...
    def endpoint_policy(self, vpce_id: str) -> str: ...
    def org_id_of(self, account_id: str) -> str | None: ...
    def resource_policy(self, arn: str) -> str | None: ...
    def resource_tags(self, arn: str) -> dict[str, str]: ...


@lru_cache(maxsize=1024)
def _parsed(text: str, kind: str, name: str | None, arn: str | None) -> Any:
    from labkit.policy import parse_policy

    return parse_policy(text, kind=kind, name=name, arn=arn)  # type: ignore[arg-type]


def _source_entry(kind: str, name: str | None, arn: str | None, text: str) -> dict[str, Any]:
    return {"kind": kind, "name": name, "arn": arn, "text": text}


class PolicyDecider:
    """Decides calls with ``labkit.catalog`` and ``labkit.policy`` on the lab's live policies."""

    def __init__(self, state: PolicyState, *, message_style: str = "current") -> None:
        self.state = state
        self.message_style = message_style

    def decide(self, call: ServiceCall, verified: Verified, route: Route) -> Judgement:
        from labkit import catalog, policy

        try:
            contexts = self.contexts(call, verified, route)
        except catalog.UnknownOperation as error:
            return Judgement(
                False, unsupported=True, record={"outcome": "unsupported", "reason": error.reason}
            )
        except catalog.CallParameterError as error:
            # a parameter AWS would reject in validation (e.g. a malformed event bus ARN)
            raise AwsError(
                VALIDATION_CODE[call.service], f"Parameter {error.parameter} {error.problem}."
            ) from None
        evaluations: list[dict[str, Any]] = []
        for authz, request in contexts:
            policies, sources = self._policy_set(verified.credential, route, authz.resource)
            decision = policy.evaluate(request, policies)
            message = decision.message(self.message_style)
            evaluations.append(self._evaluation(request, sources, decision, message))
            if not decision.allowed:
                return Judgement(False, message, self._record(evaluations))
        return Judgement(True, None, self._record(evaluations))

    def contexts(
        self, call: ServiceCall, verified: Verified, route: Route
    ) -> list[tuple[Any, Any]]:
        """Each authorization the catalog derives for the call, with its complete request
        (``catalog.build_request``: a ``policy.Request`` whose ``.derived`` says why each key).

        Raises ``labkit.catalog.UnknownOperation`` for an operation the catalog cannot map and
        ``CallParameterError`` for a parameter it cannot use.
        """
        from labkit import catalog

        caller = verified.caller
        network = catalog.NetworkPath(
            via_endpoint=route.via_endpoint,
            vpce_id=route.vpce_id,
            vpc_id=route.vpc_id,
            source_ip=route.source_ip or None,
        )
        found = []
        now = datetime.now(UTC)
        for authz in catalog.authorize_call(
            call.service,
            call.operation,
            call.params,
            region=self.state.region,
            account=caller.account,
        ):
            account = authz.resource_account or _arn_account(authz.resource) or caller.account
            request = catalog.build_request(
                caller,
                authz,
                network,
                region=self.state.region,
                resource_org_id=self.state.org_id_of(account),
                resource_tags=self.state.resource_tags(authz.resource),
                now=now,
            )
            found.append((authz, request))
        return found

    def _policy_set(
        self, credential: Any, route: Route, resource: str
    ) -> tuple[Any, list[dict[str, Any]]]:
        from labkit.policy import PolicySet

        sources: list[dict[str, Any]] = []
        identity = []
        for source in self.state.identity_policies(credential):
            identity.append(_parsed(source.document, "identity", source.name, source.arn))
            sources.append(_source_entry("identity", source.name, source.arn, source.document))
        boundary = self._optional(
            self.state.permission_boundary(credential), "permission-boundary", sources
        )
        session = self._optional(self.state.session_policy(credential), "session", sources)
        endpoint = None
        if route.via_endpoint and route.vpce_id:
            text = self.state.endpoint_policy(route.vpce_id)
            endpoint = _parsed(text, "vpc-endpoint", route.vpce_id, None)
            sources.append(_source_entry("vpc-endpoint", route.vpce_id, None, text))
        resource_policy = None
        resource_text = self.state.resource_policy(resource)
        if resource_text:
            resource_policy = _parsed(resource_text, "resource", None, resource)
            sources.append(_source_entry("resource", None, resource, resource_text))
        policies = PolicySet(
            identity=identity,
            resource=resource_policy,
            vpc_endpoint=endpoint,
            permission_boundary=boundary,
            session=session,
        )
        return policies, sources

    @staticmethod
    def _optional(source: Any, kind: str, sources: list[dict[str, Any]]) -> Any:
        if source is None:
            return None
        sources.append(_source_entry(kind, source.name, source.arn, source.document))
        return _parsed(source.document, kind, source.name, source.arn)

    @staticmethod
    def _evaluation(
        request: Any, sources: list[dict[str, Any]], decision: Any, message: str | None
    ) -> dict[str, Any]:
        return {
            "request": Lazy(lambda: request_to_dict(request)),
            "context_reasons": Lazy(lambda: dict(getattr(request, "derived", {}))),
            "policies": sources,
            "decision": decision.decision,
            "denied_by": decision.denied_by,
            "message": message,
            "explanation": Lazy(lambda: decision.explanation.to_dict()),
        }

    @staticmethod
    def _record(evaluations: list[dict[str, Any]]) -> dict[str, Any]:
        record = dict(evaluations[-1]) if evaluations else {}
        if len(evaluations) > 1:
            record["evaluations"] = evaluations
        return record


def request_to_dict(request: Any) -> dict[str, Any]:
    """A ``labkit.policy.Request`` as plain JSON-ready data."""
    context: Mapping[str, Any] = getattr(request, "context", {}) or {}
    return {
        "principal": request.principal,
        "action": request.action,
        "resource": request.resource,
        "via_endpoint": bool(getattr(request, "via_endpoint", False)),
        "context": {key: _plain(value) for key, value in context.items()},
    }


def _plain(value: Any) -> Any:
    if isinstance(value, str):
        return value
    if isinstance(value, Sequence):
        return [str(v) for v in value]
    return str(value)


def _arn_account(arn: str) -> str | None:
    parts = arn.split(":", 5)
    return parts[4] or None if len(parts) == 6 else None
