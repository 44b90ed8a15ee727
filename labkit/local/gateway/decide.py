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

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, Protocol

from labkit import catalog, policy
from labkit.backend.record import Evaluation, NetworkRoute, RecordedPolicy, RecordedRequest
from labkit.local.gateway.request_input import ServiceCall, validation_code
from labkit.local.wire.json11 import AwsError
from labkit.local.wire.sigv4 import Verified


@dataclass(frozen=True)
class Judgement:
    """The gateway's verdict on one call, with the evaluations the decision log keeps."""

    allowed: bool
    message: str | None = None  # the AccessDenied text when denied
    evaluations: tuple[Evaluation, ...] = ()
    unsupported: str | None = None  # why the catalog cannot map the operation


class Decider(Protocol):
    """Decides calls; the real one is :class:`PolicyDecider`."""

    def decide(self, call: ServiceCall, verified: Verified, route: NetworkRoute) -> Judgement: ...


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
    return policy.parse_policy(text, kind=kind, name=name, arn=arn)  # type: ignore[arg-type]


class PolicyDecider:
    """Decides calls with ``labkit.catalog`` and ``labkit.policy`` on the lab's live policies."""

    def __init__(self, state: PolicyState, *, message_style: str = "current") -> None:
        self.state = state
        self.message_style = message_style

    def decide(self, call: ServiceCall, verified: Verified, route: NetworkRoute) -> Judgement:
        try:
            contexts = self.contexts(call, verified, route)
        except catalog.UnknownOperation as error:
            return Judgement(False, unsupported=error.reason)
        except catalog.CallParameterError as error:
            # a parameter AWS would reject in validation (e.g. a malformed event bus ARN)
            raise AwsError(
                validation_code(call.service), f"Parameter {error.parameter} {error.problem}."
            ) from None
        evaluations: list[Evaluation] = []
        for authz, request in contexts:
            policies, sources = self._policy_set(verified.credential, route, authz.resource)
            decision = policy.evaluate(request, policies)
            message = decision.message(self.message_style)
            evaluations.append(_evaluation(request, sources, decision, message))
            if not decision.allowed:
                return Judgement(False, message, tuple(evaluations))
        return Judgement(True, None, tuple(evaluations))

    def contexts(
        self, call: ServiceCall, verified: Verified, route: NetworkRoute
    ) -> list[tuple[Any, Any]]:
        """Each authorization the catalog derives for the call, with its complete request
        (``catalog.build_request``: a ``policy.Request`` whose ``.derived`` says why each key).

        Raises ``labkit.catalog.UnknownOperation`` for an operation the catalog cannot map and
        ``CallParameterError`` for a parameter it cannot use.
        """
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
        self, credential: Any, route: NetworkRoute, resource: str
    ) -> tuple[Any, list[RecordedPolicy]]:
        sources: list[RecordedPolicy] = []
        identity = []
        for source in self.state.identity_policies(credential):
            identity.append(_parsed(source.document, "identity", source.name, source.arn))
            sources.append(RecordedPolicy("identity", source.document, source.name, source.arn))
        boundary = self._optional(
            self.state.permission_boundary(credential), "permission-boundary", sources
        )
        session = self._optional(self.state.session_policy(credential), "session", sources)
        endpoint = None
        if route.via_endpoint and route.vpce_id:
            text = self.state.endpoint_policy(route.vpce_id)
            endpoint = _parsed(text, "vpc-endpoint", route.vpce_id, None)
            sources.append(RecordedPolicy("vpc-endpoint", text, route.vpce_id))
        resource_policy = None
        resource_text = self.state.resource_policy(resource)
        if resource_text:
            resource_policy = _parsed(resource_text, "resource", None, resource)
            sources.append(RecordedPolicy("resource", resource_text, None, resource))
        policies = policy.PolicySet(
            identity=identity,
            resource=resource_policy,
            vpc_endpoint=endpoint,
            permission_boundary=boundary,
            session=session,
        )
        return policies, sources

    @staticmethod
    def _optional(source: Any, kind: str, sources: list[RecordedPolicy]) -> Any:
        if source is None:
            return None
        sources.append(RecordedPolicy(kind, source.document, source.name, source.arn))
        return _parsed(source.document, kind, source.name, source.arn)


def _evaluation(
    request: Any, sources: list[RecordedPolicy], decision: Any, message: str | None
) -> Evaluation:
    """One decided authorization as the decision record keeps it (explanation on first read)."""
    return Evaluation(
        RecordedRequest(
            request.principal,
            request.action,
            request.resource,
            bool(request.via_endpoint),
            dict(request.context),
        ),
        decision.decision,
        decision.denied_by,
        message,
        tuple(sources),
        dict(getattr(request, "derived", {})),
        explain=lambda: decision.explanation.to_dict(),
    )


def _arn_account(arn: str) -> str | None:
    parts = arn.split(":", 5)
    return parts[4] or None if len(parts) == 6 else None
