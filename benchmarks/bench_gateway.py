"""Benchmark the local lab's gateway: latency against moto, cold start, memory.

One run measures, on this machine:

* cold start: ``LocalLab.start("walkthrough")`` from nothing to ready (child process), 3 times;
* PutLogEvents latency through the gateway (instance client → egress → policy decision →
  moto) against the same call sent straight to the same moto server, interleaved in rounds so
  that drift hits both alike; the ratio of the medians is the figure (aim: ≤ 1.05), and the
  denied call's round trip against the allowed one (aim: ≤ 0.5);
* the gateway alone, in this process: the egress handler's own time for an allowed and a
  denied PutLogEvents (no client, no socket), the part of the round trip the lab controls;
* EC2 DescribeVpcEndpoints as the admin through the control front (SigV4, the query read back,
  authorization by the one decider, moto) against the same call straight to moto: the price of
  authorizing every control-plane call;
* the lab process's memory (RSS now and peak) after the calls.

Prints a table and writes JSON to ``benchmarks/results/`` (git-ignored). Figures are ratios
within this run; nothing here is asserted by the test suite.

    .venv/bin/python benchmarks/bench_gateway.py [--calls 500] [--starts 3]
"""

from __future__ import annotations

import argparse
import cProfile
import json
import platform
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

from labkit import data
from labkit.local.process.launcher import LocalLab

RESULTS = Path(__file__).resolve().parent / "results"
GROUP, STREAM = "logs-test-allowed", "log-stream"


def timed_start() -> tuple[float, LocalLab]:
    started = time.perf_counter()
    lab = LocalLab.start("walkthrough")
    return time.perf_counter() - started, lab


def memory_of(pid: int) -> dict[str, float]:
    """Resident and peak resident memory of a process, in MiB (Linux /proc)."""
    found: dict[str, float] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            found[name] = int(value.split()[0]) / 1024
    return {"rss_mib": found.get("VmRSS", 0.0), "peak_rss_mib": found.get("VmHWM", 0.0)}


def open_endpoint(lab: LocalLab) -> str:
    """The walkthrough's logs endpoint with the memo's policy, waited until available."""
    ec2 = lab.client("ec2", "admin")
    info = lab.info
    policy = data.policy_text("walkthrough", account_id=info.account_id, region=info.region)
    created = ec2.create_vpc_endpoint(
        VpcEndpointType="Interface",
        VpcId=info.vpc_id,
        ServiceName=f"com.amazonaws.{info.region}.logs",
        SubnetIds=list(info.subnet_ids),
        SecurityGroupIds=list(info.security_group_ids.values()),
        PrivateDnsEnabled=True,
        PolicyDocument=policy,
    )
    vpce = created["VpcEndpoint"]["VpcEndpointId"]
    for _ in range(100):
        state = ec2.describe_vpc_endpoints(VpcEndpointIds=[vpce])["VpcEndpoints"][0]["State"]
        if state == "available":
            return str(vpce)
        time.sleep(0.1)
    raise RuntimeError(f"{vpce} did not become available")


def latencies(put: Callable[[], Any], count: int) -> list[float]:
    found = []
    for _ in range(count):
        started = time.perf_counter()
        put()
        found.append((time.perf_counter() - started) * 1000)
    return found


def summary(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "median_ms": statistics.median(ordered),
        "p90_ms": ordered[int(len(ordered) * 0.9) - 1],
        "mean_ms": statistics.fmean(ordered),
        "calls": len(ordered),
    }


