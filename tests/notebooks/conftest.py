"""Each notebook's headless run time travels with the report of the test that ran it.

``nbrun.run_notebook`` notes its wall time in :data:`nbrun.RUN_SECONDS`; this hook moves every
new entry onto the report of the test phase (usually the setup of a module's first test) as the
user property ``notebook_seconds``. Reports go from pytest-xdist workers to the controller, whose
``tests/conftest.py`` prints the table at the end of the session, with or without workers.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import pytest
from nbrun import RUN_SECONDS


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: Any) -> Generator[None, Any, Any]:
    report = yield
    if RUN_SECONDS:
        report.user_properties.append(("notebook_seconds", dict(RUN_SECONDS)))
        RUN_SECONDS.clear()
    return report
