"""Size a workshop host: N participants side by side, each a real kernel with its own lab.

For every N given (``--participants 1 5 10 20``), one run:

1. starts N Jupyter kernels at once (``jupyter_client``, this venv's ``python3`` kernel spec,
   ``LABKIT_BACKEND=local``) and waits until each answers;
2. runs a participant's first cells in all N kernels at once: ``import labkit``,
   ``lab = labkit.start(quiet=True)``, ``lab.create_endpoint("logs", policy="walkthrough")``
   (notebook 01); each kernel times its own cells, and the CPU its process tree (kernel + lab
   process) spent on them is read from ``/proc/PID/stat``;
3. the walkthrough probes (``lab.probe("walkthrough")`` then the styled table, as notebook 04
   shows it): ``--rounds`` times in one kernel after another while the others sit idle, then
   ``--rounds`` times in every kernel at once; each probe's latency is timed inside its kernel
   and its two outcomes checked (allowed; denied by the endpoint policy);
4. memory of every participant: the kernel process and the lab process (its child), RSS
   (``/proc/PID/status`` VmRSS) and PSS (``/proc/PID/smaps_rollup``: shared pages split among
   the processes sharing them, the honest figure for many kernels of one image on one host);
5. CPU while idle: every participant's process tree over ``--idle-seconds``.

Once per run it also starts one JupyterLab server (the single-user server every JupyterHub
participant has besides kernels) and reads its RSS and PSS when it is up (``--no-server``
skips it).

Output: a table per N, then the sizing line for ``--size-for`` participants (default 30)::

    30 participants: X GiB, Y cores

* X = size-for × mean per-participant PSS (kernel + lab + single-user server) at the largest N,
  plus 25 % headroom, in GiB rounded up to 0.5. PSS, because on one host (The Littlest
  JupyterHub) the kernels share Python's and the libraries' pages; a Kubernetes memory limit
  per pod is charged RSS-like: use the RSS columns there.
* Y = size-for × (start CPU-seconds ÷ ``--start-window`` (60 s) + idle CPU share), rounded up,
  at least 2. Start CPU-seconds: the kernel's boot and the first cells (kernel + lab process):
  every participant's first cell done within the window of all starting together, plus what
  idle labs keep using.

Time figures depend on what else the machine runs: the table's first rows give its load average
(1 min) before and after each N; CPU-seconds, RSS and PSS hardly do. Figures within the run are
ratios where they compare (probe latency with everyone probing at once ÷ one at a time; start
time at N ÷ at the smallest N). Nothing here asserts a time. ``tests/test_bench_workshop.py``
runs it at N = 1 and 5 and checks it measured what it says (CI: a step of its own after
``make test``). JSON goes to ``benchmarks/results/`` (git-ignored) or ``--json FILE``.

    .venv/bin/python benchmarks/bench_workshop.py --participants 1 5 10 20
"""

from __future__ import annotations

import argparse
import ast
import json
import math
import os
import platform
import secrets
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from jupyter_client.blocking.client import BlockingKernelClient
from jupyter_client.manager import KernelManager

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
TICKS = os.sysconf("SC_CLK_TCK")
MIB = 1024 * 1024
EXPECTED_OUTCOMES = [["Allowed", None], ["ImplicitlyDenied", "vpc-endpoint"]]
HEADROOM = 1.25

START_CELL = """
import json, os, time
_t0 = time.perf_counter()
import labkit
lab = labkit.start(quiet=True)
_t1 = time.perf_counter()
lab.create_endpoint("logs", policy="walkthrough")
_t2 = time.perf_counter()
_info = lab.backend.lab.info
_bench = json.dumps({"start_s": _t1 - _t0, "endpoint_s": _t2 - _t1,
                     "lab_pid": _info.pid, "isolation": _info.extra.get("isolation")})
"""
PROBE_CELL = """
_t0 = time.perf_counter()
_frame = lab.probe("walkthrough")
_ms = (time.perf_counter() - _t0) * 1000
_shown = lab.results(_frame).to_html()
_bench = json.dumps({"ms": _ms, "outcomes": [[str(d), None if not isinstance(b, str) else b]
                      for d, b in zip(_frame["decision"], _frame["denied_by"])]})
"""


