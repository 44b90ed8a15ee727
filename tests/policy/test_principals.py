"""Principal and NotPrincipal in every form, with interface-endpoint semantics."""

from __future__ import annotations

import pytest
from policy_helpers import (
    ACCOUNT,
    ALLOW_ALL,
    ATTACKER,
    OTHER,
    ROLE,
    SESSION,
    USER,
    decide,
    policy,
    request,
    statement,
)

from labkit.policy.principals import parse_principal

IDENTITY = [policy("identity", ALLOW_ALL)]
OTHER_IDENTITY = IDENTITY


def endpoint_with(principal: object, effect: str = "Allow", key: str = "Principal") -> object:
    statements = [statement(effect, **{key: principal})]
    if effect == "Deny":
        statements.insert(0, statement(Principal="*"))
    return policy("vpc-endpoint", *statements)


def outcome(principal_arn: str, endpoint: object) -> str:
    resource = f"arn:aws:logs:ap-northeast-1:{principal_arn.split(':')[4]}:log-group:g:log-stream:s"
    return decide(
        request(resource=resource, principal=principal_arn),
        identity=IDENTITY,
        vpc_endpoint=endpoint,
    ).decision


@pytest.mark.parametrize(
    ("principal", "caller", "expected"),
    [
        ("*", ATTACKER, "Allowed"),
        ({"AWS": "*"}, ATTACKER, "Allowed"),
        ({"AWS": ACCOUNT}, SESSION, "Allowed"),
        ({"AWS": ACCOUNT}, USER, "Allowed"),
        ({"AWS": ACCOUNT}, ATTACKER, "ImplicitlyDenied"),
        ({"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, SESSION, "Allowed"),
        ({"AWS": ROLE}, SESSION, "Allowed"),
        ({"AWS": ROLE}, f"arn:aws:sts::{ACCOUNT}:assumed-role/other-role/i-1", "ImplicitlyDenied"),
        ({"AWS": SESSION}, SESSION, "Allowed"),
        (
            {"AWS": SESSION},
            f"arn:aws:sts::{ACCOUNT}:assumed-role/ec2-logs-fullaccess-role/i-2",
            "ImplicitlyDenied",
        ),
        ({"AWS": USER}, USER, "Allowed"),
        ({"AWS": USER}, f"arn:aws:iam::{ACCOUNT}:user/Alice", "ImplicitlyDenied"),
        ({"AWS": [OTHER, ROLE]}, ATTACKER, "Allowed"),
        ({"Service": "logs.amazonaws.com"}, SESSION, "ImplicitlyDenied"),
    ],
)
def test_principal_forms_in_an_endpoint_policy(
    principal: object, caller: str, expected: str
) -> None:
    assert outcome(caller, endpoint_with(principal)) == expected


def test_role_arn_with_a_path_covers_sessions_via_principal_arn() -> None:
    role = f"arn:aws:iam::{ACCOUNT}:role/service-role/app"
    session = f"arn:aws:sts::{ACCOUNT}:assumed-role/app/s1"
    endpoint = endpoint_with({"AWS": role})
    resource = f"arn:aws:logs:ap-northeast-1:{ACCOUNT}:log-group:g:log-stream:s"
    req = request(resource=resource, principal=session, context={"aws:PrincipalArn": role})
    assert decide(req, identity=IDENTITY, vpc_endpoint=endpoint).allowed
    assert parse_principal(session).role_arn == f"arn:aws:iam::{ACCOUNT}:role/app"


def test_service_principal() -> None:
    endpoint = endpoint_with({"Service": "LOGS.amazonaws.com"})
    req = request(principal="logs.amazonaws.com", context={"aws:PrincipalIsAWSService": "true"})
    assert decide(req, vpc_endpoint=endpoint, identity=IDENTITY).allowed


def test_not_principal_exempts_only_a_caller_with_every_layer_listed() -> None:
    every_layer = {"AWS": [SESSION, ROLE, f"arn:aws:iam::{ACCOUNT}:root"]}
    assert outcome(SESSION, endpoint_with(every_layer, "Deny", "NotPrincipal")) == "Allowed"
    assert (
        outcome(ATTACKER, endpoint_with(every_layer, "Deny", "NotPrincipal")) == "ExplicitlyDenied"
    )
    session_only = {"AWS": [SESSION]}
    assert (
        outcome(SESSION, endpoint_with(session_only, "Deny", "NotPrincipal")) == "ExplicitlyDenied"
    )
    no_account = {"AWS": [SESSION, ROLE]}
    assert outcome(SESSION, endpoint_with(no_account, "Deny", "NotPrincipal")) == "ExplicitlyDenied"
    user_and_account = {"AWS": [USER, ACCOUNT]}
    assert outcome(USER, endpoint_with(user_and_account, "Deny", "NotPrincipal")) == "Allowed"
    assert outcome(USER, endpoint_with({"AWS": "*"}, "Deny", "NotPrincipal")) == "Allowed"


@pytest.mark.parametrize(
    ("arn", "kind", "account"),
    [
        (SESSION, "session", ACCOUNT),
        (USER, "user", ACCOUNT),
        (ROLE, "role", ACCOUNT),
        (f"arn:aws:iam::{ACCOUNT}:root", "root", ACCOUNT),
        (f"arn:aws:sts::{ACCOUNT}:federated-user/bob", "federated-user", ACCOUNT),
        ("events.amazonaws.com", "service", None),
        ("*", "anonymous", None),
        ("AIDAEXAMPLE", "other", None),
    ],
)
def test_caller_kinds(arn: str, kind: str, account: str | None) -> None:
    caller = parse_principal(arn)
    assert (caller.kind, caller.account) == (kind, account)
