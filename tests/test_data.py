"""The data files load, parse as JSON, and fill every placeholder."""

from __future__ import annotations

import json

import pytest

from labkit import data

VALUES = {
    "account_id": "111122223333",
    "other_account_id": "444455556666",
    "region": "ap-northeast-1",
    "org_id": "o-a1b2c3d4e5",
}


def test_policies_are_shipped() -> None:
    names = data.policy_names()
    assert {"walkthrough", "full-access", "deny-other-accounts", "org-perimeter"} <= set(names)


@pytest.mark.parametrize("name", data.policy_names())
def test_every_policy_fills_and_parses(name: str) -> None:
    text = data.policy_text(name, **VALUES)
    assert "{{" not in text
    assert isinstance(json.loads(text)["Statement"], list)


def test_walkthrough_policy_names_the_allowed_group() -> None:
    doc = json.loads(data.policy_text("walkthrough", **VALUES))
    assert doc["Statement"][0]["Resource"] == [
        "arn:aws:logs:ap-northeast-1:111122223333:log-group:logs-test-allowed:*"
    ]
    assert "Version" not in doc


def test_missing_placeholder_is_named() -> None:
    with pytest.raises(data.MissingPlaceholder, match="account_id"):
        data.policy_text("walkthrough", region="ap-northeast-1")


def test_unknown_policy_lists_known_ones() -> None:
    with pytest.raises(FileNotFoundError, match="walkthrough"):
        data.policy_text("no-such-policy")


@pytest.mark.parametrize("name", data.scenario_names())
def test_scenarios_reference_shipped_policies(name: str) -> None:
    scenario = data.scenario(name)
    known = set(data.policy_names())
    for role in scenario["roles"]:
        assert set(role["inline_policies"].values()) <= known
    for other in scenario["other_accounts"]:
        assert set(other["user"]["inline_policies"].values()) <= known
