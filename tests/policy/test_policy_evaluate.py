"""AWS's evaluation logic across policy types, same account and cross-account."""

from __future__ import annotations

import pytest
from policy_helpers import (
    ACCOUNT,
    ALLOW_ALL,
    ATTACKER,
    OTHER,
    ROLE,
    SESSION,
    STREAM,
    USER,
    decide,
    policy,
    request,
    statement,
)

from labkit.policy import PolicySet, Request, evaluate, parse_policy
from labkit.policy.kinds import EXPLICIT_DENY_ORDER

IDENTITY = [policy("identity", ALLOW_ALL)]
DENY_ALL = statement("Deny")
BUS = f"arn:aws:events:ap-northeast-1:{OTHER}:event-bus/central"
OWN_BUS = f"arn:aws:events:ap-northeast-1:{ACCOUNT}:event-bus/default"


def test_no_policies_means_implicit_identity_denial() -> None:
    decision = decide(request())
    assert (decision.decision, decision.denied_by) == ("ImplicitlyDenied", "identity")


def test_explicit_deny_beats_every_allow() -> None:
    decision = decide(request(), identity=[policy("identity", ALLOW_ALL, DENY_ALL)])
    assert decision.explicit and decision.denied_by == "identity"
    assert decision.deny is not None and decision.deny.statement.index == 1


def test_the_endpoint_policy_applies_only_through_the_endpoint() -> None:
    endpoint = policy("vpc-endpoint", DENY_ALL)
    assert decide(request(), identity=IDENTITY, vpc_endpoint=endpoint).denied_by == "vpc-endpoint"
    assert decide(request(via_endpoint=False), identity=IDENTITY, vpc_endpoint=endpoint).allowed
    assert decide(request(), identity=IDENTITY).allowed  # via the endpoint but no policy given


def test_endpoint_policy_grants_nothing() -> None:
    endpoint = policy("vpc-endpoint", ALLOW_ALL)
    assert decide(request(), vpc_endpoint=endpoint).denied_by == "identity"


def test_scps_need_an_allow_at_every_level_and_a_deny_anywhere_applies() -> None:
    allow_all = policy("scp", ALLOW_ALL)
    allow_logs = policy("scp", statement(action="logs:*"))
    events = request("events:PutEvents", OWN_BUS)
    assert decide(events, identity=IDENTITY, scps=[[allow_all], [allow_all]]).allowed
    decision = decide(events, identity=IDENTITY, scps=[[allow_all], [allow_logs]])
    assert (decision.decision, decision.denied_by) == ("ImplicitlyDenied", "scp")
    assert "with an explicit deny in a service control policy" in (decision.message() or "")
    assert decide(events, identity=IDENTITY, scps=[[allow_all], [allow_logs, allow_all]]).allowed
    denied = decide(
        events, identity=IDENTITY, scps=[[allow_all, policy("scp", DENY_ALL)], [allow_all]]
    )
    assert denied.explicit and denied.denied_by == "scp" and denied.deny.level == 0  # type: ignore[union-attr]
    assert decide(events, identity=IDENTITY, scps=[allow_all]).allowed  # a level may be one policy


def test_rcps_cap_the_resource_side() -> None:
    full = policy("rcp", statement(Principal="*"))
    deny_foreign = policy(
        "rcp",
        statement(
            "Deny", Principal="*", Condition={"StringNotEquals": {"aws:PrincipalAccount": ACCOUNT}}
        ),
    )
    assert decide(request(), identity=IDENTITY, rcps=[[full, deny_foreign]]).allowed
    foreign = request(principal=ATTACKER)
    decision = decide(foreign, identity=IDENTITY, rcps=[[full, deny_foreign]])
    assert decision.explicit and decision.denied_by == "rcp"
    assert decide(request(), identity=IDENTITY, rcps=[[deny_foreign]]).denied_by == "rcp"


