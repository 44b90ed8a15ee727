"""The lab's one authorization step, for every service: catalog → request → policy engine.

Both fronts use it: the gateway (CloudWatch Logs, EventBridge) and the control front (EC2, IAM,
STS). For each authorization the catalog derives from the call
(``labkit.catalog.authorize_call``), the complete request is built for the network path the
call took (``build_request``) and the policy engine (``labkit.policy.evaluate``) decides against
the policies that apply now:

* identity policies of the caller's user or role (inline, managed, group), its permissions
  boundary and its session policy where they exist;
* the SCPs of the caller's organization, where the scenario has them;
* the VPC endpoint's policy, only when the call went through the endpoint;
* the resource-based policy of the resource: an event bus's policy, or for ``sts:AssumeRole``
  and kin the role's trust policy, which must allow (``PolicySet.resource_must_allow``).

A call whose catalog mapping authorizes nothing (``sts:GetCallerIdentity``) is allowed without
evaluating anything. Resources only the service's state knows (the log groups of a Logs
Insights query) are filled in by the service's gateway hooks (``resolve``) first.

Policy texts are read in-process from moto at each call and parsed once per distinct text.
The first authorization that is denied decides the call (AWS answers one denial).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, Protocol

from labkit import catalog, policy, services
from labkit.backend.record import Evaluation, NetworkRoute, RecordedPolicy, RecordedRequest
from labkit.catalog.sts import TRUST_POLICY_ACTIONS
from labkit.local.gateway.hooks import resolver
from labkit.local.gateway.request_input import ServiceCall, validation_code
from labkit.local.gateway.trust_policies import NO_TRUST, as_resource_policy
from labkit.local.wire.json11 import AwsError
from labkit.local.wire.sigv4 import Verified


@dataclass(frozen=True)
class Judgement:
    """The verdict on one call, with the evaluations the decision log keeps.

    ``decision`` is the engine's :class:`~labkit.policy.Decision` of the last evaluation (the
    denied one, for a denial); ``problem`` is set when the catalog cannot use a parameter.
    """

    allowed: bool
    message: str | None = None  # the AccessDenied text when denied
    evaluations: tuple[Evaluation, ...] = ()
    unsupported: str | None = None  # why the catalog cannot map the operation
    decision: Any = None


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
    def trust_policy(self, role_arn: str) -> Any | None: ...
    def service_control_policies(self, account_id: str) -> list[list[Any]]: ...


class CallProblem(ValueError):
    """A parameter the catalog cannot use, said as the service's validation would say it."""

    def __init__(self, parameter: str, problem: str) -> None:
        super().__init__(f"Parameter {parameter} {problem}.")
        self.parameter = parameter
        self.problem = problem


@lru_cache(maxsize=1024)
def _parsed(text: str, kind: str, name: str | None, arn: str | None) -> Any:
    return policy.parse_policy(text, kind=kind, name=name, arn=arn)  # type: ignore[arg-type]


