"""``lab_diagram(lab)``: the lab drawn from its live state, in panels that stack, never shrink.

The *network* panel: the account and Region, the VPC with its subnets, each endpoint's network
interfaces (with their private addresses) inside the endpoints' security group, the instance,
the instance's route table, the internet or NAT gateway, and both paths a call can take: through
an endpoint ENI, or the public path (route table → gateway → internet). The *endpoints* panel:
each endpoint with its policy (template name and one line per statement), the service behind
it, and the last run's counts through it. The *other account* panel, when the scenario has one.

Every text is at least 11 px and nothing is scaled: in a notebook the panels sit side by side
when the output is wide enough and stack when it is not (HTML), and scroll sideways, with a
visible scroll bar, only when a single panel is wider than the output. ``.svg`` is one SVG with
the panels stacked (for viewers without HTML). Pure string building; every text is escaped.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from typing import TYPE_CHECKING

from labkit import services
from labkit.i18n import _
from labkit.ui.diagram_state import EndpointFacts, LabPicture, picture
from labkit.ui.results import SCROLL_CSS, Counts
from labkit.ui.svg import FAINT, INK, TEXT, Svg, esc
from labkit.ui.theme import OKABE_ITO, legend

if TYPE_CHECKING:
    from labkit.lab.facade import Lab

NET_W = 560  # the network panel: fits a 1024 px window with JupyterLab's file browser open
SIDE_W = 370  # the endpoints and other-account panels
GAP = 10
LINE = 16  # one line of 12 px text
SMALL = 11  # the smallest text drawn
BOX = 56  # height of an instance or ENI box
WRAP = 54  # characters of a policy summary row in the endpoint box
ENDPOINT_PATH = OKABE_ITO["bluish_green"]
PUBLIC_PATH = OKABE_ITO["vermillion"]


@dataclass(frozen=True)
class Panel:
    """One drawn panel: its SVG body and size."""

    name: str
    body: str
    width: int
    height: int

    def svg(self, cls: str = "labkit-diagram-part") -> str:
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" class="{cls} labkit-{self.name}" '
            f'role="img" width="{self.width}" height="{self.height}" '
            f'viewBox="0 0 {self.width} {self.height}" font-family="sans-serif" '
            f'style="max-width: none; height: auto; flex: none">{MARKERS}{self.body}</svg>'
        )


MARKERS = (
    "<defs>"
    + "".join(
        f'<marker id="labkit-arrow-{name}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        f'markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="{colour}"/></marker>'
        for name, colour in (("ink", INK), ("endpoint", ENDPOINT_PATH), ("public", PUBLIC_PATH))
    )
    + "</defs>"
)


def _path(svg: Svg, points: list[tuple[float, float]], colour: str, marker: str, dashed: bool):
    text = " ".join(f"{x:.0f},{y:.0f}" for x, y in points)
    dash = ' stroke-dasharray="6 4"' if dashed else ""
    svg.parts.append(
        f'<polyline class="labkit-path-{marker}" points="{text}" fill="none" stroke="{colour}" '
        f'stroke-width="2"{dash} marker-end="url(#labkit-arrow-{marker})"/>'
    )


def _box(svg: Svg, x: float, y: float, w: float, lines: tuple[str, str, str], kind: str) -> None:
    fill, stroke = {
        "eni": ("#EAF6F1", OKABE_ITO["bluish_green"]),
        "instance": ("#FFF6E0", OKABE_ITO["orange"]),
    }[kind]
    svg.rect(x, y, w, BOX, f"labkit-{kind}", fill=fill, stroke=stroke)
    svg.text(x + 6, y + 15, lines[0], size=SMALL, bold=True)
    svg.text(x + 6, y + 31, lines[1], size=SMALL)
    svg.text(x + 6, y + 48, lines[2], size=TEXT, bold=True, cls="labkit-address")


def _network(pic: LabPicture) -> Panel:
    """Account, VPC, route table, subnets with ENIs and the instance, gateway, both paths."""
    svg = Svg()
    svg.text(
        12,
        18,
        _("account {account} · {region}").format(account=pic.account_id, region=pic.region),
        size=13,
        bold=True,
    )
    vpc_x, vpc_y, vpc_w = 10, 28, NET_W - 20
    n = max(len(pic.subnets), 1)
    sub_w = (vpc_w - 20 - 8 * (n - 1)) / n
    sub_y = vpc_y + 30
    enis_per = [
        [e for p in pic.endpoints for e in p.enis if e.subnet_id == s.subnet_id]
        for s in pic.subnets
    ]
    rows = max([len(e) for e in enis_per] + [0])
    eni_top = sub_y + 58
    sub_h = 58 + rows * (BOX + 8) + (BOX + 34 if pic.instance_id else 0)
    instance_at: tuple[float, float] | None = None
    eni_at: dict[str, tuple[float, float]] = {}  # service → bottom centre in the instance subnet
    for i, subnet in enumerate(pic.subnets):
        x = vpc_x + 10 + i * (sub_w + 8)
        svg.rect(x, sub_y, sub_w, sub_h, "labkit-subnet", fill="#FFFFFF", stroke=FAINT)
        svg.text(x + 6, sub_y + 16, subnet.subnet_id, size=SMALL)
        svg.text(x + 6, sub_y + 32, subnet.availability_zone, size=SMALL)
        svg.text(x + 6, sub_y + 47, subnet.cidr, size=SMALL)
        for k, eni in enumerate(enis_per[i]):
            y = eni_top + k * (BOX + 8)
            _box(
                svg, x + 6, y, sub_w - 12, (f"ENI · {eni.service}", eni.eni_id, eni.address), "eni"
            )
            if subnet.subnet_id == pic.instance_subnet:
                eni_at.setdefault(eni.service, (x + sub_w / 2, y + BOX))
        if pic.instance_id and subnet.subnet_id == pic.instance_subnet:
            iy = sub_y + sub_h - BOX - 8
            lines = (_("instance"), pic.instance_id, pic.instance_address or "")
            _box(svg, x + 6, iy, sub_w - 12, lines, "instance")
            instance_at = (x + sub_w / 2, iy)
    if rows and pic.endpoint_groups:  # the endpoints' security group around every ENI
        svg.parts.append(
            f'<rect class="labkit-security-group" x="{vpc_x + 13:.0f}" y="{eni_top - 4:.0f}" '
            f'width="{vpc_w - 26:.0f}" height="{rows * (BOX + 8):.0f}" rx="4" fill="none" '
            f'stroke="{OKABE_ITO["bluish_green"]}" stroke-width="1.5" stroke-dasharray="3 3"/>'
        )
    sub_bottom = sub_y + sub_h
    gate_x, gate_w = vpc_x + vpc_w - 230, 220
    lane_y = sub_bottom + 10  # the public path turns here, between the subnets and the table
    # left: the endpoints' security group in words; right: the instance's route table
    y = sub_bottom + 40
    for group in pic.endpoint_groups:
        svg.text(
            vpc_x + 10, y, "┅ " + _("security group {id}").format(id=group.group_id), size=SMALL
        )
        svg.text(
            vpc_x + 24,
            y + 15,
            _("({name}) on the endpoint ENIs:").format(name=group.name),
            size=SMALL,
            fill=FAINT,
        )
        for k, rule in enumerate(group.inbound or (_("no inbound rule"),)):
            svg.text(vpc_x + 24, y + 30 + 15 * k, rule, size=SMALL, fill=FAINT)
        y += 40 + 15 * max(len(group.inbound), 1)
    table_y = sub_bottom + 20
    table_h = 24 + 15 * len(pic.routes)
    if pic.route_table_id:
        svg.rect(
            gate_x, table_y, gate_w, table_h, "labkit-route-table", fill="#F4F4F4", stroke=FAINT
        )
        svg.text(
            gate_x + 8,
            table_y + 16,
            _("route table {id}").format(id=pic.route_table_id),
            size=SMALL,
            bold=True,
        )
        for k, route in enumerate(pic.routes):
            svg.text(
                gate_x + 16,
                table_y + 33 + 15 * k,
                f"{route.destination} → {route.target}",
                size=SMALL,
            )
    y = max(y - 10, table_y + table_h + 40)
    vpc_h = y - vpc_y
    svg.parts.insert(
        0,
        f'<rect class="labkit-vpc" x="{vpc_x}" y="{vpc_y}" width="{vpc_w}" height="{vpc_h:.0f}" '
        f'rx="6" fill="#F2F8FC" stroke="{OKABE_ITO["blue"]}"/>',
    )
    svg.text(vpc_x + 10, vpc_y + 18, f"VPC {pic.vpc_id} · {pic.vpc_cidr}", size=TEXT, bold=True)
    bottom = vpc_y + vpc_h
    # the gateway sits on the VPC's edge; the internet lies outside it
    for gateway in pic.gateways[:1]:
        svg.rect(
            gate_x, bottom - 18, gate_w, 36, "labkit-gateway", fill="#FDEEE6", stroke=PUBLIC_PATH
        )
        svg.text(gate_x + 8, bottom - 3, _(gateway.kind), size=SMALL, bold=True)
        svg.text(gate_x + 8, bottom + 12, gateway.gateway_id, size=SMALL)
    net_y = bottom + 44
    svg.rect(gate_x, net_y, gate_w, 40, "labkit-internet", fill="#FFFFFF", stroke=PUBLIC_PATH)
    svg.text(gate_x + 8, net_y + 16, _("internet: the services' public"), size=SMALL)
    svg.text(gate_x + 8, net_y + 31, _("addresses (no endpoint policy)"), size=SMALL)
    public = {k.split(":", 1)[1]: v for k, v in pic.paths.items() if k.startswith("public:")}
    if instance_at is not None:
        sx, sy = instance_at
        if eni_at:  # to the nearest ENI above the instance, in its own subnet
            ex, ey = max(eni_at.values(), key=lambda at: at[1])
            _path(svg, [(sx - 10, sy), (ex - 10, ey + 2)], ENDPOINT_PATH, "endpoint", False)
        if pic.gateways:  # instance → its route table → the gateway → the internet
            down = gate_x + 40
            first = [(sx + 12, sy + BOX), (sx + 12, lane_y), (down, lane_y), (down, table_y - 2)]
            _path(svg, first, PUBLIC_PATH, "public", True)
            end = table_y + table_h if pic.route_table_id else lane_y
            _path(svg, [(down, end), (down, bottom - 20)], PUBLIC_PATH, "public", True)
            _path(svg, [(down, bottom + 18), (down, net_y - 2)], PUBLIC_PATH, "public", True)
    y = net_y + 62
    svg.text(12, y, _("paths of the last run"), size=TEXT, bold=True)
    y += LINE + 2
    for endpoint in pic.endpoints:
        counts = pic.paths.get(f"endpoint:{endpoint.service}")
        if counts:
            svg.line(12, y - 4, 40, y - 4, colour=ENDPOINT_PATH, arrow=False)
            y = svg.counts(
                48,
                y,
                counts,
                _("to {service} through its endpoint").format(service=endpoint.service),
                "labkit-path-endpoint",
                NET_W - 60,
            )
    for service, counts in sorted(public.items()):
        svg.line(12, y - 4, 40, y - 4, colour=PUBLIC_PATH, dashed=True, arrow=False)
        y = svg.counts(
            48,
            y,
            counts,
            _("to {service} on the public path (internet)").format(service=service),
            "labkit-path-public",
            NET_W - 60,
        )
    lost = pic.paths.get("no answer")
    if lost:
        svg.text(
            48,
            y,
            "… " + _("{count} call(s) got no answer (timeout)").format(count=lost.undecided),
            size=SMALL,
            fill=FAINT,
        )
        y += LINE
    if not pic.last_run:
        svg.text(12, y, _("no calls made yet"), size=SMALL, fill=FAINT)
        y += LINE
    return Panel("network", "".join(svg.parts), NET_W, int(y + 4))


def _policy_rows(endpoint: EndpointFacts) -> list[str]:
    """The policy summary wrapped to the endpoint box (continuations indented)."""
    return [
        row
        for line in endpoint.policy_lines
        for row in textwrap.wrap(
            line,
            WRAP,
            initial_indent="  ",
            subsequent_indent="      ",
            break_on_hyphens=False,
        )
    ]


def _endpoints(pic: LabPicture) -> Panel:
    """Each endpoint with its state, ENIs, policy, the service behind it and its counts."""
    svg = Svg()
    y = 10
    if not pic.endpoints:
        svg.text(10, y + 14, _("no interface endpoint:"), size=TEXT, bold=True)
        svg.text(10, y + 30, _("calls take the public path"), size=TEXT, bold=True)
        return Panel("endpoints", "".join(svg.parts), SIDE_W, y + 40)
    for endpoint in pic.endpoints:
        lines = [
            (_("interface endpoint · {service}").format(service=endpoint.service), True),
            (endpoint.endpoint_id, False),
            ("ENIs " + ", ".join(e.address for e in endpoint.enis), False),
            (
                f"{endpoint.state} · "
                + (_("private DNS on") if endpoint.private_dns else _("private DNS off")),
                False,
            ),
            (_("policy: {name}").format(name=endpoint.policy_name), True),
        ] + [(row, False) for row in _policy_rows(endpoint)]
        h = 12 + LINE * len(lines)
        svg.rect(
            0, y, SIDE_W, h, "labkit-endpoint", fill="#EAF6F1", stroke=OKABE_ITO["bluish_green"]
        )
        for i, (text, bold) in enumerate(lines):
            svg.text(10, y + 18 + i * LINE, text, size=TEXT if i == 0 else SMALL, bold=bold)
        y += h
        counts = pic.paths.get(f"endpoint:{endpoint.service}")
        known = services.find(endpoint.service)
        title = known.title if known else endpoint.service
        svg.line(30, y, 30, y + 24, colour=INK)
        svg.rect(40, y + 8, SIDE_W - 40, 28, "labkit-service", fill="#F4F4F4", stroke=FAINT)
        svg.text(50, y + 27, f"{title} ({pic.region})", size=TEXT)
        y += 54
        if counts:
            y = svg.counts(
                10, y, counts, _("via this endpoint"), "labkit-endpoint-counts", SIDE_W - 20
            )
        y += 10
    return Panel("endpoints", "".join(svg.parts), SIDE_W, int(y))


def _others(pic: LabPicture) -> Panel | None:
    if not pic.other_accounts:
        return None
    svg = Svg()
    y = 6
    for other in pic.other_accounts:
        top = y
        body = Svg()
        body.text(
            12, y + 18, _("other account {account}").format(account=other), size=TEXT, bold=True
        )
        y += 36
        mine = pic.by_who.get("other-account")
        if mine:
            y = body.counts(
                12,
                y,
                mine,
                _("calls made with its keys from the instance"),
                "labkit-path-other",
                SIDE_W - 24,
            )
        svg.rect(
            0,
            top,
            SIDE_W,
            y - top,
            "labkit-other-account",
            fill="#FBEFF6",
            stroke=OKABE_ITO["reddish_purple"],
        )
        svg.parts += body.parts
        y += 10
    return Panel("other-account", "".join(svg.parts), SIDE_W, int(y))


def panels(pic: LabPicture) -> list[Panel]:
    """The diagram's panels, in reading order."""
    found = [_network(pic), _endpoints(pic)]
    other = _others(pic)
    return found + ([other] if other else [])