def measure_latency(lab: LocalLab, calls: int, rounds: int = 5) -> dict[str, Any]:
    gateway = lab.client("logs")
    keys = lab.session("instance").get_credentials().get_frozen_credentials()
    direct = boto3.session.Session(
        aws_access_key_id=keys.access_key,
        aws_secret_access_key=keys.secret_key,
        aws_session_token=keys.token,
        region_name=lab.info.region,
    ).client(
        "logs",
        endpoint_url=lab.info.urls["moto"],
        config=Config(retries={"max_attempts": 1, "mode": "standard"}),
    )

    def put_with(client: Any) -> Callable[[], Any]:
        def put() -> Any:
            event = {"timestamp": int(time.time() * 1000), "message": "bench"}
            return client.put_log_events(
                logGroupName=GROUP, logStreamName=STREAM, logEvents=[event]
            )

        return put

    through, straight = put_with(gateway), put_with(direct)
    latencies(through, 50)
    latencies(straight, 50)
    via_gateway: list[float] = []
    via_moto: list[float] = []
    per_round = max(1, calls // rounds)
    for _ in range(rounds):
        via_moto += latencies(straight, per_round)
        via_gateway += latencies(through, per_round)
    denied = lab.client("logs")

    def put_denied() -> Any:
        try:
            denied.put_log_events(
                logGroupName="logs-test-denied",
                logStreamName=STREAM,
                logEvents=[{"timestamp": int(time.time() * 1000), "message": "x"}],
            )
        except denied.exceptions.ClientError:
            return None
        raise RuntimeError("the denied call was allowed: the benchmark's setup is wrong")

    latencies(put_denied, 20)
    denials = latencies(put_denied, per_round)
    gateway_stats, moto_stats = summary(via_gateway), summary(via_moto)
    return {
        "gateway": gateway_stats,
        "direct_moto": moto_stats,
        "denied_at_gateway": summary(denials),
        "ratio_median": gateway_stats["median_ms"] / moto_stats["median_ms"],
    }


def measure_control_plane(lab: LocalLab, calls: int, rounds: int = 5) -> dict[str, Any]:
    """DescribeVpcEndpoints as the admin: through the control front vs straight to moto."""
    front = lab.client("ec2", "admin")
    keys = lab.session("admin").get_credentials().get_frozen_credentials()
    direct = boto3.session.Session(
        aws_access_key_id=keys.access_key,
        aws_secret_access_key=keys.secret_key,
        region_name=lab.info.region,
    ).client(
        "ec2",
        endpoint_url=lab.info.urls["moto"],
        config=Config(retries={"max_attempts": 1, "mode": "standard"}),
    )
    through, straight = front.describe_vpc_endpoints, direct.describe_vpc_endpoints
    latencies(through, 20)
    latencies(straight, 20)
    via_front: list[float] = []
    via_moto: list[float] = []
    per_round = max(1, calls // rounds)
    for _ in range(rounds):
        via_moto += latencies(straight, per_round)
        via_front += latencies(through, per_round)
    front_stats, moto_stats = summary(via_front), summary(via_moto)
    return {
        "control_front": front_stats,
        "direct_moto": moto_stats,
        "ratio_median": front_stats["median_ms"] / moto_stats["median_ms"],
    }


def measure_gateway_alone(
    calls: int, rounds: int = 5, profilers: dict[str, cProfile.Profile] | None = None
) -> dict[str, Any]:
    """The gateway's own time per PutLogEvents, allowed against denied, with no client and no
    socket: a lab server in this process, the instance's botocore client handing each signed
    request to the egress handler in-process, and only that handler call timed (routing,
    signature, parameters, the decision, the decision log; moto for the allowed call).

    With ``profilers`` (``{"allowed": ..., "denied": ...}``), the handler calls of the measured
    rounds run under the profiler of their kind (for ``benchmarks/profile_costs.py``; the
    timings are then the profiler's, not the figure)."""
    from botocore.awsrequest import AWSResponse
    from botocore.compat import HTTPHeaders
    from botocore.credentials import InstanceMetadataFetcher, InstanceMetadataProvider

    from labkit.local.wire.http import Incoming
    from labkit.local.wire.wsgi_forward import _Body
    from labkit.local.world.moto import server as moto_server

    moto_server.prepare_environment()
    from labkit.local.process.server import LabServer  # imports moto: after its environment

    server = LabServer("walkthrough", pending_seconds=0)
    info = server.start()
    timings: list[float] = []
    try:
        admin = server.secrets["admin"]
        boto3.client(
            "ec2",
            region_name=info.region,
            endpoint_url=info.urls["control"],
            aws_access_key_id=admin["access_key_id"],
            aws_secret_access_key=admin["secret_access_key"],
        ).create_vpc_endpoint(
            VpcEndpointType="Interface",
            VpcId=info.vpc_id,
            ServiceName=f"com.amazonaws.{info.region}.logs",
            SubnetIds=list(info.subnet_ids),
            SecurityGroupIds=list(info.security_group_ids.values()),
            PrivateDnsEnabled=True,
            PolicyDocument=data.policy_text(
                "walkthrough", account_id=info.account_id, region=info.region
            ),
        )
        fetcher = InstanceMetadataFetcher(base_url=info.urls["imds"], timeout=5)
        keys = InstanceMetadataProvider(iam_role_fetcher=fetcher).load().get_frozen_credentials()
        egress = server.data_plane._egress.app  # the instance's egress handler

        def in_process(request: Any, **_: Any) -> Any:
            parts = request.url.split("/", 3)
            headers_in = tuple(
                (k, v.decode() if isinstance(v, bytes) else v) for k, v in request.headers.items()
            )
            if not any(k.lower() == "host" for k, _ in headers_in):
                headers_in = (("Host", parts[2]), *headers_in)  # as urllib3 would send it
            body = request.body if isinstance(request.body, bytes) else request.body.encode()
            path = "/" + (parts[3] if len(parts) > 3 else "")
            incoming = Incoming(request.method, path, headers_in, body, ("127.0.0.1", 40000))
            started = time.perf_counter()
            if profiling is not None:
                answer = profiling.runcall(egress, incoming)
            else:
                answer = egress(incoming)
            timings.append((time.perf_counter() - started) * 1000)
            headers = HTTPHeaders()
            for name, value in answer.headers:
                headers[name] = value
            return AWSResponse(request.url, answer.status, headers, _Body(answer.body))

        client = boto3.client(
            "logs",
            region_name=info.region,
            endpoint_url=info.urls["egress"],
            aws_access_key_id=keys.access_key,
            aws_secret_access_key=keys.secret_key,
            aws_session_token=keys.token,
            config=Config(retries={"max_attempts": 1, "mode": "standard"}),
        )
        client.meta.events.register("before-send", in_process)

        def put(group: str) -> None:
            event = {"timestamp": int(time.time() * 1000), "message": "bench"}
            try:
                client.put_log_events(logGroupName=group, logStreamName=STREAM, logEvents=[event])
            except client.exceptions.ClientError:
                if group == GROUP:
                    raise

        def timed(group: str, count: int) -> list[float]:
            nonlocal profiling
            if profilers is not None and measuring:
                profiling = profilers["allowed" if group == GROUP else "denied"]
            timings.clear()
            for _ in range(count):
                put(group)
            return list(timings)

        profiling: cProfile.Profile | None = None
        measuring = False
        timed(GROUP, 50)
        timed("logs-test-denied", 50)
        measuring = True
        allowed: list[float] = []
        denied: list[float] = []
        per_round = max(1, calls // rounds)
        for _ in range(rounds):
            allowed += timed(GROUP, per_round)
            denied += timed("logs-test-denied", per_round)
    finally:
        server.stop()
    allowed_stats, denied_stats = summary(allowed), summary(denied)
    return {
        "allowed": allowed_stats,
        "denied": denied_stats,
        "ratio_median": denied_stats["median_ms"] / allowed_stats["median_ms"],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=500, help="PutLogEvents per path")
    parser.add_argument("--starts", type=int, default=3, help="cold starts to time")
    args = parser.parse_args(argv)

    starts: list[float] = []
    lab: LocalLab | None = None
    for _ in range(args.starts):
        seconds, started = timed_start()
        starts.append(seconds)
        if lab is None:
            lab = started
        else:
            started.stop()
    assert lab is not None
    try:
        memory_ready = memory_of(lab.pid)
        open_endpoint(lab)
        latency = measure_latency(lab, args.calls)
        control = measure_control_plane(lab, max(50, args.calls // 5))
        memory_after = memory_of(lab.pid)
    finally:
        lab.stop()
    alone = measure_gateway_alone(args.calls)

    result = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": __import__("os").cpu_count(),
        },
        "cold_start_s": {"runs": starts, "median": statistics.median(starts)},
        "latency": latency,
        "control_plane": control,
        "gateway_alone": alone,
        "memory": {"ready": memory_ready, "after_calls": memory_after},
    }
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = RESULTS / f"bench_gateway-{stamp}.json"
    path.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(render(result))
    print(f"\nwritten: {path}")
    return 0


def render(result: dict[str, Any]) -> str:
    latency = result["latency"]
    rows = [
        ("PutLogEvents via gateway, median", f"{latency['gateway']['median_ms']:.2f} ms"),
        ("PutLogEvents via gateway, p90", f"{latency['gateway']['p90_ms']:.2f} ms"),
        ("PutLogEvents direct to moto, median", f"{latency['direct_moto']['median_ms']:.2f} ms"),
        ("PutLogEvents direct to moto, p90", f"{latency['direct_moto']['p90_ms']:.2f} ms"),
        ("ratio of medians (aim <= 1.05)", f"{latency['ratio_median']:.3f}"),
        ("denied at the gateway, median", f"{latency['denied_at_gateway']['median_ms']:.2f} ms"),
        (
            "denied / allowed, client round trips (aim <= 0.5)",
            f"{latency['denied_at_gateway']['median_ms'] / latency['gateway']['median_ms']:.3f}",
        ),
        (
            "gateway alone (no client, no socket): allowed, median",
            f"{result['gateway_alone']['allowed']['median_ms']:.3f} ms",
        ),
        (
            "gateway alone: denied, median",
            f"{result['gateway_alone']['denied']['median_ms']:.3f} ms",
        ),
        ("gateway alone: denied / allowed", f"{result['gateway_alone']['ratio_median']:.3f}"),
        (
            "DescribeVpcEndpoints via control front, median",
            f"{result['control_plane']['control_front']['median_ms']:.2f} ms",
        ),
        (
            "DescribeVpcEndpoints direct to moto, median",
            f"{result['control_plane']['direct_moto']['median_ms']:.2f} ms",
        ),
        ("control-plane ratio of medians", f"{result['control_plane']['ratio_median']:.3f}"),
        (
            "cold start to ready lab, median (benchmarks/bench_start.py has more)",
            f"{result['cold_start_s']['median']:.2f} s "
            f"(runs: {', '.join(f'{s:.2f}' for s in result['cold_start_s']['runs'])})",
        ),
        ("lab RSS when ready", f"{result['memory']['ready']['rss_mib']:.0f} MiB"),
        ("lab RSS after the calls", f"{result['memory']['after_calls']['rss_mib']:.0f} MiB"),
        ("lab peak RSS", f"{result['memory']['after_calls']['peak_rss_mib']:.0f} MiB"),
    ]
    width = max(len(name) for name, _ in rows)
    lines = [f"{'measure':<{width}}  value", f"{'-' * width}  {'-' * 24}"]
    lines += [f"{name:<{width}}  {value}" for name, value in rows]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
