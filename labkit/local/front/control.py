"""The control front: EC2, IAM and STS, every call authorized as AWS authorizes it.

Calls reach it two ways: from outside the VPC on its own listener (``AWS_ENDPOINT_URL`` of the
admin; :meth:`ControlFront.serve`), and from the instance through the instance's network
(the egress routes them here after DNS and routes; :meth:`ControlFront.handle`). For one call,
in the order AWS's request framework works:

1. SigV4 against the lab's keys (``labkit.local.wire.sigv4.verify``; unknown keys fail closed),
   failures in each protocol's format (``front.auth_errors``);
2. the ``Action`` and its parameters read with botocore's model (``front.query_input``):
   an unknown action is ``InvalidAction``;
3. authorization by the lab's one decider (``gateway.decide.PolicyDecider``: catalog → request
   → policy engine on the live policies): a denial is answered in the service's own words
   (``front.rules``: EC2 ``UnauthorizedOperation`` with an encoded authorization message, IAM
   and STS ``AccessDenied``), HTTP 403;
4. EC2 ``DryRun``: the endpoint validations, then ``DryRunOperation`` (412) — only ever for an
   authorized call; EC2 endpoint validations and fix-ups (``front.ec2``);
5. the lab's own answers (STS ``DecodeAuthorizationMessage``), else moto.

Every call leaves a ``DecisionRecord`` in the lab's decision log. The control front serves the
control-plane services only: a CloudWatch Logs or EventBridge call sent here is refused with a
message naming where it belongs (the instance reaches those services through its network).
"""

from __future__ import annotations

import re
import threading
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from labkit import services
from labkit.backend.record import DecisionRecord, NetworkRoute, Outcome, Stage
from labkit.local.front import auth_errors
from labkit.local.front.answers import EC2_TYPE, QUERY_TYPE, FrontError, error_answer, xml_answer
from labkit.local.front.authorization_messages import AuthorizationMessages
from labkit.local.front.ec2.endpoints import MUTATING_ACTIONS, plan
from labkit.local.front.ec2.errors import Ec2Error
from labkit.local.front.ec2.query import QueryParams
from labkit.local.front.ec2.validation import Scope
from labkit.local.front.query_input import QueryCall, read_query_call
from labkit.local.front.rules import Denial, refusal, rules_for
from labkit.local.gateway.decide import CallProblem, Decider, Judgement, PolicyDecider
from labkit.local.gateway.decision_log import DecisionLog
from labkit.local.gateway.request_input import ServiceCall
from labkit.local.wire import sigv4
from labkit.local.wire.forward import Forwarder, Upstream, forwardable
from labkit.local.wire.http import Incoming, LoopbackServer, WireResponse
from labkit.local.wire.json11 import AwsError
from labkit.local.world.moto.coverage import implements
from labkit.local.world.state import LabState

MAX_BODY = 10 * 1024 * 1024
DRY_RUN_OK = "Request would have succeeded, but DryRun flag is set."
INTERNAL_FAILURE = (
    "The request processing has failed because of an unknown error, exception or failure."
)

RouteOf = Callable[[str], NetworkRoute]


def _outside(service: str) -> NetworkRoute:
    return NetworkRoute(False, "", "internet")


