"""A malformed scenario file is refused before seeding, naming the file and the element."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from labkit import data
from labkit.local.world.scenario import seed
from labkit.local.world.scenario_schema import ScenarioError, check_scenario

WALKTHROUGH = data.scenario("walkthrough")


def broken(change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    spec = copy.deepcopy(WALKTHROUGH)
    change(spec)
    return spec


@pytest.mark.parametrize(
    ("change", "path", "words"),
    [
        (lambda s: s.pop("account_id"), "account_id", "is missing"),
        (lambda s: s.update(account_id=111122223333), "account_id", "12-digit account ID"),
        (lambda s: s["vpc"].pop("cidr"), "vpc.cidr", "is missing"),
        (lambda s: s["subnets"][1].pop("availability_zone"), "subnets[1].availability_zone", ""),
        (lambda s: s["instance"].update(subnet="nope"), "instance.subnet", "names no subnet"),
        (lambda s: s["instance"].update(role="nope"), "instance.role", "names no role"),
        (lambda s: s.update(subnets={}), "subnets", "must be a list"),
        (lambda s: s["vpc"].update(enable_dns_support="yes"), "vpc.enable_dns_support", "true"),
        (
            lambda s: s["security_groups"][0]["ingress"][0].update(port="443"),
            "security_groups[0].ingress[0].port",
            "whole number",
        ),
        (
            lambda s: s["roles"][0]["inline_policies"].update(extra="no-such-template"),
            "roles[0].inline_policies.extra",
            "names no policy in data/policies/",
        ),
        (lambda s: s.update(acount_id="1"), "acount_id", "is not a scenario element"),
        (lambda s: s["log_groups"].append({"streams": []}), "log_groups[2].name", "is missing"),
    ],
)
def test_each_malformed_scenario_names_its_file_and_element(
    change: Callable[[dict[str, Any]], None], path: str, words: str
) -> None:
    with pytest.raises(ScenarioError) as caught:
        check_scenario(broken(change), "data/scenarios/mine.json")
    assert caught.value.path == path
    assert str(caught.value).startswith(f"data/scenarios/mine.json: {path}: ")
    assert words in caught.value.problem


def test_the_shipped_scenarios_pass() -> None:
    for name in data.scenario_names():
        check_scenario(data.scenario(name), name)


@pytest.fixture
def data_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "scenarios").mkdir()
    (tmp_path / "policies").symlink_to(Path(str(data.data_root().joinpath("policies"))))
    monkeypatch.setattr(data, "data_root", lambda: tmp_path)
    return tmp_path / "scenarios"


def test_a_scenario_that_is_not_json_names_the_file_line_and_column(data_folder: Path) -> None:
    (data_folder / "broken.json").write_text('{\n  "region": "x",\n  oops\n}', encoding="utf-8")
    with pytest.raises(data.DataFileError, match=r"data/scenarios/broken.json: line 3, column 3"):
        data.scenario("broken")
    (data_folder / "list.json").write_text("[]", encoding="utf-8")
    with pytest.raises(data.DataFileError, match="must be a JSON object, not list"):
        data.scenario("list")


def test_seeding_a_malformed_scenario_stops_before_anything_is_created(data_folder: Path) -> None:
    spec = broken(lambda s: s.pop("account_id"))
    (data_folder / "no-account.json").write_text(json.dumps(spec), encoding="utf-8")
    with pytest.raises(
        ScenarioError, match=r"data/scenarios/no-account\.json: account_id: is missing"
    ):
        seed(None, "no-account")  # type: ignore[arg-type]  # never reached: nothing is seeded
