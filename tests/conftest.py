"""Shared fixtures: one real local lab per test module, and stopping a lab a module left running.

``labkit.start()`` points this process's environment at its lab; leaving it running would send a
later module's clients to a lab that module does not own. Under pytest-xdist each worker is its
own process, with its own labs and environment; ``--dist loadfile`` (pyproject.toml) keeps a
module's tests, and so its module-scoped labs, in one worker.

Also: endpoints in the labs tests start leave ``pending`` quickly, and the table of notebook run
times printed at the end of the session.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from typing import Any

import pytest

# jsonschema (under nbformat) builds a lark grammar of RFC 3987 at import time when the optional
# rfc3987_syntax is installed (JupyterLab's jupyter-events installs it): about 1 s of CPU in every
# test worker, for the "iri" string format, which no notebook schema uses. Marked missing here,
# jsonschema leaves that one format unchecked; the kernels and JupyterLab servers keep it.
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]

# A new endpoint stays `pending` this long in every lab process the tests start (the lab's
# default is 1.0 s, which `create_endpoint` then waits out). CreateVpcEndpoint still answers
# `pending` and DescribeVpcEndpoints turns `available` later, so lifecycle tests still see both.
os.environ.setdefault("LABKIT_ENDPOINT_PENDING_SECONDS", "0.05")


def _lab_with_logs_endpoint(scenario: str) -> Iterator[Any]:
    import labkit

    started = labkit.start(scenario=scenario, quiet=True)
    try:
        started.create_endpoint("logs", policy="walkthrough")
        yield started
    finally:
        started.stop()


@pytest.fixture(scope="module")
def walkthrough_lab() -> Iterator[Any]:
    """A local lab (walkthrough scenario) with the logs endpoint under the walkthrough policy."""
    yield from _lab_with_logs_endpoint("walkthrough")


@pytest.fixture(scope="module")
def exfiltration_lab() -> Iterator[Any]:
    """The same over the exfiltration scenario (a second account with its own keys)."""
    yield from _lab_with_logs_endpoint("exfiltration")


@pytest.fixture(autouse=True, scope="module")
def _stop_the_current_lab_after_each_module() -> Iterator[None]:
    yield
    import sys

    start = sys.modules.get("labkit.lab.launch")
    if start is not None and start.current() is not None:
        start.stop()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Files that hold a ``slow`` test first; otherwise collection order, a file's tests together.

    pytest-xdist (``--dist loadfile --no-loadscope-reorder``) hands files to workers in this
    order, so the long ones (notebooks, browser, end-to-end) start at once instead of leaving one
    worker busy at the end while the others wait.
    """
    slow = {item.path for item in items if item.get_closest_marker("slow")}
    items.sort(key=lambda item: item.path not in slow)  # stable


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Each notebook's headless run time, as ``tests/notebooks/conftest.py`` put it on reports."""
    seconds: dict[str, float] = {}
    for reports in terminalreporter.stats.values():
        for report in reports:
            for name, value in getattr(report, "user_properties", ()):
                if name == "notebook_seconds":
                    seconds.update(value)
    if not seconds:
        return
    terminalreporter.section("notebook run times (headless, nbclient)")
    for name, run in sorted(seconds.items()):
        terminalreporter.write_line(f"{run:7.1f} s  {name}")
    terminalreporter.write_line(f"{sum(seconds.values()):7.1f} s  all runs")
