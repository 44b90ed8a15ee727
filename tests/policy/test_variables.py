"""Policy variables: only under Version 2012-10-17, only after the fifth colon of a Resource ARN,
defaults, the ${*} ${?} ${$} escapes, and statements voided by a variable without a value."""

from __future__ import annotations

from policy_helpers import ACCOUNT, ALLOW_ALL, OTHER, decide, policy, request, statement

from labkit.policy.variables import Variable, fifth_colon_end, parse_template


def test_parse_template_parts() -> None:
    template = parse_template("home/${aws:username}/${*}${?}${$}-${aws:PrincipalTag/team, 'none'}")
    assert template.parts == (
        "home/",
        Variable("aws:username", "aws:username", None),
        "/",
        ("*", False),
        ("?", False),
        ("$", False),
        "-",
        Variable("aws:principaltag/team", "aws:PrincipalTag/team", "none"),
    )
    assert template.text({"aws:username": "bob"}) == "home/bob/*?$-none"
    assert template.text({}) is None
    assert parse_template("${aws:username}", enabled=False).is_static
    assert parse_template("${}").is_static and parse_template("${a b}").is_static


def test_fifth_colon() -> None:
    assert fifth_colon_end("arn:aws:logs:r:1:log-group:x") == len("arn:aws:logs:r:1:")
    assert fifth_colon_end("arn:aws") == len("arn:aws")


def logs_group(name: str, account: str = ACCOUNT) -> str:
    return f"arn:aws:logs:ap-northeast-1:{account}:log-group:{name}:log-stream:s"


def test_resource_variable_after_the_fifth_colon() -> None:
    identity = policy(
        "identity", statement(resource="arn:aws:logs:*:*:log-group:${aws:username}:*")
    )
    user = "arn:aws:iam::111122223333:user/alice"
    own = request(resource=logs_group("alice"), principal=user, context={"aws:username": "alice"})
    assert decide(own, identity=[identity]).allowed
    other = request(resource=logs_group("bob"), principal=user, context={"aws:username": "alice"})
    assert decide(other, identity=[identity]).denied_by == "identity"


def test_variable_before_the_fifth_colon_is_literal() -> None:
    identity = policy(
        "identity", statement(resource="arn:aws:logs:*:${aws:PrincipalAccount}:log-group:*")
    )
    assert decide(request(resource=logs_group("x")), identity=[identity]).denied_by == "identity"
    assert identity.statements[0].resource.templates[0].is_static  # never substituted


def test_variables_are_literal_without_version_2012() -> None:
    cond = {"StringEquals": {"aws:ResourceAccount": "${aws:PrincipalAccount}"}}
    context = {"aws:ResourceAccount": ACCOUNT}
    new = policy("vpc-endpoint", statement(Condition=cond))
    old = policy("vpc-endpoint", statement(Condition=cond), version="2008-10-17")
    absent = policy("vpc-endpoint", statement(Condition=cond), version=None)
    identity = [policy("identity", ALLOW_ALL)]
    assert decide(request(context=context), identity=identity, vpc_endpoint=new).allowed
    for endpoint in (old, absent):
        assert (
            decide(request(context=context), identity=identity, vpc_endpoint=endpoint).denied_by
            == "vpc-endpoint"
        )


def test_a_variable_without_value_voids_the_statement() -> None:
    # Deny everything outside the caller's own prefix: without aws:username the Deny is void.
    deny = statement(
        "Deny", resource="*", Condition={"StringNotLike": {"test:prefix": "${aws:username}/*"}}
    )
    identity = [policy("identity", ALLOW_ALL, deny)]
    with_name = request(context={"aws:username": "alice", "test:prefix": "bob/x"})
    assert decide(with_name, identity=identity).explicit
    without = request(context={"test:prefix": "bob/x"})
    decision = decide(without, identity=identity)
    assert decision.allowed
    checks = decision.explanation.policies[0].statements[1].checks
    assert any(c.element == "Variables" and not c.matched for c in checks)


def test_a_default_keeps_the_statement_valid() -> None:
    allow = statement(Condition={"StringEquals": {"test:owner": "${aws:username, 'shared'}"}})
    identity = [policy("identity", allow)]
    assert decide(request(context={"test:owner": "shared"}), identity=identity).allowed
    assert decide(
        request(context={"test:owner": "alice", "aws:username": "alice"}), identity=identity
    ).allowed


def test_a_multivalued_key_cannot_be_a_variable() -> None:
    allow = statement(Condition={"StringEquals": {"test:owner": "${aws:TagKeys, 'none'}"}})
    identity = [policy("identity", allow)]
    assert decide(
        request(context={"test:owner": "none", "aws:TagKeys": ["a"]}), identity=identity
    ).allowed


def test_escapes_match_literal_characters() -> None:
    identity = [policy("identity", statement(resource="arn:aws:logs:*:*:log-group:a${*}b:*"))]
    assert decide(request(resource=logs_group("a*b")), identity=identity).allowed
    assert decide(request(resource=logs_group("axxb")), identity=identity).denied_by == "identity"


def test_variable_values_are_literal_text_not_wildcards() -> None:
    identity = [
        policy("identity", statement(resource="arn:aws:logs:*:*:log-group:${aws:username}:*"))
    ]
    wild = request(resource=logs_group("alice"), context={"aws:username": "*"})
    assert decide(wild, identity=identity).denied_by == "identity"


def test_cross_account_data_perimeter_with_a_variable() -> None:
    endpoint = policy(
        "vpc-endpoint",
        statement(
            action="logs:*",
            Condition={"StringEquals": {"aws:ResourceAccount": "${aws:PrincipalAccount}"}},
        ),
    )
    identity = [policy("identity", ALLOW_ALL)]
    foreign = request(resource=logs_group("x", OTHER), context={"aws:ResourceAccount": OTHER})
    decision = decide(foreign, identity=identity, vpc_endpoint=endpoint)
    assert decision.decision == "ImplicitlyDenied"
