"""The lab as a notebook uses it: :class:`labkit.lab.Lab` plus its tables, diagram and widgets.

``labkit.start()`` is :func:`start` here: it starts a lab (:func:`labkit.lab.start`) whose
class is :class:`NotebookLab`. The lab room itself knows no widgets; this room wraps it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from labkit.backend.calls import Call
from labkit.i18n import _, set_language
from labkit.lab.facade import Lab
from labkit.lab.launch import choose_backend
from labkit.lab.launch import start as start_lab
from labkit.ui.diagram import LabDiagram, lab_diagram
from labkit.ui.editor import PolicyEditor
from labkit.ui.lab_errors import show_lab_errors_briefly, show_whole_words
from labkit.ui.playground import Playground
from labkit.ui.progress import NotebookProgress
from labkit.ui.results import ResultsTable


class NotebookLab(Lab):
    """A running lab with its displays: styled results, the live diagram, the policy editor."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._progress = NotebookProgress()

    def progress(self, text: str | None) -> None:
        """A long step's progress under the running cell, cleared when it is done."""
        self._progress(text)

    def results(self, frame: pd.DataFrame, previous: pd.DataFrame | None = None) -> ResultsTable:
        """``frame`` as a compact table (who, operation, target, decision in symbol and words,
        denied by), with a diff to ``previous``; every column one click away."""
        return ResultsTable(self.show(frame), None if previous is None else self.show(previous))

    def diagram(self) -> LabDiagram:
        """An SVG of the lab drawn from its live state, with the last results on the paths."""
        return lab_diagram(self)

    def editor(
        self, service: str = "logs", calls: str | Sequence[Call] = "walkthrough"
    ) -> PolicyEditor:
        """The policy editor widget over this lab (apply & rerun goes through the EC2 API)."""
        return PolicyEditor(self, service=service, calls=calls)

    def playground(
        self, service: str = "logs", calls: str | Sequence[Call] = "matrix"
    ) -> Playground:
        """Editor, results and diagram together (notebook 05)."""
        return Playground(self, service=service, calls=calls)


def start(backend: str | None = None, *, lang: str | None = None, **options: Any) -> NotebookLab:
    """Start a lab for a notebook: :func:`labkit.lab.start` with the displays attached.

    ``lang`` (``"en"``, ``"ja"``) chooses the language of labkit's own words for this kernel
    (:func:`labkit.i18n.set_language`); without it ``LABKIT_LANG`` or JupyterLab's locale decide.

    While a local lab starts, a progress line says so; a :class:`LabError` in a later cell
    shows as its problem and fix, without a traceback through labkit.
    """
    if lang is not None:
        set_language(lang)
    show_lab_errors_briefly()
    show_whole_words()
    # whole DNS names, IDs and ARNs in tables (HTML wraps them; the text form keeps them on a line)
    pd.set_option("display.max_colwidth", None)
    pd.set_option("display.width", 250)
    starting = NotebookProgress()
    if not options.get("quiet") and choose_backend(backend) == "local":
        starting(_("starting a local lab on 127.0.0.1 (moto, gateway, DNS, metadata) ..."))
    try:
        return start_lab(backend, lab_class=NotebookLab, **options)
    finally:
        starting(None)
