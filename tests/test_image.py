"""The workshop image: binder/ and environment.yml agree with pyproject.toml and the Makefile,
and repo2docker turns them into a Dockerfile that installs labkit and starts the local lab.

No Docker engine runs here: ``repo2docker --no-build`` writes the Dockerfile it would build, and
the tests read it. What happens inside the build (postBuild's own checks) runs on Binder/BinderHub.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
ENVIRONMENT = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
IMAGE_ONLY = {
    "jupyterlab-widgets": "the widgets' JupyterLab extension",
    "nbgitpuller": "hands each participant a fresh copy of the notebooks",
    "awscli": "the notebooks' terminal cells (pyproject's test extra, as `make lab` installs it)",
}


def _name(text: str) -> str:
    return re.sub(r"[-_.]+", "-", text).lower()


def environment_requirements() -> dict[str, Requirement]:
    """Every package environment.yml installs (conda and pip) but python and pip themselves."""
    found: dict[str, Requirement] = {}
    for item in ENVIRONMENT["dependencies"]:
        for text in item["pip"] if isinstance(item, dict) else [item]:
            if re.match(r"(python|pip)(\W|$)", text):
                continue
            requirement = Requirement(text)
            found[_name(requirement.name)] = requirement
    return found


def pyproject_requirements(extra: str | None = None) -> dict[str, Requirement]:
    project = PYPROJECT["project"]
    texts = project["optional-dependencies"][extra] if extra else project["dependencies"]
    return {_name(r.name): r for r in map(Requirement, texts)}


def test_binder_environment_is_the_repository_one() -> None:
    link = ROOT / "binder" / "environment.yml"
    assert link.is_symlink() and link.resolve() == (ROOT / "environment.yml").resolve()


def test_every_labkit_dependency_has_the_same_range_and_extras_in_the_image() -> None:
    image = environment_requirements()
    for name, wanted in pyproject_requirements().items():
        assert name in image, f"environment.yml lacks {wanted} (pyproject.toml dependencies)"
        got = image[name]
        assert (got.specifier, got.extras) == (wanted.specifier, wanted.extras), (
            f"environment.yml has {got}, pyproject.toml {wanted}: give both the same range"
        )


def test_the_image_adds_only_what_it_names_and_the_cli_matches_make_lab() -> None:
    extra = set(environment_requirements()) - set(pyproject_requirements())
    assert extra == set(IMAGE_ONLY), f"explain these in IMAGE_ONLY or remove them: {extra}"
    image_cli = environment_requirements()["awscli"]
    assert image_cli.specifier == pyproject_requirements("test")["awscli"].specifier


def test_one_python_minor_everywhere() -> None:
    (conda_python,) = [
        d for d in ENVIRONMENT["dependencies"] if isinstance(d, str) and d.startswith("python=")
    ]
    minor = conda_python.removeprefix("python=")
    assert re.fullmatch(r"3\.\d+", minor), f"pin a Python minor in environment.yml: {minor}"
    major_minor = tuple(int(p) for p in minor.split("."))
    assert PYPROJECT["project"]["requires-python"] == f">={minor}"
    assert PYPROJECT["tool"]["ruff"]["target-version"] == f"py{minor.replace('.', '')}"
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert f"sys.version_info >= {major_minor}" in makefile
    assert f"labkit needs Python {minor} or newer" in makefile


def test_the_image_gets_dig_from_apt() -> None:
    lines = (ROOT / "binder" / "apt.txt").read_text(encoding="utf-8").splitlines()
    packages = [line.partition("#")[0].strip() for line in lines]
    assert "dnsutils" in packages


def test_post_build_installs_labkit_without_touching_its_dependencies() -> None:
    script = (ROOT / "binder" / "postBuild").read_text(encoding="utf-8")
    assert script.startswith("#!/bin/bash") and "set -euo pipefail" in script
    assert "pip install --no-deps --no-cache-dir -e ." in script
    for tool in ("aws --version", "command -v dig", "nbgitpuller", "jupyterlab-manager"):
        assert tool in script, f"postBuild does not check {tool!r}"


def repo2docker_no_build(workdir: Path, *options: str) -> tuple[str, str]:
    """(Dockerfile, log) as ``repo2docker --no-build`` writes them for this repository."""
    repo2docker = shutil.which("repo2docker", path=str(Path(sys.executable).parent))
    assert repo2docker, "repo2docker missing: make venv (pyproject's test extra installs it)"
    done = subprocess.run(
        [
            repo2docker,
            "--no-build",
            "--user-id",
            "1000",
            "--user-name",
            "jovyan",
            *options,
            str(ROOT),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=workdir,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout, done.stderr


@pytest.fixture(scope="module")
def dockerfile(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    return repo2docker_no_build(tmp_path_factory.mktemp("r2d"))


def test_the_guides_build_keeps_the_repository_out_of_the_home_volume(tmp_path: Path) -> None:
    """docs/workshops.md builds with --target-repo-dir, which repo2docker passes as the build
    argument REPO_DIR: the repository, postBuild's working folder and binder/start all follow it."""
    guide = (ROOT / "docs" / "workshops.md").read_text(encoding="utf-8")
    assert "--target-repo-dir /srv/labkit" in guide
    text, _ = repo2docker_no_build(tmp_path, "--target-repo-dir", "/srv/labkit")
    assert "ARG REPO_DIR=${HOME}" in text and "WORKDIR ${REPO_DIR}" in text
    assert "COPY --chown=1000:1000 src/ ${REPO_DIR}/" in text
    assert text.index("WORKDIR ${REPO_DIR}") < text.index("RUN ./binder/postBuild")
    assert 'ENV R2D_ENTRYPOINT="${REPO_DIR}/binder/start"' in text


def test_repo2docker_builds_the_conda_environment_for_the_pinned_python(dockerfile) -> None:
    text, log = dockerfile
    assert "Building conda environment for python=3.11" in log
    assert (
        "COPY --chown=1000:1000 src/binder/environment.yml ${REPO_DIR}/binder/environment.yml"
        in (text)
    )
    assert 'env update -p ${NB_PYTHON_PREFIX} --file "binder/environment.yml"' in text


def test_repo2docker_installs_dig_and_then_labkit(dockerfile) -> None:
    text, _ = dockerfile
    installs = re.findall(r"apt-get install --yes --no-install-recommends ([^&\n]+)&&", text)
    assert ["dnsutils"] in [line.split() for line in installs], installs
    apt = text.index("apt-get install --yes --no-install-recommends dnsutils")
    copy_all = text.index("COPY --chown=1000:1000 src/ ${REPO_DIR}/")
    post_build = text.index("RUN ./binder/postBuild")
    assert apt < copy_all < post_build


def test_repo2docker_starts_every_container_through_binder_start(dockerfile) -> None:
    text, _ = dockerfile
    assert 'ENV R2D_ENTRYPOINT="${REPO_DIR}/binder/start"' in text
    assert 'ENTRYPOINT ["/usr/local/bin/repo2docker-entrypoint"]' in text


@pytest.mark.e2e
def test_binder_start_starts_a_participant_on_the_local_lab() -> None:
    """Run the real start script in front of a kernel-like Python that calls labkit.start()."""
    env = {**os.environ, "LABKIT_BACKEND": "aws", "PYTHONPATH": str(ROOT)}
    program = (
        "import labkit, os; lab = labkit.start(quiet=True); "
        "print(os.environ['LABKIT_BACKEND'], type(lab.backend).__name__); lab.stop()"
    )
    done = subprocess.run(
        [str(ROOT / "binder" / "start"), sys.executable, "-c", program],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["local", "LocalBackend"]
