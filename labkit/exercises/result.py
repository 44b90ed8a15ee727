"""What a check returns: pass, fail with hints, or "fill in your answer"; text and HTML."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any, Literal

import pandas as pd

from labkit.i18n import N_, _

Status = Literal["pass", "fail", "todo", "no-lab"]
_HEAD = {
    "pass": N_("pass"),
    "fail": N_("not yet"),
    "todo": N_("fill in your answer"),
    "no-lab": N_("not checked"),
}
_COLOUR = {  # Okabe-Ito
    "pass": "#009E73",
    "fail": "#D55E00",
    "todo": "#0072B2",
    "no-lab": "#0072B2",
}


@dataclass
class CheckResult:
    """The outcome of :func:`labkit.exercises.check`.

    ``status``: ``"pass"``, ``"fail"`` (see ``hints``), ``"todo"`` (the answer is still ``...``)
    or ``"no-lab"`` (no running lab to check against: ``summary`` says which cell to run).
    ``rows``: one row per probe the check made (label, expected, got, ok, request_id).
    """

    exercise_id: str
    status: Status
    summary: str
    hints: list[str] = field(default_factory=list)
    rows: pd.DataFrame | None = None

    @property
    def passed(self) -> bool:
        """True when the answer does what the exercise asks."""
        return self.status == "pass"

    def __bool__(self) -> bool:
        return self.passed

    def __str__(self) -> str:
        lines = [f"{_(_HEAD[self.status])} — {self.exercise_id}: {self.summary}"]
        lines += ["  " + _("hint: {hint}").format(hint=hint) for hint in self.hints]
        if self.rows is not None and not self.rows.empty:
            shown = self.rows[["check", "expected", "got", "ok"]]
            lines += ["", shown.to_string(index=False)]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return str(self)

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(str(self))

    def _repr_html_(self) -> str:
        colour = _COLOUR[self.status]
        parts = [
            f'<div class="labkit-exercise labkit-exercise-{self.status}">',
            f'<p><strong style="color:{colour}">{html.escape(_(_HEAD[self.status]))}</strong> '
            f"— <code>{html.escape(self.exercise_id)}</code>: {html.escape(self.summary)}</p>",
        ]
        if self.hints:
            items = "".join(f"<li>{html.escape(h)}</li>" for h in self.hints)
            parts.append(f"<ul>{items}</ul>")
        if self.rows is not None and not self.rows.empty:
            table = self.rows[["check", "expected", "got", "ok"]].to_html(
                index=False, classes="labkit-exercise-rows", escape=True
            )
            parts.append(table)
        parts.append("</div>")
        return "".join(parts)
