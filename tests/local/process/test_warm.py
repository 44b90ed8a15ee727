"""Spare lab processes: started ahead, claimed by the next start, gone with their parent."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from labkit.local.process import warm
from labkit.local.process.launcher import LocalLab


@pytest.fixture(autouse=True)
def _spares_on(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv(warm.WARM_ENV, raising=False)
    monkeypatch.delenv("LABKIT_BACKEND", raising=False)
    yield
    warm.discard()


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split()[2] != "Z"
    except FileNotFoundError:
        return False


def test_the_next_start_claims_the_spare_and_gives_it_its_scenario() -> None:
    warm.spawn()
    assert warm._spare is not None
    spare_pid = warm._spare.process.pid
    warm.spawn()  # one spare at a time
    assert warm._spare.process.pid == spare_pid
    lab = LocalLab.start("exfiltration")  # the spare waited for whichever scenario comes
    try:
        assert lab.pid == spare_pid and warm._spare is None
        assert lab.info.scenario == "exfiltration" and lab.info.other_account_ids
        phases = lab.info.extra["startup_seconds"]
        assert phases["warm_up"] > 0 and phases["seed"] > 0
        assert lab.client("logs", "instance").describe_log_groups()["logGroups"]
    finally:
        lab.stop()
    assert not _alive(spare_pid)


def test_without_a_spare_a_start_makes_its_own_process() -> None:
    assert warm.claim() is None
    lab = LocalLab.start("walkthrough")
    try:
        assert lab.running and lab.info.extra["startup_seconds"]["warm_up"] > 0
    finally:
        lab.stop()


@pytest.mark.parametrize(
    ("name", "value"), [(warm.WARM_ENV, "off"), (warm.WARM_ENV, "0"), ("LABKIT_BACKEND", "aws")]
)
def test_no_spare_when_turned_off_or_for_aws(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    warm.spawn()
    assert warm._spare is None


def test_discard_stops_the_spare() -> None:
    warm.spawn()
    assert warm._spare is not None
    pid = warm._spare.process.pid
    warm.discard()
    assert warm._spare is None and not _alive(pid)


def test_asking_for_labkit_start_spawns_a_spare() -> None:
    import labkit

    labkit.__dict__.pop("start", None)  # resolved lazily again, as in a fresh kernel
    assert callable(labkit.start)
    assert warm._spare is not None and warm._spare.process.poll() is None


def test_an_unclaimed_spare_dies_with_its_parent(tmp_path: Path) -> None:
    report = tmp_path / "spare.json"
    script = textwrap.dedent(
        f"""
        import json, time
        from labkit.local.process import warm
        warm.spawn()
        with open({str(report)!r}, "w") as f:
            json.dump({{"pid": warm._spare.process.pid}}, f)
        time.sleep(120)
        """
    )
    parent = subprocess.Popen([sys.executable, "-c", script], stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while not report.exists() and time.monotonic() < deadline and parent.poll() is None:
        time.sleep(0.05)
    assert report.exists(), parent.stderr.read().decode() if parent.stderr else ""
    pid = json.loads(report.read_text())["pid"]
    time.sleep(0.5)  # let it get into its warm-up
    parent.send_signal(signal.SIGKILL)
    parent.communicate(timeout=10)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and _alive(pid):
        time.sleep(0.1)
    assert not _alive(pid), "the spare outlived its parent"
