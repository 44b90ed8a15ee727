"""Benchmark a lab's start: ready-lab time, first probe in notebook 04, the lab's memory.

Measured in one run, rounds interleaved so that load on the machine hits every figure alike:

* **baseline**: a process that only runs ``import moto`` (the floor any moto lab pays), wall
  time from ``Popen`` to exit;
* **cold lab**: ``LocalLab.start("walkthrough")`` with no spare lab process
  (``LABKIT_WARM_START=off``), from the call to ready, the CPU time the lab process used to get
  there (steadier than wall time on a shared machine), and the phases the lab reports;
* **labkit.start() in a kernel**: a real Jupyter kernel runs ``import labkit``, then
  ``lab = labkit.start()`` (timed inside the kernel, the lazy import of the notebook side
  included: the statement as a learner runs it);
* **first probe in notebook 04**: a new kernel runs notebook 04's own first two code cells
  (start, the endpoint under the memo's policy, then ``lab.probe("walkthrough")``); the figure
  is the time from asking for the kernel to the probe cell's answer, and from the kernel being
  ready to it;
* the lab process's RSS and PSS (``/proc/PID/smaps_rollup``) when ready, and the kernel's.

Prints a table and writes JSON to ``benchmarks/results/`` (git-ignored). Nothing here is
asserted by the test suite. Ratios refer to the baseline measured in the same rounds.

    .venv/bin/python benchmarks/bench_start.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import nbformat
from jupyter_client.manager import KernelManager

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
NOTEBOOK = ROOT / "notebooks" / "04_the_results.ipynb"


def memory_of(pid: int) -> dict[str, float]:
    """RSS and PSS of a process in MiB (Linux /proc)."""
    found: dict[str, float] = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("Rss", "Pss"):
            found[name.lower() + "_mib"] = int(value.split()[0]) / 1024
    return found


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a process has used so far: steadier than wall time on a
    machine others load too."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def baseline_import_moto() -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import moto"], check=True)
    return time.perf_counter() - started


def cold_lab() -> dict[str, Any]:
    from labkit.local.process.launcher import LocalLab

    os.environ["LABKIT_WARM_START"] = "off"
    try:
        started = time.perf_counter()
        lab = LocalLab.start("walkthrough")
        seconds = time.perf_counter() - started
    finally:
        os.environ.pop("LABKIT_WARM_START", None)
    try:
        return {
            "seconds": seconds,
            "cpu_seconds": cpu_seconds(lab.pid),
            "phases": lab.info.extra.get("startup_seconds", {}),
            "memory": memory_of(lab.pid),
        }
    finally:
        lab.stop()


class Kernel:
    """A real Jupyter kernel (this venv's python3), driven cell by cell."""

    def __init__(self) -> None:
        self.asked = time.perf_counter()
        self.manager = KernelManager(kernel_name="python3")
        env = {k: v for k, v in os.environ.items() if k != "LABKIT_ENDPOINT_PENDING_SECONDS"}
        self.manager.start_kernel(env=env)
        self.client = self.manager.client()
        self.client.start_channels()
        self.client.wait_for_ready(timeout=60)
        self.ready = time.perf_counter()

    def run(self, code: str) -> list[str]:
        """Run ``code``; the text it printed (an error raises)."""
        printed: list[str] = []

        def output(message: dict[str, Any]) -> None:
            content = message["content"]
            if message["msg_type"] == "stream":
                printed.append(content["text"])
            elif message["msg_type"] == "error":
                raise RuntimeError(f"{content['ename']}: {content['evalue']}")

        reply = self.client.execute_interactive(code, timeout=300, output_hook=output)
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"cell failed: {reply['content']}")
        return printed

    def close(self) -> None:
        self.client.stop_channels()
        self.manager.shutdown_kernel(now=True)


