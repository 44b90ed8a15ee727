"""The playground (notebook 05): the policy editor, the results and the lab diagram together.

Apply & rerun changes the endpoint policy through the EC2 API, makes the calls again, shows the
new table with what changed, and redraws the diagram from the lab's state.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets

from labkit.probe import Call
from labkit.ui.diagram import LabDiagram, lab_diagram
from labkit.ui.editor import PolicyEditor
from labkit.ui.editor_model import Applied
from labkit.ui.results import caption_for
from labkit.ui.results_view import ResultsView

if TYPE_CHECKING:
    from labkit.lab.facade import Lab


class Playground:
    """Editor, then the lab diagram, then the results, over one live lab."""

    def __init__(
        self, lab: Lab, service: str = "logs", calls: str | Sequence[Call] = "matrix"
    ) -> None:
        self.lab = lab
        self.results = ResultsView(explain=lab.explain)
        self.editor = PolicyEditor(lab, service=service, calls=calls, results=self.results)
        self.diagram_box = widgets.HTML()
        self.diagram_box.add_class("labkit-diagram-box")
        self.last_diagram: LabDiagram | None = None
        self.redraw()
        self.editor.listeners.append(self._on_applied)
        # stacked, not side by side: the diagram needs the full width to stay legible
        self.widget = widgets.VBox([self.editor.controls, self.diagram_box, self.results.widget])

    # -- headless API (the same as clicking) --------------------------------------------------
    @property
    def text(self) -> str:
        return self.editor.text

    @text.setter
    def text(self, value: str) -> None:
        self.editor.text = value

    @property
    def status(self) -> str:
        return self.editor.status

    def load(self, template: str) -> str:
        """Load a template into the editor (not applied): walkthrough, full-access, ..."""
        return self.editor.load_template(template)

    def revert(self) -> str:
        """Put the policy in force back into the editor (what was typed is dropped)."""
        return self.editor.revert()

    def add_statement(self, statement: Mapping[str, Any]) -> str:
        """Append ``statement`` to the policy in the editor (not applied yet)."""
        return self.editor.add_statement(statement)

    def apply(self) -> Applied:
        """Apply & rerun (see :meth:`PolicyEditor.apply`); the diagram is redrawn after."""
        return self.editor.apply()

    def redraw(self) -> LabDiagram:
        """Draw the lab again from its live state."""
        self.last_diagram = lab_diagram(self.lab)
        self.diagram_box.value = self.last_diagram._repr_html_()
        return self.last_diagram

    def summary(self) -> str:
        """What the playground shows, in words: status, the run's counts and what changed."""
        lines = [f"status: {self.status}"]
        if self.results.current is not None:
            lines.append(caption_for(self.results.current, self.results.previous))
            lines.append(self.results.changes_text())
        return "\n".join(lines)

    # -- UI side ------------------------------------------------------------------------------
    def _on_applied(self, outcome: Applied) -> None:
        if outcome.applied:
            self.redraw()

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        bundle = self.widget._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = "Playground\n" + self.summary()
        return bundle