def test_permissions_boundary_and_session_policy_intersect() -> None:
    boundary = policy("permission-boundary", statement(action="logs:CreateLogStream"))
    session = policy("session", statement(action="logs:*"))
    assert (
        decide(request(), identity=IDENTITY, permission_boundary=boundary).denied_by
        == "permission-boundary"
    )
    assert decide(
        request("logs:CreateLogStream"), identity=IDENTITY, permission_boundary=boundary
    ).allowed
    events = request("events:PutEvents", OWN_BUS)
    assert decide(events, identity=IDENTITY, session=session).denied_by == "session"
    # Neither identity nor boundary allows: the identity-based policy is named (AWS's flow order).
    assert (
        decide(request("events:PutEvents", OWN_BUS), permission_boundary=boundary).denied_by
        == "identity"
    )


def test_boundary_is_named_before_the_session_policy_when_neither_allows() -> None:
    boundary = policy("permission-boundary", statement(action="logs:CreateLogStream"))
    session = policy("session", statement(action="logs:DescribeLogStreams"))
    decision = decide(request(), identity=IDENTITY, permission_boundary=boundary, session=session)
    assert decision.denied_by == "permission-boundary"
    steps = {s.name: s.outcome for s in decision.explanation.steps}
    assert steps["permissions boundary"] == "deny" and steps["session policy"] == "deny"


def resource_policy(principal: object, **extra: object) -> object:
    return policy("resource", statement(action="logs:PutLogEvents", Principal=principal, **extra))


@pytest.mark.parametrize(
    ("principal", "caller", "expected"),
    [
        ({"AWS": SESSION}, SESSION, "Allowed"),
        ({"AWS": USER}, USER, "Allowed"),
        ("*", SESSION, "Allowed"),
        ({"AWS": ROLE}, SESSION, "ImplicitlyDenied"),
        ({"AWS": ACCOUNT}, SESSION, "ImplicitlyDenied"),
    ],
)
def test_same_account_resource_policy_and_the_boundary(
    principal: object, caller: str, expected: str
) -> None:
    # No identity-based Allow; a boundary that allows nothing. A resource-based Allow naming the
    # caller itself (or everyone) is not limited by the boundary; one naming the role is; one
    # naming only the account delegates to identity policies (which allow nothing here).
    boundary = policy("permission-boundary", statement(action="events:*"))
    decision = decide(
        request(principal=caller), resource=resource_policy(principal), permission_boundary=boundary
    )
    assert decision.decision == expected


def test_role_arn_grant_is_limited_by_the_session_policy_but_needs_no_identity_allow() -> None:
    session = policy("session", statement(action="events:*"))
    granted = resource_policy({"AWS": ROLE})
    assert decide(request(), resource=granted).allowed
    assert decide(request(), resource=granted, session=session).denied_by == "session"
    direct = resource_policy({"AWS": SESSION})
    assert decide(request(), resource=direct, session=session).allowed


def test_account_grant_in_the_same_account_needs_an_identity_allow() -> None:
    granted = resource_policy({"AWS": ACCOUNT})
    assert decide(request(), resource=granted).denied_by == "identity"
    assert decide(request(), resource=granted, identity=IDENTITY).allowed


def test_cross_account_needs_both_sides() -> None:
    events = request("events:PutEvents", BUS, context={})
    bus = policy(
        "resource", statement(action="events:PutEvents", resource=BUS, Principal={"AWS": ACCOUNT})
    )
    assert decide(events, identity=IDENTITY, resource=bus).allowed
    assert decide(events, identity=IDENTITY).denied_by == "resource"
    assert decide(events, resource=bus).denied_by == "identity"
    session_direct = policy(
        "resource", statement(action="events:PutEvents", resource=BUS, Principal={"AWS": SESSION})
    )
    boundary = policy("permission-boundary", statement(action="logs:*"))
    decision = decide(
        events, identity=IDENTITY, resource=session_direct, permission_boundary=boundary
    )
    assert (
        decision.denied_by == "permission-boundary"
    )  # across accounts the boundary always applies


