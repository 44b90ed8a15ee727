"""``labkit workshop progress DIR [--html FILE]``: the real CLI over a simulated workshop folder."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd

from labkit.exercises import ids, progress
from labkit.exercises.result import CheckResult

START = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


def workshop(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "labkit", "workshop", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def record(folder: Path, user: str, exercise_id: str, status: str, minute: int) -> None:
    rows = pd.DataFrame(
        [["put to logs-test-denied", "identity", "Allowed", status == "pass", "r"]],
        columns=["check", "expected", "got", "ok", "request_id"],
    )
    result = CheckResult(exercise_id, status, "summary", [], rows)  # type: ignore[arg-type]
    env = {progress.WORKSHOP_DIR_ENV: str(folder), "JUPYTERHUB_USER": user}
    progress.record_check(result, env, lambda: START + timedelta(minutes=minute))


def test_the_table_lists_every_participant_against_every_exercise(tmp_path: Path) -> None:
    first, second = ids()[:2]
    for minute in range(3):
        record(tmp_path, "bo", first, "fail", minute)
    record(tmp_path, "ann", first, "pass", 4)
    (tmp_path / "cy.jsonl").write_bytes(b'{"v":1,"user":"cy","exer')  # a kernel died mid-write
    page = tmp_path / "out" / "progress.html"
    page.parent.mkdir()
    done = workshop("progress", str(tmp_path), "--html", str(page))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split()[:3] == ["participant", first, second]
    assert lines[0].split()[-4:] == ["passed", "stuck", "last", "check"]
    assert lines[2].split()[:2] == ["ann", "pass/1"]
    assert lines[3].split()[:2] == ["bo", "wrong-outcome/3!"]
    assert lines[3].split()[-3:] == [f"0/{len(ids())}", "1", "09:02:00"]
    assert "2 participants, 4 checks recorded" in done.stdout
    assert f"wrote {page}" in done.stdout
    assert "skipped 1 line that is not a whole record" in done.stderr
    assert "cy.jsonl:1: half-written (no line end): not JSON" in done.stderr
    assert "wrong-outcome/3!" in page.read_text()


def test_an_empty_folder_says_nothing_was_recorded_yet(tmp_path: Path) -> None:
    done = workshop("progress", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert f"no checks recorded in {tmp_path} yet" in done.stdout


def test_a_missing_folder_exits_2_and_says_what_to_give(tmp_path: Path) -> None:
    done = workshop("progress", str(tmp_path / "nope"))
    assert done.returncode == 2
    assert "no such folder" in done.stderr and "LABKIT_WORKSHOP_DIR" in done.stderr
    assert done.stdout == ""


def test_a_page_that_cannot_be_written_exits_2(tmp_path: Path) -> None:
    record(tmp_path, "ann", ids()[0], "pass", 1)
    done = workshop("progress", str(tmp_path), "--html", str(tmp_path / "no" / "page.html"))
    assert done.returncode == 2
    assert "cannot write" in done.stderr
