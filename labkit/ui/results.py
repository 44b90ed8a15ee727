"""The results table: a probe DataFrame as a styled table, with a diff against the previous run.

:func:`style_results` gives a pandas Styler (hidden index, caption, stable CSS class, decision as
symbol + words + Okabe-Ito colour). :func:`diff_runs` says, per row, what changed since the
previous run of the same calls, keyed on ``who, operation, target``; :func:`diff_lines` says the
same as sentences. The widget around them is :class:`labkit.ui.results_view.ResultsView`.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd
from pandas.io.formats.style import Styler

from labkit.ui.theme import (
    CHANGE_COLOUR,
    decision_label,
    decision_parts,
    is_missing,
    legend,
    path_label,
)

TABLE_CLASS = "labkit-results"
NOW_ALLOWED = "✖ → ✔ now allowed"
NOW_DENIED = "✔ → ✖ now denied"
SHOWN = (
    ("who", "who"),
    ("action", "action"),
    ("resource", "resource"),
    ("path", "path"),
    ("result", "decision"),
    ("denied_by", "denied by"),
    ("http_status", "HTTP"),
    ("error_code", "error code"),
    ("message", "message"),
    ("latency_ms", "ms"),
)
Key = tuple[str, str, str, int]


@dataclass(frozen=True)
class Counts:
    """How many calls of a run were allowed, denied, or never decided (timeouts)."""

    allowed: int
    denied: int
    undecided: int

    @classmethod
    def of(cls, frame: pd.DataFrame) -> Counts:
        decisions = frame["decision"]
        allowed = int((decisions == "Allowed").fillna(False).sum())
        denied = int(decisions.isin(["ImplicitlyDenied", "ExplicitlyDenied"]).fillna(False).sum())
        return cls(allowed, denied, len(frame) - allowed - denied)

    def __str__(self) -> str:
        text = f"✔ {self.allowed} allowed, ✖ {self.denied} denied"
        return text + (f", … {self.undecided} no decision" if self.undecided else "")


def row_keys(frame: pd.DataFrame) -> list[Key]:
    """``(who, operation, target, n)`` per row: n counts repeats of the same call in one run."""
    seen: dict[tuple[str, str, str], int] = {}
    keys = []
    for who, operation, target in zip(
        frame["who"], frame["operation"], frame["target"], strict=True
    ):
        base = (str(who), str(operation), str(target))
        seen[base] = seen.get(base, 0) + 1
        keys.append((*base, seen[base]))
    return keys


def _allowed(decision: object) -> bool | None:
    return None if is_missing(decision) else str(decision) == "Allowed"


def diff_runs(previous: pd.DataFrame | None, current: pd.DataFrame) -> list[str]:
    """Per row of ``current``: what changed since ``previous`` (same who/operation/target).

    ``"✖ → ✔ now allowed"``, ``"✔ → ✖ now denied"``, ``"new"``, another ``"before → after"``
    (a denial of another kind, a timeout that now answers), or ``""`` when the decision is the
    same.
    """
    if previous is None:
        return [""] * len(current)
    before = dict(zip(row_keys(previous), previous["decision"], strict=True))
    changes = []
    for key, decision in zip(row_keys(current), current["decision"], strict=True):
        if key not in before:
            changes.append("new")
            continue
        was, now = _allowed(before[key]), _allowed(decision)
        if decision_label(before[key]) == decision_label(decision):
            changes.append("")
        elif now is True and was is False:
            changes.append(NOW_ALLOWED)
        elif now is False and was is True:
            changes.append(NOW_DENIED)
        else:
            changes.append(f"{decision_label(before[key])} → {decision_label(decision)}")
    return changes


def diff_lines(previous: pd.DataFrame | None, current: pd.DataFrame) -> list[str]:
    """One sentence per changed call, e.g. ``"PutLogEvents logs-test-allowed/s: ✔ → ✖ now
    denied"``; empty when nothing changed (or there is no previous run)."""
    changes = diff_runs(previous, current)
    return [
        f"{op} {target}" + (f" as {who}" if who != "instance" else "") + f": {change}"
        for change, who, op, target in zip(
            changes, current["who"], current["operation"], current["target"], strict=True
        )
        if change
    ]


