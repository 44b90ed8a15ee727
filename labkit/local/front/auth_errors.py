"""Authentication failures at the control front, in each protocol's own error format.

The signature check itself is ``labkit.local.wire.sigv4.verify`` (shared with the gateway); this
module only says how EC2 (XML, ``AuthFailure``), IAM/STS (query XML, ``InvalidClientTokenId``)
and JSON services answer each failure (docs/fidelity/local-control.md).
"""

from __future__ import annotations

import re
from xml.sax.saxutils import escape

from labkit.local.front.ec2.errors import error_body

_SCOPE = re.compile(r"Credential=[^/,\s]+/\d{8}/([^/,\s]+)/([^/,\s]+)/aws4_request")
QUERY_NAMESPACES = {
    "iam": "https://iam.amazonaws.com/doc/2010-05-08/",
    "sts": "https://sts.amazonaws.com/doc/2011-06-15/",
}
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


def signing_service(authorization: str | None) -> tuple[str | None, str | None]:
    """(region, service) named in a SigV4 ``Authorization`` header's credential scope."""
    match = _SCOPE.search(authorization or "")
    return (match.group(1), match.group(2)) if match else (None, None)


def ec2_failure(reason: str, message: str, request_id: str) -> tuple[int, bytes]:
    """(status, body) EC2 answers for an authentication failure."""
    code, text, status = _EC2.get(reason, ("AuthFailure", EC2_AUTH, 401))
    return status, error_body(code, text or message, request_id)


def query_failure(service: str, reason: str, message: str, request_id: str) -> tuple[int, bytes]:
    """(status, body) IAM/STS answer for an authentication failure (always HTTP 403)."""
    code, text = _QUERY.get(reason, ("InvalidClientTokenId", None))
    namespace = QUERY_NAMESPACES.get(service, QUERY_NAMESPACES["iam"])
    body = (
        f'<ErrorResponse xmlns="{namespace}"><Error><Type>Sender</Type>'
        f"<Code>{escape(code)}</Code><Message>{escape(text or message)}</Message></Error>"
        f"<RequestId>{escape(request_id)}</RequestId></ErrorResponse>"
    )
    return 403, body.encode()