def test_cross_account_uses_the_arn_account_or_aws_resource_account() -> None:
    assert request(resource=BUS).cross_account
    no_account = Request(
        SESSION, "s3:GetObject", "arn:aws:s3:::bucket/key", {"aws:ResourceAccount": OTHER}
    )
    assert no_account.cross_account and no_account.resource_account == OTHER
    unknown = Request(SESSION, "s3:GetObject", "arn:aws:s3:::bucket/key")
    assert not unknown.cross_account


def test_resource_policy_deny_applies_to_named_principals_only() -> None:
    deny_attacker = policy("resource", statement("Deny", Principal={"AWS": OTHER}))
    assert decide(request(), identity=IDENTITY, resource=deny_attacker).allowed
    foreign = request(principal=ATTACKER, resource=STREAM)
    assert decide(foreign, identity=IDENTITY, resource=deny_attacker).denied_by == "resource"


def test_explicit_deny_order_when_several_types_deny() -> None:
    assert EXPLICIT_DENY_ORDER == (
        "scp",
        "rcp",
        "vpc-endpoint",
        "permission-boundary",
        "session",
        "identity",
        "resource",
    )
    everything = dict(
        identity=[policy("identity", DENY_ALL)],
        vpc_endpoint=policy("vpc-endpoint", DENY_ALL),
        permission_boundary=policy("permission-boundary", DENY_ALL),
        session=policy("session", DENY_ALL),
        resource=policy("resource", DENY_ALL),
    )
    order = []
    while everything:
        decision = decide(request(), **everything)
        order.append(decision.denied_by)
        slot = {"vpc-endpoint": "vpc_endpoint", "permission-boundary": "permission_boundary"}.get(
            decision.denied_by or "", decision.denied_by
        )
        everything.pop(slot)  # type: ignore[arg-type]
    assert order == ["vpc-endpoint", "permission-boundary", "session", "identity", "resource"]


def test_implicit_denial_names_the_first_stage_without_an_allow() -> None:
    nothing = statement(action="s3:GetObject")
    slots = dict(
        scps=[[policy("scp", nothing)]],
        vpc_endpoint=policy("vpc-endpoint", nothing),
        identity=[policy("identity", nothing)],
        permission_boundary=policy("permission-boundary", nothing),
    )
    assert decide(request(), **slots).denied_by == "scp"
    slots.pop("scps")
    assert decide(request(), **slots).denied_by == "vpc-endpoint"
    slots.pop("vpc_endpoint")
    assert decide(request(), **slots).denied_by == "identity"
    slots["identity"] = IDENTITY
    assert decide(request(), **slots).denied_by == "permission-boundary"


def test_inputs_are_checked() -> None:
    with pytest.raises(ValueError, match="parse it with kind='vpc-endpoint'"):
        PolicySet(vpc_endpoint=parse_policy('{"Statement": []}'))
    with pytest.raises(TypeError, match="must be a Policy"):
        PolicySet(identity=['{"Statement": []}'])  # type: ignore[list-item]
    with pytest.raises(TypeError):
        evaluate("request", PolicySet())  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Request(SESSION, "logs:PutLogEvents", STREAM, {"aws:TagKeys": [object()]})
    with pytest.raises(TypeError):
        Request(SESSION, None, STREAM)  # type: ignore[arg-type]


def test_request_context_is_normalised_and_read_only() -> None:
    req = Request(
        SESSION, "logs:PutLogEvents", STREAM, {"AWS:SecureTransport": True, "aws:TagKeys": ["a"]}
    )
    assert req.condition_keys == {"aws:securetransport": "true", "aws:tagkeys": ("a",)}
    with pytest.raises(TypeError):
        req.context["x"] = "y"  # type: ignore[index]
    assert req.to_dict()["context"] == {"AWS:SecureTransport": "true", "aws:TagKeys": ["a"]}
