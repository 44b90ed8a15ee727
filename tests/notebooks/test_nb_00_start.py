"""Notebook 00 (start): the set-up check passes, a lab starts, the CLI answers as the instance."""

from __future__ import annotations

import pytest
from nbrun import run_notebook, run_shell_cell

pytestmark = [pytest.mark.notebooks, pytest.mark.slow, pytest.mark.real_cli]
NAME = "00_start.ipynb"
SESSION = "assumed-role/ec2-logs-fullaccess-role/i-"


@pytest.fixture(scope="module")
def stored():
    return run_notebook(NAME)


def test_the_setup_check_shows_each_check_and_its_verdict(stored) -> None:
    lines = stored.plain("setup-check").splitlines()
    for name in ("python", "labkit", "jupyterlab", "ipywidgets", "pandas", "boto3", "moto"):
        assert any(line.startswith(f"ok {name} ") for line in lines), f"{name} not ok: {lines}"
    assert any(line.startswith("ok widget extension") for line in lines)
    lab_line = next(line for line in lines if "local lab" in line)
    assert lab_line.startswith("ok ") and SESSION in lab_line
    assert "READY: every required check passed" in lines
    assert '<table class="labkit-setup-check">' in stored.text("setup-check")  # the HTML view


def test_the_banner_says_backend_region_and_identity(stored) -> None:
    banner = stored.plain("setup")
    assert "backend   local" in banner and "region    ap-northeast-1" in banner
    assert f"instance  arn:aws:sts::111122223333:{SESSION}" in banner


def test_the_aws_cli_answers_as_the_instance_role_session(stored) -> None:
    shown = stored.plain("whoami")
    assert f'"Arn": "arn:aws:sts::111122223333:{SESSION}' in shown
    assert '"UserId": "AROA' in shown


def test_env_names_only_no_secret_anywhere(stored) -> None:
    names = stored.plain("env-names")
    assert "'AWS_ENDPOINT_URL_CLOUDWATCH_LOGS'" in names and "'HOME'" in names
    everything = stored.text()
    assert "=" not in names and "127.0.0.1:" not in names  # names, not values
    for secret_word in ("SecretAccessKey", "aws_secret_access_key", "AWS_SECRET_ACCESS_KEY"):
        assert secret_word not in everything


def test_without_aws_on_path_the_cell_says_how_to_get_it(tmp_path) -> None:
    shown = run_shell_cell(NAME, "whoami", {"PATH": str(tmp_path)})
    assert shown.strip() == "aws CLI not found: run make lab (it installs it into .venv)"
