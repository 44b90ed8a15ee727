"""Notebook 02 (the route): private answers inside, public outside, the real dig, the paths."""

from __future__ import annotations

import ipaddress
import re
import shutil

import pytest
from nbrun import run_notebook, run_shell_cell

pytestmark = [pytest.mark.notebooks, pytest.mark.slow, pytest.mark.real_cli]
NAME = "02_the_route.ipynb"
VPC = ipaddress.ip_network("172.31.0.0/16")
RECORD = re.compile(r"^logs\.ap-northeast-1\.amazonaws\.com\.\s+(\d+)\s+IN\s+A\s+(\S+)$", re.M)


@pytest.fixture(scope="module")
def stored():
    return run_notebook(NAME)


def answers(text: str) -> list[tuple[int, str]]:
    return [(int(ttl), address) for ttl, address in RECORD.findall(text)]


def test_inside_the_vpc_three_private_addresses_ttl_60(stored) -> None:
    found = answers(stored.plain("dig-vpc"))
    assert len(found) == 3 and len({a for _, a in found}) == 3
    assert all(ttl == 60 and ipaddress.ip_address(a) in VPC for ttl, a in found)
    check = stored.plain("dig-vpc-check")
    assert "3 addresses, all in 172.31.0.0/16: True" in check and "TTLs: [60]" in check


def test_outside_the_vpc_a_public_address(stored) -> None:
    found = answers(stored.plain("dig-public"))
    assert found and all(ipaddress.ip_address(a) not in VPC for _, a in found)


@pytest.mark.skipif(shutil.which("dig") is None, reason="dig is not installed (bind9-dnsutils)")
def test_the_real_dig_gets_the_same_private_answer_from_the_lab_resolver(stored) -> None:
    shown = stored.plain("dig-cli")
    assert "status: NOERROR" in shown and "ANSWER: 3" in shown
    assert re.search(r";; SERVER: 127\.0\.0\.1#\d+", shown)
    assert {a for _, a in answers(shown)} == {a for _, a in answers(stored.plain("dig-vpc"))}


def test_without_dig_the_cell_says_how_to_install_it(tmp_path) -> None:
    shown = run_shell_cell(NAME, "dig-cli", {"PATH": str(tmp_path), "AWS_REGION": "x"})
    assert shown.startswith("dig is not installed: sudo apt install bind9-dnsutils")


def test_private_dns_off_the_vpc_gets_the_public_answer(stored) -> None:
    off = {a for _, a in answers(stored.plain("dig-private-dns-off"))}
    assert off == {a for _, a in answers(stored.plain("dig-public"))}


def rows(text: str) -> list[list[str]]:
    return [line.split() for line in text.splitlines() if re.match(r"^\d+\s+logs-test-", line)]


def test_the_path_each_call_took(stored) -> None:
    off = rows(stored.plain("probe-private-dns-off"))
    on = rows(stored.plain("probe-private-dns-on"))
    assert len(off) == len(on) == 2
    assert [r[2:5] for r in off] == [["False", "Allowed", "200"]] * 2  # public path
    assert [r[2:5] for r in on] == [["True", "Allowed", "200"]] * 2  # through the endpoint


def test_private_dns_off_the_endpoint_name_still_leads_to_its_enis(stored) -> None:
    shown = stored.plain("dig-vpce-name")
    found = re.findall(
        r"^vpce-\S+\.logs\.ap-northeast-1\.vpce\.amazonaws\.com\.\s+60\s+IN\s+A\s+(\S+)$",
        shown,
        re.M,
    )
    assert set(found) == {a for _, a in answers(stored.plain("dig-vpc"))}