# -- processes -----------------------------------------------------------------------------
def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of one process so far (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime (fields 14, 15)


def memory(pid: int) -> dict[str, float]:
    """RSS and PSS of one process in MiB (0 when it is gone)."""
    found = {"rss_mib": 0.0, "pss_mib": 0.0}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                found["rss_mib"] = int(line.split()[1]) / 1024
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                found["pss_mib"] = int(line.split()[1]) / 1024
    except OSError:
        pass
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


# -- kernels -------------------------------------------------------------------------------
@dataclass
class Participant:
    """One kernel, its client, its lab process, and what was measured of them."""

    index: int
    manager: KernelManager
    client: BlockingKernelClient
    kernel_pid: int
    lab_pid: int = 0
    measured: dict[str, Any] = field(default_factory=dict)

    def cpu(self) -> float:
        return cpu_seconds(self.kernel_pid) + (cpu_seconds(self.lab_pid) if self.lab_pid else 0)


def kernel_env() -> dict[str, str]:
    """This environment, the local lab forced, and no test-only speed-ups."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LABKIT_")}
    env["LABKIT_BACKEND"] = "local"
    return env


def start_kernels(count: int, timeout: float) -> tuple[list[Participant], float]:
    """``count`` kernels launched together; (participants, seconds until the last answered)."""
    began = time.perf_counter()
    started: list[Participant] = []
    for index in range(count):
        manager = KernelManager(kernel_name="python3")
        manager.start_kernel(env=kernel_env(), cwd=str(ROOT / "notebooks"))
        client = manager.client()
        client.start_channels()
        started.append(Participant(index, manager, client, int(manager.provisioner.pid)))
    for participant in started:
        participant.client.wait_for_ready(timeout=timeout)
    return started, time.perf_counter() - began


def _reply(participant: Participant, msg_id: str, timeout: float) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        message = participant.client.get_shell_msg(timeout=max(0.1, deadline - time.monotonic()))
        if message["parent_header"].get("msg_id") == msg_id:
            break
    content = message["content"]
    if content["status"] != "ok":
        raise RuntimeError(
            f"participant {participant.index}: {content.get('ename')}: {content.get('evalue')}"
        )
    shown = content["user_expressions"]["bench"]
    if shown["status"] != "ok":
        raise RuntimeError(f"participant {participant.index}: no result: {shown}")
    return json.loads(ast.literal_eval(shown["data"]["text/plain"]))


def run_cell(group: Sequence[Participant], code: str, timeout: float) -> list[dict[str, Any]]:
    """Send ``code`` to every participant of ``group`` at once; each one's ``_bench`` JSON."""
    sent = [
        p.client.execute(code, store_history=False, user_expressions={"bench": "_bench"})
        for p in group
    ]
    return [_reply(p, msg_id, timeout) for p, msg_id in zip(group, sent, strict=True)]


def stop_kernels(participants: Sequence[Participant]) -> None:
    """Shut every kernel down (each lab process ends with its kernel); wait until they have."""
    for participant in participants:
        participant.client.stop_channels()
        participant.manager.shutdown_kernel(now=False)
    deadline = time.monotonic() + 30
    for participant in participants:
        while participant.lab_pid and alive(participant.lab_pid) and time.monotonic() < deadline:
            time.sleep(0.1)


# -- one JupyterLab server -----------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def server_memory(timeout: float = 90) -> dict[str, float]:
    """RSS and PSS of one idle JupyterLab server (127.0.0.1, random token), once it answers."""
    port = _free_port()
    argv = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        f"--IdentityProvider.token={secrets.token_hex(16)}",
        f"--ServerApp.root_dir={ROOT / 'notebooks'}",
        *(["--allow-root"] if os.geteuid() == 0 else []),
    ]
    process = subprocess.Popen(
        argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=kernel_env()
    )
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if process.poll() is not None:
                    raise RuntimeError(f"jupyter lab exited with {process.returncode}") from None
                time.sleep(0.5)
        else:
            raise RuntimeError("jupyter lab did not listen in time")
        time.sleep(2)  # its extensions finish loading after the port opens
        return memory(process.pid)
    finally:
        process.terminate()
        process.wait(timeout=30)


