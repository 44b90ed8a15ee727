"""Notebook 06 (exfiltration): open endpoint allows, perimeter denies, the public path bypasses."""

from __future__ import annotations

from typing import Any

import pytest
from bs4 import BeautifulSoup
from nbrun import SOLVED, run_notebook

pytestmark = [pytest.mark.notebooks, pytest.mark.slow]
NAME = "06_exfiltration.ipynb"
SOLUTION = """answer = {
    "Statement": [{
        "Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*",
        "Condition": {"StringEquals": {
            "aws:PrincipalAccount": lab.account_id,
            "aws:ResourceAccount": lab.account_id,
        }},
    }]
}"""


def table(executed: Any, tag: str) -> list[dict[str, str]]:
    """The rows of the first HTML table (a DataFrame) a tagged cell showed, as dicts."""
    html = "".join(
        "".join(o["data"]["text/html"])
        for cell in executed.cells_tagged(tag)
        for o in cell.get("outputs", [])
        if "text/html" in o.get("data", {})
    )
    found = BeautifulSoup(html, "html.parser").find("table")
    assert found is not None, f"cell {tag!r} showed no table"
    head = [th.get_text(strip=True) for th in found.find("thead").find_all("tr")[-1].find_all("th")]
    out = []
    for tr in found.find("tbody").find_all("tr"):
        cells = [c.get_text(strip=True) for c in tr.find_all(["th", "td"])]
        out.append(dict(zip(head[1:], cells[1:], strict=True)))
    return out


def by(rows: list[dict[str, str]], who: str) -> list[dict[str, str]]:
    return [r for r in rows if r["who"] == who]


@pytest.fixture(scope="module")
def stored():
    return run_notebook(NAME, solutions={"exercise-06": SOLUTION})


def test_the_open_endpoint_lets_the_other_accounts_keys_write(stored) -> None:
    other = by(table(stored, "exfil-open"), "other-account")
    assert [r["target"] for r in other] == ["exfil-drop/loot", "exfil-bus"]
    assert all(r["via_endpoint"] == "True" and r["decision"] == "Allowed" for r in other)


def test_the_perimeter_policy_denies_them_at_the_endpoint(stored) -> None:
    shown = table(stored, "exfil-perimeter")
    other = by(shown, "other-account")
    assert len(other) == 2
    assert all(
        (r["decision"], r["denied_by"]) == ("ImplicitlyDenied", "vpc-endpoint") for r in other
    )
    assert by(shown, "instance")[0]["decision"] == "Allowed"
    explained = stored.text("exfil-explain")
    assert "OwnIdentitiesToOwnResources" in explained
    assert "Condition StringEquals aws:PrincipalAccount" in explained


def test_each_perimeter_shape_stops_both_calls(stored) -> None:
    shown = table(stored, "perimeter-compare")
    for row in by(shown, "other-account"):
        assert row["own-account-only"] == "ImplicitlyDenied / vpc-endpoint"
        assert row["deny-other-accounts"] == "ExplicitlyDenied / vpc-endpoint"
        assert row["org-perimeter"] == "ImplicitlyDenied / vpc-endpoint"
    (mine,) = by(shown, "instance")
    assert {mine[k] for k in ("own-account-only", "deny-other-accounts", "org-perimeter")} == {
        "Allowed / -"
    }


def test_without_private_dns_the_public_path_bypasses_the_policy(stored) -> None:
    other = by(table(stored, "bypass"), "other-account")
    assert len(other) == 2
    assert all(r["via_endpoint"] == "False" and r["decision"] == "Allowed" for r in other)
    answer = stored.text("bypass-dig")
    assert "logs.ap-northeast-1.amazonaws.com" in answer and "172.31." not in answer


def test_the_exercise_as_stored_asks_to_fill_in(stored) -> None:
    assert "fill in your answer" in stored.text("exercise-06-check")


def test_the_exercise_passes_with_the_solution(stored) -> None:
    assert "pass — 06-data-perimeter" in stored.text(SOLVED + "exercise-06-check")
