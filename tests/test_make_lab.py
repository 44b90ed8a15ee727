"""`make lab` (the README's first command) starts JupyterLab on 127.0.0.1 with a token."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from jupyter_client import BlockingKernelClient
from make_lab import get_json, printed_url

ROOT = Path(__file__).resolve().parents[1]
pytestmark = [pytest.mark.slow, pytest.mark.real_cli]


def test_make_lab_serves_the_notebooks_on_loopback_with_a_token() -> None:
    if shutil.which("make") is None:
        pytest.skip("make is not installed (`.ci/run` installs it): cannot run `make lab`")
    env = {k: v for k, v in os.environ.items() if k != "LABKIT_JUPYTER_TOKEN"}
    env["BROWSER"] = "true"  # open no browser
    process = subprocess.Popen(
        ["make", "--no-print-directory", "lab"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        url, token = printed_url(process, seconds=90)
        names = {item["name"] for item in get_json(f"{url}/api/contents?token={token}")["content"]}
        assert "00_start.ipynb" in names and "05_playground.ipynb" in names
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"{url}/api/contents", timeout=10)
        assert refused.value.code == 403
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


def test_stopping_make_lab_by_its_pid_leaves_no_kernel_or_lab_behind(tmp_path: Path) -> None:
    """`kill <pid of make>` stops JupyterLab, which shuts its kernels down; each kernel's lab
    ends with it (the issue found JupyterLab, a kernel and a lab still serving)."""
    if shutil.which("make") is None:
        pytest.skip("make is not installed (`.ci/run` installs it): cannot run `make lab`")
    env = {k: v for k, v in os.environ.items() if k != "LABKIT_JUPYTER_TOKEN"}
    env["BROWSER"] = "true"
    env["JUPYTER_RUNTIME_DIR"] = str(tmp_path)  # where the kernel's connection file lands
    process = subprocess.Popen(
        ["make", "--no-print-directory", "lab"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        url, token = printed_url(process, seconds=90)
        get_json(f"{url}/api/status?token={token}")  # accepting connections
        request = urllib.request.Request(
            f"{url}/api/kernels?token={token}", data=b"{}", method="POST"
        )
        with urllib.request.urlopen(request, timeout=60) as answer:
            kernel_id = json.load(answer)["id"]
        client = BlockingKernelClient(connection_file=str(tmp_path / f"kernel-{kernel_id}.json"))
        client.load_connection_file()
        client.start_channels(hb=False)  # no heartbeat: the server, not this test, owns it
        reply = client.execute_interactive(
            "import labkit; lab = labkit.start(quiet=True)", timeout=180
        )
        client.stop_channels()
        assert reply["content"]["status"] == "ok", reply["content"]
        family = _descendants(process.pid)
        labs = [pid for pid in family if b"labkit" in _cmdline(pid)]
        assert labs, f"no lab process among make's descendants: {family}"
        os.kill(process.pid, signal.SIGTERM)  # make's own pid, as `kill <pid>` would
        process.wait(timeout=60)
        deadline = time.monotonic() + 30
        while (alive := [pid for pid in family if _alive(pid)]) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert not alive, {pid: _cmdline(pid)[:120] for pid in alive}
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


def _descendants(root: int) -> list[int]:
    """Every process below ``root`` (read from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _cmdline(pid: int) -> bytes:
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_bytes()
    except OSError:
        return b""


def _alive(pid: int) -> bool:
    """Alive and not a zombie waiting for its parent to read its exit status."""
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"