# -- one N ---------------------------------------------------------------------------------
def _median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else 0.0


def _p95(values: Sequence[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)] if ordered else 0.0


def measure(count: int, rounds: int, idle_seconds: float, timeout: float) -> dict[str, Any]:
    """Everything for ``count`` participants side by side."""
    load_before = os.getloadavg()[0]
    participants, kernels_ready_s = start_kernels(count, timeout)
    try:
        boot_cpu = [p.cpu() for p in participants]
        began = time.perf_counter()
        for participant, got in zip(
            participants, run_cell(participants, START_CELL, timeout), strict=True
        ):
            participant.lab_pid = int(got["lab_pid"])
            participant.measured.update(got)
        all_started_s = time.perf_counter() - began
        start_cpu = [p.cpu() - b for p, b in zip(participants, boot_cpu, strict=True)]

        run_cell(participants, PROBE_CELL, timeout)  # warm-up: first styled table loads jinja2
        alone: list[float] = []
        together: list[float] = []
        wrong: list[Any] = []
        for _ in range(rounds):
            for participant in participants:
                (got,) = run_cell([participant], PROBE_CELL, timeout)
                alone.append(got["ms"])
                wrong += [got["outcomes"]] if got["outcomes"] != EXPECTED_OUTCOMES else []
        for _ in range(rounds):
            for got in run_cell(participants, PROBE_CELL, timeout):
                together.append(got["ms"])
                wrong += [got["outcomes"]] if got["outcomes"] != EXPECTED_OUTCOMES else []

        kernels = [memory(p.kernel_pid) for p in participants]
        labs = [memory(p.lab_pid) for p in participants]
        idle_before = [p.cpu() for p in participants]
        time.sleep(idle_seconds)
        idle_cpu = [p.cpu() - b for p, b in zip(participants, idle_before, strict=True)]
    finally:
        stop_kernels(participants)
    left = [p.lab_pid for p in participants if p.lab_pid and alive(p.lab_pid)]
    return {
        "participants": count,
        "load_average_1min": [load_before, os.getloadavg()[0]],
        "kernels_ready_s": kernels_ready_s,
        "all_started_s": all_started_s,
        "start_s": [p.measured["start_s"] for p in participants],
        "endpoint_s": [p.measured["endpoint_s"] for p in participants],
        "kernel_boot_cpu_s": boot_cpu,
        "start_cpu_s": start_cpu,
        "probe_alone_ms": alone,
        "probe_together_ms": together,
        "wrong_outcomes": wrong,
        "kernel": kernels,
        "lab": labs,
        "idle_cpu_share": [c / idle_seconds for c in idle_cpu],
        "isolation": sorted({str(p.measured.get("isolation")) for p in participants}),
        "labs_left_running": left,
    }


