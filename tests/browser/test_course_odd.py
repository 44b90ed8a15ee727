"""The course in a real browser, the notebooks with an odd number (see course.py): Run All at
one viewport, each exercise answered wrong then right, then the page checked at both viewports.
The other half runs in test_course_even.py, so pytest-xdist can run both at once."""

from __future__ import annotations

from typing import Any

import pytest
from course import notebook_names, visit

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PARITY = 1
NAMES = [n for n in notebook_names() if int(n[:2]) % 2 == PARITY]


@pytest.mark.parametrize("notebook", NAMES)
def test_the_notebook_runs_clean_in_the_browser(
    browser: Any, course_server: Any, notebook: str
) -> None:
    # half of each half runs at 1024×768 first, so both viewports see Run All
    viewport = "1280x800" if (int(notebook[:2]) // 2) % 2 == 0 else "1024x768"
    seen = visit(browser, course_server, notebook, viewport)
    print(
        f"\n{notebook}: Run All at {viewport} + exercise in {seen.seconds:.1f} s; "
        f"{len(seen.screenshots)} screenshots"
    )
    assert not seen.dirty_on_open, "opening the notebook marked it modified"
    assert seen.dirty_after_run, "Run All did not mark the notebook modified: is the check blind?"
    assert not seen.problems, "\n".join(seen.problems)
    assert seen.saved_outputs == 0, f"{seen.saved_outputs} cells kept their outputs in the file"
    assert not seen.reopened_problems, "\n".join(seen.reopened_problems)
    assert not seen.console_errors, "\n".join(seen.console_errors)
    if seen.exercise:
        assert "\nnot yet — " in seen.exercise["wrong"], seen.exercise["wrong"]
        assert "\npass — " in seen.exercise["right"], seen.exercise["right"]
