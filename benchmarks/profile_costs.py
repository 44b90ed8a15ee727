"""Where the time and memory of the issue-13 figures go: profiles, grouped by who spends it.

The benchmarks give the figures; this shows what stands between each figure and its aim:

* ``gateway``: the egress handler's own work per PutLogEvents (allowed and denied), profiled
  in this process as ``bench_gateway.py``'s "gateway alone" measures it, and summed by area
  (labkit's wire, gateway, policy engine, catalog; moto and its web framework; botocore);
* ``explanation``: ``evaluate(..., explain=True)`` over ``bench_policy.py``'s generated corpus,
  summed by module of ``labkit.policy`` (microseconds per request);
* ``lab-start``: a lab process's start in this process (``LabServer.start``), its imports
  first (``-X importtime`` of a fresh interpreter, by top-level package), then the start
  itself by area;
* ``memory``: resident memory a fresh interpreter gains at each import step, for the kernel
  side (what a notebook's ``import labkit`` and ``labkit.start()`` load) and the lab process.

Times under a profiler are inflated (about 2-3x for pure Python); the shares are what count.
Prints tables; nothing is asserted anywhere.

    .venv/bin/python benchmarks/profile_costs.py [gateway|explanation|lab-start|memory ...]
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import re
import subprocess
import sys
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

AREAS: tuple[tuple[str, str], ...] = (
    ("/labkit/local/wire/", "labkit wire (HTTP, SigV4, JSON)"),
    ("/labkit/local/gateway/", "labkit gateway (routing, input, decision log)"),
    ("/labkit/local/network/", "labkit network (egress routing)"),
    ("/labkit/local/world/", "labkit world (lab state, moto corrections)"),
    ("/labkit/local/front/", "labkit control front"),
    ("/labkit/local/", "labkit local (other)"),
    ("/labkit/policy/", "labkit policy engine"),
    ("/labkit/catalog/", "labkit catalog (operation -> action, resource)"),
    ("/labkit/i18n/", "labkit i18n"),
    ("/labkit/", "labkit (other)"),
    ("/moto/", "moto"),
    ("/werkzeug/", "werkzeug/flask (moto's web framework)"),
    ("/flask/", "werkzeug/flask (moto's web framework)"),
    ("/botocore/", "botocore"),
    ("/boto3/", "botocore"),
)


def area_of(filename: str) -> str:
    """The area a profiled function's file belongs to."""
    for marker, area in AREAS:
        if marker in filename:
            return area
    if filename.startswith("~") or filename.startswith("<"):
        return "Python built-ins"
    return "Python standard library and others"


def by_area(profile: cProfile.Profile, calls: int) -> list[tuple[str, float, float]]:
    """(area, microseconds per call, share) from each function's own time."""
    stats = pstats.Stats(profile)
    totals: dict[str, float] = defaultdict(float)
    for (filename, _, _), (_, _, own, _, _) in stats.stats.items():  # type: ignore[attr-defined]
        totals[area_of(filename)] += own
    whole = sum(totals.values()) or 1.0
    rows = [(area, own / calls * 1e6, own / whole) for area, own in totals.items()]
    return sorted(rows, key=lambda row: -row[1])


def print_areas(title: str, rows: list[tuple[str, float, float]]) -> None:
    print(f"\n{title}")
    print(f"  {'area':52} {'us each':>9} {'share':>7}")
    for area, micros, share in rows:
        if share >= 0.005:
            print(f"  {area:52} {micros:9.1f} {share:7.1%}")
    print(f"  {'total (under the profiler)':52} {sum(r[1] for r in rows):9.1f}")


def top_functions(profile: cProfile.Profile, count: int, calls: int) -> None:
    """The functions with the most own time, microseconds per call."""
    stats = pstats.Stats(profile)
    rows = sorted(
        stats.stats.items(),  # type: ignore[attr-defined]
        key=lambda item: -item[1][2],
    )[:count]
    for (filename, line, name), (_, _, own, cumulative, _) in rows:
        short = re.sub(r".*/(site-packages|work/main)/", "", filename)
        print(
            f"    {own / calls * 1e6:7.1f} us own {cumulative / calls * 1e6:8.1f} cum  "
            f"{short}:{line} {name}"
        )


def profile_gateway(calls: int) -> None:
    from bench_gateway import measure_gateway_alone

    profilers = {"allowed": cProfile.Profile(), "denied": cProfile.Profile()}
    measured = measure_gateway_alone(calls, profilers=profilers)
    for kind, profile in profilers.items():
        count = measured[kind]["calls"]
        rows = by_area(profile, count)
        print_areas(f"gateway, {kind} PutLogEvents: the egress handler's own work by area", rows)
        print("  top functions:")
        top_functions(profile, 12, count)


