"""SigV4 verification: botocore-signed requests checked against the secret, AWS's answers."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from labkit.local.wire.sigv4 import (
    EXPIRED_TOKEN,
    INVALID_TOKEN,
    SIGNATURE_MISMATCH,
    TIMESTAMP,
    AuthFailure,
    SignedRequest,
    Verified,
    parse_timestamp,
    verify,
)

KEY = "ASIAEXAMPLEKEY000001"
SECRET = "labkit-test-secret"
TOKEN = "labkit-test-session-token"
REGION = "ap-northeast-1"
HOST = "127.0.0.1:4566"
BODY = b'{"logGroupName":"logs-test-allowed"}'


@dataclasses.dataclass(frozen=True)
class FakeCredential:
    secret_access_key: str = SECRET
    session_token: str | None = TOKEN
    expiration: datetime | None = None
    caller: str = "arn:aws:sts::111122223333:assumed-role/ec2-logs-fullaccess-role/i-0abc"


def lookup_of(**changes: object):
    credential = dataclasses.replace(FakeCredential(), **changes)
    return lambda key: credential if key == KEY else None


def signed(
    *,
    secret: str = SECRET,
    token: str | None = TOKEN,
    service: str = "logs",
    region: str = REGION,
    body: bytes = BODY,
    when: datetime | None = None,
    key: str = KEY,
) -> SignedRequest:
    """A request signed by botocore exactly as a boto3 client signs it."""
    request = AWSRequest(
        method="POST",
        url=f"http://{HOST}/",
        data=body,
        headers={
            "X-Amz-Target": "Logs_20140328.CreateLogGroup",
            "Content-Type": "application/x-amz-json-1.1",
        },
    )
    signer = SigV4Auth(Credentials(key, secret, token), service, region)
    if when is None:
        signer.add_auth(request)
    else:
        request.context["timestamp"] = when.strftime("%Y%m%dT%H%M%SZ")
        signer._modify_request_before_signing(request)
        canonical = signer.canonical_request(request)
        signature = signer.signature(signer.string_to_sign(request, canonical), request)
        signer._inject_signature_to_request(request, signature)
    prepared = request.prepare()
    headers = [*prepared.headers.items(), ("Host", HOST)]
    return SignedRequest.from_items("POST", "/", headers, prepared.body or b"")


def check(request: SignedRequest, **kwargs: object) -> Verified | AuthFailure:
    lookup = kwargs.pop("lookup", lookup_of())
    return verify(request, lookup, region=REGION, service="logs", **kwargs)  # type: ignore[arg-type]


def test_a_correctly_signed_request_is_verified() -> None:
    result = check(signed())
    assert isinstance(result, Verified)
    assert (result.access_key_id, result.region, result.service) == (KEY, REGION, "logs")
    assert result.caller.endswith("/i-0abc")


def test_a_wrong_secret_is_invalid_signature_exception_with_aws_text() -> None:
    result = check(signed(secret="not-the-secret"))
    assert isinstance(result, AuthFailure)
    assert result.code == "InvalidSignatureException"
    assert result.message == SIGNATURE_MISMATCH
    assert result.message.startswith(
        "The request signature we calculated does not match the signature you provided."
    )
    assert result.error().status == 400


def test_a_tampered_body_breaks_the_signature() -> None:
    request = signed()
    tampered = dataclasses.replace(request, body=b'{"logGroupName":"logs-test-denied"}')
    result = check(tampered)
    assert isinstance(result, AuthFailure) and result.reason == "bad_signature"


def test_an_unknown_access_key_is_unrecognized_client() -> None:
    result = check(signed(key="ASIAUNKNOWNKEY000009"))
    assert isinstance(result, AuthFailure)
    assert result.code == "UnrecognizedClientException"
    assert result.message == "The security token included in the request is invalid."


def test_a_wrong_or_missing_session_token_is_refused() -> None:
    wrong = check(signed(token="someone-elses-token"))
    missing = check(signed(token=None))
    for result in (wrong, missing):
        assert isinstance(result, AuthFailure)
        assert (result.code, result.message) == ("UnrecognizedClientException", INVALID_TOKEN)


def test_an_expired_session_is_expired_token_exception() -> None:
    past = datetime.now(UTC) - timedelta(seconds=1)
    result = check(signed(), lookup=lookup_of(expiration=past))
    assert isinstance(result, AuthFailure)
    assert result.code == "ExpiredTokenException"
    assert result.message == EXPIRED_TOKEN
    assert EXPIRED_TOKEN == "The security token included in the request is expired"


def test_a_stale_timestamp_is_signature_expired_with_the_five_minute_window() -> None:
    now = datetime(2026, 11, 28, 12, 0, 0, tzinfo=UTC)
    result = check(signed(when=now - timedelta(minutes=6)), now=now)
    assert isinstance(result, AuthFailure) and result.code == "InvalidSignatureException"
    assert result.message == (
        "Signature expired: 20261128T115400Z is now earlier than 20261128T115500Z "
        "(20261128T120000Z - 5 min.)"
    )


def test_a_future_timestamp_is_not_yet_current() -> None:
    now = datetime(2026, 11, 28, 12, 0, 0, tzinfo=UTC)
    result = check(signed(when=now + timedelta(minutes=6)), now=now)
    assert isinstance(result, AuthFailure)
    assert result.message == (
        "Signature not yet current: 20261128T120600Z is still later than 20261128T120500Z "
        "(20261128T120000Z + 5 min.)"
    )


def test_a_timestamp_within_five_minutes_passes() -> None:
    now = datetime(2026, 11, 28, 12, 0, 0, tzinfo=UTC)
    assert isinstance(check(signed(when=now - timedelta(minutes=4)), now=now), Verified)


def test_a_credential_scoped_to_another_region_and_service_is_refused() -> None:
    result = check(signed(region="us-east-1", service="events"))
    assert isinstance(result, AuthFailure) and result.code == "InvalidSignatureException"
    assert result.message == (
        "Credential should be scoped to a valid region, not 'us-east-1'. "
        "Credential should be scoped to correct service: 'logs'. "
    )


def test_no_authorization_header_is_missing_authentication_token() -> None:
    request = signed()
    bare = dataclasses.replace(
        request, headers={k: v for k, v in request.headers.items() if k != "authorization"}
    )
    result = check(bare)
    assert isinstance(result, AuthFailure)
    assert (result.code, result.message) == (
        "MissingAuthenticationTokenException",
        "Request is missing Authentication Token",
    )


def test_an_incomplete_header_names_what_is_missing() -> None:
    request = signed()
    headers = dict(request.headers)
    headers["authorization"] = "AWS4-HMAC-SHA256 SignedHeaders=host"
    result = check(dataclasses.replace(request, headers=headers))
    assert isinstance(result, AuthFailure) and result.code == "IncompleteSignatureException"
    assert result.message.startswith(
        "Authorization header requires 'Credential' parameter. "
        "Authorization header requires 'Signature' parameter. "
    )
    assert result.message.endswith("Authorization=AWS4-HMAC-SHA256 SignedHeaders=host")


def test_host_must_be_a_signed_header() -> None:
    request = signed()
    headers = dict(request.headers)
    auth = headers["authorization"].replace("SignedHeaders=", "SignedHeaders=x;")
    headers["authorization"] = auth.replace(";host;", ";").replace("=host;", "=")
    result = check(dataclasses.replace(request, headers=headers))
    assert isinstance(result, AuthFailure)
    assert result.message == "'Host' must be a 'SignedHeader' in the AWS Authorization."


@pytest.mark.parametrize("header", ["x-amz-date", "host"])
def test_changing_a_signed_header_breaks_the_signature(header: str) -> None:
    request = signed()
    headers = dict(request.headers)
    headers[header] = headers[header][:-1] + ("1" if headers[header][-1] != "1" else "2")
    result = check(dataclasses.replace(request, headers=headers), now=datetime.now(UTC))
    assert isinstance(result, AuthFailure)
    assert result.reason in ("bad_signature", "incomplete", "bad_scope")


def test_repr_of_a_failure_holds_no_secret() -> None:
    result = check(signed(secret="not-the-secret"))
    assert SECRET not in repr(result) and TOKEN not in repr(result)


def test_credential_scope_is_read_without_verifying() -> None:
    from labkit.local.wire.sigv4 import credential_scope

    header = (
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261128/ap-northeast-1/ec2/aws4_request, "
        "SignedHeaders=host;x-amz-date, Signature=abc"
    )
    scope = credential_scope(header)
    assert scope is not None and (scope.region, scope.service) == ("ap-northeast-1", "ec2")
    assert scope.access_key_id == "AKIDEXAMPLE" and scope.terminator == "aws4_request"
    assert credential_scope(None) is None
    assert credential_scope("AWS4-HMAC-SHA256 Credential=AKID/20261128/logs") is None


@pytest.mark.parametrize(
    "stamp",
    [
        "20260101T120000Z",
        "20261231T235959Z",
        "20240229T000000Z",
        "20250229T000000Z",  # no such day
        "20261301T000000Z",  # no such month
        "20260101T240000Z",
        "20260101T235960Z",
        "20260101T235961Z",
        "2026011T120000Z",  # strptime's lenient widths
        "20260101T120000",
        "20260101 120000Z",
        "2026-01-01T12:00:00Z",
        "",
        "２０２６０１０１T120000Z",  # non-ASCII digits
    ],
)
def test_timestamps_are_read_as_strptime_reads_them(stamp: str) -> None:
    try:
        expected: object = datetime.strptime(stamp, TIMESTAMP).replace(tzinfo=UTC)
    except ValueError:
        expected = ValueError
    try:
        got: object = parse_timestamp(stamp)
    except ValueError:
        got = ValueError
    assert got == expected
