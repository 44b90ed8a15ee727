"""The whole course, notebooks 00–09 in order, headless with ``backend="aws"`` against the
stand-in: every cell runs (what only a local lab can show says so and skips), clean-up leaves
nothing tagged, and nothing shaped like an AWS key reaches a notebook, a log or a file."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import boto3
import nbformat
import pytest
from conftest import ACCOUNT
from nbclient import NotebookClient

from labkit.aws.cleanup import cleanup
from labkit.aws.clients import AwsClients

pytestmark = [pytest.mark.notebooks, pytest.mark.slow]

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
ACCESS_KEY_ID = re.compile(r"\b(?:AKIA|ASIA)[A-Z0-9]{16}\b")
SECRET_NEAR_NAME = re.compile(
    r"(?i)(secret[_ ]?access[_ ]?key|SecretAccessKey|SessionToken)[\"'=: ]+[A-Za-z0-9/+=]{16,}"
)
LOCAL_ONLY = "is something only the local lab can show"
RUN_ID = re.compile(r"run id +(labkit-\d{8}-\d{6}-[0-9a-f]{4})")
# AWS's documentation example key: moto answers GetCallerIdentity with it as the UserId
DOCUMENTED_EXAMPLE = {"AKIAIOSFODNN7EXAMPLE"}


def _outputs(notebook: nbformat.NotebookNode) -> str:
    texts = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            texts.append(json.dumps(output))
    return "\n".join(texts)


def _run(name: str) -> tuple[nbformat.NotebookNode, float]:
    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    started = time.perf_counter()
    NotebookClient(
        notebook,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOKS)}},
    ).execute()  # raises on the first cell that fails, naming it
    return notebook, time.perf_counter() - started


def secrets_in(text: str, known: list[str]) -> list[str]:
    """Anything in ``text`` that is, or is shaped like, an AWS credential."""
    found = [f"known secret {value[:4]}…" for value in known if value and value in text]
    found += [key for key in ACCESS_KEY_ID.findall(text) if key not in DOCUMENTED_EXAMPLE]
    found += [m.group(0)[:40] for m in SECRET_NEAR_NAME.finditer(text)]
    return found


def test_the_course_runs_on_aws_and_leaves_nothing(
    aws: boto3.Session,
    aws_env: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    monkeypatch.setenv("LABKIT_BACKEND", "aws")
    monkeypatch.setenv("LABKIT_CONFIRM_ACCOUNT", ACCOUNT)
    # 00-09; notebook 10 builds paths around the endpoint (DNS off, other Regions, FIPS names)
    # that only the local lab can: on aws, lab.bypasses() is a read-only checklist
    # (tests/aws/test_bypass_checklist.py)
    names = sorted(p.name for p in NOTEBOOKS.glob("0[0-9]_*.ipynb"))
    assert names[0].startswith("00") and names[-1].startswith("09") and len(names) == 10
    executed, seconds = {}, {}
    for name in names:
        executed[name], seconds[name] = _run(name)
    print("\n".join(f"{seconds[n]:6.1f} s  {n}" for n in names))

    skipped = {n: _outputs(nb).count(LOCAL_ONLY) for n, nb in executed.items()}
    assert {n: c for n, c in skipped.items() if c} == {
        "04_the_results.ipynb": 1,
        "06_exfiltration.ipynb": 2,
        "09_clean_up.ipynb": 1,
    }
    assert "backend   aws" in _outputs(executed["00_start.ipynb"])
    run_ids = {m for nb in executed.values() for m in RUN_ID.findall(_outputs(nb))}
    assert len(run_ids) == 1, f"every notebook continues one run, not {sorted(run_ids)}"
    inventory = "".join(
        json.dumps(o)
        for c in executed["09_clean_up.ipynb"].cells
        if "inventory" in c.metadata.get("tags", [])
        for o in c.outputs
    )
    assert inventory.count("vpce-") == 2, "one logs and one events endpoint after 00-08"
    assert "nothing left" in _outputs(executed["09_clean_up.ipynb"])
    left = cleanup("all", AwsClients(aws).lab, dry_run=True)
    assert left.survivors == [] and left.unlisted == [], str(left)

    captured = capfd.readouterr()
    files = "\n".join(
        p.read_text(errors="replace")
        for p in Path(aws_env["XDG_CONFIG_HOME"]).rglob("*")
        if p.is_file()
    )
    known = [aws_env["AWS_SECRET_ACCESS_KEY"], aws_env["AWS_ACCESS_KEY_ID"]]
    for where, text in [
        *((name, _outputs(nb)) for name, nb in executed.items()),
        ("stdout and stderr of the run", captured.out + captured.err),
        ("labkit's config folder", files),
    ]:
        assert secrets_in(text, known) == [], f"a credential reached {where}"


def test_the_scan_finds_what_it_looks_for() -> None:
    key = "AKIA" + "ABCDEFGHIJKLMNOP"
    secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY"
    assert secrets_in(f"id {key}", []) == [key]
    assert secrets_in('"UserId": "AKIAIOSFODNN7EXAMPLE"', []) == []
    assert secrets_in(f"aws_secret_access_key = {secret}", [])
    assert secrets_in(f'"SecretAccessKey": "{secret}"', [])
    assert secrets_in(f"...{secret}...", [secret]) == ["known secret wJal…"]
    assert secrets_in("arn:aws:iam::123456789012:role/x vpce-0abc 2a7f", []) == []