def display_frame(frame: pd.DataFrame, previous: pd.DataFrame | None = None) -> pd.DataFrame:
    """The columns the view shows, with decisions and paths in words and symbols."""
    shown = pd.DataFrame(
        {
            "who": frame["who"],
            "action": frame["action"].fillna(frame["operation"]),
            "resource": frame["resource"].fillna(frame["target"]),
            "path": [path_label(v) for v in frame["via_endpoint"]],
            "result": [decision_label(d) for d in frame["decision"]],
            "denied_by": frame["denied_by"].fillna(""),
            "http_status": frame["http_status"].astype("string").fillna("—"),
            "error_code": frame["error_code"],
            "message": [
                _shown_message(m, e)
                for m, e in zip(frame["message"], frame["error_code"], strict=True)
            ],
            "latency_ms": frame["latency_ms"].round(1),
        }
    )
    shown = shown.rename(columns=dict(SHOWN))
    if previous is not None:
        shown.insert(0, "change", diff_runs(previous, frame))
    return shown.reset_index(drop=True)


SUCCESS_BODY_CHARS = 120


def _shown_message(message: str, error_code: str) -> str:
    """Errors in full (they are the lesson); a success's response body cut to one short line."""
    if error_code or len(message) <= SUCCESS_BODY_CHARS:
        return message
    return message[: SUCCESS_BODY_CHARS - 1] + "…"


def _decision_css(decisions: pd.Series) -> Callable[[Any], str]:
    colours = {decision_label(d): decision_parts(d)[2] for d in decisions}

    def css(value: Any) -> str:
        colour = colours.get(value)
        return f"color: {colour}; font-weight: bold" if colour else ""

    return css


def _change_css(value: Any) -> str:
    return f"color: {CHANGE_COLOUR}; font-weight: bold" if value else ""


def caption_for(frame: pd.DataFrame, previous: pd.DataFrame | None = None) -> str:
    """``"13 calls: ✔ 6 allowed, ✖ 7 denied; 2 changed since the previous run"`` + legend."""
    text = f"{len(frame)} calls: {Counts.of(frame)}"
    if previous is not None:
        changed = sum(1 for c in diff_runs(previous, frame) if c)
        text += f"; {changed} changed since the previous run"
    return f"{text} ({legend()})"


def style_results(
    frame: pd.DataFrame, previous: pd.DataFrame | None = None, caption: str | None = None
) -> Styler:
    """``frame`` as a Styler: hidden index, caption, decision colours; a change column if
    ``previous`` is given. The table carries the CSS class ``labkit-results``."""
    shown = display_frame(frame, previous)
    styler = (
        shown.style.hide(axis="index")
        .set_caption(html.escape(caption or caption_for(frame, previous)))
        .set_table_attributes(f'class="{TABLE_CLASS}"')
        .map(_decision_css(frame["decision"]), subset=["decision"])
        .format(escape="html")
        .format(precision=1, subset=["ms"], escape="html")
        # ARNs and messages wrap anywhere rather than stretching rows to a word per line
        .set_properties(subset=["resource"], **{"min-width": "16em", "word-break": "break-all"})
        .set_properties(
            subset=["message"],
            **{"min-width": "18em", "max-width": "30em", "white-space": "pre-wrap"},
        )
        .set_properties(subset=["message", "error code"], **{"overflow-wrap": "anywhere"})
        .set_properties(subset=["error code"], **{"min-width": "8em", "max-width": "11em"})
        .set_table_styles(
            [
                {"selector": "", "props": "font-size: 0.85em;"},
                {"selector": "caption", "props": "caption-side: top; text-align: left;"},
                {"selector": "td", "props": "text-align: left; vertical-align: top;"},
                {"selector": "th", "props": "text-align: left;"},
            ]
        )
    )
    if previous is not None:
        styler = styler.map(_change_css, subset=["change"])
    return styler
