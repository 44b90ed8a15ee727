"""Who is stuck: exercise checks recorded in LABKIT_WORKSHOP_DIR and read back as a table.

Several simulated participants (separate processes appending at once), plus records that are
corrupt, half-written, from another version or naming someone else: skipped and listed, never
a crash.
"""

from __future__ import annotations

import json
import multiprocessing
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest

from labkit import exercises
from labkit.exercises import progress
from labkit.exercises.result import CheckResult

START = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
EXERCISES = ["03-identity-vs-endpoint", "04-scope-endpoint-policy", "05-no-tagging"]


def wrong(exercise_id: str, label: str = "put to logs-test-denied") -> CheckResult:
    rows = pd.DataFrame(
        [
            ["put to logs-test-allowed", "Allowed", "Allowed", True, "r1"],
            [label, "x", "y", False, "r2"],
        ],
        columns=["check", "expected", "got", "ok", "request_id"],
    )
    hints = [f"{label}: the policy arn:aws:iam::111122223333:role/r allows it"]
    return CheckResult(exercise_id, "fail", "1 of 2 checks came out differently", hints, rows)


def passed(exercise_id: str) -> CheckResult:
    rows = pd.DataFrame(
        [["a", "Allowed", "Allowed", True, "r1"]],
        columns=["check", "expected", "got", "ok", "request_id"],
    )
    return CheckResult(exercise_id, "pass", "all 1 checks as asked", [], rows)


def invalid(exercise_id: str) -> CheckResult:
    return CheckResult(exercise_id, "fail", "not valid", ["line 3, column 5: bad"])


def write(folder: Path, user: str, result: CheckResult, minutes: int) -> Path | None:
    env = {progress.WORKSHOP_DIR_ENV: str(folder), "JUPYTERHUB_USER": user}
    return progress.record_check(result, env, lambda: START + timedelta(minutes=minutes))


def test_nothing_is_recorded_without_the_folder(tmp_path: Path) -> None:
    assert progress.record_check(passed("05-no-tagging"), {"JUPYTERHUB_USER": "ann"}) is None
    assert list(tmp_path.iterdir()) == []


def test_a_record_holds_the_outcome_and_labels_and_nothing_secret(tmp_path: Path) -> None:
    result = wrong("04-scope-endpoint-policy", "put to 111122223333 group on i-0123456789abcdef0")
    path = write(tmp_path, "ann", result, 0)
    assert path == tmp_path / "ann.jsonl"
    text = path.read_text()
    record = json.loads(text)
    assert record == {
        "v": 1,
        "user": "ann",
        "exercise": "04-scope-endpoint-policy",
        "outcome": "wrong-outcome",
        "failed": ["put to XXXXXXXXXXXX group on i-XXXXXXXXXXXX"],
        "time": "2026-12-07T09:00:00Z",
    }
    assert "111122223333" not in text and "arn:aws" not in text  # hints are never written
    umask = os.umask(0)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o644 & ~umask  # the facilitator may read it


def test_outcome_codes_for_each_kind_of_result(tmp_path: Path) -> None:
    assert progress.outcome_of(passed("x")) == "pass"
    assert progress.outcome_of(wrong("x")) == "wrong-outcome"
    assert progress.outcome_of(invalid("x")) == "invalid-answer"
    assert progress.outcome_of(CheckResult("x", "no-lab", "no lab is running")) == "no-lab"
    assert progress.outcome_of(CheckResult("x", "todo", "fill in")) == "todo"


def test_a_real_check_is_recorded_when_the_folder_is_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(progress.WORKSHOP_DIR_ENV, str(tmp_path))
    monkeypatch.setenv("JUPYTERHUB_USER", "bo")
    result = exercises.check("05-no-tagging", ...)  # the placeholder: no lab needed
    assert result.status == "todo"
    (line,) = (tmp_path / "bo.jsonl").read_text().splitlines()
    assert json.loads(line)["outcome"] == "todo"
    assert json.loads(line)["exercise"] == "05-no-tagging"


