"""``lab_diagram(lab)``: an SVG of the lab drawn from its live state.

The account and Region, the VPC with its subnets, the instance and each endpoint's network
interfaces (with their private addresses) inside their subnets, each endpoint with its policy
(template name and one line per statement), the services behind them, the other account when the
scenario has one, and the last probe run's allowed/denied counts on the paths, in words, symbols
and Okabe-Ito colours. Pure string building; every text is escaped.
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

from labkit import services
from labkit.ui.diagram_state import EndpointFacts, LabPicture, picture
from labkit.ui.svg import FAINT, INK, Svg, esc
from labkit.ui.theme import OKABE_ITO, legend

if TYPE_CHECKING:
    from labkit.lab.facade import Lab

WIDTH = 980
VPC_X, VPC_W = 30, 560
RIGHT_X, RIGHT_W = 620, 340
LINE = 15
WRAP = 58  # characters of a policy summary row in the endpoint box
BOX = 50  # height of an instance or ENI box
Anchor = tuple[float, float]


def _policy_rows(endpoint: EndpointFacts) -> list[str]:
    """The policy summary wrapped to the endpoint box (continuations indented)."""
    return [
        row
        for line in endpoint.policy_lines
        for row in textwrap.wrap(line, WRAP, initial_indent="  ", subsequent_indent="      ")
    ]


def _endpoint_height(endpoint: EndpointFacts) -> int:
    return 16 + LINE * (5 + len(_policy_rows(endpoint)))


def _box(
    svg: Svg,
    x: float,
    y: float,
    w: float,
    kind: str,
    ident: str,
    address: str,
    colours: tuple[str, str],
) -> None:
    svg.rect(x, y, w, BOX, f"labkit-{kind.split()[0].lower()}", fill=colours[0], stroke=colours[1])
    svg.text(x + 6, y + 14, kind, size=10, bold=True)
    svg.text(x + 6, y + 28, ident, size=10)
    svg.text(x + 6, y + 44, address, size=12, bold=True, cls="labkit-address")


def _subnets(svg: Svg, pic: LabPicture, sub_h: float) -> Anchor | None:
    """Subnets with their ENIs (top) and the instance (bottom); where the instance's path starts."""
    n = max(len(pic.subnets), 1)
    sub_w = (VPC_W - 20 - 10 * (n - 1)) / n
    instance: Anchor | None = None
    for i, subnet in enumerate(pic.subnets):
        x, y = VPC_X + 10 + i * (sub_w + 10), 80
        svg.rect(x, y, sub_w, sub_h, "labkit-subnet", fill="#FFFFFF", stroke=FAINT)
        svg.text(x + 6, y + 15, subnet.subnet_id, size=10, bold=True)
        svg.text(x + 6, y + 29, f"{subnet.availability_zone} · {subnet.cidr}", size=10)
        cy = y + 38
        for eni in [e for p in pic.endpoints for e in p.enis if e.subnet_id == subnet.subnet_id]:
            colours = ("#EAF6F1", OKABE_ITO["bluish_green"])
            _box(
                svg,
                x + 5,
                cy,
                sub_w - 10,
                f"endpoint ENI ({eni.service})",
                eni.eni_id,
                eni.address,
                colours,
            )
            cy += BOX + 6
        if pic.instance_id and subnet.subnet_id == pic.instance_subnet:
            iy = y + sub_h - BOX - 6
            _box(
                svg,
                x + 5,
                iy,
                sub_w - 10,
                "instance",
                pic.instance_id,
                pic.instance_address or "",
                ("#FFF6E0", OKABE_ITO["orange"]),
            )
            instance = (x + sub_w / 2, iy + BOX)
    return instance


def _route(svg: Svg, start: Anchor, strip_y: float, to: Anchor, colour: str = INK) -> None:
    """Instance → down to the strip under the subnets → right, outside the VPC → up → ``to``."""
    turn_x = VPC_X + VPC_W + 12
    points = [start, (start[0], strip_y), (turn_x, strip_y), (turn_x, to[1]), to]
    text = " ".join(f"{x:.0f},{y:.0f}" for x, y in points)
    svg.parts.append(
        f'<polyline points="{text}" fill="none" stroke="{colour}" stroke-width="1.6" '
        'marker-end="url(#labkit-arrow)"/>'
    )


