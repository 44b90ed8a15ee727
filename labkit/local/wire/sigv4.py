"""Verify AWS Signature Version 4 on an incoming request, as an AWS JSON service does.

The signature is recomputed with botocore's own signer (``botocore.auth.SigV4Auth``) from the
secret the lab holds for the access key, so a request signed with a wrong secret, an unknown key,
a stale or future timestamp, a credential scoped to another Region or service, a wrong session
token or an expired session is refused with the code and text AWS uses for JSON 1.1 services
(order and wording as AWS's request framework answers them; see docs/fidelity/local-data.md).

``verify`` is shared by the endpoint gateway and the control front; it never raises for bad
input, it returns an :class:`AuthFailure`.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal, Protocol

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from labkit.local.wire.json11 import AwsError

ALGORITHM = "AWS4-HMAC-SHA256"
TIMESTAMP = "%Y%m%dT%H%M%SZ"
MAX_SKEW = timedelta(minutes=5)
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
_BASIC_STAMP = re.compile(r"([0-9]{4})([0-9]{2})([0-9]{2})T([0-9]{2})([0-9]{2})([0-9]{2})Z")

Reason = Literal[
    "missing",  # no SigV4 Authorization header
    "incomplete",  # header lacks a part, bad date, bad credential shape, other algorithm
    "bad_scope",  # credential scoped to another Region/service/date, or host not signed
    "skew",  # timestamp more than 5 minutes from the lab's clock
    "unknown_key",  # access key the lab does not know
    "bad_signature",  # signature does not match the one computed from the secret
    "bad_token",  # session token missing, extra or wrong
    "expired_token",  # temporary credentials past their expiry
]

_JSON_CODES: dict[str, str] = {
    "missing": "MissingAuthenticationTokenException",
    "incomplete": "IncompleteSignatureException",
    "bad_scope": "InvalidSignatureException",
    "skew": "InvalidSignatureException",
    "unknown_key": "UnrecognizedClientException",
    "bad_signature": "InvalidSignatureException",
    "bad_token": "UnrecognizedClientException",
    "expired_token": "ExpiredTokenException",
}

SIGNATURE_MISMATCH = (
    "The request signature we calculated does not match the signature you provided. "
    "Check your AWS Secret Access Key and signing method. "
    "Consult the service documentation for details."
)
INVALID_TOKEN = "The security token included in the request is invalid."
EXPIRED_TOKEN = "The security token included in the request is expired"
MISSING_TOKEN = "Request is missing Authentication Token"


class CredentialLike(Protocol):
    """What ``verify`` needs from the lab's record of an access key."""

    @property
    def secret_access_key(self) -> str: ...
    @property
    def session_token(self) -> str | None: ...
    @property
    def expiration(self) -> datetime | None: ...


Lookup = Callable[[str], CredentialLike | None]


@dataclass(frozen=True)
class SignedRequest:
    """The parts of an HTTP request that SigV4 covers."""

    method: str
    path: str  # as on the request line: path plus optional ?query
    headers: Mapping[str, str]
    body: bytes = b""

    @classmethod
    def from_items(
        cls, method: str, path: str, headers: Iterable[tuple[str, str]], body: bytes
    ) -> SignedRequest:
        """Build one from header pairs (names are matched case-insensitively)."""
        folded: dict[str, str] = {}
        for name, value in headers:
            key = name.lower()
            folded[key] = f"{folded[key]},{value}" if key in folded else value
        return cls(method, path, folded, body)

    def header(self, name: str) -> str | None:
        """A header's value, whatever the case of its name."""
        wanted = name.lower()
        if wanted in self.headers:
            return self.headers[wanted]
        return next((v for k, v in self.headers.items() if k.lower() == wanted), None)


@dataclass(frozen=True)
class Verified:
    """A request whose signature checked out: who sent it and what it was scoped to."""

    access_key_id: str
    credential: Any
    region: str
    service: str

    @property
    def caller(self) -> Any:
        """The authenticated identity (``labkit.catalog.Caller``), from the credential."""
        return self.credential.caller


@dataclass(frozen=True)
class AuthFailure:
    """Why a request was refused, with the JSON 1.1 code and text AWS answers."""

    reason: Reason
    message: str
    access_key_id: str | None = None

    @property
    def code(self) -> str:
        """The error code a JSON 1.1 service returns for this failure."""
        return _JSON_CODES[self.reason]

    def error(self) -> AwsError:
        """As a wire error (always HTTP 400 for JSON 1.1 services)."""
        return AwsError(self.code, self.message, 400)


