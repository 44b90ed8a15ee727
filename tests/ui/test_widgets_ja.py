"""labkit's widgets in Japanese: labels, status lines, table words and the diagram through
gettext, over a real lab; the symbols ✔ ✖ ⊘ and AWS's own texts stay as they are."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import labkit
from labkit.backend.errors import LabError
from labkit.i18n import set_language
from labkit.ui.diagram import lab_diagram
from labkit.ui.editor import PolicyEditor
from labkit.ui.lab_errors import brief
from labkit.ui.results import display_frame, results_html
from labkit.ui.svg import columns
from labkit.ui.theme import change_label, decision_label, legend

pytestmark = pytest.mark.e2e


@pytest.fixture
def japanese() -> Iterator[None]:
    set_language("ja")
    try:
        yield
    finally:
        set_language(None)


@pytest.fixture(scope="module")
def lab(walkthrough_lab: labkit.Lab) -> labkit.Lab:
    return walkthrough_lab


def test_decisions_keep_their_symbols_with_japanese_words(japanese: None) -> None:
    assert decision_label("Allowed") == "✔ 許可"
    assert decision_label("ExplicitlyDenied") == "⊘ 拒否（明示的な拒否）"
    assert legend().startswith("✔ 許可 · ✖ 拒否（許可なし） · ⊘ 拒否（明示的な拒否）")
    assert change_label("ImplicitlyDenied", "Allowed") == "✖ → ✔ 現在は許可"


def test_the_editor_and_results_speak_japanese_and_aws_texts_stay(
    japanese: None, lab: labkit.Lab
) -> None:
    lab.set_policy("walkthrough")
    editor = PolicyEditor(lab)
    assert editor.apply_button.description == "適用して再実行"
    assert editor.template.options[0] == ("（有効なポリシー）", "")
    assert editor.status.startswith("有効なポリシー: walkthrough。✔ EC2 はこのエンドポイント")
    assert editor.results.explain_button.description == "行を説明"
    editor.text = editor.model.template_text("full-access")
    applied = editor.apply()
    assert (
        applied.applied
        and applied.status.startswith("✔ ")
        and "件の呼び出しを再実行" in (applied.status)
    )
    frame, previous = editor.results.current, editor.results.previous
    assert frame is not None and previous is not None
    compact = display_frame(frame, previous, full=False)
    # the change column keeps only the symbols, in any language
    assert set(compact["change"]) == {"", "✖ → ✔"}
    assert "記号: ✔ 許可" in results_html(frame, previous)
    lab.set_policy("walkthrough")
    denied = lab.probe("walkthrough")
    shown = results_html(denied)
    message = str(denied["message"][1])  # AWS's words, shown in the full table as sent
    assert "is not authorized to perform: logs:PutLogEvents" in message
    assert "AccessDeniedException" in shown and "authorized" in shown


def test_the_diagram_and_a_lab_error_in_japanese(japanese: None, lab: labkit.Lab) -> None:
    drawn = lab_diagram(lab)
    assert "インターフェイスエンドポイント · logs" in drawn.svg
    assert "ルートテーブル" in drawn.svg
    assert brief(LabError("the problem", "the fix"))[1] == "対処: the fix"


def test_a_wide_character_counts_as_two_columns() -> None:
    assert columns("logs") == 4 and columns("許可") == 4 and columns("✔ 許可") == 6


def test_english_is_back_after_japanese(lab: labkit.Lab) -> None:
    assert decision_label("Allowed") == "✔ allowed"
    assert PolicyEditor(lab, run_now=False).apply_button.description == "Apply & rerun"
