"""Who is stuck: exercise checks recorded for the facilitator, and read back as a table.

With ``LABKIT_WORKSHOP_DIR`` set (to a folder every participant may write and the facilitator
may read, e.g. mode ``1733``), every :func:`labkit.exercises.check` appends one line of JSON to
``<DIR>/<user>.jsonl``, the participant's own file (created ``0644``, one ``write`` per record, so
records of two kernels never interleave mid-line)::

    {"v": 1, "user": "alice", "exercise": "04-scope-endpoint-policy", "outcome": "wrong-outcome",
     "failed": ["put to logs-test-denied"], "time": "2026-12-07T17:44:02Z"}

Nothing secret: the user name (``JUPYTERHUB_USER``, else the login name), the exercise id, an
outcome code, the labels of the checks that came out differently (from the exercise's own
definition, account IDs masked all the same) and the time. No policy text, no hint text (hints
quote ARNs), no account or instance ID. A record that cannot be written never breaks the
check: one warning, and the check's result as always.

Outcome codes: ``pass``; ``todo`` (the answer is still ``...``); ``no-lab`` (nothing checked:
no running lab in the kernel — the participant may need the set-up cell); ``invalid-answer`` (not a
policy, or a policy that does not validate: nothing was applied); ``wrong-outcome`` (applied,
and some checks came out differently).

:func:`read_progress` reads a folder back; a line that is not a whole record (corrupt, or
half-written by a kernel that died mid-write), or a record naming another participant than its
file does, is skipped and reported, never fatal.
"""

from __future__ import annotations

import functools
import getpass
import html
import json
import os
import re
import warnings
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ParamSpec

from labkit.exercises.result import CheckResult
from labkit.redact import redact_text

WORKSHOP_DIR_ENV = "LABKIT_WORKSHOP_DIR"
RECORD_VERSION = 1
OUTCOMES = ("pass", "todo", "no-lab", "invalid-answer", "wrong-outcome")
STUCK_AFTER = 3
"""Attempts without a pass after which a participant counts as stuck on an exercise."""
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]")
_MAX_RECORD_BYTES = 8192
_RECORD_START = b'{"v":'  # how every record this module writes begins

P = ParamSpec("P")


# -- writing -----------------------------------------------------------------------------------
def participant(environ: Mapping[str, str] = os.environ) -> str:
    """The participant's name: JupyterHub's user name, else the login name."""
    return environ.get("JUPYTERHUB_USER") or getpass.getuser()


def file_name(user: str) -> str:
    """The participant's own file in the workshop folder: the name, unsafe characters as ``_``."""
    return f"{_SAFE_NAME.sub('_', user)}.jsonl"


def outcome_of(result: CheckResult) -> str:
    """The outcome code of one check result."""
    if result.status in ("pass", "todo", "no-lab"):
        return result.status
    return "invalid-answer" if result.rows is None else "wrong-outcome"