@dataclass(frozen=True)
class CredentialScope:
    """The parts of a SigV4 credential: ``AKID/20261207/ap-northeast-1/logs/aws4_request``."""

    access_key_id: str
    date: str
    region: str
    service: str
    terminator: str


def parse_credential(credential: str) -> CredentialScope | None:
    """The five parts of a ``Credential=`` value, or None when it does not have five."""
    pieces = credential.strip().rstrip("/").split("/")
    return CredentialScope(*pieces) if len(pieces) == 5 else None


def credential_scope(authorization: str | None) -> CredentialScope | None:
    """The credential scope a SigV4 ``Authorization`` header names, without verifying anything.

    For routing a request and choosing the error format to answer in; :func:`verify` decides
    whether the scope is acceptable.
    """
    text = authorization or ""
    marker = text.find("Credential=")
    if marker < 0:
        return None
    value = text[marker + len("Credential=") :].replace(",", " ").split(" ", 1)[0]
    return parse_credential(value)


@dataclass(frozen=True)
class _AuthHeader:
    credential: str
    signed_headers: tuple[str, ...]
    signature: str


def verify(
    request: SignedRequest,
    lookup: Lookup,
    *,
    region: str | None = None,
    service: str | None = None,
    now: datetime | None = None,
) -> Verified | AuthFailure:
    """Check ``request``'s SigV4 signature against the secret ``lookup`` holds for its key.

    ``region`` and ``service``, when given, are the scope the credential must name (the Region
    the lab plays and the signing name of the service called). ``now`` defaults to the clock.
    """
    now = now or datetime.now(UTC)
    raw = request.header("authorization")
    if not raw or not raw.strip().startswith("AWS4-"):
        return AuthFailure("missing", MISSING_TOKEN)
    parsed = _parse_header(raw, request)
    if isinstance(parsed, AuthFailure):
        return parsed
    header, stamp, when = parsed
    problem = _check_time(stamp, when, now) or _check_host_signed(header)
    if problem:
        return problem
    scope = _check_scope(header.credential, stamp, region, service)
    if isinstance(scope, AuthFailure):
        return scope
    key_id, scope_region, scope_service = scope
    credential = lookup(key_id)
    if credential is None:
        return AuthFailure("unknown_key", INVALID_TOKEN, key_id)
    expected = _signature(request, header, stamp, credential, key_id, scope_region, scope_service)
    if expected is None or not hmac.compare_digest(expected, header.signature):
        return AuthFailure("bad_signature", SIGNATURE_MISMATCH, key_id)
    if (request.header("x-amz-security-token") or None) != (credential.session_token or None):
        return AuthFailure("bad_token", INVALID_TOKEN, key_id)
    if credential.expiration is not None and now >= credential.expiration:
        return AuthFailure("expired_token", EXPIRED_TOKEN, key_id)
    return Verified(key_id, credential, scope_region, scope_service)


def _parse_header(
    raw: str, request: SignedRequest
) -> tuple[_AuthHeader, str, datetime] | AuthFailure:
    algorithm, _, rest = raw.strip().partition(" ")
    parts: dict[str, str] = {}
    for piece in rest.replace(",", " ").split():
        name, equals, value = piece.partition("=")
        if not equals:
            return AuthFailure(
                "incomplete",
                f"'{name}' not a valid key=value pair (missing equal-sign) in Authorization "
                f"header: '{raw}'.",
            )
        parts[name] = value
    missing = [
        f"Authorization header requires '{name}' parameter. "
        for name in ("Credential", "Signature", "SignedHeaders")
        if not parts.get(name)
    ]
    stamp = request.header("x-amz-date") or ""
    if not stamp and not request.header("date"):
        missing.append(
            "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. "
        )
    if missing:
        return AuthFailure("incomplete", "".join(missing) + f"Authorization={raw}")
    if algorithm != ALGORITHM:
        return AuthFailure(
            "incomplete",
            f"Unsupported AWS 'algorithm': '{algorithm}' (only {ALGORITHM} for now). ",
        )
    try:
        when = parse_timestamp(stamp)
    except ValueError:
        return AuthFailure(
            "incomplete",
            f"Date must be in ISO-8601 'basic format'. Got '{stamp}'. "
            "See http://en.wikipedia.org/wiki/ISO_8601",
        )
    signed = tuple(h.strip().lower() for h in parts["SignedHeaders"].split(";") if h.strip())
    return _AuthHeader(parts["Credential"], signed, parts["Signature"]), stamp, when


