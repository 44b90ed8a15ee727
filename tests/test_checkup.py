"""labkit.checkup (labkit.setup_check): each check passes here, and fails with its fix."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys

import pytest
from packaging.requirements import Requirement

sc = importlib.import_module("labkit.checkup")


def test_declared_ranges_come_from_the_project() -> None:
    python, requirements = sc.declared()
    assert python == ">=3.11"
    assert str(requirements["moto"].specifier) == "==5.2.5"
    assert set(sc.PACKAGES) <= set(requirements)
    assert "pytest" not in requirements  # test extras are not course requirements


def test_python_too_old_says_how_to_get_a_newer_one() -> None:
    check = sc.check_python(">=3.11", (3, 10, 4))
    assert not check.ok and check.required
    assert "3.10.4" in check.found and "make lab PYTHON=" in check.fix
    assert sc.check_python(">=3.11", (3, 12, 0)).ok


def test_package_out_of_range_or_missing_names_the_pin() -> None:
    req = Requirement("pandas>=3,<4")
    old = sc.check_package("pandas", req, lambda _: "2.2.3")
    assert not old.ok and "2.2.3" in old.found
    assert "make lab" in old.fix and "'pandas<4,>=3'" in old.fix
    missing = sc.check_package("pandas", req, lambda _: None)
    assert not missing.ok and missing.found.startswith("not installed")
    assert sc.check_package("pandas", req, lambda _: "3.0.1").ok


def test_widget_extension_missing_gives_the_install_command(tmp_path) -> None:
    check = sc.check_widget_extension([str(tmp_path)])
    assert not check.ok and "ipywidgets" in check.fix and "restart JupyterLab" in check.fix
    manifest = tmp_path / "@jupyter-widgets" / "jupyterlab-manager" / "package.json"
    manifest.parent.mkdir(parents=True)
    manifest.write_text('{"version": "5.0.99"}')
    assert "5.0.99" in sc.check_widget_extension([str(tmp_path)]).found


def test_missing_optional_tool_does_not_fail_the_report(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(sc.sys, "executable", str(tmp_path / "python"))  # no venv bin either
    dig = sc.check_tool("dig", sc.DIG_FIX, path=str(tmp_path))
    assert not dig.ok and not dig.required and "bind9-dnsutils" in dig.fix
    assert dig.status == "missing (optional)"
    report = sc.SetupReport((sc.SetupCheck("python", True, "3.12"), dig))
    assert report.ok and "dig" in report.summary() and "bind9-dnsutils" in str(report)


def test_a_failed_required_check_makes_the_report_not_ready() -> None:
    report = sc.SetupReport((sc.SetupCheck("pandas", False, "2.0", "run make lab"),))
    assert not report.ok and "NOT READY" in str(report)
    frame = report.to_frame()
    assert list(frame.columns) == ["check", "status", "found", "fix"]
    assert frame.loc[0, "status"] == "FAIL" and "run make lab" in report._repr_html_()


def test_this_machine_passes_the_quick_checks() -> None:
    report = sc.setup_check(lab=False)
    names = [c.name for c in report.checks]
    assert names[:2] == ["python", "labkit"] and "widget extension" in names
    assert all(c.ok for c in report.checks if c.required), str(report)
    assert "local lab" not in names


@pytest.mark.e2e
def test_cli_check_starts_a_lab_and_reports_json() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "labkit", "check", "--json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    report = json.loads(done.stdout)
    lab = next(c for c in report["checks"] if c["name"] == "local lab")
    assert lab["ok"], lab
    assert "assumed-role/ec2-logs-fullaccess-role/i-" in lab["found"]
    assert done.returncode == (0 if report["ok"] else 1)
    assert "SecretAccessKey" not in done.stdout and "aws_secret" not in done.stdout.lower()


def test_labkit_setup_check_is_the_function_even_after_importing_its_module() -> None:
    import labkit

    assert isinstance(labkit.setup_check(lab=False), sc.SetupReport)
