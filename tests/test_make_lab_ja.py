"""`make lab LANG=ja` opens the Japanese course: notebooks/ja as the root, JupyterLab's locale
set to ja_JP with the Japanese language pack installed, LABKIT_LANG=ja for the kernels."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from make_lab import get_json, printed_url

from labkit.i18n.language import jupyterlab_locale

ROOT = Path(__file__).resolve().parents[1]
pytestmark = [pytest.mark.slow, pytest.mark.real_cli]


@pytest.mark.parametrize("command", [["lab", "LANG=ja"], ["lab-ja"]])
def test_make_lab_in_japanese(command) -> None:
    if shutil.which("make") is None:
        pytest.skip("make is not installed (`.ci/run` installs it): cannot run `make lab`")
    env = {k: v for k, v in os.environ.items() if k not in ("LABKIT_JUPYTER_TOKEN", "LABKIT_LANG")}
    env["BROWSER"] = "true"
    process = subprocess.Popen(
        ["make", "--no-print-directory", *command],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        url, token = printed_url(process, seconds=120)
        names = {item["name"] for item in get_json(f"{url}/api/contents?token={token}")["content"]}
        assert {"00_start.ipynb", "09_clean_up.ipynb", "README.md"} <= names
        first = get_json(f"{url}/api/contents/00_start.ipynb?token={token}")["content"]
        assert "**目標:**" in first["cells"][0]["source"]  # the Japanese notebook, not a copy
        setting = f"{url}/lab/api/settings/@jupyterlab/translation-extension:plugin?token={token}"
        assert get_json(setting)["settings"]["locale"] == "ja_JP"
        packs = get_json(f"{url}/lab/api/translations?token={token}")["data"]
        assert "ja_JP" in packs, f"the Japanese language pack is not installed: {sorted(packs)}"
        words = get_json(f"{url}/lab/api/translations/ja_JP?token={token}")["data"]
        assert words.get("jupyterlab"), "no Japanese words for JupyterLab"
        kernel = _kernel_env(url, token)
        assert kernel["LABKIT_LANG"] == "ja"
        # the kernel also sees JupyterLab's settings: a learner who switches the language in
        # Settings → Language gets labkit's words in it from the next kernel on
        assert jupyterlab_locale(kernel["JUPYTERLAB_SETTINGS_DIR"]) == "ja_JP"
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


def _kernel_env(url: str, token: str) -> dict[str, str]:
    """The environment a kernel of this server gets (what labkit reads its language from)."""
    request = urllib.request.Request(
        f"{url}/api/kernels?token={token}",
        data=json.dumps({"name": "python3"}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        kernel = json.load(answer)
    try:
        return _process_env(f"kernel-{kernel['id']}.json")
    finally:
        delete = urllib.request.Request(
            f"{url}/api/kernels/{kernel['id']}?token={token}", method="DELETE"
        )
        urllib.request.urlopen(delete, timeout=30).close()


def _process_env(marker: str, seconds: float = 30) -> dict[str, str]:
    """The environment of the process whose command line holds ``marker`` (Linux /proc)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for proc in Path("/proc").glob("[0-9]*"):
            try:
                if marker in (proc / "cmdline").read_text(errors="replace"):
                    text = (proc / "environ").read_text(errors="replace")
                    return dict(item.split("=", 1) for item in text.split("\0") if "=" in item)
            except OSError:
                continue
        time.sleep(0.25)
    raise AssertionError(f"no process started with {marker}")
