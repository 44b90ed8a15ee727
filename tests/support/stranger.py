"""A second Unix user on this machine, and a way to run a command as that user.

A lab serves only the Unix user who started it. Tests that check so need another user: as root
(CI) this module creates ``labkit-stranger`` with ``useradd`` once; elsewhere the tests skip,
unless ``LABKIT_REQUIRE_ISOLATION=1`` (CI sets it) turns the skip into a failure.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import sys
from dataclasses import dataclass

import pytest

NAME = "labkit-stranger"


@dataclass(frozen=True)
class Stranger:
    """Another Unix user: its name, uid and gid."""

    name: str
    uid: int
    gid: int

    def run(self, argv: list[str], timeout: float = 60) -> subprocess.CompletedProcess[str]:
        """Run ``argv`` as this user, with a bare environment, from ``/``."""
        return subprocess.run(
            argv,
            user=self.uid,
            group=self.gid,
            extra_groups=[],
            cwd="/",
            env={"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": "/", "LANG": "C.UTF-8"},
            capture_output=True,
            text=True,
            timeout=timeout,
        )


def _unavailable(reason: str) -> None:
    if os.environ.get("LABKIT_REQUIRE_ISOLATION") == "1":
        pytest.fail(f"LABKIT_REQUIRE_ISOLATION=1 but {reason}")
    pytest.skip(reason)


def stranger() -> Stranger:
    """The second user, created if missing (needs root); skips where that cannot be."""
    if not sys.platform.startswith("linux"):
        _unavailable("peer-uid isolation is Linux only")
    try:
        entry = pwd.getpwnam(NAME)
    except KeyError:
        if os.geteuid() != 0 or shutil.which("useradd") is None:
            _unavailable(f"no user {NAME!r} and not root with useradd to create one")
        made = subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", NAME],
            capture_output=True,
            text=True,
        )
        if made.returncode not in (0, 9):  # 9: created meanwhile by another test process
            pytest.fail(f"useradd {NAME} failed: {made.stderr.strip()}")
        entry = pwd.getpwnam(NAME)
    if os.geteuid() != 0:
        _unavailable("running a process as another user needs root")
    if entry.pw_uid == os.geteuid():
        pytest.fail(f"{NAME} has this process's own uid {entry.pw_uid}")
    return Stranger(NAME, entry.pw_uid, entry.pw_gid)


def python_for_anyone() -> str:
    """A Python interpreter any user may run (the system one; the venv may sit under /root)."""
    for candidate in ("/usr/bin/python3", "/usr/local/bin/python3"):
        if os.access(candidate, os.X_OK):
            return candidate
    pytest.fail("no system python3 for the second user: apt-get install -y python3")
    raise AssertionError("unreachable")
