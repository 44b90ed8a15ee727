"""A private JupyterLab for the browser test: 127.0.0.1, a free port, a token, a temp root dir,
isolated config/settings (windowing off, no news toast), stopped with everything it started."""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

# as `make lab` serves the course (see the Makefile): saved without outputs, opened clean
CONTENTS_MANAGER = "labkit.ui.course_contents.CourseContentsManager"
SETTINGS = {
    # every cell stays in the DOM, so the test can read outputs below the fold
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    # no "notified about official Jupyter news?" toast over the page
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}


def free_port() -> int:
    """A port the OS says is free on 127.0.0.1 now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class JupyterLab:
    """``jupyter lab`` in its own process group, serving ``root``."""

    def __init__(self, root: Path, home: Path) -> None:
        self.root = root
        self.token = secrets.token_hex(24)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        settings = home / "settings"
        for name, values in SETTINGS.items():
            path = settings / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values), encoding="utf-8")
        self.env = {
            **os.environ,
            "LABKIT_BACKEND": "local",
            "JUPYTER_CONFIG_DIR": str(home / "config"),
            "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
            "JUPYTERLAB_SETTINGS_DIR": str(settings),
            "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
        }
        self.log = home / "jupyter.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 90.0) -> None:
        """Start the server and wait until its API answers."""
        command = [
            sys.executable,
            "-m",
            "jupyter",
            "lab",
            "--no-browser",
            "--ip=127.0.0.1",
            f"--port={self.port}",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={self.root}",
            f"--ServerApp.contents_manager_class={CONTENTS_MANAGER}",
            # window.jupyterapp, as JupyterLab's own browser check has it: the course test opens
            # and closes notebooks in one page through the app's commands
            "--LabApp.expose_app_in_browser=True",
        ]
        if os.geteuid() == 0:  # containers and CI run as root
            command.append("--allow-root")
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                command, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"jupyter lab exited early:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(self._api("status"), timeout=2):
                    return
            except (urllib.error.URLError, OSError):
                time.sleep(0.3)
        raise RuntimeError(f"jupyter lab did not answer in {timeout:.0f} s:\n{self.log_tail()}")

    def _api(self, path: str) -> str:
        return f"{self.url}/api/{path}?token={self.token}"

    def notebook_url(self, name: str) -> str:
        return f"{self.url}/lab/tree/{name}?token={self.token}"

    def lab_url(self) -> str:
        """JupyterLab with a fresh workspace (no tab restored)."""
        return f"{self.url}/lab?reset&token={self.token}"

    def log_tail(self, lines: int = 40) -> str:
        text = self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:]).replace(self.token, "<token>")

    def stop(self) -> list[int]:
        """Shut kernels and server down through the API, then end whatever of them is left.

        Returns the PIDs it started (server, kernels, the kernels' lab processes), all gone.
        """
        if self.process is None:
            return []
        started = [self.process.pid, *descendants(self.process.pid)]
        try:
            request = urllib.request.Request(self._api("shutdown"), method="POST")
            urllib.request.urlopen(request, timeout=5).close()
            self.process.wait(timeout=20)
        except (urllib.error.URLError, OSError, subprocess.TimeoutExpired):
            pass
        for sig in (None, signal.SIGTERM, signal.SIGKILL):
            left = alive(started)
            if not left:
                break
            for pid in left:
                if sig is not None:
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(pid, sig)  # only PIDs this server started
            time.sleep(2.0)
        if self.process.poll() is None:
            self.process.wait(timeout=5)
        self.process = None
        return started


def _stat(pid: int) -> tuple[int, str] | None:
    """(parent PID, state) of ``pid`` from /proc, None if it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()
    return int(fields[1]), fields[0]


def descendants(root: int) -> list[int]:
    """Every living process below ``root`` (children, their children, ...)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (found := _stat(int(entry.name))) is not None:
            parents[int(entry.name)] = found[0]
    below, frontier = [], [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent]
        below += children
        frontier += children
    return below


def alive(pids: list[int]) -> list[int]:
    """Those of ``pids`` still running (zombies count as gone)."""
    return [pid for pid in pids if (found := _stat(pid)) is not None and found[1] != "Z"]
