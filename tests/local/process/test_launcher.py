"""LocalLab: a child lab process, its ready handshake, identities, env, stop and parent death."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from labkit.lab.facade import Lab
from labkit.local.backend import LocalBackend
from labkit.local.process import warm
from labkit.local.process.launcher import LabStartError, LabStopped, LocalLab
from labkit.local.process.warm import lab_process_env


def tcp_ports(lab: LocalLab) -> list[tuple[str, int]]:
    found = []
    for name in ("control", "egress", "public", "imds", "ctl", "moto"):
        parts = urlsplit(lab.info.urls[name])
        found.append((parts.hostname or "", parts.port or 0))
    return found


def test_every_socket_is_on_loopback(lab: LocalLab) -> None:
    for host, port in tcp_ports(lab):
        assert host == "127.0.0.1" and port > 0
    assert lab.info.dns_vpc[0] == "127.0.0.1"
    assert lab.info.dns_public[0] == "127.0.0.1"


def test_info_describes_the_walkthrough(lab: LocalLab) -> None:
    info = lab.info
    assert info.region == "ap-northeast-1" and info.account_id == "111122223333"
    assert info.session_arn == (
        f"arn:aws:sts::111122223333:assumed-role/ec2-logs-fullaccess-role/{info.instance_id}"
    )
    assert len(info.subnet_ids) == 3
    assert info.org_id == "o-a1b2c3d4e5"
    assert "secret" not in json.dumps(info.to_dict()).lower()


def test_instance_session_comes_from_the_imds_stand_in(lab: LocalLab) -> None:
    session = lab.session("instance")
    credentials = session.get_credentials()
    assert credentials.method == "iam-role"
    assert lab.client("sts").get_caller_identity()["Arn"] == lab.info.session_arn


def test_admin_session_and_env(lab: LocalLab) -> None:
    assert lab.client("sts", "admin").get_caller_identity()["Arn"].endswith(":user/labkit-admin")
    env = lab.env("admin")
    assert env["AWS_ACCESS_KEY_ID"] and env["AWS_SECRET_ACCESS_KEY"]
    assert env["AWS_ENDPOINT_URL_CLOUDWATCH_LOGS"] == lab.info.urls["public"]
    assert env["AWS_SECRET_ACCESS_KEY"] not in repr(lab)


def test_instance_env_holds_no_secret_and_points_at_the_lab(lab: LocalLab) -> None:
    env = lab.env()
    assert env["AWS_ENDPOINT_URL"] == lab.info.urls["egress"]  # every call leaves the VPC's way
    assert env["AWS_ENDPOINT_URL_CLOUDWATCH_LOGS"] == lab.info.urls["egress"]
    assert env["AWS_ENDPOINT_URL_EVENTBRIDGE"] == lab.info.urls["egress"]
    assert env["AWS_EC2_METADATA_SERVICE_ENDPOINT"] == lab.info.urls["imds"]
    assert env["AWS_PAGER"] == "" and env["AWS_DEFAULT_REGION"] == "ap-northeast-1"
    assert env["AWS_ACCESS_KEY_ID"] is None and env["AWS_PROFILE"] is None
    assert env["HOME"] == lab.info.home
    assert env["HTTPS_PROXY"].startswith(lab.info.urls["guard_proxy"])
    assert "127.0.0.1" in env["NO_PROXY"]
    digrc = (Path(lab.info.home) / ".digrc").read_text()
    assert digrc.split() == ["@127.0.0.1", "-p", str(lab.info.dns_vpc[1])]
    assert (Path(lab.info.home).stat().st_mode & 0o777) == 0o700
    assert (Path(lab.info.config_file).stat().st_mode & 0o777) == 0o600


def test_client_endpoints_follow_the_identity(lab: LocalLab) -> None:
    assert lab.endpoint_url("logs") == lab.info.urls["egress"]
    assert lab.endpoint_url("ec2") == lab.info.urls["egress"]
    assert lab.endpoint_url("events", "admin") == lab.info.urls["public"]
    assert lab.endpoint_url("ec2", "admin") == lab.info.urls["control"]
    with pytest.raises(ValueError, match="who must be one of"):
        lab.session("nobody")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="no 'other-account' keys"):
        lab.session("other-account")


def test_decision_for_an_unknown_request_id_is_a_key_error(lab: LocalLab) -> None:
    with pytest.raises(KeyError, match="no decision recorded"):
        lab.decision("00000000-0000-0000-0000-000000000000")


def test_control_api_needs_the_token(lab: LocalLab) -> None:
    import urllib.error
    import urllib.request

    with pytest.raises(urllib.error.HTTPError) as excinfo:
        urllib.request.urlopen(lab.info.urls["ctl"] + "/health", timeout=5)
    assert excinfo.value.code == 401


def test_two_labs_at_once_then_stop_frees_every_port(port_is_free: Any) -> None:
    first = LocalLab.start("walkthrough")
    second = LocalLab.start("exfiltration")
    try:
        assert set(tcp_ports(first)).isdisjoint(tcp_ports(second))
        assert first.info.dns_vpc != second.info.dns_vpc
        assert first.client("sts").get_caller_identity()["Arn"] == first.info.session_arn
        assert second.client("sts").get_caller_identity()["Arn"] == second.info.session_arn
        other = second.client("sts", "other-account").get_caller_identity()
        assert other["Arn"] == "arn:aws:iam::444455556666:user/exfil"
        ports = tcp_ports(first)
        udp = [first.info.dns_vpc, first.info.dns_public]
        home = Path(first.info.home)
    finally:
        first.stop()
    assert not first.running
    for host, port in ports:
        assert port_is_free(host, port), f"{host}:{port} still listening after stop()"
    for host, port in udp:
        assert port_is_free(host, port, socket.SOCK_DGRAM)
    assert not home.exists()
    first.stop()  # idempotent
    assert second.running
    second.stop()


def test_lab_dies_with_its_parent(tmp_path: Path, port_is_free: Any) -> None:
    report = tmp_path / "lab.json"
    script = textwrap.dedent(
        f"""
        import json, time
        from labkit.local.process.launcher import LocalLab
        lab = LocalLab.start("walkthrough")
        with open({str(report)!r}, "w") as f:
            json.dump({{"pid": lab.pid, "urls": lab.info.urls}}, f)
        time.sleep(120)
        """
    )
    parent = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 90
    while not report.exists() and time.monotonic() < deadline and parent.poll() is None:
        time.sleep(0.1)
    assert report.exists(), parent.stderr.read().decode() if parent.stderr else ""
    written = json.loads(report.read_text())
    parent.send_signal(signal.SIGKILL)
    out, err = parent.communicate(timeout=10)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and _alive(written["pid"]):
        time.sleep(0.1)
    assert not _alive(written["pid"]), "the lab outlived its parent"
    for name in ("control", "egress", "imds", "moto"):
        parts = urlsplit(written["urls"][name])
        assert port_is_free(parts.hostname or "", parts.port or 0)
    assert b"secret" not in (out + err).lower()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split()[2] != "Z"
    except FileNotFoundError:
        return False


def test_unknown_scenario_fails_with_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """Answered before any lab process starts (a start costs ~1 s of CPU for nothing)."""
    monkeypatch.setattr(warm, "claim", lambda: pytest.fail("a spare lab process was claimed"))
    monkeypatch.setattr(warm, "start_process", lambda: pytest.fail("a lab process was started"))
    with pytest.raises(LabStartError, match=r"no scenario named 'nope' .*known: .*walkthrough"):
        LocalLab.start("nope")


def test_exfiltration_scenario_seeds_the_other_account() -> None:
    with LocalLab.start("exfiltration") as lab:
        assert lab.info.other_account_ids == ("444455556666",)
        import boto3

        keys = lab._secrets["other-account"]
        direct = boto3.client(
            "logs",
            region_name="ap-northeast-1",
            endpoint_url=lab.info.urls["moto"],
            aws_access_key_id=keys["access_key_id"],
            aws_secret_access_key=keys["secret_access_key"],
        )
        groups = [g["logGroupName"] for g in direct.describe_log_groups()["logGroups"]]
        assert groups == ["exfil-drop"]
        events = boto3.client(
            "events",
            region_name="ap-northeast-1",
            endpoint_url=lab.info.urls["moto"],
            aws_access_key_id=keys["access_key_id"],
            aws_secret_access_key=keys["secret_access_key"],
        )
        buses = {b["Name"] for b in events.list_event_buses()["EventBuses"]}
        assert "exfil-bus" in buses


def test_lab_sessions_refuse_real_aws_hosts(lab: LocalLab) -> None:
    from labkit.local.network.guard import RealAWSRefused

    for who in ("admin", "instance"):
        real = lab.session(who).client("sts", endpoint_url="https://sts.amazonaws.com")
        with pytest.raises(RealAWSRefused):
            real.get_caller_identity()


PLANTED = {
    "AWS_ACCESS_KEY_ID": "AKIAQWERTYUIOPASDFGH",
    "AWS_SECRET_ACCESS_KEY": "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",
    "AWS_SESSION_TOKEN": "FwoGZXIvYXdzEPLANTEDTOKEN",
    "AWS_PROFILE": "nope",
    "AWS_DEFAULT_PROFILE": "nope",
    "AWS_CONFIG_FILE": "/nonexistent/aws/config",
    "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/aws/credentials",
    "AWS_ENDPOINT_URL": "https://example.invalid",
    "AWS_CA_BUNDLE": "/nonexistent/ca.pem",
}


def test_the_learners_aws_settings_never_reach_the_lab_process(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name, value in PLANTED.items():
        monkeypatch.setenv(name, value)
    lab = LocalLab.start("walkthrough")
    try:
        environ = Path(f"/proc/{lab.pid}/environ").read_bytes().decode(errors="replace")
        for value in PLANTED.values():
            assert value not in environ
        assert "AWS_CONFIG_FILE=/dev/null" in environ.split("\0")
        # the kernel's own sessions ignore them too: AWS_PROFILE=nope is not ProfileNotFound
        identity = lab.client("sts", "admin").get_caller_identity()
        assert identity["Arn"] == lab.info.admin_arn
        assert lab.client("logs", "instance").describe_log_groups()["logGroups"]
    finally:
        lab.stop()


def test_a_killed_lab_is_reported_as_stopped_with_its_pid_and_exit() -> None:
    backend = LocalBackend.start()
    lab = backend.lab
    try:
        os.kill(lab.pid, signal.SIGKILL)
        lab._process.wait(timeout=10)
        assert not backend.running and "stopped" in repr(lab)
        facade = Lab(backend)
        assert repr(facade).startswith("<Lab stopped")
        for attempt in (
            facade.probe,
            lambda: backend.client("logs"),
            lambda: backend.decision("any-id"),
            lambda: backend.env("admin"),
        ):
            with pytest.raises(LabStopped) as caught:
                attempt()
            text = str(caught.value)
            assert f"the lab stopped (pid {lab.pid}, exit -9 (killed by SIGKILL))" in text
            assert "run `labkit.start()` again" in text
    finally:
        backend.stop()


def test_lab_process_env_keeps_everything_but_aws_and_moto_settings() -> None:
    env = lab_process_env(
        {
            "PATH": "/bin",
            "aws_profile": "x",
            "AWS_X": "1",
            "BOTO_CONFIG": "c",
            "MOTO_IAM_LOAD_MANAGED_POLICIES": "true",  # 1,300 policies parsed: 0.4 s more
            "MOTO_ACCOUNT_ID": "123456789012",
        }
    )
    assert env == {
        "PATH": "/bin",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    }


def test_clients_are_made_once_per_service_identity_and_settings(lab: LocalLab) -> None:
    first = lab.client("logs", "instance")
    assert lab.client("logs", "instance") is first
    assert lab.client("logs", "admin") is not first
    assert lab.client("logs", "instance", read_timeout=3) is not first
    assert lab.client("logs", "instance", read_timeout=3) is lab.client(
        "logs", "instance", read_timeout=3
    )
    assert first.describe_log_groups()["logGroups"]
