"""Where the instance's calls and ``dig`` run: on the lab instance through SSM Run Command, or in
a local process (the kernel is itself in the lab VPC, or ``LABKIT_AWS_PROBE_RUNNER=local`` for
runs against a stand-in for AWS). All run the same script, :mod:`labkit.aws.instance_probe`.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import time
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

import botocore.exceptions

from labkit.aws import instance_probe
from labkit.backend.errors import LabError

RUNNER_VARIABLE = "LABKIT_AWS_PROBE_RUNNER"
RUNNER_CHOICES = ("ssm", "local")
BATCH_SIZE = 5  # requests per run: keeps SSM's 24,000-character output window enough
SCRIPT = Path(instance_probe.__file__)
PROCESS_TIMEOUT = 120.0
TERMINAL = ("Success", "Failed", "Cancelled", "TimedOut", "Cancelling", "Undeliverable")


class ProbeRunner(Protocol):
    """Runs one task of :mod:`labkit.aws.instance_probe` and returns its decoded result."""

    kind: str  # "ssm", "local" or "direct"
    where: str  # for messages: "on i-0abc… through SSM", "in a local process"

    def run(self, task: dict[str, Any]) -> dict[str, Any]: ...


def chosen_runner() -> str | None:
    """``$LABKIT_AWS_PROBE_RUNNER`` if set (``ssm`` or ``local``); a clear error otherwise."""
    value = os.environ.get(RUNNER_VARIABLE, "").strip().lower()
    if not value:
        return None
    if value not in RUNNER_CHOICES:
        raise LabError(
            f"{RUNNER_VARIABLE}={value!r} is not a probe runner",
            f"use 'ssm' (the lab instance, the default) or 'local' (a local process, for runs "
            f"against a stand-in for AWS), or unset {RUNNER_VARIABLE}",
        )
    return value


def decode(output: str) -> dict[str, Any]:
    """The result line of the script in ``output`` (other lines are ignored)."""
    for line in output.splitlines():
        if line.startswith(instance_probe.MARKER):
            packed = base64.b64decode(line[len(instance_probe.MARKER) :])
            return dict(json.loads(zlib.decompress(packed)))
    raise ValueError("no result line in the output")


class ProcessRunner:
    """The script in a local process, with the credentials ``credentials()`` returns."""

    def __init__(self, kind: str, credentials: Callable[[], Any], where: str) -> None:
        self.kind = kind
        self.where = where
        self._credentials = credentials

    def run(self, task: dict[str, Any]) -> dict[str, Any]:
        env = dict(os.environ)
        creds = self._credentials()
        if creds is not None:
            env["AWS_ACCESS_KEY_ID"] = creds.access_key
            env["AWS_SECRET_ACCESS_KEY"] = creds.secret_key
            env.pop("AWS_SESSION_TOKEN", None)
            if creds.token:
                env["AWS_SESSION_TOKEN"] = creds.token
        done = subprocess.run(
            [sys.executable, str(SCRIPT)],
            input=json.dumps(task),
            capture_output=True,
            text=True,
            env=env,
            timeout=PROCESS_TIMEOUT,
            check=False,
        )
        try:
            return decode(done.stdout)
        except ValueError:
            raise LabError(
                f"the probe process {self.where} ended without a result "
                f"(exit {done.returncode}): {done.stderr.strip()[-500:]}",
                "run the cell again; if it fails the same way, report the message above",
            ) from None


def ssm_command(task: dict[str, Any]) -> str:
    """The shell command SSM runs: the script and its task, both base64 (quote-safe)."""
    script = base64.b64encode(SCRIPT.read_bytes()).decode()
    task_text = base64.b64encode(json.dumps(task).encode()).decode()
    return (
        f"printf %s '{task_text}' | base64 -d | python3 -c \"$(printf %s '{script}' | base64 -d)\""
    )


class SsmRunner:
    """The script on the lab instance, through SSM Run Command (``AWS-RunShellScript``)."""

    kind = "ssm"

    def __init__(
        self,
        ssm: Any,
        instance_id: str,
        run_id: str,
        *,
        register_seconds: float = 600.0,
        command_seconds: float = 300.0,
        poll_seconds: float = 1.0,
    ) -> None:
        self.ssm = ssm
        self.instance_id = instance_id
        self.run_id = run_id
        self.where = f"on the lab instance {instance_id} through SSM Run Command"
        self.register_seconds = register_seconds
        self.command_seconds = command_seconds
        self.poll_seconds = poll_seconds
        self.command_ids: list[str] = []

    def run(self, task: dict[str, Any]) -> dict[str, Any]:
        command_id = self._send(ssm_command(task))
        self.command_ids.append(command_id)
        invocation = self._wait(command_id)
        output = str(invocation.get("StandardOutputContent", ""))
        try:
            return decode(output)
        except ValueError:
            status = invocation.get("Status")
            errors = str(invocation.get("StandardErrorContent", "")).strip()[-500:]
            raise LabError(
                f"the lab instance returned no probe result (SSM command {command_id}: "
                f"status {status}, stderr {errors or 'empty'}, stdout {len(output)} characters)",
                f"check the command in the Systems Manager console (Run Command history) for "
                f"{self.instance_id}; the instance needs python3 and a route to the service",
            ) from None

    def _send(self, command: str) -> str:
        deadline = time.monotonic() + self.register_seconds
        told = False
        while True:
            try:
                sent = self.ssm.send_command(
                    InstanceIds=[self.instance_id],
                    DocumentName="AWS-RunShellScript",
                    Comment=f"labkit probe ({self.run_id})",
                    Parameters={"commands": [command], "executionTimeout": ["120"]},
                )
                return str(sent["Command"]["CommandId"])
            except botocore.exceptions.ClientError as exc:
                # a new instance's SSM agent takes a minute or two to register
                if exc.response["Error"]["Code"] != "InvalidInstanceId":
                    raise
                if time.monotonic() > deadline:
                    raise LabError(
                        f"the lab instance {self.instance_id} never registered with SSM",
                        "it needs a route to the ssm, ssmmessages and ec2messages endpoints "
                        "(internet gateway or NAT, or endpoints for them) and its role's "
                        "AmazonSSMManagedInstanceCore policy; `labkit cleanup` and start again",
                    ) from None
                if not told:
                    print(f"waiting for {self.instance_id} to register with SSM (1–3 minutes)…")
                    told = True
                time.sleep(10)

    def _wait(self, command_id: str) -> dict[str, Any]:
        deadline = time.monotonic() + self.command_seconds
        while True:
            try:
                invocation = self.ssm.get_command_invocation(
                    CommandId=command_id, InstanceId=self.instance_id
                )
            except botocore.exceptions.ClientError as exc:
                if exc.response["Error"]["Code"] != "InvocationDoesNotExist":
                    raise
                invocation = {"Status": "Pending"}
            if invocation.get("Status") in TERMINAL:
                return dict(invocation)
            if time.monotonic() > deadline:
                raise LabError(
                    f"SSM command {command_id} on {self.instance_id} did not finish in "
                    f"{self.command_seconds:.0f} s (status {invocation.get('Status')})",
                    "run the cell again; the Run Command history shows what it is doing",
                )
            time.sleep(self.poll_seconds)


def run_in_batches(runner: ProbeRunner, requests: list[dict], dns: list[dict]) -> dict[str, Any]:
    """All ``requests`` (in batches) and ``dns`` queries through ``runner``; results in order."""
    responses: list[dict[str, Any]] = []
    answers: list[dict[str, Any]] = []
    batches = [requests[i : i + BATCH_SIZE] for i in range(0, len(requests), BATCH_SIZE)]
    for index, batch in enumerate(batches or [[]]):
        task = {"requests": batch, "dns": dns if index == 0 else []}
        if not batch and not task["dns"]:
            continue
        result = runner.run(task)
        if result.get("error"):
            raise LabError(
                f"the probe {runner.where} could not run: {result['error']}",
                "the lab instance needs its instance profile (labkit's set-up attaches it)",
            )
        responses += result.get("responses", [])
        answers += result.get("dns", [])
    return {"responses": responses, "dns": answers}