class PolicyDecider:
    """Decides calls with ``labkit.catalog`` and ``labkit.policy`` on the lab's live policies."""

    def __init__(self, state: PolicyState, *, message_style: str = "current") -> None:
        self.state = state
        self.message_style = message_style

    def decide(self, call: ServiceCall, verified: Verified, route: NetworkRoute) -> Judgement:
        """Allowed or denied, and why; raises ``CallProblem`` for a parameter AWS would refuse.

        The gateway turns a ``CallProblem`` into the service's validation error; a JSON service
        caller may catch ``AwsError`` instead (raised for JSON services, as before).
        """
        try:
            contexts = self.contexts(call, verified, route)
        except catalog.UnknownOperation as error:
            return Judgement(False, unsupported=error.reason)
        except catalog.CallParameterError as error:
            if _is_json(call.service):
                raise AwsError(
                    validation_code(call.service), f"Parameter {error.parameter} {error.problem}."
                ) from None
            raise CallProblem(error.parameter, error.problem) from None
        evaluations: list[Evaluation] = []
        decision = None
        for authz, request in contexts:
            policies, sources = self._policy_set(verified.credential, route, authz)
            decision = policy.evaluate(request, policies)
            message = decision.message(self.message_style)
            evaluations.append(_evaluation(request, sources, decision, message))
            if not decision.allowed:
                return Judgement(False, message, tuple(evaluations), decision=decision)
        return Judgement(True, None, tuple(evaluations), decision=decision)

    def contexts(
        self, call: ServiceCall, verified: Verified, route: NetworkRoute
    ) -> list[tuple[Any, Any]]:
        """Each authorization the catalog derives for the call, with its complete request
        (``catalog.build_request``: a ``policy.Request`` whose ``.derived`` says why each key).

        Raises ``labkit.catalog.UnknownOperation`` for an operation the catalog cannot map and
        ``CallParameterError`` for a parameter it cannot use.
        """
        caller = verified.caller
        region = verified.region or self.state.region
        network = catalog.NetworkPath(
            via_endpoint=route.via_endpoint,
            vpce_id=route.vpce_id,
            vpc_id=route.vpc_id,
            source_ip=route.source_ip or None,
        )
        params = dict(call.params)
        resolve = resolver(call.service)
        if resolve is not None:
            params.update(resolve(call.operation, call.params, caller.account, region))
        found = []
        now = datetime.now(UTC)
        for authz in catalog.authorize_call(
            call.service, call.operation, params, region=region, account=caller.account
        ):
            account = authz.resource_account or _arn_account(authz.resource) or caller.account
            request = catalog.build_request(
                caller,
                authz,
                network,
                region=region,
                resource_org_id=self.state.org_id_of(account),
                resource_tags=self.state.resource_tags(authz.resource),
                now=now,
            )
            found.append((authz, request))
        return found

    def _policy_set(
        self, credential: Any, route: NetworkRoute, authz: Any
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
        scps = []
        for level, attached in enumerate(
            self.state.service_control_policies(credential.account_id)
        ):
            parsed_level = []
            for source in attached:
                parsed_level.append(_parsed(source.document, "scp", source.name, source.arn))
                sources.append(
                    RecordedPolicy("scp", source.document, source.name, source.arn, level)
                )
            scps.append(parsed_level)
        endpoint = None
        if route.via_endpoint and route.vpce_id:
            text = self.state.endpoint_policy(route.vpce_id)
            endpoint = _parsed(text, "vpc-endpoint", route.vpce_id, None)
            sources.append(RecordedPolicy("vpc-endpoint", text, route.vpce_id))
        resource_policy, must_allow = self._resource_policy(authz, sources)
        policies = policy.PolicySet(
            identity=identity,
            resource=resource_policy,
            vpc_endpoint=endpoint,
            permission_boundary=boundary,
            session=session,
            scps=scps,
            resource_must_allow=must_allow,
        )
        return policies, sources

    def _resource_policy(self, authz: Any, sources: list[RecordedPolicy]) -> tuple[Any, bool]:
        resource = authz.resource
        if authz.action.lower() in TRUST_POLICY_ACTIONS:
            trust = self.state.trust_policy(resource)
            text = as_resource_policy(trust.document if trust else NO_TRUST, resource)
            name = f"trust policy of {trust.name}" if trust else "no such role"
            sources.append(RecordedPolicy("resource", text, name, resource))
            return _parsed(text, "resource", name, resource), True
        text = self.state.resource_policy(resource)
        if not text:
            return None, False
        sources.append(RecordedPolicy("resource", text, None, resource))
        return _parsed(text, "resource", None, resource), False

    @staticmethod
    def _optional(source: Any, kind: str, sources: list[RecordedPolicy]) -> Any:
        if source is None:
            return None
        sources.append(RecordedPolicy(kind, source.document, source.name, source.arn))
        return _parsed(source.document, kind, source.name, source.arn)


def _is_json(service: str) -> bool:
    spec = services.find(service)
    return spec is None or spec.protocol == "json"


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