class ControlFront:
    """The control plane's service front: verify, read, authorize, validate, serve, record."""

    def __init__(
        self,
        state: LabState,
        moto_url: str,
        *,
        decider: Decider | None = None,
        decisions: DecisionLog | None = None,
        message_style: str = "current",
        outside_route: RouteOf = _outside,
    ) -> None:
        self.state = state
        self.moto = Forwarder(moto_url)
        self.decider = decider or PolicyDecider(state, message_style=message_style)
        self.decisions = decisions if decisions is not None else DecisionLog()
        self.message_style = message_style
        self.outside_route = outside_route
        self.authorization_messages = AuthorizationMessages()
        self._mutate_lock = threading.Lock()
        self._server: LoopbackServer | None = None
        self.url = ""

    def start(self) -> str:
        """Listen on 127.0.0.1 (OS-chosen port); returns the base URL."""
        self._server = LoopbackServer(
            self.serve, "control-front", server_header="labkit-control", max_body=MAX_BODY
        )
        self.url = self._server.start()
        return self.url

    def stop(self) -> None:
        """Stop listening and free the port (safe to call twice)."""
        if self._server is not None:
            self._server.stop()
            self._server = None

    # ------------------------------------------------------------------ entry points

    def serve(self, incoming: Incoming) -> WireResponse:
        """The listener's handler: a call from outside the VPC."""
        scope = sigv4.credential_scope(incoming.header("authorization"))
        spec = services.by_signing_name(scope.service) if scope else None
        if spec is not None and spec.plane != "control":
            return self._misdirected(incoming, spec)
        route = self.outside_route(spec.name) if spec is not None else _outside("")
        return self.handle(incoming, route)

    def handle(self, incoming: Incoming, route: NetworkRoute) -> WireResponse:
        """Answer one control-plane call that arrived over ``route``; never raises."""
        facts: dict[str, Any] = {
            "request_id": str(uuid.uuid4()),
            "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "network": route,
        }
        try:
            return self._handle(incoming, route, facts)
        except OSError:
            error = FrontError(
                "ServiceUnavailable", "The lab's AWS state server did not answer.", 503
            )
            return self._refuse(facts, error, "service", outcome="failed")
        except Exception as err:  # the lab's own fault: answer as AWS does, keep serving
            facts["internal_error"] = f"{type(err).__name__}: {err}"
            error = FrontError("InternalFailure", INTERNAL_FAILURE, 500)
            return self._refuse(facts, error, "internal", outcome="failed")

    # ------------------------------------------------------------------ the steps

    def _handle(
        self, incoming: Incoming, route: NetworkRoute, facts: dict[str, Any]
    ) -> WireResponse:
        signed = sigv4.SignedRequest.from_items(
            incoming.method, incoming.path, incoming.headers, incoming.body
        )
        checked = sigv4.verify(signed, self.state.credentials)
        if isinstance(checked, sigv4.AuthFailure):
            facts["access_key_id"] = checked.access_key_id
            return self._auth_failure(signed, checked, facts)
        facts.update(caller=checked.credential.arn, access_key_id=checked.access_key_id)
        spec = services.by_signing_name(checked.service)
        if spec is None or spec.plane != "control":
            return self._misdirected(incoming, spec, facts)
        facts["service"] = spec.name
        try:
            call = read_query_call(spec.name, incoming.body, urlsplit(incoming.path).query)
        except FrontError as error:
            return self._refuse(facts, error, "request")
        facts["operation"] = call.operation
        service_call = ServiceCall(spec.name, call.operation, call.params, "")
        try:
            judgement = self.decider.decide(service_call, checked, route)
        except CallProblem as problem:
            return self._refuse(facts, _invalid(spec.name, str(problem)), "validation")
        except AwsError as error:
            wrapped = FrontError(error.code, error.message or error.code, error.status)
            return self._refuse(facts, wrapped, "validation")
        facts["evaluations"] = judgement.evaluations
        if judgement.unsupported:
            facts["reason"] = judgement.unsupported
            error = FrontError(
                "NotImplemented",
                f"labkit's local lab cannot authorize {spec.name}:{call.operation}: "
                f"{judgement.unsupported}. It refuses the call rather than guess.",
                501,
            )
            return self._refuse(facts, error, "authorization", outcome="unsupported")
        if not judgement.allowed:
            return self._deny(facts, call, judgement)
        return self._serve_allowed(incoming, checked, call, facts)

    def _deny(self, facts: dict[str, Any], call: QueryCall, judgement: Judgement) -> WireResponse:
        denial = Denial(
            call.service, call.operation, judgement, self.message_style, self.authorization_messages
        )
        return self._refuse(facts, refusal(denial), "authorization", outcome="denied")

    def _serve_allowed(
        self, incoming: Incoming, checked: Any, call: QueryCall, facts: dict[str, Any]
    ) -> WireResponse:
        request_id = facts["request_id"]
        if call.service == "ec2":
            try:
                answer = self._ec2(incoming, checked, call, request_id)
            except (Ec2Error, FrontError) as error:
                answer_error = _front_error(error)
                dry_run = answer_error.code == "DryRunOperation"  # authorized: it would succeed
                outcome: Outcome = "allowed" if dry_run else "failed"
                return self._refuse(facts, answer_error, "service", outcome=outcome)
            return self._served(facts, answer)
        rules = rules_for(call.service)
        validate = getattr(rules, "validate", None)
        if validate is not None:
            try:
                validate(call, self, checked.credential.account_id)
            except FrontError as error:
                return self._refuse(facts, error, "validation")
        local = getattr(rules, "local_answer", None)
        if local is not None:
            try:
                body = local(call, self, request_id)
            except FrontError as error:
                return self._refuse(facts, error, "service", outcome="failed")
            if body is not None:
                return self._served(facts, xml_answer(200, body, request_id, QUERY_TYPE))
        return self._forward(incoming, call, facts)

    def _ec2(
        self, incoming: Incoming, checked: Any, call: QueryCall, request_id: str
    ) -> WireResponse:
        params = QueryParams(call.raw)
        dry_run = params.boolean("DryRun")
        if call.operation not in MUTATING_ACTIONS:
            if dry_run:
                raise FrontError("DryRunOperation", DRY_RUN_OK, 412)
            return self._to_moto(incoming, call, request_id)
        scope = Scope(checked.credential.account_id, checked.region)
        with self._mutate_lock:
            decided = plan(call.operation, params, scope, request_id)
            if not decided.forward:
                return xml_answer(200, decided.body or b"", request_id, EC2_TYPE)
            answer = self._to_moto(incoming, call, request_id)
            if answer.status == 200:
                for step in decided.after:
                    step()
            return answer

    def _forward(self, incoming: Incoming, call: QueryCall, facts: dict[str, Any]) -> WireResponse:
        request_id = facts["request_id"]
        if not implements(call.service, call.operation):
            error = FrontError(
                "NotImplemented",
                f"labkit's local lab does not implement {call.service}:{call.operation} (moto "
                "has no implementation of it); the call was authorized but nothing was done.",
                501,
            )
            return self._refuse(facts, error, "service", outcome="unsupported")
        return self._served(facts, self._to_moto(incoming, call, request_id))

    def _to_moto(self, incoming: Incoming, call: QueryCall, request_id: str) -> WireResponse:
        if not implements(call.service, call.operation):
            raise FrontError(
                "NotImplemented",
                f"labkit's local lab does not implement {call.service}:{call.operation}.",
                501,
            )
        upstream = self.moto.send(
            incoming.method, incoming.path, list(incoming.headers), incoming.body
        )
        return _with_request_id(upstream, request_id)

    # ------------------------------------------------------------------ answers and records

    def _served(self, facts: dict[str, Any], answer: WireResponse) -> WireResponse:
        facts.update(outcome="allowed", http_status=answer.status)
        if answer.status >= 400:
            facts["outcome"] = "failed"
        self.decisions.record(DecisionRecord(**facts))
        return answer

    def _refuse(
        self,
        facts: dict[str, Any],
        error: FrontError,
        stage: Stage,
        *,
        outcome: Outcome = "refused",
    ) -> WireResponse:
        facts.update(
            outcome=outcome,
            stage=stage,
            http_status=error.status,
            error_code=error.code,
            error_message=error.message,
        )
        self.decisions.record(DecisionRecord(**facts))
        return error_answer(facts.get("service"), error, facts["request_id"])

    def _auth_failure(
        self, signed: sigv4.SignedRequest, failure: sigv4.AuthFailure, facts: dict[str, Any]
    ) -> WireResponse:
        request_id = facts["request_id"]
        scope = sigv4.credential_scope(signed.header("authorization"))
        spec = services.by_signing_name(scope.service) if scope else None
        if spec is not None and spec.protocol == "ec2":
            status, payload = auth_errors.ec2_failure(failure.reason, failure.message, request_id)
            code = auth_errors.ec2_code(failure.reason)
            answer = xml_answer(status, payload, request_id, EC2_TYPE)
        elif spec is not None and spec.protocol == "query":
            status, payload = auth_errors.query_failure(
                spec.name, failure.reason, failure.message, request_id
            )
            code = auth_errors.query_code(failure.reason)
            answer = xml_answer(status, payload, request_id, QUERY_TYPE)
        else:
            error = failure.error()
            status, code, answer = error.status, error.code, error.response(request_id)
        facts.update(
            service=spec.name if spec else None,
            outcome="refused",
            stage="authentication",
            http_status=status,
            error_code=code,
            error_message=failure.message,
        )
        self.decisions.record(DecisionRecord(**facts))
        return answer

    def _misdirected(
        self, incoming: Incoming, spec: Any, facts: dict[str, Any] | None = None
    ) -> WireResponse:
        facts = facts or {
            "request_id": str(uuid.uuid4()),
            "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "target": incoming.header("x-amz-target"),
        }
        served = ", ".join(s.title for s in services.on_plane("control"))
        if spec is None:
            scope = sigv4.credential_scope(incoming.header("authorization"))
            named = f"'{scope.service}'" if scope else "no service (it is not signed)"
            message = (
                f"labkit's control front serves {served} only; this request is signed for "
                f"{named}, which the lab does not serve."
            )
        else:
            message = (
                f"labkit's control front serves {served} only: {spec.title} calls go to the "
                f"lab's data plane ({spec.endpoint_url_variable} in the lab's environment), "
                "the way the VPC routes them."
            )
        error = FrontError("UnknownOperationException", message, 400)
        facts.update(service=spec.name if spec else None)
        facts.update(
            outcome="refused",
            stage="request",
            http_status=error.status,
            error_code=error.code,
            error_message=error.message,
        )
        self.decisions.record(DecisionRecord(**facts))
        payload_service = spec.name if spec is not None and spec.protocol != "json" else None
        return error_answer(payload_service, error, facts["request_id"])


def _invalid(service: str, message: str) -> FrontError:
    code = "InvalidParameterValue" if service == "ec2" else "ValidationError"
    return FrontError(code, message)


def _front_error(error: Ec2Error | FrontError) -> FrontError:
    if isinstance(error, FrontError):
        return error
    return FrontError(error.code, error.message, error.status)


_BODY_REQUEST_ID = re.compile(rb"<(requestId|RequestId|RequestID)>[^<]*</\1>")


def _with_request_id(upstream: Upstream, request_id: str) -> WireResponse:
    """moto's answer under the front's request ID (header and body alike, as AWS has one)."""
    body = _BODY_REQUEST_ID.sub(
        lambda m: b"<%s>%s</%s>" % (m.group(1), request_id.encode(), m.group(1)), upstream.body, 1
    )
    kept = [
        (k, v)
        for k, v in upstream.headers
        if k.lower() not in ("x-amzn-requestid", "content-length", "server", "date")
        and forwardable(k)
    ]
    return WireResponse(
        upstream.status,
        (("x-amzn-RequestId", request_id), *kept, ("Content-Length", str(len(body)))),
        body,
        reason=upstream.reason or None,
    )
