"""Print each notebook's headless run time at the end of the session."""

from __future__ import annotations

from typing import Any

from nbrun import RUN_SECONDS


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not RUN_SECONDS:
        return
    terminalreporter.section("notebook run times (headless, nbclient)")
    for name, seconds in sorted(RUN_SECONDS.items()):
        terminalreporter.write_line(f"{seconds:7.1f} s  {name}")
    terminalreporter.write_line(f"{sum(RUN_SECONDS.values()):7.1f} s  all runs")
