"""Authentication failures at the control front, in each protocol's own error format.

The signature check itself is ``labkit.local.wire.sigv4.verify`` (shared with the gateway); this
module only says how EC2 (XML, ``AuthFailure``), IAM/STS (query XML, ``InvalidClientTokenId``)
and JSON services answer each failure (docs/fidelity/local-control.md).
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from labkit import services
from labkit.local.front.ec2.errors import error_body

EC2_AUTH = "AWS was not able to validate the provided access credentials"

# reason (labkit.local.wire.sigv4.Reason) → (EC2 code, EC2 message or None for the shared
# text, status)
_EC2 = {
    "missing": ("AuthFailure", EC2_AUTH, 401),
    "incomplete": ("AuthFailure", EC2_AUTH, 401),
    "bad_scope": ("AuthFailure", EC2_AUTH, 401),
    "unknown_key": ("AuthFailure", EC2_AUTH, 401),
    "bad_token": ("AuthFailure", EC2_AUTH, 401),
    "skew": ("RequestExpired", "Request has expired.", 400),
    "expired_token": ("RequestExpired", "Request has expired.", 400),
    "bad_signature": ("SignatureDoesNotMatch", None, 403),
}
_QUERY = {
    "missing": ("MissingAuthenticationToken", None),
    "incomplete": ("IncompleteSignature", None),
    "bad_scope": ("SignatureDoesNotMatch", None),
    "skew": ("SignatureDoesNotMatch", None),
    "unknown_key": ("InvalidClientTokenId", None),
    "bad_token": ("InvalidClientTokenId", None),
    "expired_token": ("ExpiredToken", None),
    "bad_signature": ("SignatureDoesNotMatch", None),
}


def ec2_code(reason: str) -> str:
    """The EC2 error code of an authentication failure."""
    return _EC2.get(reason, ("AuthFailure", EC2_AUTH, 401))[0]


def query_code(reason: str) -> str:
    """The IAM/STS error code of an authentication failure."""
    return _QUERY.get(reason, ("InvalidClientTokenId", None))[0]


def ec2_failure(reason: str, message: str, request_id: str) -> tuple[int, bytes]:
    """(status, body) EC2 answers for an authentication failure."""
    code, text, status = _EC2.get(reason, ("AuthFailure", EC2_AUTH, 401))
    return status, error_body(code, text or message, request_id)


def query_failure(service: str, reason: str, message: str, request_id: str) -> tuple[int, bytes]:
    """(status, body) IAM/STS answer for an authentication failure (always HTTP 403)."""
    code, text = _QUERY.get(reason, ("InvalidClientTokenId", None))
    spec = services.find(service)
    namespace = (spec and spec.query_namespace) or services.service("iam").query_namespace
    body = (
        f'<ErrorResponse xmlns="{namespace}"><Error><Type>Sender</Type>'
        f"<Code>{escape(code)}</Code><Message>{escape(text or message)}</Message></Error>"
        f"<RequestId>{escape(request_id)}</RequestId></ErrorResponse>"
    )
    return 403, body.encode()
