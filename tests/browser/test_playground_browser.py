"""Notebook 05 in a real browser: Debian chromium driven by Playwright for Python against a
private JupyterLab. Run all, replace the policy, Apply & rerun, see the table change; type broken
JSON, see the error with its line. Assertions on text, not screenshots.

Skipped (with the fix) when chromium or playwright is missing, unless LABKIT_REQUIRE_BROWSER=1
(set by .ci/run), which turns the skip into a failure.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from course import CHROMIUM_ARGS
from labserver import JupyterLab, alive

pytestmark = [pytest.mark.browser, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = "05_playground.ipynb"
WAIT_MS = 120_000
ELEVEN = "✔ 11 allowed, ✖ 0 denied (no allow), ⊘ 2 denied (explicit deny)"
ALL = "✔ 13 allowed, ✖ 0 denied (no allow), ⊘ 0 denied (explicit deny)"
BROKEN = '{\n  "Statement": [\n    {"Effect" "Allow"}\n  ]\n}'  # the colon after "Effect" gone


@pytest.fixture(scope="module")
def jupyter(tmp_path_factory: pytest.TempPathFactory, chromium_path: str) -> Iterator[JupyterLab]:
    root = tmp_path_factory.mktemp("root")
    shutil.copy(ROOT / "notebooks" / NOTEBOOK, root / NOTEBOOK)
    server = JupyterLab(root, tmp_path_factory.mktemp("jupyter-home"))
    started: list[int] = []
    try:
        server.start()
        yield server
    finally:
        started = server.stop()
    assert not alive(started), f"processes left running: {alive(started)}"


@pytest.fixture(scope="module")
def page(jupyter: JupyterLab, chromium_path: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            tab = browser.new_page(viewport={"width": 1400, "height": 1000})
            tab.set_default_timeout(WAIT_MS)
            tab.goto(jupyter.notebook_url(NOTEBOOK))
            tab.locator(".jp-Notebook").first.wait_for()
            tab.locator(".jp-Notebook .jp-Cell").first.wait_for()
            yield tab
        finally:
            browser.close()


def body_text(page: Any) -> str:
    return str(page.inner_text("body"))[-4000:]


def wait_text(page: Any, selector: str, text: str) -> str:
    """Wait until the first ``selector`` holds ``text``; its full text."""
    locator = page.locator(selector).first
    deadline = time.monotonic() + WAIT_MS / 1000
    while time.monotonic() < deadline:
        if locator.count() and text in (shown := locator.inner_text()):
            return str(shown)
        time.sleep(0.25)
    raise AssertionError(f"{selector!r} never showed {text!r}; page ends with:\n{body_text(page)}")


def wait_count(page: Any, selector: str, count: int) -> None:
    """Wait until ``selector`` matches at least ``count`` elements."""
    deadline = time.monotonic() + WAIT_MS / 1000
    while page.locator(selector).count() < count:
        if time.monotonic() > deadline:
            raise AssertionError(f"fewer than {count} {selector!r}; page:\n{body_text(page)}")
        time.sleep(0.25)


def run_all(page: Any) -> None:
    """Run ▸ Run All Cells, once the kernel is up (the status bar says Idle)."""
    wait_text(page, "#jp-main-statusbar", "Idle")
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()


def test_run_all_apply_and_broken_json(page: Any, jupyter: JupyterLab) -> None:
    started = time.perf_counter()
    run_all(page)
    # cell c broke the text, the next cell put the policy in force back: the status says so
    wait_count(page, "div.labkit-diagram", 2)  # the widget's and the last cell's: all has run
    wait_text(page, "#jp-main-statusbar", "Idle")
    wait_text(page, ".labkit-status", "policy in force: custom")
    wait_text(page, ".labkit-results-view", "13 calls: " + ELEVEN)

    area = page.locator(".widget-textarea textarea").first
    area.fill((ROOT / "data/policies/full-access.json").read_text(encoding="utf-8"))
    page.get_by_role("button", name="Apply & rerun").click()
    wait_text(page, ".labkit-status", "✔ applied at")
    status = wait_text(page, ".labkit-status", "(full-access); reran 13 calls")
    assert ALL + "; 2 changed" in status, status
    table = wait_text(page, ".labkit-results-view", "13 calls: " + ALL)
    assert "2 changed since the previous run" in table and "⊘ → ✔" in table
    # the diff is a widget of its own, updated just after the table: wait for it too
    diff = wait_text(page, ".labkit-diff", "now allowed")
    assert diff.count("⊘ → ✔ now allowed") == 2 and "PutLogEvents" in diff, diff
    wait_text(page, ".labkit-diagram-box", "policy: full-access")

    area.fill(BROKEN)
    area.blur()  # leaving the box validates (continuous_update=False)
    status = wait_text(page, ".labkit-status", "✖ line 3, column 15")
    assert "not valid JSON" in status, status
    page.get_by_role("button", name="Apply & rerun").click()
    status = wait_text(page, ".labkit-status", "not applied: the endpoint keeps the policy it had")
    assert "line 3, column 15" in status
    still = page.locator(".labkit-results-view").first.inner_text()
    assert "13 calls: " + ALL in still  # nothing was rerun
    print(f"\nbrowser test: run all + apply + broken JSON in {time.perf_counter() - started:.1f} s")
