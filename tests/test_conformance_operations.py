"""Every operation case in tests/conformance/operations/ maps to the action and ARN AWS uses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from labkit.catalog import authorize_call

CASES = sorted((Path(__file__).parent / "conformance" / "operations").glob("*.json"))


def test_the_corpus_is_there() -> None:
    assert len(CASES) >= 14, "tests/conformance/operations/ lost cases"


@pytest.mark.parametrize("path", CASES, ids=[path.stem for path in CASES])
def test_operation_case(path: Path) -> None:
    case = json.loads(path.read_text(encoding="utf-8"))
    assert case["kind"] == "operation"
    authorizations = authorize_call(
        case["service"],
        case["operation"],
        case["params"],
        region=case["region"],
        account=case["account"],
    )
    assert len(authorizations) == 1, authorizations
    assert authorizations[0].action == case["expectedAction"]
    assert authorizations[0].resource == case["expectedResource"]