def footer(pic: LabPicture) -> str:
    """The line under the panels: how many calls the counts are of, and every symbol."""
    run = (
        _("last run: {count} calls").format(count=pic.last_run)
        if pic.last_run
        else _("no calls made yet")
    )
    return _("{run} · symbols: {legend} · solid: through an endpoint · dashed: public path").format(
        run=run, legend=legend()
    )


def draw(pic: LabPicture) -> str:
    """One SVG for ``pic``: the panels stacked, then the footer (for viewers without HTML)."""
    parts, y, width = [], 0, max(p.width for p in panels(pic))
    for panel in panels(pic):
        parts.append(
            f'<svg x="0" y="{y}" width="{panel.width}" height="{panel.height}">{panel.body}</svg>'
        )
        y += panel.height + GAP
    parts.append(
        f'<text x="10" y="{y + 12}" font-size="{SMALL}" fill="{FAINT}">{esc(footer(pic))}</text>'
    )
    height = y + 24
    title = esc(
        _("lab diagram: VPC {vpc} with {count} endpoint(s)").format(
            vpc=pic.vpc_id, count=len(pic.endpoints)
        )
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="labkit-diagram" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'font-family="sans-serif" style="max-width: none; height: auto">'
        f"<title>{title}</title>{MARKERS}{''.join(parts)}</svg>"
    )


