"""Participants apart on a shared host: every port of a lab refuses another Unix user.

A real lab process runs as this test's user (root in CI). A second Unix user
(``tests/support/stranger.py``) knocks on every port the lab process listens on, found from
the process's own sockets (``/proc/<pid>/fd`` → ``/proc/net/{tcp,udp}``), not from its list of
URLs, so a port added later is covered too. The owner knocks with the same requests and gets
real answers, and the owner's AWS CLI, boto3 and ``dig`` keep working.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import port_probe
import pytest
from e2e_support import require_aws_cli, require_dig, run_in_lab_shell
from stranger import Stranger, python_for_anyone, stranger

from labkit.local.process.envfile import render_shell, write_private
from labkit.local.process.launcher import LocalLab
from labkit.local.wire import peer_uid

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.real_cli]

REFUSAL = "labkit: this lab serves only the Unix user who started it"
DNS_REFUSED = 5
DNS_NAME = "logs.ap-northeast-1.amazonaws.com"


@pytest.fixture(scope="module")
def other() -> Stranger:
    return stranger()


@pytest.fixture(scope="module")
def lab(other: Stranger) -> Iterator[LocalLab]:
    started = LocalLab.start("walkthrough")
    try:
        yield started
    finally:
        started.stop()


@pytest.fixture(scope="module")
def lab_env(lab: LocalLab, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("shell") / "lab.env"
    write_private(path, render_shell(lab.env("instance")))
    return path


def listening_ports(pid: int) -> tuple[set[int], set[int]]:
    """(TCP ports in LISTEN, UDP ports bound) of the sockets process ``pid`` holds."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        target = os.readlink(fd) if fd.is_symlink() else ""
        if target.startswith("socket:["):
            inodes.add(target[len("socket:[") : -1])
    tcp, udp = set(), set()
    for table, ports in (("tcp", tcp), ("tcp6", tcp), ("udp", udp), ("udp6", udp)):
        path = Path("/proc/net") / table
        if not path.exists():
            continue
        for line in path.read_text().splitlines()[1:]:
            fields = line.split()
            if (
                len(fields) > 9
                and fields[9] in inodes
                and (table[:3] == "udp" or fields[3] == "0A")
            ):
                ports.add(int(fields[1].split(":")[1], 16))
    return tcp, udp


def knock(targets: dict[str, list[list[object]]], as_user: Stranger | None) -> dict:
    script = Path(port_probe.__file__).read_text()
    argv = [python_for_anyone(), "-I", "-c", script, json.dumps(targets)]
    if as_user is not None:
        done = as_user.run(argv)
    else:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def targets(lab: LocalLab) -> dict[str, list[list[object]]]:
    tcp, udp = listening_ports(lab.pid)
    dns = {lab.info.dns_vpc[1], lab.info.dns_public[1]}
    assert dns <= udp and dns <= tcp, (dns, tcp, udp)
    assert udp == dns, f"the lab holds UDP ports nobody tests: {udp - dns}"
    http = sorted(tcp - dns)
    moto = int(lab.info.urls["moto"].rsplit(":", 1)[1])
    assert moto in http and len(http) >= 7, http  # moto, control, imds, ctl, egress, public, proxy
    return {
        "http": [["127.0.0.1", port, "/moto-api/data.json"] for port in http],
        "dns": [["127.0.0.1", port, DNS_NAME] for port in sorted(dns)],
    }


def test_the_lab_says_it_keeps_strangers_out(lab: LocalLab) -> None:
    assert lab.info.extra["isolation"] == "peer-uid"


def test_every_port_refuses_another_user(lab: LocalLab, other: Stranger, targets: dict) -> None:
    seen = knock(targets, other)
    for answer in seen["http"]:
        assert answer["status"] == 403 and answer["head"].strip() == REFUSAL, answer
    for answer in seen["dns"]:
        assert answer["udp"] == [DNS_REFUSED, 0], answer
        assert answer["tcp"] == [DNS_REFUSED, 0], answer


def test_the_owner_gets_real_answers_to_the_same_requests(lab: LocalLab, targets: dict) -> None:
    seen = knock(targets, None)
    by_port = {answer["port"]: answer for answer in seen["http"]}
    for answer in seen["http"]:
        assert answer["status"] is not None and REFUSAL not in answer["head"], answer
    state = by_port[int(lab.info.urls["moto"].rsplit(":", 1)[1])]
    assert (state["status"] == 200 and lab.info.vpc_id in state["head"]) or state["size"] > 10_000
    for answer in seen["dns"]:
        assert answer["udp"][0] == 0 and answer["tcp"][0] == 0, answer


def test_another_users_dig_and_curl_are_refused(lab: LocalLab, other: Stranger) -> None:
    require_dig()
    host, port = lab.info.dns_vpc
    for transport in ("+notcp", "+tcp"):
        shell = other.run(["dig", f"@{host}", "-p", str(port), DNS_NAME, transport, "+tries=1"])
        assert "status: REFUSED" in shell.stdout, shell.stdout + shell.stderr
        assert "ANSWER SECTION" not in shell.stdout
    curl = shutil.which("curl")
    if curl:
        moto = lab.info.urls["moto"]
        done = other.run([curl, "-s", "-w", "\n%{http_code}", f"{moto}/moto-api/data.json"])
        assert REFUSAL in done.stdout and done.stdout.rstrip().endswith("403"), done.stdout


def test_the_owners_aws_cli_boto3_and_dig_still_work(lab: LocalLab, lab_env: Path) -> None:
    require_aws_cli()
    require_dig()
    groups = run_in_lab_shell(lab_env, "aws logs describe-log-groups --output json")
    assert groups.returncode in (0, 255), groups.stderr
    assert REFUSAL not in groups.stdout + groups.stderr
    dig = run_in_lab_shell(lab_env, f"dig {DNS_NAME}")
    assert "status: NOERROR" in dig.stdout, dig.stdout + dig.stderr
    vpcs = lab.client("ec2", "admin").describe_vpcs()["Vpcs"]
    assert lab.info.vpc_id in {vpc["VpcId"] for vpc in vpcs}
    caller = lab.client("sts").get_caller_identity()
    assert caller["Arn"] == lab.info.session_arn


def test_the_socket_owner_lookups_name_the_other_user(other: Stranger) -> None:
    """Both ways of finding a socket's owner (netlink, /proc) name the stranger's uid."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        server = listener.getsockname()
        hold = (
            "import socket,sys,time;"
            f"s=socket.create_connection({server!r});print(s.getsockname()[1],flush=True);"
            "sys.stdin.read()"
        )
        child = subprocess.Popen(
            [python_for_anyone(), "-I", "-c", hold],
            user=other.uid,
            group=other.gid,
            extra_groups=[],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            port = int(child.stdout.readline())
            accepted, client = listener.accept()
            with accepted:
                assert client == ("127.0.0.1", port)
                assert peer_uid.tcp_owner_from_netlink(client, server) == other.uid
                assert peer_uid.tcp_owner_from_proc(client, server) == other.uid
                guard = peer_uid.PeerGuard()
                assert not guard.admits_tcp(client, server) and guard.refused == 1
        finally:
            child.stdin.close()
            child.wait(timeout=10)
