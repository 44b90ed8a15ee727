"""README.md's terminal section, run exactly as written: what each line prints is what it shows.

The section has two recipes, each a ``bash`` block with the ``labkit serve`` line for the first
terminal and a ``console`` block (``$ `` prompts, then the output) for the second. The test runs
the serve line in a scratch folder (with ``.venv`` linked to this checkout's), then every
prompt's command in one bash, and compares the output line by line. Only what changes from run
to run is set aside: instance, VPC, subnet, group and endpoint IDs, addresses in the VPC, dig's
query ID, timing, server port and version, and the encoded authorization message.
"""

from __future__ import annotations

import os
import re
import shlex
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
MARK = "@@@labkit-readme-step@@@"

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.real_cli]

VOLATILE = [
    (re.compile(r"\bi-[0-9a-f]{17}\b"), "i-…"),
    (re.compile(r"\b(vpce|vpc|subnet|sg)-[0-9a-f]{17}\b"), r"\1-…"),
    (re.compile(r"\b172\.31\.\d{1,3}\.\d{1,3}\b"), "172.31.…"),
    (re.compile(r"DiG \S+ <<>>"), "DiG … <<>>"),
    (re.compile(r"\bid: \d+"), "id: …"),
    (re.compile(r"Query time: \d+ msec"), "Query time: … msec"),
    (re.compile(r"SERVER: 127\.0\.0\.1#\d+\(127\.0\.0\.1\)"), "SERVER: 127.0.0.1#…(127.0.0.1)"),
    (re.compile(r";; WHEN: .*"), ";; WHEN: …"),
    (re.compile(r"Encoded authorization failure message: \S+"), "Encoded … message: …"),
]


def normalized(text: str) -> list[str]:
    for pattern, replacement in VOLATILE:
        text = pattern.sub(replacement, text)
    return text.rstrip("\n").split("\n")


def block(marker: str) -> str:
    """The fenced block that follows ``<!-- terminal: <marker> -->`` in README.md."""
    text = README.read_text(encoding="utf-8")
    start = text.index(f"<!-- terminal: {marker} -->")
    fence = text.index("```", start)
    body_start = text.index("\n", fence) + 1
    return text[body_start : text.index("\n```", body_start)]


def steps(console: str) -> Iterator[tuple[str, str]]:
    """(command, expected output) for each ``$ `` prompt of a console block."""
    lines = console.split("\n")
    index = 0
    while index < len(lines):
        line = lines[index]
        assert line.startswith("$ "), f"a console block starts each command with '$ ': {line!r}"
        command = [line[2:]]
        index += 1
        heredoc = re.search(r"<<'?(\w+)'?", command[0])
        if heredoc:
            while lines[index] != heredoc.group(1):
                command.append(lines[index])
                index += 1
            command.append(lines[index])
            index += 1
        while command[-1].endswith("\\"):
            command.append(lines[index])
            index += 1
        output = []
        while index < len(lines) and not lines[index].startswith("$ "):
            output.append(lines[index])
            index += 1
        yield "\n".join(command), "\n".join(output)


def run_recipe(name: str, folder: Path) -> None:
    serve_line = block(f"{name} serve").strip()
    shell = list(steps(block(f"{name} shell")))
    (folder / ".venv").symlink_to(ROOT / ".venv")
    script = "".join(f"{{ {command}\n}} 2>&1\necho {MARK}\n" for command, _ in shell)
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(folder), "LANG": "C.UTF-8"}
    serve = subprocess.Popen(
        shlex.split(serve_line),
        cwd=folder,
        env={**env, "PATH": f"{ROOT / '.venv' / 'bin'}:{env['PATH']}"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while not (folder / "lab.env").exists():
            if serve.poll() is not None or time.monotonic() > deadline:
                out, err = serve.communicate(timeout=10)
                pytest.fail(f"{serve_line!r} did not get ready:\n{out}\n{err}")
            time.sleep(0.2)
        done = subprocess.run(
            ["bash", "--noprofile", "--norc", "-c", script],
            cwd=folder,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
    finally:
        serve.send_signal(signal.SIGINT)
        serve.communicate(timeout=60)
    printed = done.stdout.split(f"{MARK}\n")
    assert len(printed) == len(shell) + 1, done.stdout + done.stderr
    for (command, expected), actual in zip(shell, printed, strict=False):
        assert normalized(actual) == normalized(expected), f"$ {command}"
    assert not (folder / "lab.env").exists(), "the env file outlives the lab"


@pytest.fixture
def tools() -> None:
    if not (ROOT / ".venv" / "bin" / "aws").exists():
        pytest.fail("the AWS CLI is missing from .venv: run `make test`")
    if subprocess.run(["sh", "-c", "command -v dig"], capture_output=True).returncode != 0:
        if os.environ.get("LABKIT_REQUIRE_DIG") == "1":
            pytest.fail("LABKIT_REQUIRE_DIG=1 but dig is missing: apt-get install bind9-dnsutils")
        pytest.skip("Debian's `dig` is not installed: apt-get install -y bind9-dnsutils")


def test_the_quick_start_replays_the_walkthrough(tools: None, tmp_path: Path) -> None:
    run_recipe("quick-start", tmp_path)


def test_the_cli_preparation_replays_the_walkthrough(tools: None, tmp_path: Path) -> None:
    run_recipe("preparation", tmp_path)


def test_the_recipes_use_the_walkthroughs_commands_verbatim() -> None:
    memo_put = (
        "aws logs put-log-events --log-group-name {group} --log-stream-name log-stream \\\n"
        "  --log-events timestamp=1550295898001,message=ExampleEvent1 "
        "timestamp=1550295898002,message=ExampleEvent2"
    )
    for name in ("quick-start", "preparation"):
        commands = [command for command, _ in steps(block(f"{name} shell"))]
        assert memo_put.format(group="logs-test-allowed") in commands
        assert memo_put.format(group="logs-test-denied") in commands
        assert any(c.startswith("dig logs.ap-northeast-1.amazonaws.com") for c in commands)
    assert "--endpoint logs=walkthrough" in block("quick-start serve")
