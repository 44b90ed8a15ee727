"""The policy editor widget: JSON text area, status line, lint findings, templates, and an
"Apply & rerun" button that applies through the EC2 API and reruns the probe.

All logic is in :class:`labkit.ui.editor_model.EditorModel`; this module wires ipywidgets 8 core
controls to it. Every callback runs inside ``Output.capture`` so a failure shows in the notebook.
Headless: set :attr:`PolicyEditor.text`, call :meth:`PolicyEditor.apply` (or click
``apply_button``), read :attr:`PolicyEditor.status` and :attr:`PolicyEditor.results`.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets

from labkit.i18n import N_, _
from labkit.probe import Call
from labkit.ui.editor_model import Applied, EditorModel, Validation, validate, with_statement
from labkit.ui.results_view import ResultsView

if TYPE_CHECKING:
    from labkit.lab.facade import Lab

IN_FORCE = N_("(the policy in force)")
STATUS_CLASS = "labkit-status"
# plain CSS (no JavaScript): the policy in the code font, so columns line up with the status line
# line numbers beside the text: both in the code font, one line height, no wrapping, and the
# box as tall as the text, so number and line stay side by side without any JavaScript
EDITOR_CSS = (
    "<style>.labkit-policy-text textarea, .labkit-gutter pre {"
    "font-family: var(--jp-code-font-family, monospace); font-size: 13px; line-height: 18px;}"
    ".labkit-policy-text textarea {white-space: pre; overflow-wrap: normal; overflow-x: auto;"
    " padding: 4px 6px;}"
    ".labkit-gutter pre {margin: 0; padding: 5px 6px 0 0; text-align: right; color: #767676;"
    " user-select: none;}</style>"
)
MIN_ROWS = 12


class PolicyEditor:
    """Edit the ``service`` endpoint policy of ``lab``; Apply & rerun runs ``calls``.

    With ``run_now`` (default) the calls are made once at the start, so the first Apply has a
    run to compare with. The endpoint must exist (``lab.create_endpoint``), else ``LabError``.
    """

    def __init__(
        self,
        lab: Lab,
        service: str = "logs",
        calls: str | Sequence[Call] = "walkthrough",
        results: ResultsView | None = None,
        run_now: bool = True,
    ) -> None:
        self.model = EditorModel(lab, service=service, calls=calls)
        self.results = results or ResultsView(explain=lab.explain)
        self.last: Applied | None = None
        self.validation: Validation = Validation()
        self.listeners: list[Any] = []  # called with the Applied of each apply
        self._quiet_template = False

        self.template = widgets.Dropdown(
            description=_("template"),
            options=[(_(IN_FORCE), ""), *self.model.templates()],
            value="",
            layout={"width": "26em"},
        )
        self.textarea = widgets.Textarea(
            value=self.model.in_force(),
            continuous_update=False,  # validate when the learner leaves the box, not per key
            rows=MIN_ROWS,
            layout={"flex": "1 1 auto", "width": "auto"},
        )
        self.textarea.add_class("labkit-policy-text")
        self.gutter = widgets.HTML(layout={"flex": "0 0 auto"})
        self.gutter.add_class("labkit-gutter")
        self._number_lines()
        self.status_line = widgets.HTML()
        self.status_line.add_class(STATUS_CLASS)
        self.lint_box = widgets.HTML()
        self.lint_box.add_class("labkit-lint")
        self.apply_button = widgets.Button(
            description=_("Apply & rerun"),
            button_style="primary",
            icon="play",
            tooltip=_("ModifyVpcEndpoint with this policy, then make the calls again"),
            layout={"width": "auto"},
        )
        self.output = widgets.Output()

        self.textarea.observe(self.output.capture()(self._on_text), names="value")
        self.template.observe(self.output.capture()(self._on_template), names="value")
        self.apply_button.on_click(self.output.capture()(self._on_apply))

        self.controls = widgets.VBox(
            [
                widgets.HTML(EDITOR_CSS),
                widgets.HBox([self.template, self.apply_button]),
                widgets.HBox([self.gutter, self.textarea], layout={"width": "100%"}),
                self.status_line,
                self.lint_box,
                self.output,
            ]
        )
        self.widget = widgets.VBox([self.controls, self.results.widget])
        self.check()
        self._say_in_force()
        if run_now:
            self.results.update(self.model.run())

    # -- headless API -------------------------------------------------------------------------
    @property
    def text(self) -> str:
        """The policy text in the editor."""
        return str(self.textarea.value)

    @text.setter
    def text(self, value: str) -> None:
        self.textarea.value = value  # validates through the observer, as typing does

    @property
    def status(self) -> str:
        """The status line as plain text."""
        return self._status

    def lint_lines(self) -> list[str]:
        """The lint findings shown under the status line."""
        return self.validation.lint_lines()

    def line_numbers(self) -> list[int]:
        """The numbers shown beside the text: one per line (the status line names them)."""
        return list(range(1, self.text.count("\n") + 2))

    def _number_lines(self) -> None:
        numbers = self.line_numbers()
        self.textarea.rows = max(MIN_ROWS, len(numbers) + 1)  # no inner scrolling: numbers align
        self.gutter.value = "<pre>" + "\n".join(str(n) for n in numbers) + "</pre>"

    def check(self) -> Validation:
        """Validate the text now and show the result (what leaving the text box does)."""
        self._number_lines()
        self.validation = validate(self.text)
        self._set_status(self.validation.status())
        lines = self.validation.lint_lines()
        self.lint_box.value = (
            "<ul>" + "".join(f"<li>{html.escape(line)}</li>" for line in lines) + "</ul>"
            if lines
            else ""
        )
        return self.validation

    def load_template(self, name: str) -> str:
        """Put template ``name`` (or ``""``: the policy in force) into the editor; not applied.

        The template list shows ``name`` too, so list and text never disagree."""
        if not name:
            return self.revert()
        self.textarea.value = self.model.template_text(name)
        self._show_template(name)
        self.check()
        if self.validation.ok:
            self._set_status(
                _("loaded template {name} (not applied yet). {status}").format(
                    name=name, status=self.status
                )
            )
        return self.text

    def revert(self) -> str:
        """Put the policy in force back into the editor (whatever was typed is dropped)."""
        self.textarea.value = self.model.in_force()
        self._show_template("")
        self.check()
        self._say_in_force()
        return self.text

    def _say_in_force(self) -> None:
        self._set_status(
            _("policy in force: {name}. {status}").format(
                name=self.model.in_force_name(), status=self.status
            )
        )

    def _show_template(self, name: str) -> None:
        """Select ``name`` in the template list without loading it again."""
        self._quiet_template = True
        try:
            self.template.value = name
        finally:
            self._quiet_template = False

    def add_statement(self, statement: Mapping[str, Any]) -> str:
        """Append ``statement`` to the policy in the editor (not applied yet)."""
        self.text = with_statement(self.text, statement)
        return self.text

    def apply(self) -> Applied:
        """Apply the text (ModifyVpcEndpoint) and rerun; invalid text changes nothing."""
        self.apply_button.disabled = True
        try:
            outcome = self.model.apply(self.text, previous=self.results.current)
        finally:
            self.apply_button.disabled = False
        self.last = outcome
        if outcome.applied:  # what the editor holds is now the policy in force
            self._show_template("")
        self._set_status(outcome.status)
        if outcome.frame is not None:
            self.results.update(outcome.frame)
        for listener in self.listeners:
            listener(outcome)
        return outcome

    # -- UI side ------------------------------------------------------------------------------
    def _set_status(self, text: str) -> None:
        self._status = text
        colour = "#D55E00" if text.startswith("✖") else "#009E73"  # Okabe-Ito; words carry it
        self.status_line.value = (
            f'<span style="color: {colour}; font-weight: bold">{html.escape(text)}</span>'
        )

    def _on_text(self, _change: dict[str, Any]) -> None:
        self.check()

    def _on_template(self, change: dict[str, Any]) -> None:
        if not self._quiet_template:
            self.load_template(str(change["new"]))

    def _on_apply(self, _button: widgets.Button) -> None:
        self.apply()

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        bundle = self.widget._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = f"PolicyEditor ({self.model.service} endpoint)\n{self.status}"
        return bundle