def summary(run: dict[str, Any]) -> dict[str, float]:
    """Per-participant means and medians of one N."""
    kernel, lab = run["kernel"], run["lab"]
    return {
        "load_before": run["load_average_1min"][0],
        "load_after": run["load_average_1min"][1],
        "kernels_ready_s": run["kernels_ready_s"],
        "start_s_median": _median(run["start_s"]),
        "start_s_max": max(run["start_s"]),
        "endpoint_s_median": _median(run["endpoint_s"]),
        "kernel_boot_cpu_s_mean": statistics.fmean(run["kernel_boot_cpu_s"]),
        "start_cpu_s_mean": statistics.fmean(run["start_cpu_s"]),
        "probe_alone_ms_median": _median(run["probe_alone_ms"]),
        "probe_alone_ms_p95": _p95(run["probe_alone_ms"]),
        "probe_together_ms_median": _median(run["probe_together_ms"]),
        "probe_together_ms_p95": _p95(run["probe_together_ms"]),
        "kernel_rss_mib": statistics.fmean(m["rss_mib"] for m in kernel),
        "kernel_pss_mib": statistics.fmean(m["pss_mib"] for m in kernel),
        "lab_rss_mib": statistics.fmean(m["rss_mib"] for m in lab),
        "lab_pss_mib": statistics.fmean(m["pss_mib"] for m in lab),
        "idle_cpu_share_mean": statistics.fmean(run["idle_cpu_share"]),
    }


def sizing(
    figures: dict[str, float], server: dict[str, float], size_for: int, window_s: float
) -> dict[str, Any]:
    """Memory and cores for ``size_for`` participants from one N's figures (see the module doc)."""
    pss = figures["kernel_pss_mib"] + figures["lab_pss_mib"] + server.get("pss_mib", 0.0)
    rss = figures["kernel_rss_mib"] + figures["lab_rss_mib"] + server.get("rss_mib", 0.0)
    gib = math.ceil(size_for * pss * HEADROOM / 1024 * 2) / 2
    start_cpu = figures["kernel_boot_cpu_s_mean"] + figures["start_cpu_s_mean"]
    cores_needed = size_for * (start_cpu / window_s + figures["idle_cpu_share_mean"])
    cores = max(2, math.ceil(cores_needed))
    return {
        "participants": size_for,
        "memory_gib": gib,
        "cores": cores,
        "per_participant_pss_mib": pss,
        "per_participant_rss_mib": rss,
        "cores_exact": cores_needed,
        "start_window_s": window_s,
        "line": f"{size_for} participants: {gib:g} GiB, {cores} cores",
    }


# -- output --------------------------------------------------------------------------------
ROWS = [
    ("load average before (1 min)", "load_before", "{:.1f}"),
    ("load average after (1 min)", "load_after", "{:.1f}"),
    ("kernels ready (all, s)", "kernels_ready_s", "{:.1f}"),
    ("first cells, median s", "start_s_median", "{:.1f}"),
    ("first cells, slowest s", "start_s_max", "{:.1f}"),
    ("  of which endpoint, s", "endpoint_s_median", "{:.1f}"),
    ("kernel boot CPU-s", "kernel_boot_cpu_s_mean", "{:.2f}"),
    ("first cells CPU-s", "start_cpu_s_mean", "{:.2f}"),
    ("probe alone, median ms", "probe_alone_ms_median", "{:.0f}"),
    ("probe alone, p95 ms", "probe_alone_ms_p95", "{:.0f}"),
    ("probe all at once, median ms", "probe_together_ms_median", "{:.0f}"),
    ("probe all at once, p95 ms", "probe_together_ms_p95", "{:.0f}"),
    ("kernel RSS MiB", "kernel_rss_mib", "{:.0f}"),
    ("kernel PSS MiB", "kernel_pss_mib", "{:.0f}"),
    ("lab RSS MiB", "lab_rss_mib", "{:.0f}"),
    ("lab PSS MiB", "lab_pss_mib", "{:.0f}"),
    ("idle CPU share / participant", "idle_cpu_share_mean", "{:.3f}"),
]


