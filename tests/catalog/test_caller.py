"""Caller.from_arn: what IAM knows about each kind of principal."""

from __future__ import annotations

import pytest

from labkit.catalog import Caller

SESSION = "arn:aws:sts::111122223333:assumed-role/ec2-logs-fullaccess-role/i-0123456789abcdef0"


def test_role_session() -> None:
    caller = Caller.from_arn(SESSION, org_id="o-abc", unique_id="AROAEXAMPLE")
    assert caller.arn == SESSION
    assert caller.account == "111122223333"
    assert caller.principal_arn == "arn:aws:iam::111122223333:role/ec2-logs-fullaccess-role"
    assert caller.principal_type == "AssumedRole"
    assert caller.username is None
    assert caller.userid == "AROAEXAMPLE:i-0123456789abcdef0"
    assert caller.org_id == "o-abc"


def test_role_session_with_a_role_path() -> None:
    role = "arn:aws:iam::111122223333:role/service-role/ec2-logs-fullaccess-role"
    assert Caller.from_arn(SESSION, principal_arn=role).principal_arn == role


def test_role_session_without_unique_id_has_no_userid() -> None:
    assert Caller.from_arn(SESSION).userid is None


def test_iam_user_with_path() -> None:
    caller = Caller.from_arn("arn:aws:iam::444455556666:user/ops/exfil", tags={"team": "x"})
    assert caller.principal_arn == "arn:aws:iam::444455556666:user/ops/exfil"
    assert caller.principal_type == "User"
    assert caller.username == "exfil"
    assert caller.tags == {"team": "x"}


def test_root_and_federated_user() -> None:
    root = Caller.from_arn("arn:aws:iam::111122223333:root")
    assert (root.principal_type, root.userid) == ("Account", "111122223333")
    fed = Caller.from_arn("arn:aws:sts::111122223333:federated-user/bob")
    assert (fed.principal_type, fed.userid) == ("FederatedUser", "111122223333:bob")


@pytest.mark.parametrize(
    ("arn", "match"),
    [
        ("arn:aws:iam::111122223333:role/ec2-logs-fullaccess-role", "is a role"),
        ("arn:aws:sts::111122223333:assumed-role/only-role", "not a role session"),
        ("arn:aws:s3:::bucket", "not a caller ARN"),
        ("i-0123456789abcdef0", "not a caller ARN"),
    ],
)
def test_bad_caller_arns_say_how_to_fix(arn: str, match: str) -> None:
    with pytest.raises(ValueError, match=match) as caught:
        Caller.from_arn(arn)
    assert "assumed-role/ROLE/SESSION" in str(caught.value)