def test_an_unwritable_folder_warns_once_and_the_check_still_answers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    progress._warn_once.cache_clear()
    monkeypatch.setenv(progress.WORKSHOP_DIR_ENV, str(tmp_path / "missing"))
    with pytest.warns(RuntimeWarning, match="could not record this check"):
        result = exercises.check("05-no-tagging", ...)
    assert result.status == "todo"
    assert not (tmp_path / "missing").exists()


def test_a_user_name_cannot_leave_the_folder(tmp_path: Path) -> None:
    path = write(tmp_path, "../../etc/evil name", passed("05-no-tagging"), 0)
    assert path is not None and path.parent == tmp_path
    assert path.name == ".._.._etc_evil_name.jsonl"
    assert [r.user for r in progress.read_progress(tmp_path).records] == ["../../etc/evil name"]


def _participant(folder: str, user: str, checks: int) -> None:
    env = {progress.WORKSHOP_DIR_ENV: folder, "JUPYTERHUB_USER": user}
    for i in range(checks):
        result = passed("04-scope-endpoint-policy") if i == checks - 1 else wrong(EXERCISES[1])
        progress.record_check(result, env)
        # a second kernel of the same participant appends to the same file at the same time
        progress.record_check(invalid("03-identity-vs-endpoint"), env)


def test_participants_writing_at_once_leave_only_whole_records(tmp_path: Path) -> None:
    users = [f"p{n:02d}" for n in range(6)]
    context = multiprocessing.get_context("fork")
    workers = [
        context.Process(target=_participant, args=(str(tmp_path), user, 40))
        for user in users
        for _kernel in range(2)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    found = progress.read_progress(tmp_path)
    assert found.skipped == []
    assert found.users == users and len(found.records) == 6 * 2 * 40 * 2
    cells = found.cells()
    for user in users:
        assert cells[(user, EXERCISES[1])].passed
        assert cells[(user, EXERCISES[0])].stuck


def simulated_workshop(folder: Path) -> None:
    """Four participants: one done, one stuck, one halfway, one whose kernel died mid-write."""
    write(folder, "ann", wrong(EXERCISES[0]), 1)
    write(folder, "ann", passed(EXERCISES[0]), 2)
    write(folder, "ann", passed(EXERCISES[1]), 5)
    write(folder, "ann", wrong(EXERCISES[1]), 6)  # trying again after a pass: still passed
    for minute in (3, 4, 7, 9):
        write(folder, "bo", invalid(EXERCISES[1]) if minute < 9 else wrong(EXERCISES[1]), minute)
    write(folder, "cy", CheckResult(EXERCISES[0], "todo", "fill in"), 2)
    write(folder, "cy", passed(EXERCISES[0]), 8)
    write(folder, "dee", passed(EXERCISES[0]), 4)
    with (folder / "dee.jsonl").open("a") as file:
        file.write('{"v":1,"user":"dee","exercise":"04-scope')  # cut short: no line end


def test_the_table_shows_who_passed_who_is_stuck_and_when(tmp_path: Path) -> None:
    simulated_workshop(tmp_path)
    found = progress.read_progress(tmp_path)
    header, rows = found.rows(EXERCISES)
    assert header == ["participant", *EXERCISES, "passed", "stuck", "last check"]
    assert rows == [
        ["ann", "pass/2", "pass/2", "-", "2/3", "0", "09:06:00"],
        ["bo", "-", "wrong-outcome/4!", "-", "0/3", "1", "09:09:00"],
        ["cy", "pass/2", "-", "-", "1/3", "0", "09:08:00"],
        ["dee", "pass/1", "-", "-", "1/3", "0", "09:04:00"],
    ]
    (skipped,) = found.skipped
    assert skipped.file == "dee.jsonl" and skipped.line == 2
    assert str(skipped).startswith("dee.jsonl:2: half-written (no line end): not JSON")
    text = progress.format_table(header, rows)
    assert text.splitlines()[0].split() == [*header[:-1], "last", "check"]
    assert "wrong-outcome/4!" in text.splitlines()[3]


def test_exercises_nobody_knows_come_after_the_known_ones(tmp_path: Path) -> None:
    write(tmp_path, "ann", passed("99-bonus"), 1)
    write(tmp_path, "ann", passed(EXERCISES[2]), 2)
    assert progress.read_progress(tmp_path).exercises(EXERCISES) == [*EXERCISES, "99-bonus"]


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (b"garbage", "not JSON"),
        (b"[1, 2]", "not a JSON object"),
        (b'{"v": 2, "user": "eve"}', "record version 2, expected 1"),
        (b'{"v":1,"user":"eve","exercise":"x","time":"2026-12-07T09:00:00Z"}', "field 'outcome'"),
        (
            b'{"v":1,"user":"eve","exercise":"x","outcome":"great","time":"2026-12-07T09:00:00Z"}',
            "unknown outcome 'great'",
        ),
        (
            b'{"v":1,"user":"eve","exercise":"x","outcome":"pass","time":"yesterday"}',
            "time 'yesterday' is not YYYY-MM-DDTHH:MM:SSZ",
        ),
        (
            b'{"v":1,"user":"eve","exercise":"x","outcome":"pass","failed":"a",'
            b'"time":"2026-12-07T09:00:00Z"}',
            "field 'failed' is not a list of strings",
        ),
        (
            b'{"v":1,"user":"ann","exercise":"x","outcome":"pass","time":"2026-12-07T09:00:00Z"}',
            "a record of 'ann' in another participant's file",
        ),
        (b"\xff\xfe\x00not text", "not UTF-8"),
        (b'{"v":1,"pad":"' + b"x" * 9000 + b'"}', "longer than 8192 bytes"),
    ],
)
def test_a_bad_line_is_skipped_with_its_place_and_reason(
    tmp_path: Path, line: bytes, reason: str
) -> None:
    write(tmp_path, "eve", passed(EXERCISES[0]), 1)
    with (tmp_path / "eve.jsonl").open("ab") as file:
        file.write(line + b"\n")
    write(tmp_path, "eve", passed(EXERCISES[1]), 2)
    found = progress.read_progress(tmp_path)
    assert [r.exercise for r in found.records] == EXERCISES[:2]
    (skipped,) = found.skipped
    assert (skipped.file, skipped.line) == ("eve.jsonl", 2)
    assert reason in skipped.reason and not skipped.reason.startswith("half-written")


