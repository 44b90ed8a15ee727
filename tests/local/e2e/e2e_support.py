"""Helpers for the end-to-end tests: the real ``aws`` CLI v1 and Debian's ``dig`` in bash."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

VENV_BIN = Path(sys.executable).parent
AWS = VENV_BIN / "aws"
ANSWER = re.compile(r"^(\S+)\s+(\d+)\s+IN\s+A\s+(\S+)$")


def require_dig() -> str:
    """The path of ``dig``; skips with the reason when it is missing (fails under CI's flag)."""
    found = shutil.which("dig")
    if found:
        return found
    reason = "Debian's `dig` is not installed: apt-get install -y bind9-dnsutils"
    if os.environ.get("LABKIT_REQUIRE_DIG") == "1":
        pytest.fail(f"LABKIT_REQUIRE_DIG=1 but {reason}")
    pytest.skip(reason)


def require_aws_cli() -> Path:
    """The AWS CLI v1 installed in the venv (a test dependency)."""
    if not AWS.exists():
        pytest.fail(f"{AWS} is missing: run `make test`, which installs the test extras")
    return AWS


@dataclass
class Shell:
    """What one command printed, as a terminal would show it."""

    stdout: str
    stderr: str
    returncode: int


def run_in_lab_shell(env_file: Path, command: str, timeout: float = 120) -> Shell:
    """``source`` the lab's env file in a clean bash, then run ``command``."""
    script = f"set -u\nsource {env_file}\n{command}\n"
    base = {
        "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}",
        "LANG": "C.UTF-8",
    }
    done = subprocess.run(
        ["bash", "--noprofile", "--norc", "-c", script],
        env=base,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    return Shell(done.stdout, done.stderr, done.returncode)


def dig_answers(output: str) -> list[tuple[str, int, str]]:
    """(name, TTL, address) of every A record in dig's ANSWER SECTION."""
    lines = output.split(";; ANSWER SECTION:", 1)
    if len(lines) < 2:
        return []
    found = []
    for line in lines[1].strip().splitlines():
        if not line.strip():
            break
        match = ANSWER.match(line.strip())
        if match:
            found.append((match.group(1), int(match.group(2)), match.group(3)))
    return found
