"""``labkit serve``: foreground lab, env file once ready, clean stop on SIGINT/SIGTERM."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from ports import port_is_free

ROOT = Path(__file__).resolve().parents[2]


def start_serve(env_file: Path, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "labkit", "serve", "--env-file", str(env_file), *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )


def wait_for(path: Path, process: subprocess.Popen[str], timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            out, err = process.communicate(timeout=10)
            pytest.fail(f"serve did not write {path}:\n{out}\n{err}")
        time.sleep(0.1)


def exported(text: str) -> dict[str, str]:
    found = {}
    for line in text.splitlines():
        if line.startswith("export "):
            name, _, value = line.removeprefix("export ").partition("=")
            found[name] = value.strip("'")
    return found


@pytest.mark.real_cli  # sources the env file and runs the aws CLI in it
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_serve_writes_env_then_stops_cleanly(tmp_path: Path, signum: int) -> None:
    env_file = tmp_path / "lab.env"
    process = start_serve(env_file)
    try:
        wait_for(env_file, process)
        assert env_file.stat().st_mode & 0o777 == 0o600
        values = exported(env_file.read_text())
        for name in (
            "AWS_ENDPOINT_URL",
            "AWS_ENDPOINT_URL_CLOUDWATCH_LOGS",
            "AWS_ENDPOINT_URL_EVENTBRIDGE",
            "AWS_EC2_METADATA_SERVICE_ENDPOINT",
            "AWS_DEFAULT_REGION",
            "AWS_PAGER",
            "AWS_CONFIG_FILE",
            "AWS_SHARED_CREDENTIALS_FILE",
            "HOME",
        ):
            assert name in values, name
        assert "AWS_SECRET_ACCESS_KEY" not in values
        assert (Path(values["HOME"]) / ".digrc").exists()
        home = Path(values["HOME"])
        aws = shutil.which("aws", path=str(Path(sys.executable).parent))
        if aws:
            result = subprocess.run(
                ["sh", "-c", f". '{env_file}' && '{aws}' sts get-caller-identity"],
                capture_output=True,
                text=True,
                timeout=60,
                env={"PATH": os.environ.get("PATH", "")},
            )
            assert result.returncode == 0, result.stderr
            assert ":assumed-role/ec2-logs-fullaccess-role/i-" in result.stdout
        process.send_signal(signum)
        out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err
    assert "ready" in out and "lab stopped" in out
    assert not env_file.exists()
    assert not home.exists()
    for name in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_CLOUDWATCH_LOGS"):
        parts = urlsplit(values[name])
        assert port_is_free(parts.hostname, parts.port)
    secret_markers = ("secret_access_key", "SecretAccessKey", "ctl_token")
    assert not any(marker in out + err for marker in secret_markers)


def test_serve_rejects_an_unknown_scenario(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "labkit", "serve", "--scenario", "nope"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 2
    assert "invalid choice: 'nope'" in result.stderr


def run_serve(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "labkit", "serve", "--env-file", str(tmp_path / "lab.env"), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )


def test_an_endpoint_for_a_service_the_lab_does_not_know_exits_2_and_starts_nothing(
    tmp_path: Path,
) -> None:
    result = run_serve(tmp_path, "--endpoint", "sqs")
    assert result.returncode == 2
    assert result.stderr == (
        "labkit serve: --endpoint sqs: the lab makes interface endpoints for logs, events, "
        "eventsv2, sts, ec2, monitoring, ssm, not 'sqs'\n"
    )
    assert result.stdout == "" and not (tmp_path / "lab.env").exists()


def test_a_broken_policy_file_exits_2_naming_file_line_and_column(tmp_path: Path) -> None:
    policy = tmp_path / "policy.json"
    policy.write_text('{\n  "Statement": [\n    {"Effect": "Allow", "Action": "*",}\n  ]\n}\n')
    result = run_serve(tmp_path, "--endpoint", f"logs={policy}")
    assert result.returncode == 2
    assert result.stderr.startswith(f"labkit serve: --endpoint logs={policy}: {policy}:3:39: ")
    assert "not valid JSON" in result.stderr
    assert result.stdout == "" and not (tmp_path / "lab.env").exists()


def test_a_policy_that_is_no_endpoint_policy_names_its_place(tmp_path: Path) -> None:
    policy = tmp_path / "no-principal.json"
    policy.write_text('{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}')
    result = run_serve(tmp_path, "--endpoint", f"logs={policy}")
    assert result.returncode == 2
    assert f"{policy}:1:16: every statement of a VPC endpoint policy must contain a Principal" in (
        result.stderr
    )


def test_an_unknown_policy_name_lists_the_known_ones(tmp_path: Path) -> None:
    result = run_serve(tmp_path, "--endpoint", "logs=nope")
    assert result.returncode == 2
    assert "'nope' is neither a policy of data/policies/ (" in result.stderr
    assert "walkthrough" in result.stderr
