"""``labkit serve --env-file``: a second shell sources the file; the AWS CLI and dig just work."""

from __future__ import annotations

import ipaddress
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from e2e_support import dig_answers, require_aws_cli, require_dig, run_in_lab_shell

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.real_cli]
ROOT = Path(__file__).resolve().parents[3]


def test_a_sourced_shell_reaches_the_lab_and_nothing_else(tmp_path: Path) -> None:
    require_aws_cli()
    require_dig()
    env_file = tmp_path / "lab.env"
    serve = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "labkit",
            "serve",
            "--scenario",
            "walkthrough",
            "--env-file",
            str(env_file),
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 90
        while not env_file.exists():
            assert serve.poll() is None, serve.stderr.read() if serve.stderr else ""
            assert time.monotonic() < deadline, "labkit serve did not write its env file"
            time.sleep(0.1)
        who = run_in_lab_shell(env_file, "aws sts get-caller-identity")
        assert who.returncode == 0, who.stderr
        assert ":assumed-role/ec2-logs-fullaccess-role/i-" in json.loads(who.stdout)["Arn"]
        # No endpoint yet: the public path through the internet gateway.
        put = run_in_lab_shell(
            env_file,
            "aws logs put-log-events --log-group-name logs-test-denied --log-stream-name "
            "log-stream --log-events timestamp=$(date +%s%3N),message=ExampleEvent1",
        )
        assert put.returncode == 0, put.stderr
        dug = run_in_lab_shell(env_file, "dig logs.ap-northeast-1.amazonaws.com")
        answers = dig_answers(dug.stdout)
        assert len(answers) == 1 and answers[0][1] == 60
        address = ipaddress.ip_address(answers[0][2])
        assert address not in ipaddress.ip_network("172.31.0.0/16")
    finally:
        serve.send_signal(signal.SIGINT)
        serve.wait(timeout=30)
    assert not env_file.exists()
