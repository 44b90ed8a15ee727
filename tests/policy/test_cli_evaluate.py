"""``labkit evaluate``: one JSON line per case; malformed files named on stderr, exit 1."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from labkit.cli import main

CONFORMANCE = Path(__file__).resolve().parents[1] / "conformance"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[dict[str, object]], str]:
    code = main(["evaluate", *args])
    out, err = capsys.readouterr()
    return code, [json.loads(line) for line in out.splitlines()], err


def test_policy_cases_print_decision_denied_by_and_message(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, lines, err = run(capsys, str(CONFORMANCE / "policy"))
    files = sorted((CONFORMANCE / "policy").glob("*.json"))
    assert code == 0 and err == "" and len(lines) == len(files)
    for path, line in zip(files, lines, strict=True):
        case = json.loads(path.read_text())
        assert set(line) == {"name", "decision", "deniedBy", "message"}
        assert line["name"] == case["name"] and line["decision"] == case["expected"]
        if "expectedMessage" in case:
            assert line["message"] == case["expectedMessage"]


def test_message_style(capsys: pytest.CaptureFixture[str]) -> None:
    path = CONFORMANCE / "policy" / "walkthrough-put-denied-group.json"
    _code, lines, _err = run(capsys, "--message-style", "2019", str(path))
    assert lines[0]["message"] == json.loads(path.read_text())["expectedLegacyMessage"]


def test_operation_cases_print_action_and_resource(capsys: pytest.CaptureFixture[str]) -> None:
    code, lines, err = run(capsys, str(CONFORMANCE / "operations"))
    files = sorted((CONFORMANCE / "operations").glob("*.json"))
    assert code == 0 and err == "" and len(lines) == len(files)
    for path, line in zip(files, lines, strict=True):
        case = json.loads(path.read_text())
        assert line == {
            "name": case["name"],
            "action": case["expectedAction"],
            "resource": case["expectedResource"],
        }


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ('{"name": "x"', "not JSON"),
        ("[]", "one JSON object"),
        ('{"name": "x", "expected": "Allowed"}', "missing key(s): identityPolicies"),
        (
            '{"name": "x", "expected": "Maybe", "identityPolicies": [], '
            '"vpcEndpointPolicy": null, "request": {}}',
            "expected must be one of",
        ),
        (
            '{"name": "x", "expected": "Allowed", '
            '"identityPolicies": [{"Statement": [{"Effect": "Allow"}]}],'
            ' "vpcEndpointPolicy": null, "request": '
            '{"principal": "p", "action": "a:b", "resource": "*",'
            ' "viaEndpoint": false, "context": {}}}',
            "identityPolicies[0]: MalformedPolicyDocument",
        ),
        ('{"name": "x", "kind": "operation", "service": "logs"}', "missing key(s): operation"),
        (
            '{"name": "x", "kind": "operation", "service": "logs", '
            '"operation": "NoSuchCall", "params": {},'
            ' "region": "ap-northeast-1", "account": "111122223333"}',
            "the catalog cannot map this call",
        ),
    ],
)
def test_a_malformed_case_file_is_named_and_fails(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, content: str, problem: str
) -> None:
    bad = tmp_path / "bad-case.json"
    bad.write_text(content)
    good = CONFORMANCE / "policy" / "values-are-ored.json"
    code, lines, err = run(capsys, str(bad), str(good))
    assert code == 1
    assert [line["name"] for line in lines] == ["values-are-ored"]
    assert str(bad) in err and problem in err


def test_missing_path_and_empty_folder(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _lines, err = run(capsys, str(tmp_path / "nope.json"))
    assert code == 2 and "no such file or folder" in err
    code, _lines, err = run(capsys, str(tmp_path))
    assert code == 2 and "no .json case files" in err
