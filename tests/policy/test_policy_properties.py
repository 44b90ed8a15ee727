"""Properties over generated policy sets and requests: the lazily built explanation agrees with
the fast path, statement order does not matter, messages parse back, a Deny always wins."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from policy_helpers import ACCOUNT, OTHER, ROLE, SESSION, USER

from labkit.policy import PolicySet, Request, evaluate, parse_access_denied, parse_policy

ACTIONS = [
    "*",
    "logs:*",
    "logs:Put*",
    "logs:PutLogEvents",
    "LOGS:createlogstream",
    "events:*",
    "logs:?utLogEvents",
]
RESOURCES = [
    "*",
    f"arn:aws:logs:ap-northeast-1:{ACCOUNT}:log-group:app:*",
    f"arn:aws:logs:*:{ACCOUNT}:log-group:*",
    "arn:aws:logs:*:*:log-group:app",
    f"arn:aws:events:ap-northeast-1:{OTHER}:event-bus/*",
]
PRINCIPALS = ["*", {"AWS": ACCOUNT}, {"AWS": OTHER}, {"AWS": ROLE}, {"AWS": SESSION}, {"AWS": USER}]
CONDITIONS = [
    {"StringEquals": {"aws:PrincipalAccount": ACCOUNT}},
    {"StringNotEquals": {"aws:SourceVpce": "vpce-1"}},
    {"StringEqualsIfExists": {"aws:SourceVpce": "vpce-1"}},
    {"Null": {"aws:SourceVpce": "true"}},
    {"ForAllValues:StringEquals": {"aws:TagKeys": ["team"]}},
    {"ForAnyValue:StringLike": {"aws:TagKeys": ["te*"]}},
    {"StringEquals": {"aws:ResourceAccount": "${aws:PrincipalAccount}"}},
    {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/*"}},
    {"StringLike": {"aws:userid": "${aws:username}*"}},
]


@st.composite
def statements(draw: st.DrawFn, principal: bool) -> dict[str, Any]:
    data: dict[str, Any] = {"Effect": draw(st.sampled_from(["Allow", "Allow", "Deny"]))}
    data["NotAction" if draw(st.integers(0, 5)) == 0 else "Action"] = draw(st.sampled_from(ACTIONS))
    data["NotResource" if draw(st.integers(0, 5)) == 0 else "Resource"] = draw(
        st.sampled_from(RESOURCES)
    )
    if principal:
        if data["Effect"] == "Deny" and draw(st.booleans()):
            data["NotPrincipal"] = draw(st.sampled_from(PRINCIPALS[1:]))
        else:
            data["Principal"] = draw(st.sampled_from(PRINCIPALS))
    if draw(st.booleans()):
        data["Condition"] = draw(st.sampled_from(CONDITIONS))
    return data


def documents(kind: str) -> st.SearchStrategy[Any]:
    principal = kind in ("vpc-endpoint", "resource")
    return st.builds(
        lambda items, version: parse_policy(
            {"Version": version, "Statement": items} if version else {"Statement": items}, kind=kind
        ),
        st.lists(statements(principal), min_size=1, max_size=3),
        st.sampled_from(["2012-10-17", None]),
    )


policy_sets = st.builds(
    PolicySet,
    identity=st.lists(documents("identity"), max_size=2),
    resource=st.none() | documents("resource"),
    vpc_endpoint=st.none() | documents("vpc-endpoint"),
    scps=st.lists(st.lists(documents("scp"), min_size=1, max_size=2), max_size=2),
    permission_boundary=st.none() | documents("permission-boundary"),
    session=st.none() | documents("session"),
)

requests = st.builds(
    lambda principal, action, resource, via, tags, extra: Request(
        principal,
        action,
        resource,
        {
            "aws:PrincipalAccount": principal.split(":")[4],
            "aws:PrincipalArn": ROLE if principal == SESSION else principal,
            **({"aws:SourceVpce": "vpce-1"} if via else {}),
            **({"aws:TagKeys": tags} if tags is not None else {}),
            **extra,
        },
        via,
    ),
    st.sampled_from([SESSION, USER, f"arn:aws:iam::{OTHER}:user/exfil"]),
    st.sampled_from(
        ["logs:PutLogEvents", "logs:CreateLogStream", "events:PutEvents", "LOGS:PUTLOGEVENTS"]
    ),
    st.sampled_from(
        [
            f"arn:aws:logs:ap-northeast-1:{ACCOUNT}:log-group:app:log-stream:s",
            f"arn:aws:logs:ap-northeast-1:{ACCOUNT}:log-group:app",
            f"arn:aws:logs:ap-northeast-1:{OTHER}:log-group:x:log-stream:y",
            f"arn:aws:events:ap-northeast-1:{OTHER}:event-bus/central",
        ]
    ),
    st.booleans(),
    st.none() | st.lists(st.sampled_from(["team", "env"]), max_size=2),
    st.sampled_from(
        [{}, {"aws:username": "alice", "aws:userid": "alice-1"}, {"aws:ResourceAccount": ACCOUNT}]
    ),
)

SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(requests, policy_sets)
def test_explanation_agrees_with_the_fast_path(request: Request, policies: PolicySet) -> None:
    decision = evaluate(request, policies)
    explanation = decision.explanation  # raises if the verbose derivation disagrees
    assert (explanation.decision, explanation.denied_by) == (decision.decision, decision.denied_by)
    assert json.loads(json.dumps(decision.to_dict()))["decision"] == decision.decision
    for explained, (kind, _level, policy) in zip(
        explanation.policies, policies.placed(), strict=True
    ):
        assert explained.kind == kind
        matching = {s.index for s in explained.statements if s.matched}
        assert matching == {s.index for s in policy.statements if s.applies(request)}
    if decision.explicit:
        assert decision.deciding and decision.deciding[0].kind == decision.denied_by
        assert decision.deciding[0].effect == "Deny"
    elif decision.allowed:
        assert decision.deciding and all(r.effect == "Allow" for r in decision.deciding)
    else:
        assert decision.deciding == []


@SETTINGS
@given(requests, policy_sets, st.randoms(use_true_random=False))
def test_statement_order_does_not_matter(request: Request, policies: PolicySet, rnd: Any) -> None:
    def shuffled(policy: Any) -> Any:
        if policy is None:
            return None
        items = [s for s in _statements_of(policy)]
        rnd.shuffle(items)
        document = {"Statement": items}
        if policy.version:
            document["Version"] = policy.version
        return parse_policy(document, kind=policy.kind)

    other = PolicySet(
        identity=[shuffled(p) for p in policies.identity],
        resource=shuffled(policies.resource),
        vpc_endpoint=shuffled(policies.vpc_endpoint),
        scps=[[shuffled(p) for p in level] for level in policies.scps],
        permission_boundary=shuffled(policies.permission_boundary),
        session=shuffled(policies.session),
    )
    first, second = evaluate(request, policies), evaluate(request, other)
    assert (first.decision, first.denied_by) == (second.decision, second.denied_by)


def _statements_of(policy: Any) -> list[Any]:
    return (
        json.loads(policy.text)["Statement"]
        if isinstance(json.loads(policy.text)["Statement"], list)
        else [json.loads(policy.text)["Statement"]]
    )


@SETTINGS
@given(requests, policy_sets)
def test_a_matching_deny_everywhere_wins_and_messages_parse_back(
    request: Request, policies: PolicySet
) -> None:
    decision = evaluate(request, policies)
    message = decision.message()
    if message is not None:
        parsed = parse_access_denied(message)
        assert (parsed.principal, parsed.action, parsed.resource) == (
            request.principal,
            request.action,
            request.resource,
        )
        assert parsed.denied_by == decision.denied_by
    deny_all = parse_policy({"Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]})
    denied = evaluate(
        request, PolicySet(**{**_slots(policies), "identity": [*policies.identity, deny_all]})
    )
    assert denied.explicit
    assert denied.denied_by in ("scp", "vpc-endpoint", "permission-boundary", "session", "identity")


def _slots(policies: PolicySet) -> dict[str, Any]:
    return {
        "identity": policies.identity,
        "resource": policies.resource,
        "vpc_endpoint": policies.vpc_endpoint,
        "scps": policies.scps,
        "rcps": policies.rcps,
        "permission_boundary": policies.permission_boundary,
        "session": policies.session,
    }