def record_of(result: CheckResult, user: str, when: datetime) -> dict[str, Any]:
    """The record of one check: nothing from the answer, nothing secret."""
    failed: list[str] = []
    if result.rows is not None and "ok" in result.rows:
        failed = [redact_text(str(c)) for c in result.rows.loc[~result.rows["ok"], "check"]]
    return {
        "v": RECORD_VERSION,
        "user": user,
        "exercise": result.exercise_id,
        "outcome": outcome_of(result),
        "failed": failed,
        "time": when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def record_check(
    result: CheckResult,
    environ: Mapping[str, str] = os.environ,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> Path | None:
    """Append ``result`` to the participant's file when ``LABKIT_WORKSHOP_DIR`` is set.

    Returns the file written, or ``None`` (no folder set, or the write failed: warned once).
    """
    folder = environ.get(WORKSHOP_DIR_ENV)
    if not folder:
        return None
    user = participant(environ)
    path = Path(folder) / file_name(user)
    line = json.dumps(record_of(result, user, now()), separators=(",", ":")) + "\n"
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(descriptor, line.encode())
        finally:
            os.close(descriptor)
    except OSError as error:
        _warn_once(f"labkit: could not record this check in {WORKSHOP_DIR_ENV}={folder}: {error}")
        return None
    return path


def recorded(check: Callable[P, CheckResult]) -> Callable[P, CheckResult]:
    """Wrap an exercise check so that every result it returns is recorded."""

    @functools.wraps(check)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> CheckResult:
        result = check(*args, **kwargs)
        record_check(result)
        return result

    return wrapper


@functools.cache
def _warn_once(message: str) -> None:
    warnings.warn(message, RuntimeWarning, stacklevel=4)


# -- reading -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class CheckRecord:
    """One recorded check."""

    user: str
    exercise: str
    outcome: str
    failed: tuple[str, ...]
    time: datetime


@dataclass(frozen=True)
class SkippedRecord:
    """A line that is not a whole record: where, and why."""

    file: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.reason}"


@dataclass(frozen=True)
class Cell:
    """One participant on one exercise: attempts, the latest outcome, whether it ever passed."""

    attempts: int
    latest: str
    passed: bool
    last_time: datetime

    @property
    def stuck(self) -> bool:
        """Tried :data:`STUCK_AFTER` times or more without a pass."""
        return not self.passed and self.attempts >= STUCK_AFTER

    def text(self) -> str:
        """``pass/2`` (passed, two attempts), ``wrong-outcome/4!`` (latest; ``!`` stuck)."""
        shown = "pass" if self.passed else self.latest
        return f"{shown}/{self.attempts}{'!' if self.stuck else ''}"


@dataclass
class Progress:
    """Every record of a workshop folder, what was skipped, and the table of them."""

    records: list[CheckRecord] = field(default_factory=list)
    skipped: list[SkippedRecord] = field(default_factory=list)

    @property
    def users(self) -> list[str]:
        """Participants in name order."""
        return sorted({r.user for r in self.records})

    def exercises(self, known: Iterable[str] = ()) -> list[str]:
        """``known`` exercise ids in their order, then any other recorded ones sorted."""
        order = list(known)
        return order + sorted({r.exercise for r in self.records} - set(order))

    def cells(self) -> dict[tuple[str, str], Cell]:
        """(user, exercise) → its cell, from the records in time order."""
        found: dict[tuple[str, str], Cell] = {}
        for record in sorted(self.records, key=lambda r: r.time):
            key = (record.user, record.exercise)
            before = found.get(key)
            found[key] = Cell(
                attempts=(before.attempts if before else 0) + 1,
                latest=record.outcome,
                passed=(before.passed if before else False) or record.outcome == "pass",
                last_time=record.time,
            )
        return found

    def rows(self, known: Iterable[str] = ()) -> tuple[list[str], list[list[str]]]:
        """(header, rows): one row per participant, one column per exercise, then totals."""
        exercises = self.exercises(known)
        cells = self.cells()
        header = ["participant", *exercises, "passed", "stuck", "last check"]
        table = []
        for user in self.users:
            mine = [cells.get((user, e)) for e in exercises]
            present = [c for c in mine if c is not None]
            last = max(c.last_time for c in present).strftime("%H:%M:%S")
            table.append(
                [
                    user,
                    *(c.text() if c else "-" for c in mine),
                    f"{sum(c.passed for c in present)}/{len(exercises)}",
                    str(sum(c.stuck for c in present)),
                    last,
                ]
            )
        return header, table


def parse_record(line: str) -> CheckRecord:
    """One line → a record; ``ValueError`` saying what is wrong with it."""
    try:
        raw = json.loads(line)
    except json.JSONDecodeError as error:
        raise ValueError(f"not JSON ({error.msg}, column {error.colno})") from None
    if not isinstance(raw, dict):
        raise ValueError("not a JSON object")
    if raw.get("v") != RECORD_VERSION:
        raise ValueError(f"record version {raw.get('v')!r}, expected {RECORD_VERSION}")
    for name in ("user", "exercise", "outcome", "time"):
        if not isinstance(raw.get(name), str) or not raw[name]:
            raise ValueError(f"field {name!r} missing or not a string")
    if raw["outcome"] not in OUTCOMES:
        raise ValueError(f"unknown outcome {raw['outcome']!r}")
    failed = raw.get("failed", [])
    if not isinstance(failed, list) or not all(isinstance(f, str) for f in failed):
        raise ValueError("field 'failed' is not a list of strings")
    try:
        when = datetime.strptime(raw["time"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError:
        raise ValueError(f"time {raw['time']!r} is not YYYY-MM-DDTHH:MM:SSZ") from None
    return CheckRecord(raw["user"], raw["exercise"], raw["outcome"], tuple(failed), when)


def _line_record(raw: bytes, file: str) -> CheckRecord:
    """One line of ``file`` → its record; ``ValueError`` saying what is wrong with it."""
    if len(raw) > _MAX_RECORD_BYTES:
        raise ValueError(f"longer than {_MAX_RECORD_BYTES} bytes")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError("not UTF-8") from None
    record = parse_record(text)
    if file_name(record.user) != file:
        raise ValueError(f"a record of {record.user!r} in another participant's file")
    return record


def read_progress(folder: Path) -> Progress:
    """Every record under ``folder`` (``*.jsonl``); bad lines skipped and listed.

    A record cut short and then followed on the same line by a whole one (a kernel that died
    mid-write, then a later check) gives the whole one, and the cut part is listed as skipped.
    ``NotADirectoryError`` / ``FileNotFoundError`` when ``folder`` is not a folder.
    """
    if not folder.exists():
        raise FileNotFoundError(f"{folder}: no such folder")
    if not folder.is_dir():
        raise NotADirectoryError(f"{folder}: not a folder")
    progress = Progress()
    for path in sorted(folder.glob("*.jsonl")):
        try:
            data = path.read_bytes()
        except OSError as error:
            progress.skipped.append(SkippedRecord(path.name, 0, f"cannot read: {error.strerror}"))
            continue
        lines = data.split(b"\n")
        for number, raw in enumerate(lines, start=1):
            if not raw.strip():
                continue
            try:
                progress.records.append(_line_record(raw, path.name))
                continue
            except ValueError as error:
                reason = str(error)
            if number == len(lines):  # text after the final newline: a write cut short
                reason = f"half-written (no line end): {reason}"
            restart = raw.rfind(_RECORD_START)
            if restart > 0:
                try:
                    progress.records.append(_line_record(raw[restart:], path.name))
                    reason = f"a record cut short before column {restart + 1}"
                except ValueError:
                    pass
            progress.skipped.append(SkippedRecord(path.name, number, reason))
    return progress


# -- showing -----------------------------------------------------------------------------------
def format_table(header: list[str], rows: list[list[str]]) -> str:
    """A plain-text table, columns padded to their widest cell."""
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)])


