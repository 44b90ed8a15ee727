"""Session-wide hygiene: a lab a test module left running is stopped when the module ends.

``labkit.start()`` points this process's environment at its lab; leaving it running would send a
later module's clients to a lab that module does not own.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True, scope="module")
def _stop_the_current_lab_after_each_module() -> Iterator[None]:
    yield
    import sys

    start = sys.modules.get("labkit.lab.start")
    if start is not None and start.current() is not None:
        start.stop()