def profile_explanation(requests: int) -> None:
    import bench_policy

    work = bench_policy.generated_work(requests)
    bench_policy.run_explanation(work)  # warm: parse caches, compiled patterns
    profile = cProfile.Profile()
    profile.runcall(bench_policy.run_explanation, work)
    stats = pstats.Stats(profile)
    totals: dict[str, float] = defaultdict(float)
    for (filename, _, _), (_, _, own, _, _) in stats.stats.items():  # type: ignore[attr-defined]
        match = re.search(r"/labkit/(.+)\.py$", filename)
        totals[match.group(1) if match else area_of(filename)] += own
    whole = sum(totals.values()) or 1.0
    print(f"\nevaluate + explanation, {requests} generated requests: own time by module")
    print(f"  {'module':52} {'us each':>9} {'share':>7}")
    for module, own in sorted(totals.items(), key=lambda item: -item[1]):
        if own / whole >= 0.01:
            print(f"  {module:52} {own / requests * 1e6:9.1f} {own / whole:7.1%}")
    print("  top functions:")
    top_functions(profile, 12, requests)


_IMPORTS = """
from labkit.local.world.moto import server as moto_server
moto_server.prepare_environment()
from labkit.local.process import server
moto = moto_server.MotoServer()
moto.start()
"""


def profile_lab_start() -> None:
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", _IMPORTS],
        capture_output=True,
        text=True,
        check=True,
    )
    totals: dict[str, int] = defaultdict(int)
    for line in result.stderr.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+\d+ \|\s*(\S+)", line)
        if match:
            totals[match.group(2).split(".")[0]] += int(match.group(1))
    whole = sum(totals.values())
    print("\nlab process imports (-X importtime, own time by top-level package; inflated)")
    for package, micros in sorted(totals.items(), key=lambda item: -item[1])[:12]:
        print(f"  {package:40} {micros / 1000:8.1f} ms {micros / whole:7.1%}")
    print(f"  {'all imports':40} {whole / 1000:8.1f} ms")

    from labkit.local.world.moto import fixups
    from labkit.local.world.moto import server as moto_server

    moto_server.prepare_environment()
    from labkit.local.process.server import LabServer  # imports moto: after its environment

    moto = moto_server.MotoServer()
    moto.start()
    fixups.install_fixups()
    profile = cProfile.Profile()
    lab = LabServer("walkthrough", moto=moto, pending_seconds=0)
    info = profile.runcall(lab.start)
    lab.stop()
    print(
        f"\nlab start after the warm-up (phases, s, unprofiled clock): "
        f"{info.extra['startup_seconds']}"
    )
    print_areas("lab start after the warm-up, own time by area", by_area(profile, 1))
    print("  top functions:")
    top_functions(profile, 12, 1)


_MEMORY_STEPS = {
    "kernel side": [
        ("python", "pass"),
        ("ipykernel", "import ipykernel.kernelapp"),
        ("boto3, botocore", "import boto3, botocore.session"),
        ("pandas", "import pandas"),
        ("ipywidgets", "import ipywidgets"),
        ("labkit notebook side", "import labkit, labkit.ui.notebook_lab, labkit.lab"),
    ],
    "lab process": [
        ("python", "pass"),
        ("boto3, botocore", "import boto3, botocore.session"),
        (
            "moto core, flask",
            "from labkit.local.world.moto import server as s; s.prepare_environment(); "
            "import moto.core.responses, flask",
        ),
        ("moto ec2", "import moto.ec2.models"),
        (
            "moto iam, sts, logs, events",
            "import moto.iam.models, moto.sts.models, moto.logs.models, moto.events.models",
        ),
        ("labkit lab server", "import labkit.local.process.server"),
    ],
}


def _rss_after(statements: list[str]) -> float:
    code = "\n".join(statements) + (
        "\nimport re\nprint(re.search(r'VmRSS:\\s+(\\d+)', open('/proc/self/status').read())[1])"
    )
    answer = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    if answer.returncode != 0:
        raise RuntimeError(answer.stderr.strip().splitlines()[-1])
    return int(answer.stdout.strip()) / 1024


def profile_memory() -> None:
    for side, steps in _MEMORY_STEPS.items():
        print(f"\nresident memory, {side}: what each import step adds (MiB)")
        done: list[str] = []
        before = 0.0
        for label, statement in steps:
            done.append(statement)
            rss = _rss_after(done)
            print(f"  {label:36} +{rss - before:6.1f}   = {rss:6.1f}")
            before = rss


PARTS = ("gateway", "explanation", "lab-start", "memory")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "what",
        nargs="*",
        metavar="PART",
        help=f"which profiles, of: {', '.join(PARTS)} (default: all)",
    )
    parser.add_argument("--calls", type=int, default=500, help="PutLogEvents per kind")
    parser.add_argument("--requests", type=int, default=3000, help="explained requests")
    args = parser.parse_args(argv)
    args.what = args.what or list(PARTS)
    unknown = [what for what in args.what if what not in PARTS]
    if unknown:
        parser.error(f"no profile called {', '.join(unknown)}; choose from {', '.join(PARTS)}")
    runs: dict[str, Callable[[], None]] = {
        "gateway": lambda: profile_gateway(args.calls),
        "explanation": lambda: profile_explanation(args.requests),
        "lab-start": profile_lab_start,
        "memory": profile_memory,
    }
    if len(args.what) == 1:
        runs[args.what[0]]()
        return 0
    for what in args.what:  # each in a fresh interpreter: a lab start needs an empty moto
        options = ["--calls", str(args.calls), "--requests", str(args.requests)]
        subprocess.run([sys.executable, __file__, what, *options], check=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
