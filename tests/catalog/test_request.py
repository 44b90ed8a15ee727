"""build_request: the policy Request the lab derives, and how it agrees with the AWS cases.

The conformance cases give each request's context complete, as AWS would; the lab derives it
with ``build_request``. For every policy case, the lab's context must hold the case's keys with
the same values, leave out the endpoint keys on the public path, and lead to the same decision.
"""

from __future__ import annotations

import doctest
from datetime import UTC, datetime
from pathlib import Path

import pytest

import labkit.catalog
from labkit.catalog import (
    Authorization,
    Caller,
    DerivedRequest,
    NetworkPath,
    authorize_call,
    build_request,
    derivations,
    derive_context,
)
from labkit.catalog.arns import parse_arn
from labkit.policy import Request, evaluate
from labkit.policy.cases import PolicyCase, load_case

REGION, OWN = "ap-northeast-1", "111122223333"
SESSION = f"arn:aws:sts::{OWN}:assumed-role/ec2-logs-fullaccess-role/i-0123456789abcdef0"
ENDPOINT = NetworkPath(True, "vpce-0a1b2c3d4e5f6a7b8", "vpc-0abc1234def567890", "172.31.10.218")
CASES = sorted((Path(__file__).parent.parent / "conformance" / "policy").glob("*.json"))
# Keys a service principal's request carries; the lab's callers are IAM principals.
NOT_DERIVED = {"aws:sourcearn"}


def test_build_request_is_a_policy_request_with_reasons() -> None:
    (authz,) = authorize_call(
        "logs",
        "PutLogEvents",
        {"logGroupName": "logs-test-denied", "logStreamName": "log-stream", "logEvents": []},
        region=REGION,
        account=OWN,
    )
    now = datetime(2019, 2, 16, tzinfo=UTC)
    caller = Caller.from_arn(SESSION)
    request = build_request(caller, authz, ENDPOINT, region=REGION, now=now)
    assert isinstance(request, Request) and isinstance(request, DerivedRequest)
    assert request.principal == SESSION
    assert request.action == "logs:PutLogEvents"
    assert request.resource == (
        f"arn:aws:logs:{REGION}:{OWN}:log-group:logs-test-denied:log-stream:log-stream"
    )
    assert request.via_endpoint is True
    expected = derive_context(caller, authz, ENDPOINT, region=REGION, now=now)
    assert dict(request.context) == expected.values
    assert dict(derivations(request)) == expected.reasons == dict(request.derived)


def test_public_path_request_does_not_traverse_the_endpoint() -> None:
    authz = Authorization("logs:DescribeLogGroups", "*", None, resource_account=OWN)
    request = build_request(Caller.from_arn(SESSION), authz, NetworkPath(False), region=REGION)
    assert request.via_endpoint is False
    assert "aws:SourceVpce" not in request.context


def test_a_hand_built_request_has_no_derivations() -> None:
    assert dict(derivations(Request(SESSION, "logs:PutLogEvents", "*"))) == {}


def test_the_package_docstring_example_runs() -> None:
    result = doctest.testmod(labkit.catalog)
    assert result.attempted > 0 and result.failed == 0


def _lab_request(case: PolicyCase) -> Request:
    given = case.request
    context = {key.lower(): value for key, value in given.context.items()}
    if given.via_endpoint:
        network = NetworkPath(
            True,
            str(context["aws:sourcevpce"]),
            str(context["aws:sourcevpc"]),
            context.get("aws:vpcsourceip"),  # type: ignore[arg-type]
        )
    else:
        network = NetworkPath(False, source_ip=context.get("aws:sourceip"))  # type: ignore[arg-type]
    caller = Caller.from_arn(given.principal)
    arn = parse_arn(given.resource)
    authz = Authorization(
        given.action, given.resource, None, resource_account=arn.account if arn else None
    )
    return build_request(caller, authz, network, region=REGION)


@pytest.mark.parametrize("path", CASES, ids=[path.stem for path in CASES])
def test_lab_context_agrees_with_the_aws_case(path: Path) -> None:
    case = load_case(path)
    assert isinstance(case, PolicyCase)
    ours = _lab_request(case)
    mine = {key.lower(): value for key, value in ours.context.items()}
    for key, value in case.request.context.items():
        if key.lower() in NOT_DERIVED:
            continue
        assert mine.get(key.lower()) == value, key
    if not case.request.via_endpoint:
        assert not {"aws:sourcevpce", "aws:sourcevpc", "aws:vpcsourceip"} & set(mine)
    if NOT_DERIVED & {key.lower() for key in case.request.context}:
        return  # a service-principal key decides this case; the lab never sends one
    assert evaluate(ours, case.policies).decision == case.expected


def test_the_policy_corpus_is_there() -> None:
    assert len(CASES) >= 40
