"""The public ``Lab`` over the local backend: what notebooks call, against a real lab process."""

from __future__ import annotations

import ipaddress
import json
import os
import subprocess

import pytest

import labkit
from labkit.lab import LabError, PolicyRejected
from labkit.lab.launch import choose_backend

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def lab(walkthrough_lab: labkit.Lab) -> labkit.Lab:
    return walkthrough_lab  # the logs endpoint exists, under the walkthrough's policy


def test_banner_names_backend_region_and_role_session(lab: labkit.Lab) -> None:
    banner = lab.banner()
    assert "backend   local" in banner and "ap-northeast-1" in banner
    assert "assumed-role/ec2-logs-fullaccess-role/i-" in banner
    assert lab.identity.startswith("arn:aws:sts::111122223333:assumed-role/")


def test_network_is_the_default_vpc_with_one_subnet_per_zone(lab: labkit.Lab) -> None:
    frame = lab.network()
    assert set(frame["vpc_cidr"]) == {"172.31.0.0/16"}
    assert list(frame["az"]) == ["ap-northeast-1a", "ap-northeast-1c", "ap-northeast-1d"]
    vpc = ipaddress.ip_network("172.31.0.0/16")
    assert all(ipaddress.ip_network(c).subnet_of(vpc) for c in frame["subnet_cidr"])


def test_endpoint_goes_pending_then_available_with_an_eni_in_each_subnet(lab: labkit.Lab) -> None:
    assert lab.lifecycle[0] == "pending" and lab.lifecycle[-1] == "available"
    subnets = dict(zip(lab.network()["subnet"], lab.network()["subnet_cidr"], strict=True))
    enis = lab.enis()
    assert len(enis) == 3
    for _, eni in enis.iterrows():
        assert ipaddress.ip_address(eni["PrivateIpAddress"]) in ipaddress.ip_network(
            subnets[eni["SubnetId"]]
        )


def test_dig_in_the_vpc_gives_the_eni_addresses_ttl_60(lab: labkit.Lab) -> None:
    answer = lab.dig()
    assert answer.status == "NOERROR"
    assert sorted(answer.addresses) == sorted(lab.enis()["PrivateIpAddress"])
    assert {r.ttl for r in answer.answers} == {60}
    outside = lab.dig(view="public")
    assert outside.addresses and not outside.all_in("172.31.0.0/16")


def test_walkthrough_probe_allows_one_group_and_denies_the_other(lab: labkit.Lab) -> None:
    frame = lab.probe("walkthrough")
    allowed, denied = frame.iloc[0], frame.iloc[1]
    assert (allowed["decision"], allowed["http_status"], allowed["error_code"]) == (
        "Allowed",
        200,
        "",
    )
    assert denied["decision"] == "ImplicitlyDenied" and denied["denied_by"] == "vpc-endpoint"
    assert (denied["http_status"], denied["error_code"]) == (400, "AccessDeniedException")
    assert denied["message"].startswith(f"User: {lab.identity} is not authorized to perform")
    assert ":log-group:logs-test-denied:log-stream:log-stream" in denied["message"]
    assert bool(denied["via_endpoint"]) is True


def test_the_runs_denial_its_endpoint_and_what_only_it_can_show(lab: labkit.Lab, capsys) -> None:
    frame = lab.probe("walkthrough")
    assert lab.denied_message(frame) == frame["message"][1]
    assert lab.local_only("the 2019 wording") is True and capsys.readouterr().out == ""
    owners = lab.endpoints()
    assert list(owners["owner"]) == ["this run"]
    again = lab.create_endpoint("logs", policy="walkthrough")  # reused, not a second one
    assert len(lab.endpoints()) == 1 and "available" in set(again["value"])


def test_a_broken_policy_is_refused_and_the_old_one_stays(lab: labkit.Lab) -> None:
    before = lab.policy()
    with pytest.raises(PolicyRejected) as caught:
        lab.set_policy('{"Statement": [{"Effect": "Allow", "Action": "*",}]}')
    assert "line 1" in str(caught.value) and "column" in str(caught.value)
    with pytest.raises(PolicyRejected, match="Principal"):
        lab.set_policy({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})
    assert lab.policy() == before


@pytest.mark.real_cli
def test_start_points_this_kernel_at_the_lab_and_stop_restores_it() -> None:
    labkit.stop()  # an earlier lab in this process would otherwise be stopped by start()
    before = dict(os.environ)
    lab = labkit.start(quiet=True)
    try:
        assert os.environ["AWS_DEFAULT_REGION"] == "ap-northeast-1"
        assert "AWS_ACCESS_KEY_ID" not in os.environ  # credentials come from the IMDS stand-in
        out = subprocess.run(
            ["aws", "sts", "get-caller-identity"], capture_output=True, text=True, timeout=60
        )
        assert out.returncode == 0, out.stderr
        assert json.loads(out.stdout)["Arn"] == lab.identity
    finally:
        lab.stop()
    assert dict(os.environ) == before
    lab.stop()  # twice is fine


def test_unknown_identity_and_backend_say_how_to_fix() -> None:
    with pytest.raises(LabError, match="'local' \\(offline, the default\\) or 'aws'"):
        choose_backend("azure")
    lab = labkit.start(quiet=True)
    try:
        with pytest.raises(LabError, match="exfiltration"):
            lab.client("logs", "other-account")
    finally:
        lab.stop()


def test_two_labs_run_at_once_on_their_own_ports() -> None:
    from labkit.local.backend import LocalBackend

    first, second = LocalBackend.start(), LocalBackend.start()
    try:
        assert first.lab.info.urls["egress"] != second.lab.info.urls["egress"]
        assert first.dns_server("vpc") != second.dns_server("vpc")
        for backend in (first, second):
            who = backend.client("sts", "instance").get_caller_identity()["Arn"]
            assert who == backend.info.identities["instance"].arn
    finally:
        first.stop()
        second.stop()
    assert not first.lab.running and not second.lab.running