def kernel_start() -> dict[str, Any]:
    kernel = Kernel()
    try:
        kernel.run("import labkit, os, time")
        printed = kernel.run(
            "t0 = time.perf_counter()\n"
            "lab = labkit.start(quiet=True)\n"
            "print(time.perf_counter() - t0)\n"
            "print(lab.backend.lab.pid)\n"
        )
        seconds, pid = (float(x) for x in "".join(printed).split())
        lab_memory = memory_of(int(pid))
        kernel_memory = memory_of(kernel.manager.provisioner.pid)  # type: ignore[union-attr]
        kernel.run("lab.stop()")
        return {"seconds": seconds, "lab_memory": lab_memory, "kernel_memory": kernel_memory}
    finally:
        kernel.close()


def notebook_04_first_probe() -> dict[str, float]:
    cells = [c.source for c in nbformat.read(NOTEBOOK, as_version=4).cells if c.cell_type == "code"]
    kernel = Kernel()
    try:
        kernel.run(cells[0])  # import labkit; lab = labkit.start(); lab.create_endpoint(...)
        kernel.run(cells[1])  # results = lab.probe("walkthrough"); the table
        done = time.perf_counter()
        kernel.run("lab.stop()")
    finally:
        kernel.close()
    return {"from_kernel_asked": done - kernel.asked, "from_kernel_ready": done - kernel.ready}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    rows: dict[str, list[Any]] = {"baseline": [], "cold": [], "kernel": [], "probe": []}
    for _ in range(args.rounds):
        rows["baseline"].append(baseline_import_moto())
        rows["cold"].append(cold_lab())
        rows["kernel"].append(kernel_start())
        rows["probe"].append(notebook_04_first_probe())

    baseline = statistics.median(rows["baseline"])
    cold = statistics.median(r["seconds"] for r in rows["cold"])
    cold_cpu = statistics.median(r["cpu_seconds"] for r in rows["cold"])
    started = statistics.median(r["seconds"] for r in rows["kernel"])
    probe = statistics.median(r["from_kernel_ready"] for r in rows["probe"])
    probe_asked = statistics.median(r["from_kernel_asked"] for r in rows["probe"])
    rss = statistics.median(r["lab_memory"]["rss_mib"] for r in rows["kernel"])
    pss = statistics.median(r["lab_memory"]["pss_mib"] for r in rows["kernel"])
    kernel_rss = statistics.median(r["kernel_memory"]["rss_mib"] for r in rows["kernel"])
    result = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "load_average": os.getloadavg(),
        },
        "rounds": rows,
        "medians": {
            "baseline_import_moto_s": baseline,
            "cold_lab_s": cold,
            "cold_lab_cpu_s": cold_cpu,
            "labkit_start_in_kernel_s": started,
            "first_probe_nb04_from_kernel_ready_s": probe,
            "first_probe_nb04_from_kernel_asked_s": probe_asked,
            "lab_rss_mib": rss,
            "lab_pss_mib": pss,
            "kernel_rss_mib": kernel_rss,
        },
    }
    lines = [
        ("baseline: a process that imports moto", f"{baseline:.2f} s"),
        ("cold lab: LocalLab.start() to ready", f"{cold:.2f} s ({cold / baseline:.2f}x baseline)"),
        ("cold lab: CPU time the lab process used to get ready", f"{cold_cpu:.2f} s"),
        (
            "labkit.start() in a kernel (aim <= 1.0 s)",
            f"{started:.2f} s ({started / baseline:.2f}x baseline)",
        ),
        (
            "notebook 04 first probe, from kernel ready (aim <= 2.5 s)",
            f"{probe:.2f} s ({probe / baseline:.2f}x baseline)",
        ),
        ("notebook 04 first probe, from asking for the kernel", f"{probe_asked:.2f} s"),
        ("lab RSS / PSS when ready (aim RSS <= 150 MiB)", f"{rss:.0f} / {pss:.0f} MiB"),
        ("kernel RSS with a lab started", f"{kernel_rss:.0f} MiB"),
    ]
    width = max(len(name) for name, _ in lines)
    print(f"load average {os.getloadavg()[0]:.1f}, {args.rounds} rounds, medians")
    for name, value in lines:
        print(f"{name:<{width}}  {value}")
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = RESULTS / f"bench_start-{stamp}.json"
    path.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"written: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
