"""Every policy case in tests/conformance/policy/ decides, blames and words as AWS does."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from labkit.policy import evaluate
from labkit.policy.cases import PolicyCase, load_case

CASES = sorted((Path(__file__).parent / "conformance" / "policy").glob("*.json"))


def test_the_corpus_is_there() -> None:
    assert len(CASES) >= 45, "tests/conformance/policy/ lost case files"


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_policy_case(path: Path) -> None:
    case = load_case(path)
    assert isinstance(case, PolicyCase)
    assert case.name == path.stem
    decision = evaluate(case.request, case.policies)
    data = case.data
    assert decision.decision == data["expected"], decision.explanation.to_text()
    if "expectedDeniedBy" in data:
        assert decision.denied_by == data["expectedDeniedBy"], decision.explanation.to_text()
    if "expectedMessage" in data:
        assert decision.message() == data["expectedMessage"]
    if "expectedLegacyMessage" in data:
        assert decision.message("2019") == data["expectedLegacyMessage"]
    if data["expected"] == "Allowed":
        assert decision.message() is None and decision.denied_by is None
    # The lazily built explanation agrees and crosses a process boundary as JSON.
    shipped = json.loads(json.dumps(decision.to_dict()))
    assert shipped["decision"] == data["expected"]
    assert shipped["explanation"]["decision"] == data["expected"]