def draw(pic: LabPicture) -> str:
    """The SVG text for ``pic``."""
    svg = Svg()
    per_subnet = [
        sum(1 for p in pic.endpoints for e in p.enis if e.subnet_id == s.subnet_id)
        for s in pic.subnets
    ]
    rows = max([*per_subnet, 0]) + (1 if pic.instance_id else 0)
    sub_h = 44 + rows * (BOX + 6)
    strip_y = 80 + sub_h + 12
    vpc_h = sub_h + 30 + 12 * (len(pic.endpoints) + 2)
    right_h = sum(_endpoint_height(e) + 64 for e in pic.endpoints) + 40
    public = {k.split(":", 1)[1]: v for k, v in pic.paths.items() if k.startswith("public:")}
    foot_y = 50 + max(vpc_h, right_h) + 20
    foot_lines = len(public) + (1 if pic.paths.get("no answer") else 0) + 1
    account_h = foot_y + foot_lines * LINE

    svg.rect(10, 10, WIDTH - 20, account_h, "labkit-account", fill="#FFFFFF", stroke=INK)
    svg.text(22, 30, f"account {pic.account_id} · {pic.region}", size=13, bold=True)
    svg.rect(VPC_X, 50, VPC_W, vpc_h, "labkit-vpc", fill="#F2F8FC", stroke=OKABE_ITO["blue"])
    svg.text(VPC_X + 10, 68, f"VPC {pic.vpc_id} · {pic.vpc_cidr}", bold=True)
    instance = _subnets(svg, pic, sub_h)

    y = 50
    for k, endpoint in enumerate(pic.endpoints):
        h = _endpoint_height(endpoint)
        svg.rect(
            RIGHT_X,
            y,
            RIGHT_W,
            h,
            "labkit-endpoint",
            fill="#EAF6F1",
            stroke=OKABE_ITO["bluish_green"],
        )
        lines = [
            (f"interface endpoint · {endpoint.service}", True),
            (endpoint.endpoint_id, False),
            ("ENIs " + ", ".join(e.address for e in endpoint.enis), False),
            (f"{endpoint.state} · private DNS {'on' if endpoint.private_dns else 'off'}", False),
            (f"policy: {endpoint.policy_name}", True),
        ] + [(row, False) for row in _policy_rows(endpoint)]
        for i, (text, bold) in enumerate(lines):
            svg.text(RIGHT_X + 10, y + 18 + i * LINE, text, size=10, bold=bold)
        counts = pic.paths.get(f"endpoint:{endpoint.service}")
        if instance and counts:
            _route(svg, instance, strip_y + 12 * k, (RIGHT_X, y + h - 10))
        if counts:
            svg.counts(RIGHT_X, y + h + 14, counts, "via this endpoint", "labkit-path-endpoint")
        y += h + 22
        known = services.find(endpoint.service)
        title = known.title if known else endpoint.service
        svg.rect(RIGHT_X + 40, y, RIGHT_W - 40, 28, "labkit-service", fill="#F4F4F4", stroke=FAINT)
        svg.text(RIGHT_X + 50, y + 18, f"{title} ({pic.region})", size=11)
        svg.line(RIGHT_X + 20, y - 22 + 14 + 4, RIGHT_X + 40, y + 14)
        y += 42
    if not pic.endpoints:
        svg.text(RIGHT_X, y + 20, "no interface endpoint: calls take the public path", bold=True)

    for k, (service, counts) in enumerate(sorted(public.items())):
        svg.counts(
            VPC_X,
            foot_y + k * LINE,
            counts,
            f"public path (internet) to {service}",
            "labkit-path-public",
        )
    line_y = foot_y + len(public) * LINE
    lost = pic.paths.get("no answer")
    if lost:
        svg.text(VPC_X, line_y, f"… {lost.undecided} call(s) got no answer (timeout)", fill=FAINT)
        line_y += LINE
    run = f"last run: {pic.last_run} calls" if pic.last_run else "no calls made yet"
    svg.text(VPC_X, line_y, f"{run} · {legend()}", size=10, fill=FAINT)

    height = account_h + 20
    for other in pic.other_accounts:
        svg.rect(
            10,
            height,
            WIDTH - 20,
            44,
            "labkit-other-account",
            fill="#FBEFF6",
            stroke=OKABE_ITO["reddish_purple"],
        )
        svg.text(22, height + 18, f"other account {other}", bold=True)
        mine = pic.by_who.get("other-account")
        if mine:
            svg.counts(
                22,
                height + 35,
                mine,
                "calls made with its keys from the instance",
                "labkit-path-other",
            )
        height += 54
    return _wrap("".join(svg.parts), height, pic)


def _wrap(body: str, height: float, pic: LabPicture) -> str:
    title = esc(f"lab diagram: VPC {pic.vpc_id} with {len(pic.endpoints)} endpoint(s)")
    marker = (
        '<defs><marker id="labkit-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        f'markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="{INK}"/>'
        "</marker></defs>"
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="labkit-diagram" role="img" '
        f'width="{WIDTH}" height="{height:.0f}" viewBox="0 0 {WIDTH} {height:.0f}" '
        f'font-family="sans-serif" style="max-width: 100%; height: auto">'
        f"<title>{title}</title>{marker}{body}</svg>"
    )


class LabDiagram:
    """The drawn lab: ``.svg`` (text), ``.picture`` (the facts), shown as SVG in a notebook."""

    def __init__(self, pic: LabPicture, svg: str, text: str) -> None:
        self.picture = pic
        self.svg = svg
        self.text = text

    def _repr_svg_(self) -> str:
        return self.svg

    def _repr_html_(self) -> str:
        return f'<div class="labkit-diagram-wrap">{self.svg}</div>'

    def __repr__(self) -> str:
        return self.text


def describe(pic: LabPicture) -> str:
    """The diagram in words (the text/plain fallback, and for screen readers)."""
    lines = [f"account {pic.account_id} · {pic.region} · VPC {pic.vpc_id} ({pic.vpc_cidr})"]
    if pic.instance_id:
        lines.append(f"instance {pic.instance_id} {pic.instance_address} in {pic.instance_subnet}")
    for e in pic.endpoints:
        lines.append(f"endpoint {e.service} {e.endpoint_id} ({e.state}), policy {e.policy_name}")
        lines += [f"  ENI {i.eni_id} {i.address} in {i.subnet_id}" for i in e.enis]
    for key, counts in pic.paths.items():
        lines.append(f"{key}: {counts}")
    lines += [f"other account {a}" for a in pic.other_accounts]
    return "\n".join(lines)


def lab_diagram(lab: Lab) -> LabDiagram:
    """Draw ``lab`` as it is now (masked as ``lab.show`` masks, e.g. in the workshop profile)."""
    pic = picture(lab)
    return LabDiagram(pic, lab.show(draw(pic)), lab.show(describe(pic)))
