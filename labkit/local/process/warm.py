"""A lab process started ahead of ``labkit.start()``: it warms up while the kernel imports.

Most of a lab process's start-up does not depend on what it will serve: importing moto, boto3
and the lab, starting moto's server, installing the corrections. ``spawn()`` starts a lab
process that does all of that and then waits, on a pipe, for its request (scenario, message
style, network timeout, pending time); :class:`~labkit.local.process.launcher.LocalLab` claims
it (``claim()``) and writes the request, so only the scenario's own steps are left to wait for.
A spare nobody claims ends with this process (its lifeline pipe closes, PR_SET_PDEATHSIG), or
with ``discard()``.

Only the standard library is imported here: ``spawn()`` runs before the notebook side of labkit
is imported, so that both start-ups share the machine's cores.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import subprocess
import sys
import threading
from dataclasses import dataclass
from typing import Any

#: Prefixes of the variables that could carry the learner's real AWS identity or settings into
#: the lab process (keys, profile, config and credentials files, endpoints, CA bundle, ...), and
#: moto's own settings (``MOTO_*``): the lab process configures its moto itself
#: (``world.moto.server.prepare_environment``), whatever the notebook's environment says.
SCRUBBED_PREFIXES = ("AWS_", "BOTO_", "MOTO_")
#: How long a new interface endpoint stays ``pending`` (seconds); read when a lab starts.
PENDING_ENV = "LABKIT_ENDPOINT_PENDING_SECONDS"
#: ``off`` (or ``0``) turns spare lab processes off: every lab then starts from nothing.
WARM_ENV = "LABKIT_WARM_START"


def lab_process_env(environ: dict[str, str] | os._Environ[str]) -> dict[str, str]:
    """The lab process's environment: this one without any ``AWS_*``, ``BOTO_*`` or ``MOTO_*``
    variable, and with the shared config and credentials files pointed at nothing, so no
    profile, key or setting of the learner's ever reaches it."""
    env = {k: v for k, v in environ.items() if not k.upper().startswith(SCRUBBED_PREFIXES)}
    env["AWS_CONFIG_FILE"] = os.devnull
    env["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
    return env


@dataclass
class Spawned:
    """A lab process and this side's ends of its pipes (ready, lifeline, request)."""

    process: subprocess.Popen[bytes]
    ready: int
    lifeline: int
    request: int

    def send(self, request: dict[str, Any]) -> None:
        """Write the request (JSON) and close the pipe: the lab process starts serving it."""
        try:
            os.write(self.request, json.dumps(request).encode("utf-8"))
        finally:
            os.close(self.request)

    def close(self) -> None:
        """Stop the process (if running) and close this side's pipes."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=5)
        for fd in (self.ready, self.lifeline, self.request):
            with contextlib.suppress(OSError):
                os.close(fd)


def start_process() -> Spawned:
    """Start a lab process that warms up, then waits for its request (``Spawned.send``)."""
    ready_r, ready_w = os.pipe()
    life_r, life_w = os.pipe()
    request_r, request_w = os.pipe()
    command = [
        sys.executable,
        "-m",
        "labkit.local.process.server",
        "--ready-fd",
        str(ready_w),
        "--lifeline-fd",
        str(life_r),
        "--request-fd",
        str(request_r),
    ]
    if threading.current_thread() is threading.main_thread():
        # PR_SET_PDEATHSIG follows the thread that forked: only safe from the main thread.
        command += ["--parent-pid", str(os.getpid())]
    try:
        process = subprocess.Popen(
            command,
            pass_fds=(ready_w, life_r, request_r),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            start_new_session=True,
            env=lab_process_env(os.environ),
        )
    except BaseException:
        for fd in (ready_r, life_w, request_w):
            os.close(fd)
        raise
    finally:
        for fd in (ready_w, life_r, request_r):
            os.close(fd)
    return Spawned(process, ready_r, life_w, request_w)


_lock = threading.Lock()
_spare: Spawned | None = None


def enabled() -> bool:
    """Whether spare lab processes are used (``LABKIT_WARM_START`` is not ``off``/``0``) and
    the chosen backend is the local one."""
    if os.environ.get(WARM_ENV, "").strip().lower() in ("off", "0", "false", "no"):
        return False
    return os.environ.get("LABKIT_BACKEND", "local").strip().lower() in ("", "local")


def spawn() -> None:
    """Start a spare lab process, unless one is waiting already or spares are off."""
    global _spare
    if not enabled():
        return
    with _lock:
        if _spare is not None and _spare.process.poll() is None:
            return
        try:
            _spare = start_process()
        except OSError:
            _spare = None  # no spare: LocalLab.start starts its own process and says what fails


def claim() -> Spawned | None:
    """The waiting spare (now the caller's), or None if there is none or it died."""
    global _spare
    with _lock:
        spare, _spare = _spare, None
    if spare is not None and spare.process.poll() is not None:
        spare.close()
        return None
    return spare


def discard() -> None:
    """Stop the waiting spare, if any (a lab on another backend needs none)."""
    spare = claim()
    if spare is not None:
        spare.close()


def _discard_at_exit() -> None:
    with contextlib.suppress(Exception):
        discard()


# A spare must not outlive the interpreter that started it (its lifeline closes at exit too).
atexit.register(_discard_at_exit)
