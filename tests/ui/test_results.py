"""The results table and view over real probe runs of a local lab."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pandas as pd
import pytest

import labkit
from labkit.ui.results import (
    NOW_ALLOWED,
    NOW_DENIED,
    TABLE_CLASS,
    Counts,
    diff_lines,
    diff_runs,
    style_results,
)
from labkit.ui.results_view import ResultsView
from labkit.ui.theme import OKABE_ITO

pytestmark = pytest.mark.e2e


@dataclass
class Runs:
    lab: labkit.Lab
    walkthrough: pd.DataFrame  # the allowed put allowed, the other denied by the endpoint
    full: pd.DataFrame  # both allowed
    again: pd.DataFrame  # walkthrough once more


@pytest.fixture(scope="module")
def runs() -> Iterator[Runs]:
    lab = labkit.start(quiet=True)
    try:
        lab.create_endpoint("logs", policy="walkthrough")
        first = lab.probe("walkthrough")
        lab.set_policy("full-access")
        full = lab.probe("walkthrough")
        lab.set_policy("walkthrough")
        yield Runs(lab, first, full, lab.probe("walkthrough"))
    finally:
        lab.stop()


def test_the_styler_has_class_caption_words_symbols_and_colours(runs: Runs) -> None:
    page = style_results(runs.walkthrough).to_html()
    assert f'class="{TABLE_CLASS}"' in page
    assert "2 calls: ✔ 1 allowed, ✖ 1 denied (no allow), ⊘ 0 denied (explicit deny)" in page
    assert "✔ allowed" in page and "✖ denied (no allow)" in page and "vpc-endpoint" in page
    full = style_results(runs.walkthrough, full=True).to_html()
    assert "⇢ endpoint" in full and "AccessDeniedException" in full
    css = page.lower()
    assert OKABE_ITO["bluish_green"].lower() in css and OKABE_ITO["orange"].lower() in css
    assert "row_heading" not in page  # the index is hidden


def test_cells_are_escaped(runs: Runs) -> None:
    frame = runs.walkthrough.copy()
    frame.loc[0, "message"] = "<script>alert(1)</script> & more"
    page = style_results(frame, full=True).to_html()
    page = re.sub(r"<wbr>|<span style=\"white-space: nowrap\">|</span>", "", page)
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; &amp;" in page


def test_diff_says_what_flipped_and_back(runs: Runs) -> None:
    assert diff_runs(runs.walkthrough, runs.full) == ["", NOW_ALLOWED]
    assert diff_runs(runs.full, runs.again) == ["", NOW_DENIED]
    assert diff_runs(runs.walkthrough, runs.again) == ["", ""]
    (line,) = diff_lines(runs.full, runs.again)
    assert re.fullmatch(r"PutLogEvents logs-test-denied/\S+: ✔ → ✖ now denied \(no allow\)", line)


def test_diff_is_keyed_on_who_operation_target_not_on_row_order(runs: Runs) -> None:
    reordered = runs.again.iloc[::-1].reset_index(drop=True)
    assert diff_runs(runs.full, reordered) == [NOW_DENIED, ""]


def test_diff_column_and_caption_with_a_previous_run(runs: Runs) -> None:
    page = runs.lab.results(runs.again, runs.full).to_html()
    assert "change" in page and NOW_DENIED in page
    assert "1 changed since the previous run" in page
    assert Counts.of(runs.full) == Counts(2, 0, 0, 0)


def test_view_shows_the_diff_and_explains_a_row(runs: Runs) -> None:
    view = ResultsView(explain=runs.lab.explain)
    assert "no results yet" in view.html
    view.update(runs.full)
    assert view.changes_text() == "first run: nothing to compare with yet"
    view.update(runs.again)
    assert "changed since the previous run" in view.diff.value and NOW_DENIED in view.diff.value
    assert view.row.options[1][0].startswith("1: PutLogEvents logs-test-denied/")
    view.row.value = 1
    view.explain_button.click()
    assert "vpc-endpoint" in view.explanation.value or "VPC endpoint" in view.explanation.value
    text = view.explain_selected(1)
    assert "logs-test-denied" in text and "VPC endpoint policy" in text


def test_view_without_an_explainer_says_so_instead_of_failing(runs: Runs) -> None:
    def missing(frame: pd.DataFrame, row: int) -> str:
        raise ImportError("cannot import name 'explain_row' from 'labkit.lab.explain'")

    view = ResultsView(explain=missing)
    view.update(runs.walkthrough)
    text = view.explain_selected(0)
    assert text.startswith("explanations are not available in this labkit (ImportError")
    assert "Fix: update labkit" in text and "not available" in view.explanation.value


def test_a_success_body_is_cut_to_one_line_but_an_error_is_shown_whole() -> None:
    from labkit.probe import to_frame
    from labkit.ui.results import SUCCESS_BODY_CHARS, display_frame

    long_text = "x" * 300
    base = {"who": "instance", "operation": "GetLogEvents", "target": "g", "latency_ms": 1.0}
    frame = to_frame(
        [
            {**base, "error_code": "", "message": long_text, "decision": "Allowed"},
            {**base, "error_code": "AccessDeniedException", "message": long_text},
        ]
    )
    shown = display_frame(frame)["message"]
    assert len(shown[0]) == SUCCESS_BODY_CHARS and shown[0].endswith("…")
    assert shown[1] == long_text