def draw_html(pic: LabPicture) -> str:
    """The panels side by side where the output is wide enough, stacked where it is not."""
    shown = "".join(panel.svg() for panel in panels(pic))
    return (
        f'{SCROLL_CSS}<div class="labkit-diagram-wrap labkit-scroll">'
        f'<div class="labkit-diagram" role="img" aria-label="{esc(describe_title(pic))}" '
        f'style="display: flex; flex-wrap: wrap; gap: {GAP}px; align-items: flex-start">'
        f"{shown}</div>"
        f'<div class="labkit-legend" style="font-size: 12px; color: {FAINT}">'
        f"{esc(footer(pic))}</div></div>"
    )


def describe_title(pic: LabPicture) -> str:
    return _("lab diagram: VPC {vpc} with {count} endpoint(s)").format(
        vpc=pic.vpc_id, count=len(pic.endpoints)
    )


class LabDiagram:
    """The drawn lab: ``.svg`` (one SVG), ``.html`` (panels that stack), ``.picture`` (the
    facts), ``.text`` (in words); a notebook shows the HTML."""

    def __init__(self, pic: LabPicture, svg: str, html: str, text: str) -> None:
        self.picture = pic
        self.svg = svg
        self.html = html
        self.text = text

    def _repr_svg_(self) -> str:
        return self.svg

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return self.text


