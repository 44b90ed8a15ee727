"""The control front: the lab's EC2/IAM/STS API (``AWS_ENDPOINT_URL``) on 127.0.0.1.

Every request is SigV4-checked against the lab's keys (``labkit.local.wire.sigv4.verify``; unknown
keys fail closed). EC2 VPC-endpoint actions are validated as AWS validates them
(``labkit.local.front.ec2``) before moto acts; moto's own mistakes are corrected by the moto
adapter.
Logs and EventBridge calls that reach this URL are passed to the data plane's public side, so
that no call escapes policy evaluation.
"""

from __future__ import annotations

import json
import threading
import uuid
from typing import Any
from urllib.parse import urlsplit

from labkit import services
from labkit.local.front import auth_errors
from labkit.local.front.ec2.endpoints import MUTATING_ACTIONS, plan
from labkit.local.front.ec2.errors import Ec2Error, error_body
from labkit.local.front.ec2.query import QueryParams
from labkit.local.front.ec2.validation import Scope
from labkit.local.wire import sigv4
from labkit.local.wire.forward import Forwarder, Upstream
from labkit.local.wire.http import Incoming, LoopbackServer, WireResponse
from labkit.local.world.state import LabState

MAX_BODY = 10 * 1024 * 1024


class ControlFront:
    """The admin-facing API: verify, validate, forward to moto, correct."""

    def __init__(self, state: LabState, moto_url: str) -> None:
        self.state = state
        self.moto = Forwarder(moto_url)
        self.public: Forwarder | None = None
        self._mutate_lock = threading.Lock()
        self._server: LoopbackServer | None = None
        self.url = ""

    def route_data_plane_to(self, public_url: str) -> None:
        """Where logs/events calls sent to the control front go (the data plane's public side)."""
        self.public = Forwarder(public_url)

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

    def serve(self, incoming: Incoming) -> WireResponse:
        """The listener's handler: one request in, one answer out."""
        try:
            answer = self.handle(
                incoming.method, incoming.path, list(incoming.headers), incoming.body
            )
        except OSError:
            answer = _json_error(
                502, "ServiceUnavailable", "The lab's AWS state server did not answer.", "-"
            )
        return answer.as_response()

    # ------------------------------------------------------------------ per request

    def handle(
        self, method: str, path: str, headers: list[tuple[str, str]], body: bytes
    ) -> Upstream:
        """Answer one request (used by the HTTP handler; callable directly in tests)."""
        request_id = str(uuid.uuid4())
        signed = sigv4.SignedRequest.from_items(method, path, headers, body)
        checked = sigv4.verify(signed, self.state.credentials)
        if isinstance(checked, sigv4.AuthFailure):
            return self._auth_failure(signed, checked, request_id)
        if checked.service == "ec2":
            return self._ec2(checked, method, path, headers, body, request_id)
        served = services.by_signing_name(checked.service)
        if served is not None and served.plane == "data":
            if self.public is None:
                return _json_error(
                    503,
                    "ServiceUnavailableException",
                    "The lab's data plane is not running, so logs/events calls cannot be served.",
                    request_id,
                )
            return self.public.send(method, path, headers, body)
        return self.moto.send(method, path, headers, body)

    def _auth_failure(
        self, signed: sigv4.SignedRequest, failure: sigv4.AuthFailure, request_id: str
    ) -> Upstream:
        scope = sigv4.credential_scope(signed.header("authorization"))
        spec = services.by_signing_name(scope.service) if scope else None
        if spec is not None and spec.protocol == "ec2":
            status, payload = auth_errors.ec2_failure(failure.reason, failure.message, request_id)
            return _xml(status, payload, request_id)
        if spec is not None and spec.protocol == "query":
            status, payload = auth_errors.query_failure(
                spec.name, failure.reason, failure.message, request_id
            )
            return _xml(status, payload, request_id)
        return _json_error(400, failure.code, failure.message, request_id)

    def _ec2(
        self,
        checked: Any,
        method: str,
        path: str,
        headers: list[tuple[str, str]],
        body: bytes,
        request_id: str,
    ) -> Upstream:
        params = QueryParams.parse(body, urlsplit(path).query)
        scope = Scope(checked.credential.account_id, checked.region)
        if params.action not in MUTATING_ACTIONS:
            return self.moto.send(method, path, headers, body)
        with self._mutate_lock:
            try:
                decided = plan(params.action, params, scope, request_id)
            except Ec2Error as err:
                return _xml(err.status, error_body(err.code, err.message, request_id), request_id)
            if not decided.forward:
                return _xml(200, decided.body or b"", request_id)
            answer = self.moto.send(method, path, headers, body)
            if answer.status == 200:
                for step in decided.after:
                    step()
            return answer


def _xml(status: int, payload: bytes, request_id: str) -> Upstream:
    headers = [
        ("Content-Type", "text/xml;charset=UTF-8"),
        ("x-amzn-RequestId", request_id),
        ("Server", "AmazonEC2"),
    ]
    return Upstream(status, "", headers, payload)


def _json_error(status: int, code: str, message: str, request_id: str) -> Upstream:
    payload = json.dumps({"__type": code, "message": message}).encode()
    headers = [
        ("Content-Type", "application/x-amz-json-1.1"),
        ("x-amzn-RequestId", request_id),
        ("x-amzn-ErrorType", code),
    ]
    return Upstream(status, "", headers, payload)
