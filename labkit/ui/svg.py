"""Small SVG building blocks for the lab diagram: escaped text, boxes, lines, coloured counts."""

from __future__ import annotations

import html

from labkit.ui.results import Counts
from labkit.ui.theme import DECISION_STYLE, OKABE_ITO

ALLOWED = DECISION_STYLE["Allowed"][2]
DENIED = DECISION_STYLE["ImplicitlyDenied"][2]
INK, FAINT = "#222222", OKABE_ITO["grey"]


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

    def counts(self, x: float, y: float, counts: Counts, label: str, cls: str) -> None:
        """``label: ✔ 6 allowed ✖ 7 denied`` with each part in its colour."""
        spans = [
            f'<tspan fill="{INK}">{esc(label)}: </tspan>',
            f'<tspan fill="{ALLOWED}" font-weight="bold">✔ {counts.allowed} allowed</tspan>',
            f'<tspan fill="{DENIED}" font-weight="bold"> ✖ {counts.denied} denied</tspan>',
        ]
        if counts.undecided:
            spans.append(f'<tspan fill="{FAINT}"> … {counts.undecided} no decision</tspan>')
        self.parts.append(
            f'<text class="{cls}" x="{x:.0f}" y="{y:.0f}" font-size="11">{"".join(spans)}</text>'
        )

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
        head = ' marker-end="url(#labkit-arrow)"' if arrow else ""
        self.parts.append(
            f'<line x1="{x1:.0f}" y1="{y1:.0f}" x2="{x2:.0f}" y2="{y2:.0f}" stroke="{colour}" '
            f'stroke-width="1.4"{dash}{head}/>'
        )
