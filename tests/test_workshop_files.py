"""docs/workshops/: the facilitator's files parse, say what docs/workshops.md says, and name
settings labkit really reads."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import yaml
from traitlets.config import Config

from labkit.exercises.progress import WORKSHOP_DIR_ENV
from labkit.lab.launch import PROFILES

ROOT = Path(__file__).resolve().parents[1]
FILES = ROOT / "docs" / "workshops"
GUIDE = (ROOT / "docs" / "workshops.md").read_text(encoding="utf-8")
Z2JH = yaml.safe_load((FILES / "z2jh-config.yaml").read_text(encoding="utf-8"))
KERNEL_CULLING = json.loads((FILES / "jupyter_server_config.json").read_text(encoding="utf-8"))
WORKSHOP_ENV = {"LABKIT_BACKEND": "local", "LABKIT_PROFILE": "workshop"}


def mebibytes(quantity: str) -> float:
    """A Kubernetes memory quantity (``512M``, ``1G``, ``1Gi``) in MiB."""
    number, unit = re.fullmatch(r"(\d+(?:\.\d+)?)([KMG]i?)", quantity).groups()
    scale = {"K": 1e3, "M": 1e6, "G": 1e9, "Ki": 2**10, "Mi": 2**20, "Gi": 2**30}[unit]
    return float(number) * scale / 2**20


def sizing_row(label: str) -> list[float]:
    """The numbers of one row of the guide's sizing table."""
    (line,) = [x for x in GUIDE.splitlines() if x.startswith(f"| {label} |")]
    return [float(cell) for cell in line.strip("|").split("|")[1:] if cell.strip()]


def test_every_file_the_guide_lists_exists_and_the_guide_names_each() -> None:
    listed = set(re.findall(r"\]\(workshops/([\w.-]+)\)", GUIDE))
    assert listed == {p.name for p in FILES.iterdir()}


def test_the_profile_variables_are_the_ones_labkit_reads() -> None:
    assert WORKSHOP_DIR_ENV == "LABKIT_WORKSHOP_DIR" and "workshop" in PROFILES
    for name in (*WORKSHOP_ENV, WORKSHOP_DIR_ENV):
        assert f"`{name}`" in GUIDE


def test_the_tljh_script_is_sound_bash_and_installs_what_the_guide_says() -> None:
    script = FILES / "tljh-install.sh"
    done = subprocess.run(["bash", "-n", str(script)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    text = script.read_text(encoding="utf-8")
    assert "set -euo pipefail" in text and "dnsutils" in text
    assert '"awscli>=1.46,<1.47" "nbgitpuller>=1.2,<2"' in text
    assert "docs/workshops/tljh-labkit.py" in text
    assert "docs/workshops/jupyter_server_config.json" in text
    settings = [x.split("#")[0].strip() for x in GUIDE.splitlines() if "tljh-config " in x]
    assert settings and all(setting in text for setting in settings), settings


def test_the_tljh_hub_config_sets_the_workshop_profile() -> None:
    config = Config()
    exec((FILES / "tljh-labkit.py").read_text(encoding="utf-8"), {"get_config": lambda: config})
    environment = config.Spawner.environment.get_value({})
    assert environment == {**WORKSHOP_ENV, WORKSHOP_DIR_ENV: "/srv/labkit-progress"}
    assert "/srv/labkit-progress" in (FILES / "tljh-install.sh").read_text(encoding="utf-8")


def test_kernel_culling_is_the_same_on_both_hubs() -> None:
    culling = KERNEL_CULLING["MappingKernelManager"]
    assert culling["cull_idle_timeout"] == 1800 and culling["cull_busy"] is False
    (extra,) = Z2JH["singleuser"]["extraFiles"].values()
    assert extra["data"] == KERNEL_CULLING
    assert extra["mountPath"] == "/etc/jupyter/jupyter_server_config.json"


def test_the_z2jh_config_runs_the_workshop_profile_with_the_shared_progress_volume() -> None:
    user = Z2JH["singleuser"]
    assert {k: user["extraEnv"][k] for k in WORKSHOP_ENV} == WORKSHOP_ENV
    (mount,) = user["storage"]["extraVolumeMounts"]
    assert user["extraEnv"][WORKSHOP_DIR_ENV] == mount["mountPath"]
    (volume,) = user["storage"]["extraVolumes"]
    assert volume["name"] == mount["name"]
    claim = yaml.safe_load((FILES / "labkit-progress-pvc.yaml").read_text(encoding="utf-8"))
    assert claim["metadata"]["name"] == volume["persistentVolumeClaim"]["claimName"]
    assert claim["spec"]["accessModes"] == ["ReadWriteMany"]
    assert Z2JH["cull"]["enabled"] is True and Z2JH["cull"]["timeout"] == 3600
    assert user["image"]["tag"] != "latest"


def test_the_z2jh_resources_hold_what_the_benchmark_measured() -> None:
    memory = Z2JH["singleuser"]["memory"]
    guarantee, limit = mebibytes(memory["guarantee"]), mebibytes(memory["limit"])
    per_participant = max(sizing_row("per participant RSS, MiB (kernel + lab + server)"))
    second_notebook = max(
        k + lab
        for k, lab in zip(sizing_row("kernel RSS, MiB"), sizing_row("lab RSS, MiB"), strict=True)
    )
    assert guarantee >= per_participant
    assert limit >= per_participant + second_notebook
    assert f"limits.memory {memory['limit']}" in GUIDE


def test_the_links_open_notebooks_that_exist() -> None:
    binder = re.search(r"https://mybinder.org/v2/gh/\S+", GUIDE).group(0)
    assert (ROOT / urlsplit(binder).query.removeprefix("urlpath=lab/tree/")).is_file()
    puller = re.search(r"https://<hub>/hub/user-redirect/git-pull\?\S+", GUIDE).group(0)
    query = parse_qs(urlsplit(puller).query)
    assert unquote(query["repo"][0]).startswith("https://github.com/")
    path = query["urlpath"][0].removeprefix("lab/tree/<repo>/")
    assert (ROOT / path).is_file()
