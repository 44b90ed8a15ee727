"""Running `make lab` in a test: the URL and token it prints, and a JSON GET that waits for the
server to accept connections."""

from __future__ import annotations

import json
import re
import select
import subprocess
import time
import urllib.error
import urllib.request


def get_json(url: str, seconds: float = 20) -> dict:
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


def printed_url(process: subprocess.Popen[str], seconds: float) -> tuple[str, str]:
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
