"""The results widget: the latest run as a styled table, what changed since the run before, and
the explanation of any row on request (``lab.explain``).

Headless use (tests, scripts): :meth:`ResultsView.update` with a probe frame, then read
:attr:`ResultsView.html`, :attr:`ResultsView.changes` or call :meth:`ResultsView.explain_selected`.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets
import pandas as pd

from labkit.backend.errors import LabError
from labkit.i18n import N_, _
from labkit.ui.results import diff_lines, results_html

Explainer = Callable[[pd.DataFrame, int], Any]
NO_RESULTS = N_("no results yet: apply a policy to run the calls")


class ResultsView:
    """Styled table of the latest run (diffed against the previous one) and "explain row N"."""

    def __init__(self, explain: Explainer | None = None) -> None:
        self._explain = explain
        self.current: pd.DataFrame | None = None
        self.previous: pd.DataFrame | None = None
        self.changes: list[str] = []
        self.diff = widgets.HTML(value="")
        self.diff.add_class("labkit-diff")
        # a wide table scrolls sideways inside its own box (results_html), never cut at the edge
        self.table = widgets.HTML(
            value=f"<i>{html.escape(_(NO_RESULTS))}</i>", layout={"max_width": "100%"}
        )
        self.table.add_class("labkit-results-view")
        self.row = widgets.Dropdown(
            description=_("row"), options=[], layout={"width": "30em", "max_width": "100%"}
        )
        self.explain_button = widgets.Button(
            description=_("Explain row"),
            icon="question",
            tooltip=_("why was this row decided so?"),
        )
        self.explanation = widgets.HTML(value="")
        self.explanation.add_class("labkit-explanation")
        self.output = widgets.Output()
        self.explain_button.on_click(self.output.capture()(self._on_explain))
        controls = widgets.HBox([self.row, self.explain_button])
        self.widget = widgets.VBox([self.diff, self.table, controls, self.explanation, self.output])

    # -- model side ---------------------------------------------------------------------------
    def update(self, frame: pd.DataFrame) -> None:
        """Show ``frame``; the run shown before becomes the baseline of the diff."""
        self.previous, self.current = self.current, frame
        self.changes = diff_lines(self.previous, frame)
        self.table.value = results_html(frame, self.previous)
        self.diff.value = self._diff_html()
        self.row.options = [
            (f"{i}: {op} {target}" + (f" ({who})" if who != "instance" else ""), i)
            for i, (who, op, target) in enumerate(
                zip(frame["who"], frame["operation"], frame["target"], strict=True)
            )
        ]
        self.explanation.value = ""

    @property
    def html(self) -> str:
        """The table's HTML as shown (empty-state text before the first run)."""
        return str(self.table.value)

    def changes_text(self) -> str:
        """What changed since the previous run, as the view words it."""
        if self.previous is None:
            return _("first run: nothing to compare with yet")
        if not self.changes:
            return _("no change since the previous run")
        head = _("changed since the previous run:")
        return head + "\n" + "\n".join(f"  {c}" for c in self.changes)

    def _diff_html(self) -> str:
        lines = self.changes_text().splitlines()
        head, items = html.escape(lines[0]), lines[1:]
        if not items:
            return f"<b>{head}</b>"
        listed = "".join(f"<li>{html.escape(i.strip())}</li>" for i in items)
        return f"<b>{head}</b><ul>{listed}</ul>"

    def explain_selected(self, row: int | None = None) -> str:
        """Explain ``row`` (default: the selected one) below the table; returns the text shown."""
        if self.current is None:
            return self._say(_(NO_RESULTS))
        index = int(self.row.value if row is None else row)
        if self._explain is None:
            return self._say(_("explanations are off for this view (no lab to ask)"))
        try:
            found = self._explain(self.current, index)
        except (ImportError, AttributeError, NotImplementedError) as exc:
            return self._say(
                _(
                    "explanations are not available in this labkit ({error}). Fix: update labkit "
                    "(git pull, then pip install --no-deps -e .) and restart the kernel."
                ).format(error=f"{type(exc).__name__}: {exc}")
            )
        except LabError as exc:
            return self._say(str(exc))
        text = str(found)
        rich = getattr(found, "_repr_html_", None)
        self.explanation.value = rich() if callable(rich) else f"<pre>{html.escape(text)}</pre>"
        return text

    def _say(self, text: str) -> str:
        self.explanation.value = f"<i>{html.escape(text)}</i>"
        return text

    # -- UI side ------------------------------------------------------------------------------
    def _on_explain(self, _button: widgets.Button) -> None:
        self.explain_selected()

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)
