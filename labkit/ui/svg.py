"""Small SVG building blocks for the lab diagram: escaped text, boxes, lines, coloured counts."""

from __future__ import annotations

import html
import unicodedata

from labkit.ui.results import Counts
from labkit.ui.theme import OKABE_ITO, decision_parts

INK, FAINT = "#222222", OKABE_ITO["grey"]
TEXT = 12  # the diagram's usual text size (px at 1:1; the diagram is never scaled down)
LINE_PX = 16  # one line of TEXT
CHAR_PX = 6.9  # a generous average width of one TEXT character, to wrap before the edge


def columns(text: str) -> int:
    """How many character widths ``text`` takes: a wide (CJK) character counts as two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def esc(value: object) -> str:
    """Text escaped for SVG/XML (quotes included)."""
    return html.escape(str(value), quote=True)


class Svg:
    """An SVG body being built: every text is escaped on the way in."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def rect(self, x: float, y: float, w: float, h: float, cls: str, **style: str) -> None:
        extra = "".join(f' {k.replace("_", "-")}="{esc(v)}"' for k, v in style.items())
        self.parts.append(
            f'<rect class="{cls}" x="{x:.0f}" y="{y:.0f}" width="{w:.0f}" height="{h:.0f}" '
            f'rx="6"{extra}/>'
        )

    def text(
        self,
        x: float,
        y: float,
        value: object,
        *,
        size: int = 11,
        bold: bool = False,
        fill: str = INK,
        cls: str = "",
    ) -> None:
        weight = ' font-weight="bold"' if bold else ""
        klass = f' class="{cls}"' if cls else ""
        self.parts.append(
            f'<text x="{x:.0f}" y="{y:.0f}" font-size="{size}" fill="{fill}"{weight}{klass}>'
            f"{esc(value)}</text>"
        )

    def counts(
        self, x: float, y: float, counts: Counts, label: str, cls: str, width: float = 900
    ) -> float:
        """``label: ✔ 6 allowed ✖ 7 denied (no allow) ⊘ 0 denied (explicit deny)``, each part
        in its colour with the results table's symbols and words, wrapped onto more lines to
        stay within ``width`` px. Returns the ``y`` of the line after it."""
        pieces: list[tuple[str, str, bool]] = [(f"{label}:", INK, False)]  # text, colour, new line
        used, lines = columns(label) + 1, 1
        for decision, count in counts.parts():
            symbol, words, colour = decision_parts(decision or None)
            part = f"{symbol} {count} {words}"
            wrap = (used + 1 + columns(part)) * CHAR_PX > width
            pieces.append((part, colour, wrap))
            used, lines = (columns(part), lines + 1) if wrap else (used + 1 + columns(part), lines)
        spans = []
        for k, (text, colour, wrap) in enumerate(pieces):
            gap = " " if k + 1 < len(pieces) else ""  # between parts, also across a line break
            where = f' x="{x:.0f}" dy="{LINE_PX}"' if wrap else ""
            weight = ' font-weight="bold"' if k else ""
            spans.append(f'<tspan{where} fill="{colour}"{weight}>{esc(text)}{gap}</tspan>')
        head = f'<text class="{cls}" x="{x:.0f}" y="{y:.0f}" font-size="{TEXT}">'
        self.parts.append(f"{head}{''.join(spans)}</text>")
        return y + lines * LINE_PX + 2

    def line(
        self,
        x1: float,
        y1: float,
        x2: float,
        y2: float,
        *,
        dashed: bool = False,
        arrow: bool = True,
        colour: str = INK,
    ) -> None:
        dash = ' stroke-dasharray="4 3"' if dashed else ""
        head = ' marker-end="url(#labkit-arrow-ink)"' if arrow else ""
        self.parts.append(
            f'<line x1="{x1:.0f}" y1="{y1:.0f}" x2="{x2:.0f}" y2="{y2:.0f}" stroke="{colour}" '
            f'stroke-width="1.4"{dash}{head}/>'
        )
