"""lab.bypasses() on the walkthrough lab: every path listed with its real outcome; a path the
scenario cannot build is "not tried, because …"; the call's own record says where it went."""

from __future__ import annotations

import pytest

from labkit.lab import bypasses
from labkit.lab.bypasses import open_paths, path_keys
from labkit.lab.facade import Lab

pytestmark = [pytest.mark.e2e]


@pytest.fixture(scope="module")
def lab(walkthrough_lab: Lab) -> Lab:
    return walkthrough_lab


def test_every_path_on_the_walkthrough_lab(lab: Lab) -> None:
    frame = lab.bypasses().set_index("path")
    assert list(frame.index) == list(path_keys())
    assert set(open_paths(frame.reset_index())) == {
        "private-dns-off",
        "public-endpoint",
        "other-region",
        "eventsv2",
        "live-tail-old-sdk",
        "dual-stack",
    }
    assert frame.loc["other-region", "name"] == "logs.us-east-1.amazonaws.com"
    assert frame.loc["dual-stack", "name"] == "logs.ap-northeast-1.api.aws"
    assert frame.loc["eventsv2", "name"] == "111122223333.eventsv2.ap-northeast-1.amazonaws.com"
    assert frame.loc["live-tail-old-sdk", "call"].startswith("StartLiveTail")
    assert frame.loc["fips", "dns"] == "NXDOMAIN"
    assert frame.loc["foreign-keys", "result"].startswith(
        "not tried, because scenario 'walkthrough' holds no other account's keys"
    )
    assert frame.loc["private-dns-off", "dns"] == "203.0.113.10 (public)"
    assert not frame["via_endpoint"].fillna(False).any()
    assert lab.endpoint("logs")["PrivateDnsEnabled"]  # put back after the path ran


def test_through_the_endpoint_the_same_call_is_denied(lab: Lab) -> None:
    run = lab.probe("walkthrough")
    assert list(run["denied_by"].fillna("-")) == ["-", "vpc-endpoint"]


def test_one_path_and_an_unknown_one(lab: Lab) -> None:
    assert list(lab.bypasses(["fips"])["path"]) == ["fips"]
    with pytest.raises(ValueError, match="no path named nat; the paths: private-dns-off"):
        lab.bypasses(["nat"])


def test_a_scenario_without_a_second_region_is_not_tried(lab: Lab, monkeypatch) -> None:
    real = bypasses.data.scenario
    monkeypatch.setattr(
        bypasses.data,
        "scenario",
        lambda name: {k: v for k, v in real(name).items() if k != "other_regions"},
    )
    (result,) = lab.bypasses(["other-region"])["result"]
    assert result.startswith("not tried, because scenario 'walkthrough' models no second Region")