def describe(pic: LabPicture) -> str:
    """The diagram in words (the text/plain fallback, and for screen readers)."""
    lines = [f"account {pic.account_id} · {pic.region} · VPC {pic.vpc_id} ({pic.vpc_cidr})"]
    if pic.instance_id:
        lines.append(f"instance {pic.instance_id} {pic.instance_address} in {pic.instance_subnet}")
    if pic.route_table_id:
        routes = ", ".join(f"{r.destination} → {r.target}" for r in pic.routes)
        lines.append(f"route table {pic.route_table_id}: {routes}")
    lines += [f"{g.kind} {g.gateway_id}" for g in pic.gateways]
    for e in pic.endpoints:
        lines.append(f"endpoint {e.service} {e.endpoint_id} ({e.state}), policy {e.policy_name}")
        lines += [f"  ENI {i.eni_id} {i.address} in {i.subnet_id}" for i in e.enis]
    for group in pic.endpoint_groups:
        lines.append(f"security group {group.group_id}: {'; '.join(group.inbound)}")
    for key, counts in pic.paths.items():
        lines.append(f"{key}: {counts}")
    lines += [f"other account {a}" for a in pic.other_accounts]
    return "\n".join(lines)


def lab_diagram(lab: Lab) -> LabDiagram:
    """Draw ``lab`` as it is now (masked as ``lab.show`` masks, e.g. in the workshop profile)."""
    pic = picture(lab)
    return LabDiagram(pic, lab.show(draw(pic)), lab.show(draw_html(pic)), lab.show(describe(pic)))


__all__ = ["Counts", "LabDiagram", "draw", "draw_html", "lab_diagram"]