def test_a_record_cut_short_then_a_whole_one_on_the_same_line_keeps_the_whole_one(
    tmp_path: Path,
) -> None:
    """A kernel died mid-write; the participant's next check appended after the cut text."""
    write(tmp_path, "eve", passed(EXERCISES[0]), 1)
    with (tmp_path / "eve.jsonl").open("ab") as file:
        file.write(b'{"v":1,"user":"eve","exercise":"04-sc')
    write(tmp_path, "eve", passed(EXERCISES[1]), 2)
    found = progress.read_progress(tmp_path)
    assert [r.exercise for r in found.records] == EXERCISES[:2]
    (skipped,) = found.skipped
    assert str(skipped) == "eve.jsonl:2: a record cut short before column 38"


def test_a_folder_that_is_not_one_says_so(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no such folder"):
        progress.read_progress(tmp_path / "nope")
    (tmp_path / "file").write_text("")
    with pytest.raises(NotADirectoryError, match="not a folder"):
        progress.read_progress(tmp_path / "file")


def test_the_page_escapes_names_colours_cells_and_lists_what_was_skipped(tmp_path: Path) -> None:
    simulated_workshop(tmp_path)
    write(tmp_path, "<b>mal</b>", passed(EXERCISES[0]), 1)
    page = progress.html_page(progress.read_progress(tmp_path), EXERCISES, "Workshop")
    assert page.startswith("<!doctype html>") and "<b>mal</b>" not in page
    assert "&lt;b&gt;mal&lt;/b&gt;" in page
    assert '<td style="color:#D55E00">wrong-outcome/4!</td>' in page
    assert '<td style="color:#009E73">pass/2</td>' in page
    assert "<h2>Skipped records</h2>" in page and "dee.jsonl:2: half-written" in page
    assert "5 participants, 12 checks" in page
