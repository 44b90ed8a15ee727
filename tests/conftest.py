"""Shared fixtures: one real local lab per test module, and stopping a lab a module left running.

``labkit.start()`` points this process's environment at its lab; leaving it running would send a
later module's clients to a lab that module does not own.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


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