def table(figures: dict[int, dict[str, float]]) -> str:
    counts = sorted(figures)
    header = ["participants (N)", *map(str, counts)]
    lines = [header]
    for label, key, fmt in ROWS:
        lines.append([label, *(fmt.format(figures[n][key]) for n in counts)])
    smallest = counts[0]
    base = figures[smallest]
    lines.append(
        [
            f"first cells ÷ at N={smallest}",
            *(f"{figures[n]['start_s_median'] / base['start_s_median']:.2f}" for n in counts),
        ]
    )
    ratios = [
        figures[n]["probe_together_ms_median"] / figures[n]["probe_alone_ms_median"] for n in counts
    ]
    lines.append(["probe at once ÷ alone", *(f"{r:.2f}" for r in ratios)])
    widths = [max(len(row[i]) for row in lines) for i in range(len(header))]
    return "\n".join(
        "  ".join(
            cell.ljust(w) if i == 0 else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        )
        for row in lines
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--participants", type=int, nargs="+", default=[1, 5], metavar="N")
    parser.add_argument("--rounds", type=int, default=5, help="probe rounds, each way")
    parser.add_argument("--idle-seconds", type=float, default=5.0)
    parser.add_argument("--size-for", type=int, default=30)
    parser.add_argument(
        "--start-window", type=float, default=60.0, help="seconds in which all must start"
    )
    parser.add_argument("--timeout", type=float, default=600.0, help="per cell, seconds")
    parser.add_argument("--no-server", action="store_true", help="skip the JupyterLab server")
    parser.add_argument("--json", type=Path, help="write the results here")
    args = parser.parse_args(argv)
    if any(n < 1 for n in args.participants):
        parser.error("--participants: every N must be 1 or more")
    if not Path("/proc/self/smaps_rollup").exists():
        parser.error("needs Linux /proc (smaps_rollup) to read PSS")

    server = {} if args.no_server else server_memory()
    runs: dict[int, dict[str, Any]] = {}
    figures: dict[int, dict[str, float]] = {}
    for count in sorted(set(args.participants)):
        print(f"bench_workshop: {count} participants ...", file=sys.stderr, flush=True)
        runs[count] = measure(count, args.rounds, args.idle_seconds, args.timeout)
        figures[count] = summary(runs[count])
    largest = max(figures)
    sized = sizing(figures[largest], server, args.size_for, args.start_window)

    print(
        f"bench_workshop on {platform.node()}: {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; probes: lab.probe('walkthrough') + styled table"
    )
    print(table(figures))
    if server:
        print(
            f"JupyterLab server (once): RSS {server['rss_mib']:.0f} MiB, "
            f"PSS {server['pss_mib']:.0f} MiB"
        )
    wrong = {n: r["wrong_outcomes"] for n, r in runs.items() if r["wrong_outcomes"]}
    left = {n: r["labs_left_running"] for n, r in runs.items() if r["labs_left_running"]}
    if wrong:
        print(f"WRONG probe outcomes: {wrong}")
    if left:
        print(f"labs still running after their kernels stopped: {left}")
    print(
        f"per participant (N={largest}): PSS {sized['per_participant_pss_mib']:.0f} MiB, RSS "
        f"{sized['per_participant_rss_mib']:.0f} MiB (kernel + lab"
        f"{' + JupyterLab server' if server else ''})"
    )
    print(
        f"{sized['line']} (memory: PSS × {HEADROOM}; cores: kernel boot + first cells of all "
        f"within {args.start_window:g} s, plus idle)"
    )

    report = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "node": platform.node(),
            "cores": os.cpu_count(),
            "python": platform.python_version(),
        },
        "settings": vars(args) | {"json": str(args.json) if args.json else None},
        "server": server,
        "runs": {str(n): r for n, r in runs.items()},
        "figures": {str(n): f for n, f in figures.items()},
        "sizing": sized,
    }
    out = args.json or RESULTS / f"bench_workshop-{datetime.now(UTC):%Y%m%dT%H%M%S}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2, default=str))
    print(f"wrote {out}", file=sys.stderr)
    return 1 if wrong or left else 0


if __name__ == "__main__":
    sys.exit(main())
