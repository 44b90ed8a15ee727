"""Point this Python process (the notebook kernel, and so ``!aws`` / ``!dig``) at a lab.

:func:`apply` sets the lab's variables; for a local lab it removes the AWS variables the lab
does not set, so a real profile or key can never be used against it; it puts this interpreter's
``bin`` folder (where ``aws`` from the venv lives) first on PATH, and returns a token;
:func:`restore` puts every variable back exactly as it was.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

_CLEARED_PREFIXES = ("AWS_",)


@dataclass(frozen=True)
class SavedEnv:
    """The previous values (None = was unset) of every variable :func:`apply` touched."""

    previous: Mapping[str, str | None]


def apply(env: Mapping[str, str], *, clear_other_aws: bool = True) -> SavedEnv:
    """Set ``env`` in ``os.environ``; returns what is needed to undo it.

    ``clear_other_aws`` (local labs) removes every ``AWS_*`` variable ``env`` does not set.
    """
    wanted = dict(env)
    bin_dir = str(Path(sys.executable).parent)
    path = wanted.get("PATH", os.environ.get("PATH", ""))
    if bin_dir not in path.split(os.pathsep):
        wanted["PATH"] = os.pathsep.join([bin_dir, path]) if path else bin_dir
    stale = [
        k
        for k in os.environ
        if clear_other_aws and k.startswith(_CLEARED_PREFIXES) and k not in wanted
    ]
    previous = {k: os.environ.get(k) for k in [*wanted, *stale]}
    for key in stale:
        del os.environ[key]
    os.environ.update(wanted)
    return SavedEnv(previous)


def restore(saved: SavedEnv) -> None:
    """Undo :func:`apply`."""
    for key, value in saved.previous.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