def parse_timestamp(stamp: str) -> datetime:
    """``X-Amz-Date`` (``20260101T120000Z``) as a UTC datetime; ValueError if it is not one.

    The form every SDK sends is read field by field; anything else goes to ``strptime``, so
    the same stamps are accepted and refused as with ``strptime(stamp, TIMESTAMP)`` alone
    (about four times as slow, on every signed request).
    """
    found = _BASIC_STAMP.fullmatch(stamp)
    if found is None:
        return datetime.strptime(stamp, TIMESTAMP).replace(tzinfo=UTC)
    year, month, day, hour, minute, second = map(int, found.groups())
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def _check_time(stamp: str, when: datetime, now: datetime) -> AuthFailure | None:
    if when < now - MAX_SKEW:
        return AuthFailure(
            "skew",
            f"Signature expired: {stamp} is now earlier than "
            f"{(now - MAX_SKEW).strftime(TIMESTAMP)} ({now.strftime(TIMESTAMP)} - 5 min.)",
        )
    if when > now + MAX_SKEW:
        return AuthFailure(
            "skew",
            f"Signature not yet current: {stamp} is still later than "
            f"{(now + MAX_SKEW).strftime(TIMESTAMP)} ({now.strftime(TIMESTAMP)} + 5 min.)",
        )
    return None


def _check_host_signed(header: _AuthHeader) -> AuthFailure | None:
    if "host" not in header.signed_headers:
        return AuthFailure("bad_scope", "'Host' must be a 'SignedHeader' in the AWS Authorization.")
    return None


def _check_scope(
    credential: str, stamp: str, region: str | None, service: str | None
) -> tuple[str, str, str] | AuthFailure:
    parsed = parse_credential(credential)
    if parsed is None:
        return AuthFailure(
            "incomplete",
            "Credential must have exactly 5 slash-delimited elements, "
            f"e.g. keyid/date/region/service/term, got '{credential}'",
        )
    key_id, date, scope_region, scope_service, terminator = (
        parsed.access_key_id,
        parsed.date,
        parsed.region,
        parsed.service,
        parsed.terminator,
    )
    complaints = []
    if region is not None and scope_region != region:
        complaints.append(f"Credential should be scoped to a valid region, not '{scope_region}'. ")
    if service is not None and scope_service != service:
        complaints.append(f"Credential should be scoped to correct service: '{service}'. ")
    if terminator != "aws4_request":
        complaints.append(
            f"Credential should be scoped with a valid terminator: 'aws4_request', "
            f"not '{terminator}'. "
        )
    if date != stamp[:8]:
        complaints.append(
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date "
            f"from HTTP: '{date}' != '{stamp[:8]}', from '{stamp}'."
        )
    if complaints:
        return AuthFailure("bad_scope", "".join(complaints).rstrip() + " ", key_id)
    return key_id, scope_region, scope_service


class _ExactHeadersSigner(SigV4Auth):
    """botocore's SigV4 signer, told exactly which headers the client signed."""

    def __init__(self, credentials: Credentials, service: str, region: str, names: Iterable[str]):
        super().__init__(credentials, service, region)
        self._names = tuple(names)

    def headers_to_sign(self, request: AWSRequest) -> Any:
        from botocore.compat import HTTPHeaders

        chosen = HTTPHeaders()
        for name in self._names:
            value = request.headers.get(name)
            if value is not None:
                chosen[name] = value
        return chosen


def _signature(
    request: SignedRequest,
    header: _AuthHeader,
    stamp: str,
    credential: CredentialLike,
    key_id: str,
    region: str,
    service: str,
) -> str | None:
    content_hash = request.header("x-amz-content-sha256")
    if content_hash not in (None, UNSIGNED_PAYLOAD) and (
        content_hash != hashlib.sha256(request.body).hexdigest()
    ):
        return None
    host = request.header("host") or ""
    signed = {name: request.header(name) for name in header.signed_headers}
    if any(value is None for value in signed.values()):
        return None  # a header named in SignedHeaders is not in the request
    aws_request = AWSRequest(
        method=request.method,
        url=f"http://{host}{request.path}",
        headers={name: value for name, value in signed.items() if value is not None},
        data=request.body,
    )
    aws_request.context["timestamp"] = stamp
    signer = _ExactHeadersSigner(
        Credentials(key_id, credential.secret_access_key),
        service,
        region,
        header.signed_headers,
    )
    canonical = signer.canonical_request(aws_request)
    return signer.signature(signer.string_to_sign(aws_request, canonical), aws_request)
