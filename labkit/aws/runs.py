"""The run labkit last used in an account and Region, remembered under the user's config folder.

``labkit.start("aws")`` without ``run_id`` picks the remembered run up again, so notebook after
notebook reuses one VPC, one instance and one endpoint per service instead of making new ones;
clean-up forgets a run once nothing tagged with it is left. The file holds run IDs only (no
credentials): ``$XDG_CONFIG_HOME/labkit/aws-runs.json`` (``~/.config/labkit`` by default,
``%APPDATA%\\labkit`` on Windows).
"""

from __future__ import annotations

import json
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

from labkit.backend.run_ids import check_run_id

FILE_NAME = "aws-runs.json"


def config_dir() -> Path:
    """The user's labkit config folder (not created here)."""
    if os.environ.get("XDG_CONFIG_HOME"):
        return Path(os.environ["XDG_CONFIG_HOME"]) / "labkit"
    if sys.platform == "win32" and os.environ.get("APPDATA"):
        return Path(os.environ["APPDATA"]) / "labkit"
    return Path.home() / ".config" / "labkit"


def _path() -> Path:
    return config_dir() / FILE_NAME


def _key(account_id: str, region: str) -> str:
    return f"{account_id}/{region}"


def _read() -> dict[str, dict[str, str]]:
    try:
        data = json.loads(_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write(data: dict[str, dict[str, str]]) -> None:
    path = _path()
    path.parent.mkdir(parents=True, exist_ok=True)
    scratch = path.with_suffix(".tmp")
    scratch.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    scratch.replace(path)


def remembered(account_id: str, region: str) -> str | None:
    """The run last used in this account and Region, if it was not cleaned up since."""
    entry = _read().get(_key(account_id, region)) or {}
    run_id = entry.get("run_id")
    try:
        return check_run_id(run_id) if isinstance(run_id, str) and run_id != "all" else None
    except ValueError:
        return None


def remember(account_id: str, region: str, run_id: str) -> None:
    """Make ``run_id`` the run the next ``start("aws")`` in this account and Region reuses."""
    data = _read()
    data[_key(account_id, region)] = {
        "run_id": check_run_id(run_id),
        "since": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    _write(data)


def forget(account_id: str, region: str, run_id: str) -> None:
    """Forget ``run_id`` (``"all"``: any run) for this account and Region."""
    data = _read()
    key = _key(account_id, region)
    if key in data and run_id in ("all", data[key].get("run_id")):
        del data[key]
        _write(data)
