"""The results table: a probe DataFrame as a styled table, with a diff against the previous run.

:func:`style_results` gives a pandas Styler (hidden index, caption, stable CSS class, decision as
symbol + words + Okabe-Ito colour). :func:`diff_runs` says, per row, what changed since the
previous run of the same calls, keyed on ``who, operation, target``; :func:`diff_lines` says the
same as sentences. The widget around them is :class:`labkit.ui.results_view.ResultsView`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd
from pandas.io.formats.style import Styler

from labkit.i18n import N_, _
from labkit.ui.theme import (
    CHANGE_COLOUR,
    change_label,
    decision_label,
    decision_parts,
    legend,
    path_label,
)

TABLE_CLASS = "labkit-results"
FULL_CLASS = "labkit-results-full"
NOW_ALLOWED = change_label("ImplicitlyDenied", "Allowed")  # "✖ → ✔ now allowed"
NOW_DENIED = change_label("Allowed", "ImplicitlyDenied")  # "✔ → ✖ now denied (no allow)"
NOW_DENIED_EXPLICITLY = change_label("Allowed", "ExplicitlyDenied")
# the compact view (what a learner reads after each apply) and the full one (one click away)
COMPACT = (
    ("who", "who"),
    ("operation", "operation"),
    ("target", "target"),
    ("result", "decision"),
    ("denied_by", "denied by"),
)
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
FULL_SUMMARY = N_(
    "all columns: IAM action and resource, path, HTTP status, error code, the full message, ms"
)
# wide tables scroll sideways inside their output, with a scroll bar a learner can see and grab
SCROLL_CSS = (
    "<style>.labkit-scroll {overflow-x: auto; max-width: 100%; padding-bottom: 2px;}"
    ".labkit-scroll::-webkit-scrollbar {height: 10px;}"
    ".labkit-scroll::-webkit-scrollbar-thumb {background: #9a9a9a; border-radius: 5px;}"
    ".labkit-scroll::-webkit-scrollbar-track {background: #ececec;}"
    ".labkit-details > summary {cursor: pointer; margin: 0.3em 0;}</style>"
)
Key = tuple[str, str, str, int]


@dataclass(frozen=True)
class Counts:
    """How many calls of a run were allowed, denied for want of an allow, denied by an explicit
    Deny, or never decided (timeouts)."""

    allowed: int
    no_allow: int
    explicit: int
    undecided: int = 0

    @classmethod
    def of(cls, frame: pd.DataFrame) -> Counts:
        decisions = frame["decision"]
        allowed = int((decisions == "Allowed").fillna(False).sum())
        no_allow = int((decisions == "ImplicitlyDenied").fillna(False).sum())
        explicit = int((decisions == "ExplicitlyDenied").fillna(False).sum())
        return cls(allowed, no_allow, explicit, len(frame) - allowed - no_allow - explicit)

    @property
    def denied(self) -> int:
        """Denied calls of both kinds."""
        return self.no_allow + self.explicit

    def parts(self) -> list[tuple[str, int]]:
        """(decision, count) in the legend's order; ``None`` for calls never decided."""
        found: list[tuple[str, int]] = [
            ("Allowed", self.allowed),
            ("ImplicitlyDenied", self.no_allow),
            ("ExplicitlyDenied", self.explicit),
        ]
        return found + ([("", self.undecided)] if self.undecided else [])

    def __str__(self) -> str:
        """``"✔ 11 allowed, ✖ 0 denied (no allow), ⊘ 2 denied (explicit deny)"``."""
        return ", ".join(
            f"{decision_parts(decision or None)[0]} {count} {decision_parts(decision or None)[1]}"
            for decision, count in self.parts()
        )


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


def diff_runs(previous: pd.DataFrame | None, current: pd.DataFrame) -> list[str]:
    """Per row of ``current``: what changed since ``previous`` (same who/operation/target).

    The two decisions' symbols and the new one in words, as the table shows them:
    ``"✖ → ✔ now allowed"``, ``"✔ → ⊘ now denied (explicit deny)"``, ``"new"``, or ``""`` when
    the decision is the same.
    """
    if previous is None:
        return [""] * len(current)
    before = dict(zip(row_keys(previous), previous["decision"], strict=True))
    changes = []
    for key, decision in zip(row_keys(current), current["decision"], strict=True):
        if key not in before:
            changes.append(_("new"))
        elif decision_label(before[key]) == decision_label(decision):
            changes.append("")
        else:
            changes.append(change_label(before[key], decision))
    return changes


def diff_lines(previous: pd.DataFrame | None, current: pd.DataFrame) -> list[str]:
    """One sentence per changed call, e.g. ``"PutLogEvents logs-test-allowed/s: ✔ → ⊘ now
    denied (explicit deny)"``; empty when nothing changed (or there is no previous run)."""
    changes = diff_runs(previous, current)
    return [
        f"{op} {target}"
        + (_(" as {who}").format(who=who) if who != "instance" else "")
        + f": {change}"
        for change, who, op, target in zip(
            changes, current["who"], current["operation"], current["target"], strict=True
        )
        if change
    ]


