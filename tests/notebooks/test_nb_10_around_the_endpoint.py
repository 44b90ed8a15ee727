"""Notebook 10 (around the endpoint): every path runs, each fix closes what it should."""

from __future__ import annotations

from typing import Any

import pytest
from bs4 import BeautifulSoup
from nbrun import SOLVED, run_notebook

pytestmark = [pytest.mark.notebooks, pytest.mark.slow]
NAME = "10_around_the_endpoint.ipynb"
SOLUTION = """answer = {
    "Version": "2012-10-17",
    "Statement": [{
        "Effect": "Deny", "Action": ["logs:*", "events:*"], "Resource": "*",
        "Condition": {"Null": {"aws:SourceVpce": "true"}},
    }],
}"""


def table(executed: Any, tag: str) -> dict[str, dict[str, str]]:
    """The first HTML table a tagged cell showed, as {first column: row}."""
    html = "".join(
        "".join(o["data"]["text/html"])
        for cell in executed.cells_tagged(tag)
        for o in cell.get("outputs", [])
        if "text/html" in o.get("data", {})
    )
    found = BeautifulSoup(html, "html.parser").find("table")
    assert found is not None, f"cell {tag!r} showed no table"
    head = [th.get_text(strip=True) for th in found.find("thead").find_all("tr")[-1].find_all("th")]
    rows = {}
    for tr in found.find("tbody").find_all("tr"):
        cells = [c.get_text(strip=True) for c in tr.find_all(["th", "td"])]
        row = dict(zip(head[1:], cells[1:], strict=True))
        rows[next(iter(row.values()))] = row
    return rows


@pytest.fixture(scope="module")
def stored():
    return run_notebook(NAME, solutions={"exercise-10": SOLUTION})


def test_every_path_is_listed_and_all_but_fips_go_around(stored) -> None:
    rows = table(stored, "bypasses-open")
    assert list(rows) == [
        "private-dns-off",
        "public-endpoint",
        "other-region",
        "eventsv2",
        "live-tail-old-sdk",
        "dual-stack",
        "fips",
        "foreign-keys",
    ]
    for path, row in rows.items():
        if path == "fips":
            assert (row["reaches_service"], row["dns"]) == ("False", "NXDOMAIN")
        else:
            assert (row["via_endpoint"], row["reaches_service"]) == ("False", "True"), path


def test_the_eventsv2_endpoint_brings_its_policy_into_play(stored) -> None:
    assert table(stored, "eventsv2-open")["eventsv2"]["name"].startswith("111122223333.eventsv2.")
    fixed = table(stored, "eventsv2-fixed")["eventsv2"]
    assert (fixed["via_endpoint"], fixed["stopped_by"]) == ("True", "vpc-endpoint")
    assert fixed["result"] == "AccessDeniedException (403)"


def test_the_identity_policy_closes_the_roles_paths_not_the_other_accounts(stored) -> None:
    rows = table(stored, "identity-fix")
    for path in ("private-dns-off", "public-endpoint", "other-region", "live-tail-old-sdk"):
        assert rows[path]["stopped_by"] == "identity", path
    assert rows["foreign-keys"]["reaches_service"] == "True"
    through = stored.text("through-endpoint")
    assert "logs-test-allowed" in through and "Allowed" in through


def test_the_route_change_closes_the_other_accounts_path(stored) -> None:
    rows = table(stored, "route-fix")
    assert rows["foreign-keys"]["reaches_service"] == "False"
    assert rows["foreign-keys"]["result"].startswith("no connection")


def test_the_exercise_asks_then_passes_with_the_solution(stored) -> None:
    assert "fill in your answer" in stored.text("exercise-10-check")
    assert "pass — 10-close-the-paths" in stored.text(SOLVED + "exercise-10-check")
