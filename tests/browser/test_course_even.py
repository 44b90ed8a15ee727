"""The course in a real browser, the notebooks with an even number (checks in course.py);
the other half runs in test_course_odd.py, so pytest-xdist (one file, one worker) runs both at
once."""

from __future__ import annotations

from typing import Any

import pytest
from course import check_notebook_in_the_browser, notebook_names

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.mark.parametrize("notebook", [n for n in notebook_names() if int(n[:2]) % 2 == 0])
def test_the_notebook_runs_clean_in_the_browser(course_page: Any, notebook: str) -> None:
    check_notebook_in_the_browser(course_page, notebook)
