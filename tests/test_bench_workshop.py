"""The workshop sizing benchmark runs, as CI runs it (N = 1 and 5), and measures what it says.

Real kernels and labs side by side; this test checks the run is whole (every participant timed,
probed with the walkthrough's outcomes, measured in RSS and PSS, its lab gone afterwards) and
that the sizing line is there. It asserts no time: figures are for people to read.

CI runs it as a step of its own after ``make test`` (``.ci/run`` sets ``LABKIT_BENCH_WORKSHOP=1``),
so that its five kernels starting at once neither skew its figures with the suite's load nor
slow the suite's own tests; ``make test`` skips it. By hand:
``LABKIT_BENCH_WORKSHOP=1 .venv/bin/python -m pytest -s tests/test_bench_workshop.py``.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.slow,
    pytest.mark.skipif(
        os.environ.get("LABKIT_BENCH_WORKSHOP") != "1",
        reason="the workshop benchmark runs as its own CI step: set LABKIT_BENCH_WORKSHOP=1",
    ),
]

ROOT = Path(__file__).resolve().parents[1]
COUNTS = (1, 5)
ROUNDS = 3


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], dict]:
    out = tmp_path_factory.mktemp("bench") / "workshop.json"
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "bench_workshop.py"),
            "--participants",
            *map(str, COUNTS),
            "--rounds",
            str(ROUNDS),
            "--idle-seconds",
            "2",
            "--json",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=900,
    )
    print(done.stdout)  # the table and the sizing line, for the CI log (pytest -s)
    assert done.returncode == 0, done.stdout + done.stderr
    return done, json.loads(out.read_text())


def test_every_participant_was_started_probed_and_measured(run) -> None:
    _, report = run
    assert sorted(report["runs"]) == sorted(map(str, COUNTS))
    for count in COUNTS:
        measured = report["runs"][str(count)]
        assert measured["participants"] == count
        assert len(measured["start_s"]) == len(measured["start_cpu_s"]) == count
        assert all(s > 0 for s in measured["start_s"] + measured["start_cpu_s"])
        assert (
            len(measured["probe_alone_ms"]) == len(measured["probe_together_ms"]) == ROUNDS * count
        )
        assert measured["wrong_outcomes"] == []
        assert measured["labs_left_running"] == []
        assert measured["isolation"] == ["peer-uid"]
        for process in measured["kernel"] + measured["lab"]:
            assert 0 < process["pss_mib"] <= process["rss_mib"], process


def test_the_report_ends_with_the_sizing_line(run) -> None:
    done, report = run
    sized = report["sizing"]
    assert re.fullmatch(r"30 participants: \d+(\.5)? GiB, \d+ cores", sized["line"])
    assert sized["line"] in done.stdout.splitlines()[-1]
    assert report["server"]["pss_mib"] > 0
    expected = 30 * sized["per_participant_pss_mib"] * 1.25 / 1024
    assert expected <= sized["memory_gib"] < expected + 0.5
    for label in ("kernel PSS MiB", "lab RSS MiB", "probe at once ÷ alone", "first cells ÷ at N=1"):
        (row,) = [line for line in done.stdout.splitlines() if line.startswith(label)]
        assert len(row.split()) >= len(label.split()) + len(COUNTS)