def display_frame(
    frame: pd.DataFrame, previous: pd.DataFrame | None = None, full: bool = True
) -> pd.DataFrame:
    """The columns a view shows (``full``: all of them; else the compact five), decisions and
    paths in words and symbols."""
    shown = pd.DataFrame(
        {
            "who": frame["who"],
            "operation": frame["operation"],
            "target": frame["target"],
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
    columns = SHOWN if full else COMPACT
    shown = shown[[name for name, _label in columns]].rename(columns=dict(columns))
    if previous is not None:
        changes = diff_runs(previous, frame)
        shown.insert(0, "change", changes if full else [_symbols(c) for c in changes])
    return shown.reset_index(drop=True)


def _symbols(change: str) -> str:
    """``"✔ → ⊘"`` of ``"✔ → ⊘ now denied (explicit deny)"``: the decision column beside it
    says the rest in words (in any language: the symbols are the first three parts)."""
    return " ".join(change.split(" ", 3)[:3])


SUCCESS_BODY_CHARS = 120


def _shown_message(message: str, error_code: str) -> str:
    """Errors in full (they are the lesson); a success's response body cut to one short line."""
    if error_code or len(message) <= SUCCESS_BODY_CHARS:
        return message
    return message[: SUCCESS_BODY_CHARS - 1] + "…"


def breakable(value: Any) -> str:
    """``value`` escaped for HTML, wrapping only after a ``:``, ``/``, ``,`` or space: each part
    in between is kept whole (no break at its hyphens), so ARNs and names never split mid-word."""
    parts = re.split(r"(?<=[:/,\s])", str(value))
    return "<wbr>".join(
        f'<span style="white-space: nowrap">{html.escape(part)}</span>' for part in parts if part
    )


def _decision_css(decisions: pd.Series) -> Callable[[Any], str]:
    colours = {decision_label(d): decision_parts(d)[2] for d in decisions}

    def css(value: Any) -> str:
        colour = colours.get(value)
        return f"color: {colour}; font-weight: bold" if colour else ""

    return css


def _change_css(value: Any) -> str:
    return f"color: {CHANGE_COLOUR}; font-weight: bold" if value else ""


def caption_for(frame: pd.DataFrame, previous: pd.DataFrame | None = None) -> str:
    """``"13 calls: ✔ 11 allowed, ✖ 0 denied (no allow), ⊘ 2 denied (explicit deny); 2 changed
    since the previous run"``; the legend is in :func:`legend_line`."""
    text = _("{count} calls: {counts}").format(count=len(frame), counts=Counts.of(frame))
    if previous is not None:
        changed = sum(1 for c in diff_runs(previous, frame) if c)
        text += _("; {changed} changed since the previous run").format(changed=changed)
    return text


def legend_line() -> str:
    """Every symbol the tables, the summary, the change list and the diagram use."""
    return _("symbols: {legend}").format(legend=legend())


TABLE_STYLES = [
    {"selector": "", "props": "font-size: 0.85em;"},
    {"selector": "caption", "props": "caption-side: top; text-align: left;"},
    {"selector": "td", "props": "text-align: left; vertical-align: top;"},
    {"selector": "th", "props": "text-align: left;"},
]


def style_results(
    frame: pd.DataFrame,
    previous: pd.DataFrame | None = None,
    caption: str | None = None,
    full: bool = False,
) -> Styler:
    """``frame`` as a Styler: hidden index, caption, decision colours; a change column if
    ``previous`` is given. Compact (who, operation, target, decision, denied by) unless
    ``full``. The table carries the CSS class ``labkit-results`` (``labkit-results-full``)."""
    shown = display_frame(frame, previous, full=full)
    styler = (
        shown.style.hide(axis="index")
        .set_caption(html.escape(caption or caption_for(frame, previous)))
        .set_table_attributes(f'class="{FULL_CLASS if full else TABLE_CLASS}"')
        .map(_decision_css(frame["decision"]), subset=["decision"])
        # a decision's words stay on one line, whatever the language (Japanese has no spaces)
        .set_properties(subset=["decision"], **{"white-space": "nowrap"})
        .format(escape="html")
        .format(breakable, subset=["who", "denied by", "resource" if full else "target"])
        .set_table_styles(TABLE_STYLES)
    )
    if full:
        styler = (
            styler.format(breakable, subset=["message"])
            .format(precision=1, subset=["ms"], escape="html")
            .set_properties(subset=["resource"], **{"min-width": "14em", "max-width": "22em"})
            .set_properties(subset=["path"], **{"white-space": "nowrap"})
            .set_properties(
                subset=["message"],
                **{"min-width": "18em", "max-width": "32em", "white-space": "pre-wrap"},
            )
        )
    if previous is not None:
        styler = styler.map(_change_css, subset=["change"]).set_properties(
            subset=["change"], **{"white-space": "nowrap"}
        )
    return styler


def results_html(frame: pd.DataFrame, previous: pd.DataFrame | None = None) -> str:
    """The compact table, the legend, and every column one click away (scrolling sideways)."""
    compact = style_results(frame, previous).to_html()
    caption = _("{count} calls, every column").format(count=len(frame))
    full = style_results(frame, previous, caption=caption, full=True).to_html()
    return (
        f"{SCROLL_CSS}<div class='labkit-scroll'>{compact}</div>"
        f"<div class='labkit-legend' style='font-size: 0.85em'>{html.escape(legend_line())}</div>"
        f"<details class='labkit-details'><summary>{html.escape(_(FULL_SUMMARY))}</summary>"
        f"<div class='labkit-scroll'>{full}</div></details>"
    )


class ResultsTable:
    """A probe run as a notebook shows it: the compact table, the legend, and every column one
    click away (HTML); as text, the compact table. ``styler``: the compact table as a Styler."""

    def __init__(self, frame: pd.DataFrame, previous: pd.DataFrame | None = None) -> None:
        self.frame = frame
        self.previous = previous
        self.styler = style_results(frame, previous)

    def to_html(self) -> str:
        return results_html(self.frame, self.previous)

    def _repr_html_(self) -> str:
        return self.to_html()

    def __repr__(self) -> str:
        shown = display_frame(self.frame, self.previous, full=False)
        return "\n".join(
            [caption_for(self.frame, self.previous), shown.to_string(index=False), legend_line()]
        )
