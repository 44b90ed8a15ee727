"""Fixtures of the browser course test: chromium, and a private JupyterLab serving a copy of the
course notebooks (set up as ``make lab`` sets it up)."""

from __future__ import annotations

import importlib.util
import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest
from course import CHROMIUM_ARGS, CHROMIUM_DEFAULTS_DROPPED, NOTEBOOKS, CoursePage, notebook_names
from labserver import JupyterLab, alive


def missing(reason: str) -> None:
    """Skip, or fail under LABKIT_REQUIRE_BROWSER=1 (CI must run the browser tests)."""
    if os.environ.get("LABKIT_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (LABKIT_REQUIRE_BROWSER=1: the browser test must run)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def chromium_path() -> str:
    path = shutil.which("chromium")
    if path is None:
        missing(
            "Debian chromium is not on PATH. Fix: sudo apt-get update && sudo apt-get install -y "
            "chromium (`playwright install` downloads do not work here; the test uses the system "
            "browser)"
        )
    if importlib.util.find_spec("playwright") is None:
        missing("playwright for Python is missing. Fix: .venv/bin/pip install -e '.[test]'")
    return str(path)


@pytest.fixture(scope="module")
def course_server(
    tmp_path_factory: pytest.TempPathFactory, chromium_path: str
) -> Iterator[JupyterLab]:
    root = tmp_path_factory.mktemp("course")
    for name in notebook_names():
        shutil.copy(NOTEBOOKS / name, root / name)
    server = JupyterLab(root, tmp_path_factory.mktemp("jupyter-home"))
    started: list[int] = []
    try:
        server.start()
        yield server
    finally:
        started = server.stop()
    assert not alive(started), f"processes left running: {alive(started)}"


@pytest.fixture(scope="module")
def browser(chromium_path: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        launched = driver.chromium.launch(
            executable_path=chromium_path,
            args=CHROMIUM_ARGS,
            ignore_default_args=CHROMIUM_DEFAULTS_DROPPED,
        )
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture(scope="module")
def course_page(browser: Any, course_server: JupyterLab) -> Iterator[CoursePage]:
    """One JupyterLab page over the course server, for every notebook of a test file."""
    with CoursePage(browser, course_server) as page:
        yield page
