"""Reliability of the local lab under load, slowloris and bad input: a repeatable run.

One run, on one walkthrough lab with the memo's endpoint policy, measures:

* **load with read-back**: ``--threads`` threads each put ``--per-thread`` events, one per
  PutLogEvents call, to the allowed group (each its own stream), while two threads make denied
  calls to the denied group; then every stream is read back with GetLogEvents and the whole
  group with FilterLogEvents: events lost and duplicated are counted (both should be 0);
* **slowloris**: ``--slow`` connections to the instance's egress listener each trickle a
  request head that never ends; meanwhile ordinary calls are timed; the count of lab threads
  is sampled before, at the peak and after the listeners' head deadline;
* **bad input matrix**: every malformed request of the matrix below is sent to every listener,
  each followed by a correct request; counted: answers by status, 5xx answers, no answer at all,
  and whether the correct request after each was served;
* **memory**: the lab process's RSS every ``--rss-every`` calls over ``--rss-calls`` calls
  (the curve; the decision log's caps should flatten it).

Prints the figures and writes JSON to ``benchmarks/results/`` (git-ignored). Nothing here
asserts a time; the counts (lost, duplicated, 5xx, no answer) are what to read.

    .venv/bin/python benchmarks/bench_reliability.py [--threads 8 --per-thread 1000]
        [--slow 400] [--rss-calls 50000 --rss-every 5000]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import platform
import socket
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from botocore.exceptions import ClientError

from labkit import data
from labkit.local.process.launcher import LocalLab

RESULTS = Path(__file__).resolve().parent / "results"
ALLOWED, DENIED = "logs-test-allowed", "logs-test-denied"
LISTENERS = ("control", "egress", "public", "imds", "ctl", "guard_proxy")
PUT = b"POST / HTTP/1.1\r\nX-Amz-Target: Logs_20140328.PutLogEvents\r\n"
#: Requests after which the client stops sending: the lab may close without an answer.
NO_ANSWER_EXPECTED = ("empty-line-then-eof", "body-short")

BAD_INPUT: list[tuple[str, bytes]] = [
    ("length-abc", b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n"),
    ("length-negative", b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n"),
    ("length-plus", b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: +5\r\n\r\n"),
    ("length-unicode-digit", b"POST / HTTP/1.1\r\nContent-Length: \xd9\xa3\r\n\r\n"),
    ("length-huge", b"POST / HTTP/1.1\r\nContent-Length: " + b"9" * 5000 + b"\r\n\r\n"),
    ("length-two-values", b"POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab"),
    ("length-over-limit", b"POST / HTTP/1.1\r\nContent-Length: 999999999\r\n\r\n"),
    ("chunked", b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"),
    (
        "chunked-smuggle",
        b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET / HTTP/1.1\r\n\r\n",
    ),
    ("te-gzip", b"POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n"),
    ("header-flood", b"GET / HTTP/1.1\r\n" + b"X-F: y\r\n" * 500 + b"\r\n"),
    ("header-huge", b"GET / HTTP/1.1\r\nX-B: " + b"y" * 100_000 + b"\r\n\r\n"),
    ("request-line-huge", b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\n\r\n"),
    ("http2-preface", b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"),
    ("tls-hello", b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\x00" * 64),
    ("garbage", b"\x00\xff\xfe garbage \r\n\r\n"),
    ("no-version", b"GET /\r\n\r\n"),
    ("bad-version", b"GET / HTTP/9.9\r\n\r\n"),
    ("lf-only", b"GET / HTTP/1.1\nHost: x\n\n"),
    ("empty-line-then-eof", b"\r\n"),
    (
        "json-not-json",
        PUT + b"Content-Length: 3\r\n\r\n{{{",
    ),
    (
        "json-deep",
        PUT + b"Content-Length: 20000\r\n\r\n" + b"[" * 10_000 + b"]" * 10_000,
    ),
    (
        "json-surrogate",
        PUT + b'Content-Length: 17\r\n\r\n{"a":"\\ud800xxx"}',
    ),
    ("body-short", b"POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc"),
]


def exchange(url: str, payload: bytes, timeout: float = 45.0) -> bytes | None:
    """Send raw bytes and end the sending side, read until the server closes; None if the
    connection failed or nothing came back."""
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname, parts.port), timeout=timeout) as conn:
            conn.sendall(payload)
            conn.shutdown(socket.SHUT_WR)
            received = b""
            while True:
                chunk = conn.recv(65536)
                if not chunk:
                    return received
                received += chunk
    except OSError:
        return None


def status_of(answer: bytes | None) -> int | None:
    try:
        return int(answer.split(b" ", 2)[1]) if answer else None
    except (IndexError, ValueError):
        return None


def lab_threads(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("Threads:"):
            return int(line.split()[1])
    return 0


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def open_endpoint(lab: LocalLab) -> None:
    ec2 = lab.client("ec2", "admin")
    info = lab.info
    created = ec2.create_vpc_endpoint(
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
    vpce = created["VpcEndpoint"]["VpcEndpointId"]
    for _ in range(200):
        found = ec2.describe_vpc_endpoints(VpcEndpointIds=[vpce])["VpcEndpoints"][0]
        if found["State"] == "available":
            return
        time.sleep(0.1)
    raise RuntimeError(f"{vpce} did not become available")


def load_with_read_back(lab: LocalLab, threads: int, per_thread: int) -> dict[str, Any]:
    """Allowed puts (one event each) in parallel with denied ones; then read everything back."""
    admin = lab.client("logs", "admin")
    streams = [f"load-{index}" for index in range(threads)]
    for stream in streams:
        admin.create_log_stream(logGroupName=ALLOWED, logStreamName=stream)
    errors: Counter[str] = Counter()
    denied: Counter[str] = Counter()
    stop_denied = threading.Event()

    def put_allowed(stream: str) -> None:
        logs = lab.client("logs", "instance")
        for sequence in range(per_thread):
            event = {"timestamp": int(time.time() * 1000), "message": f"{stream}#{sequence}"}
            try:
                logs.put_log_events(logGroupName=ALLOWED, logStreamName=stream, logEvents=[event])
            except ClientError as err:
                errors[err.response["Error"]["Code"]] += 1

    def put_denied() -> None:
        logs = lab.client("logs", "instance")
        while not stop_denied.is_set():
            event = {"timestamp": int(time.time() * 1000), "message": "denied"}
            try:
                logs.put_log_events(
                    logGroupName=DENIED, logStreamName="log-stream", logEvents=[event]
                )
                denied["allowed (wrong)"] += 1
            except ClientError as err:
                denied[err.response["Error"]["Code"]] += 1

    started = time.perf_counter()
    workers = [threading.Thread(target=put_allowed, args=(s,)) for s in streams]
    deniers = [threading.Thread(target=put_denied) for _ in range(2)]
    for worker in workers + deniers:
        worker.start()
    for worker in workers:
        worker.join()
    stop_denied.set()
    for worker in deniers:
        worker.join()
    seconds = time.perf_counter() - started

    read: Counter[str] = Counter()
    for stream in streams:
        token = None
        while True:
            kwargs: dict[str, Any] = {"logGroupName": ALLOWED, "logStreamName": stream}
            kwargs |= {"nextToken": token} if token else {"startFromHead": True}
            page = admin.get_log_events(**kwargs)
            read.update(e["message"] for e in page["events"])
            if not page["events"] or page["nextForwardToken"] == token:
                break
            token = page["nextForwardToken"]
    filtered: Counter[str] = Counter()
    kwargs = {"logGroupName": ALLOWED, "logStreamNames": streams}
    while True:
        page = admin.filter_log_events(**kwargs)
        filtered.update(e["message"] for e in page["events"])
        if "nextToken" not in page:
            break
        kwargs["nextToken"] = page["nextToken"]
    sent = {f"{s}#{n}" for s in streams for n in range(per_thread)}
    return {
        "allowed_calls": threads * per_thread,
        "allowed_errors": dict(errors),
        "denied_answers": dict(denied),
        "seconds": round(seconds, 2),
        "calls_per_second": round((threads * per_thread + sum(denied.values())) / seconds, 1),
        "get_log_events": {
            "lost": len(sent - set(read)),
            "duplicated": sum(c - 1 for c in read.values() if c > 1),
        },
        "filter_log_events": {
            "lost": len(sent - set(filtered)),
            "duplicated": sum(c - 1 for c in filtered.values() if c > 1),
        },
    }


def slowloris(lab: LocalLab, count: int) -> dict[str, Any]:
    """``count`` never-ending request heads on the egress listener while calls go on."""
    parts = urlsplit(lab.info.urls["egress"])
    before = lab_threads(lab.pid)
    held = []
    for _ in range(count):
        conn = socket.create_connection((parts.hostname, parts.port), timeout=60)
        conn.sendall(b"POST / HTTP/1.1\r\nHost: x\r\n")
        held.append(conn)
    peak = lab_threads(lab.pid)
    logs = lab.client("logs", "instance")
    served = 0
    latencies = []
    for _ in range(20):
        started = time.perf_counter()
        logs.describe_log_streams(logGroupName=ALLOWED)
        latencies.append((time.perf_counter() - started) * 1000)
        served += 1
    closed_by_lab = 0
    statuses: Counter[str] = Counter()
    deadline = time.monotonic() + 60
    for conn in held:
        conn.settimeout(max(0.1, deadline - time.monotonic()))
        try:
            answer = conn.recv(4096)
            statuses[str(status_of(answer))] += 1
            closed_by_lab += 1
        except OSError:
            statuses["still open"] += 1
        conn.close()
    time.sleep(1)
    return {
        "connections": count,
        "lab_threads": {"before": before, "peak": peak, "after": lab_threads(lab.pid)},
        "calls_served_meanwhile": served,
        "call_latency_ms_median": round(sorted(latencies)[len(latencies) // 2], 1),
        "timed_out_by_the_lab": closed_by_lab,
        "answers": dict(statuses),
    }


def bad_input(lab: LocalLab) -> dict[str, Any]:
    """Every malformed request on every listener, each followed by a correct one."""
    statuses: Counter[str] = Counter()
    no_answer, server_errors, not_served_after = [], [], []
    for listener in LISTENERS:
        url = lab.info.urls[listener]
        for name, payload in BAD_INPUT:
            status = status_of(exchange(url, payload))
            statuses[str(status)] += 1
            if status is None and name not in NO_ANSWER_EXPECTED:
                no_answer.append(f"{listener}:{name}")
            elif status is not None and status >= 500 and status not in (501, 505):
                server_errors.append(f"{listener}:{name}:{status}")
            after = status_of(exchange(url, b"GET / HTTP/1.1\r\nConnection: close\r\n\r\n"))
            if after is None:
                not_served_after.append(f"{listener}:{name}")
    return {
        "kinds": len(BAD_INPUT),
        "requests": len(BAD_INPUT) * len(LISTENERS),
        "statuses": dict(sorted(statuses.items())),
        "no_answer": no_answer,
        "server_errors": server_errors,
        "correct_request_not_served_after": not_served_after,
    }


def rss_curve(lab: LocalLab, calls: int, every: int) -> list[tuple[int, float]]:
    """RSS after every ``every`` calls (allowed PutLogEvents and denied ones, alternating)."""
    logs = lab.client("logs", "instance")
    curve = [(0, round(rss_mib(lab.pid), 1))]
    for done in range(1, calls + 1):
        group = ALLOWED if done % 2 else DENIED
        event = {"timestamp": int(time.time() * 1000), "message": f"rss {done}"}
        with contextlib.suppress(ClientError):
            logs.put_log_events(logGroupName=group, logStreamName="log-stream", logEvents=[event])
        if done % every == 0:
            curve.append((done, round(rss_mib(lab.pid), 1)))
    return curve


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--per-thread", type=int, default=1000)
    parser.add_argument("--slow", type=int, default=400)
    parser.add_argument("--rss-calls", type=int, default=50_000)
    parser.add_argument("--rss-every", type=int, default=5_000)
    args = parser.parse_args(argv)

    lab = LocalLab.start("walkthrough")
    try:
        open_endpoint(lab)
        result: dict[str, Any] = {
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": {"python": platform.python_version(), "platform": platform.platform()},
        }
        result["bad_input"] = bad_input(lab)
        print("bad input:", json.dumps(result["bad_input"], indent=1))
        result["load"] = load_with_read_back(lab, args.threads, args.per_thread)
        print("load:", json.dumps(result["load"], indent=1))
        result["slowloris"] = slowloris(lab, args.slow)
        print("slowloris:", json.dumps(result["slowloris"], indent=1))
        result["rss_mib"] = rss_curve(lab, args.rss_calls, args.rss_every)
        print("rss (calls, MiB):", result["rss_mib"])
    finally:
        lab.stop()
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    (RESULTS / f"reliability-{stamp}.json").write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