_CELL_COLOURS = {"pass": "#009E73", "stuck": "#D55E00", "other": "#0072B2"}  # Okabe-Ito


def html_page(progress: Progress, known: Iterable[str], title: str) -> str:
    """A self-contained page: the table, a legend, and what was skipped."""
    header, rows = progress.rows(known)
    exercises = len(header) - 4

    def cell(text: str, column: int) -> str:
        colour = ""
        if 1 <= column <= exercises and text != "-":
            kind = "pass" if text.startswith("pass") else "stuck" if text.endswith("!") else "other"
            colour = f' style="color:{_CELL_COLOURS[kind]}"'
        return f"<td{colour}>{html.escape(text)}</td>"

    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(cell(t, i) for i, t in enumerate(row)) + "</tr>\n" for row in rows
    )
    skipped = "".join(f"<li><code>{html.escape(str(s))}</code></li>" for s in progress.skipped)
    return (
        "<!doctype html>\n<html lang=en><head><meta charset=utf-8>"
        f"<title>{html.escape(title)}</title><style>"
        "body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
        "td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left}</style></head><body>\n"
        f"<h1>{html.escape(title)}</h1>\n"
        f"<p>{len(rows)} participants, {len(progress.records)} checks. A cell is the outcome "
        "(<code>pass</code> once passed, else the latest) / attempts; <code>!</code> marks "
        f"{STUCK_AFTER} or more attempts without a pass.</p>\n"
        f"<table><thead><tr>{head}</tr></thead><tbody>\n{body}</tbody></table>\n"
        + (f"<h2>Skipped records</h2><ul>{skipped}</ul>\n" if skipped else "")
        + "</body></html>\n"
    )
