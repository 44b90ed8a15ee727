"""`make lab` (the README's first command) starts JupyterLab on 127.0.0.1 with a token."""

from __future__ import annotations

import json
import os
import re
import select
import shutil
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

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
        url, token = _printed_url(process, seconds=90)
        names = {item["name"] for item in _get_json(f"{url}/api/contents?token={token}")["content"]}
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


def _get_json(url: str, seconds: float = 20) -> dict:
    """GET ``url``; the server logs its URL a moment before it accepts connections."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=10) as answer:
                return json.load(answer)
        except urllib.error.URLError as error:
            if isinstance(error, urllib.error.HTTPError) or time.monotonic() > deadline:
                raise
            time.sleep(0.25)


def _printed_url(process: subprocess.Popen[str], seconds: float) -> tuple[str, str]:
    """The ``http://127.0.0.1:<port>`` and token of the URL JupyterLab prints for the learner."""
    assert process.stdout is not None
    seen: list[str] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        ready, _, _ = select.select([process.stdout], [], [], 1.0)
        if not ready:
            continue
        line = process.stdout.readline()
        if not line:
            break
        seen.append(line)
        found = re.search(r"(http://127\.0\.0\.1:\d+)/lab\?token=([0-9a-f]{32,})", line)
        if found:
            return found[1], found[2]
    shown = "".join(seen[-15:])
    raise AssertionError(f"make lab printed no URL with its token; it printed:\n{shown}")
