"""The lab diagram drawn from a real local lab (exfiltration scenario: it has another account)."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from uihelp import svg_texts

import labkit
from labkit.redact import Redactor
from labkit.ui.diagram import LabDiagram, draw
from labkit.ui.diagram_state import picture

pytestmark = pytest.mark.e2e


@dataclass
class Drawn:
    lab: labkit.Lab
    before: LabDiagram  # no endpoint, no calls yet
    after: LabDiagram  # walkthrough endpoint, exfiltration calls made


@pytest.fixture(scope="module")
def drawn() -> Iterator[Drawn]:
    lab = labkit.start(quiet=True, scenario="exfiltration")
    try:
        before = lab.diagram()
        lab.create_endpoint("logs", policy="walkthrough")
        lab.probe("exfiltration")
        yield Drawn(lab, before, lab.diagram())
    finally:
        lab.stop()


texts = svg_texts


def test_the_svg_holds_the_eni_addresses_subnets_and_instance(drawn: Drawn) -> None:
    svg = drawn.after._repr_svg_()
    addresses = texts(svg, "labkit-address")
    enis = drawn.lab.enis()
    assert len(enis) == 3
    for eni in enis.itertuples():
        assert eni.PrivateIpAddress in addresses
        assert eni.NetworkInterfaceId in svg
    facts = drawn.lab.backend.network()
    assert facts.instance_private_ip in addresses
    for subnet in drawn.lab.network().itertuples():
        assert subnet.subnet in svg and subnet.subnet_cidr in svg and subnet.az in svg
    assert f"VPC {facts.vpc_id} · 172.31.0.0/16" in texts(svg)


def test_the_endpoint_with_its_policy_and_the_last_run_on_the_paths(drawn: Drawn) -> None:
    svg = drawn.after.svg
    endpoint = drawn.lab.endpoint()
    assert endpoint is not None and endpoint["VpcEndpointId"] in svg
    assert "policy: walkthrough" in texts(svg)
    assert any("#0: Allow * on logs log-group:logs-test-allowed:*" in t for t in texts(svg))
    # the exfiltration run: own put allowed, other account's put denied, both via the endpoint;
    # the other account's PutEvents goes the public way (no events endpoint)
    run = drawn.lab.history[-1]
    assert list(run["via_endpoint"]) == [True, True, False]
    (endpoint_path,) = texts(svg, "labkit-path-endpoint")
    assert endpoint_path == (
        "to logs through its endpoint: ✔ 1 allowed ✖ 1 denied (no allow) ⊘ 0 denied (explicit deny)"
    )
    (public_path,) = texts(svg, "labkit-path-public")
    assert public_path == (
        "to events on the public path (internet): ✔ 1 allowed ✖ 0 denied (no allow) "
        "⊘ 0 denied (explicit deny)"
    )
    # the path itself is drawn: route table, internet gateway, security group
    assert any(t.startswith("route table rtb-") for t in texts(svg))
    assert "internet gateway" in texts(svg) and any(t.startswith("igw-") for t in texts(svg))
    assert any(t.startswith("┅ security group sg-") for t in texts(svg))
    assert 'class="labkit-path-public"' in svg and 'class="labkit-path-endpoint"' in svg


def test_the_other_account_is_drawn_with_its_calls(drawn: Drawn) -> None:
    assert "other account 444455556666" in texts(drawn.after.svg)
    (other,) = texts(drawn.after.svg, "labkit-path-other")
    assert other == (
        "calls made with its keys from the instance: ✔ 1 allowed ✖ 1 denied (no allow) "
        "⊘ 0 denied (explicit deny)"
    )


def test_before_an_endpoint_the_diagram_says_there_is_none(drawn: Drawn) -> None:
    shown = texts(drawn.before.svg)
    assert "no interface endpoint:" in shown and "calls take the public path" in shown
    assert not texts(drawn.before.svg, "labkit-path-endpoint")
    assert any(t.startswith("no calls made yet") for t in shown)
    assert drawn.lab.backend.network().instance_private_ip in drawn.before.svg


def test_html_and_text_forms(drawn: Drawn) -> None:
    page = drawn.after._repr_html_()
    assert '<div class="labkit-diagram-wrap labkit-scroll">' in page
    assert page.count('class="labkit-diagram-part') == 3  # network, endpoints, other account
    assert 'style="max-width: none' in page  # never scaled down: the panels wrap instead
    described = repr(drawn.after)
    for eni in drawn.lab.enis().itertuples():
        assert f"ENI {eni.NetworkInterfaceId} {eni.PrivateIpAddress}" in described
    assert "endpoint:logs: ✔ 1 allowed, ✖ 1 denied (no allow), ⊘ 0 denied (explicit deny)" in (
        described
    )


def test_every_text_is_escaped(drawn: Drawn) -> None:
    pic = picture(drawn.lab)
    evil = dataclasses.replace(pic.endpoints[0], policy_lines=('<script>x</script> & "q"',))
    svg = draw(dataclasses.replace(pic, endpoints=(evil,)))
    assert "<script>" not in svg and "&lt;script&gt;x&lt;/script&gt; &amp; &quot;q&quot;" in svg
    assert '<script>x</script> & "q"' in "".join(texts(svg))


def test_redaction_masks_ids_but_still_names_the_template(drawn: Drawn) -> None:
    lab = drawn.lab
    lab.redactor = Redactor(True)
    try:
        masked = lab.diagram()
    finally:
        lab.redactor = Redactor(False)
    assert "111122223333" not in masked.svg and "444455556666" not in masked.svg
    assert "account XXXXXXXXXXXX" in masked.svg and "i-XXXXXXXXXXXX" in masked.svg
    assert "policy: walkthrough" in masked.svg
    assert re.search(r"172\.31\.\d+\.\d+", masked.svg)  # addresses are not secrets
