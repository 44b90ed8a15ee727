"""Benchmark the policy engine: evaluations per second on one core.

Two corpora:

* **conformance** — every case in ``tests/conformance/policy/`` (policies parsed once, as the
  gateway's parse cache does), each evaluation on a freshly built :class:`Request`;
* **generated** — distinct requests (no two alike: principals, resources, actions, tags and
  endpoint IDs vary) against four realistic policy sets: the walkthrough's endpoint policy, a
  data-perimeter endpoint policy with conditions and a policy variable, SCPs with a permissions
  boundary and a session policy, and a cross-account event bus with a bus policy.

Nothing is memoised across requests: every ``Request`` object is new, so its derived fields
(lower-cased action, caller layers, context keys) are computed inside the timed evaluation.
Requests are built before the clock starts; building one is reported separately, as is the cost
of an empty call over the same arguments (the baseline the ratios refer to), the message text,
and the lazily built explanation tree.

Prints a table and writes JSON to ``benchmarks/results/`` (git-ignored).

    .venv/bin/python benchmarks/bench_policy.py [--requests 20000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import random
import statistics
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from labkit.policy import PolicySet, Request, evaluate, parse_policy
from labkit.policy.cases import PolicyCase, case_files, load_case

ROOT = Path(__file__).resolve().parent
RESULTS = ROOT / "results"
CONFORMANCE = ROOT.parent / "tests" / "conformance" / "policy"
ACCOUNT, OTHER, REGION = "111122223333", "444455556666", "ap-northeast-1"

Work = list[tuple[Request, PolicySet]]


def pin_to_one_core() -> int | None:
    """Run on a single CPU (Linux); return it, or ``None`` where affinity is not available."""
    if not hasattr(os, "sched_setaffinity"):
        return None
    cpu = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpu})
    return cpu


def fresh(request: Request) -> Request:
    """A new Request with the same content (so nothing derived is cached on it)."""
    return Request(
        request.principal,
        request.action,
        request.resource,
        dict(request.context),
        request.via_endpoint,
    )


def conformance_work(repeat: int) -> Work:
    cases = [c for c in map(load_case, case_files([CONFORMANCE])) if isinstance(c, PolicyCase)]
    return [(fresh(c.request), c.policies) for _ in range(repeat) for c in cases]


def _policy(
    kind: str, statements: list[dict[str, Any]], version: str | None = "2012-10-17", **kw: Any
) -> Any:
    document: dict[str, Any] = {"Statement": statements}
    if version:
        document["Version"] = version
    return parse_policy(document, kind=kind, **kw)  # type: ignore[arg-type]


def scenario_policy_sets() -> dict[str, PolicySet]:
    role_policy = _policy(
        "identity",
        [
            {"Effect": "Allow", "Action": ["logs:*", "events:*"], "Resource": "*"},
            {
                "Effect": "Deny",
                "Action": "logs:DeleteLogGroup",
                "Resource": f"arn:aws:logs:*:{ACCOUNT}:log-group:prod-*",
            },
        ],
    )
    walkthrough = _policy(
        "vpc-endpoint",
        [
            {
                "Action": "*",
                "Effect": "Allow",
                "Resource": [f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:logs-test-allowed:*"],
                "Principal": "*",
            }
        ],
        version=None,
    )
    perimeter = _policy(
        "vpc-endpoint",
        [
            {
                "Sid": "OwnIdentitiesToOwnResources",
                "Effect": "Allow",
                "Principal": "*",
                "Action": ["logs:*", "events:*"],
                "Resource": "*",
                "Condition": {
                    "StringEquals": {
                        "aws:PrincipalAccount": ACCOUNT,
                        "aws:ResourceAccount": "${aws:PrincipalAccount}",
                    },
                    "ForAllValues:StringLike": {"aws:TagKeys": ["team", "env-*"]},
                },
            },
            {
                "Effect": "Deny",
                "Principal": "*",
                "Action": "logs:PutRetentionPolicy",
                "Resource": "*",
                "Condition": {
                    "StringNotEqualsIfExists": {"aws:SourceVpce": "vpce-0a1b2c3d4e5f6a7b8"}
                },
            },
        ],
    )
    scps = [
        [_policy("scp", [{"Effect": "Allow", "Action": "*", "Resource": "*"}])],
        [
            _policy(
                "scp", [{"Effect": "Allow", "Action": ["logs:*", "events:*"], "Resource": "*"}]
            ),
            _policy(
                "scp",
                [{"Effect": "Deny", "Action": "logs:DeleteLogGroup", "Resource": "*"}],
                arn="arn:aws:organizations::987654321098:policy/o-abc/service_control_policy/p-1",
            ),
        ],
    ]
    boundary = _policy(
        "permission-boundary",
        [{"Effect": "Allow", "NotAction": ["logs:DeleteLogGroup"], "Resource": "*"}],
    )
    session = _policy(
        "session",
        [{"Effect": "Allow", "Action": "logs:*", "Resource": f"arn:aws:logs:{REGION}:{ACCOUNT}:*"}],
    )
    bus = _policy(
        "resource",
        [
            {
                "Sid": "AllowAccountA",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                "Action": "events:PutEvents",
                "Resource": f"arn:aws:events:{REGION}:{OTHER}:event-bus/central",
                "Condition": {"ForAnyValue:StringLike": {"events:source": ["com.example.*"]}},
            }
        ],
    )
    return {
        "walkthrough": PolicySet(identity=[role_policy], vpc_endpoint=walkthrough),
        "perimeter": PolicySet(identity=[role_policy], vpc_endpoint=perimeter),
        "organization": PolicySet(
            identity=[role_policy], scps=scps, permission_boundary=boundary, session=session
        ),
        "cross-account": PolicySet(identity=[role_policy], vpc_endpoint=perimeter, resource=bus),
    }


def generated_work(count: int, seed: int = 7) -> Work:
    rng = random.Random(seed)
    sets = scenario_policy_sets()
    names = list(sets)
    actions = [
        "logs:PutLogEvents",
        "logs:CreateLogStream",
        "logs:DescribeLogStreams",
        "logs:TagResource",
        "logs:DeleteLogGroup",
        "logs:PutRetentionPolicy",
        "events:PutEvents",
    ]
    work: Work = []
    seen: set[tuple[str, str, str, str]] = set()
    while len(work) < count:
        n = len(work)
        scenario = names[n % len(names)]
        account = ACCOUNT if rng.random() < 0.8 else OTHER
        session = f"arn:aws:sts::{account}:assumed-role/role-{rng.randrange(50)}/i-{n:017x}"
        action = rng.choice(actions)
        if action == "events:PutEvents":
            bus_account = OTHER if scenario == "cross-account" else account
            bus = rng.choice(["default", "central"])
            resource = f"arn:aws:events:{REGION}:{bus_account}:event-bus/{bus}"
        else:
            group = rng.choice(
                ["logs-test-allowed", "logs-test-denied", f"app-{n}", f"prod-{n % 97}"]
            )
            resource = f"arn:aws:logs:{REGION}:{account}:log-group:{group}:log-stream:s-{n}"
        via = rng.random() < 0.85
        context: dict[str, str | list[str]] = {
            "aws:PrincipalArn": f"arn:aws:iam::{account}:role/{session.split('/')[1]}",
            "aws:PrincipalAccount": account,
            "aws:ResourceAccount": resource.split(":")[4],
        }
        if via:
            context.update(
                {
                    "aws:SourceVpce": rng.choice(["vpce-0a1b2c3d4e5f6a7b8", f"vpce-{n:017x}"]),
                    "aws:SourceVpc": "vpc-0abc1234def567890",
                    "aws:VpcSourceIp": f"172.31.{n % 256}.{rng.randrange(1, 255)}",
                }
            )
        if rng.random() < 0.3:
            context["aws:TagKeys"] = rng.sample(
                ["team", "env-prod", "owner", "cost"], rng.randrange(0, 3)
            )
        if action == "events:PutEvents":
            context["events:source"] = [rng.choice(["com.example.app", "aws.ec2", f"app.{n}"])]
        key = (session, action, resource, json.dumps(context, sort_keys=True))
        if key in seen:  # every request differs (the session name alone is unique)
            continue
        seen.add(key)
        work.append((Request(session, action, resource, context, via), sets[scenario]))
    return work


def measure(
    label: str, run: Callable[[Work], None], make_work: Callable[[], Work], rounds: int
) -> dict[str, Any]:
    """Median rate over ``rounds``, each on newly built work (fresh Request objects).

    Two clocks: wall time (``per_second_*``), and the CPU time this process used
    (``cpu_per_second_median``): the core is pinned but not reserved, so on a loaded machine the
    wall clock also counts the time other processes held it; the CPU clock counts only the
    engine's own work.
    """
    rates = []
    cpu_rates = []
    size = 0
    for _ in range(rounds):
        work = make_work()
        size = len(work)
        gc.collect()
        gc.disable()
        start, cpu_start = time.perf_counter(), time.process_time()
        run(work)
        elapsed = time.perf_counter() - start
        cpu_elapsed = time.process_time() - cpu_start
        gc.enable()
        rates.append(size / elapsed)
        cpu_rates.append(size / max(cpu_elapsed, 1e-9))
    return {
        "name": label,
        "items": size,
        "rounds": rounds,
        "per_second_median": statistics.median(rates),
        "per_second_min": min(rates),
        "per_second_max": max(rates),
        "microseconds_each": 1e6 / statistics.median(rates),
        "cpu_per_second_median": statistics.median(cpu_rates),
    }


def run_evaluate(work: Work) -> None:
    for request, policies in work:
        evaluate(request, policies)


def run_message(work: Work) -> None:
    for request, policies in work:
        evaluate(request, policies).message()


def run_explanation(work: Work) -> None:
    for request, policies in work:
        evaluate(request, policies, explain=True)  # decision and explanation in one pass


def run_explanation_later(work: Work) -> None:
    for request, policies in work:
        evaluate(request, policies).explanation  # noqa: B018 (building it is the work)


def _noop(request: Request, policies: PolicySet) -> None:
    return None


def run_baseline(work: Work) -> None:
    for request, policies in work:
        _noop(request, policies)


def run_build(work: Work) -> None:
    for request, _policies in work:
        fresh(request)


def decision_counts(work: Work) -> dict[str, int]:
    counts: dict[str, int] = {}
    for request, policies in work:
        decision = evaluate(request, policies)
        key = f"{decision.decision}/{decision.denied_by}"
        counts[key] = counts.get(key, 0) + 1
    return dict(sorted(counts.items()))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=20_000, help="generated requests per round")
    parser.add_argument(
        "--repeat", type=int, default=200, help="passes over the conformance corpus"
    )
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    cpu = pin_to_one_core()

    conformance = lambda: conformance_work(args.repeat)  # noqa: E731
    generated = lambda: generated_work(args.requests)  # noqa: E731
    explained = lambda: generated_work(max(args.requests // 10, 100), seed=11)  # noqa: E731
    rows = [
        measure("conformance corpus: evaluate", run_evaluate, conformance, args.rounds),
        measure("generated distinct requests: evaluate", run_evaluate, generated, args.rounds),
        measure("generated: evaluate + message()", run_message, generated, args.rounds),
        measure("generated: evaluate + explanation", run_explanation, explained, args.rounds),
        measure(
            "generated: evaluate, then .explanation", run_explanation_later, explained, args.rounds
        ),
        measure("baseline: empty call, same arguments", run_baseline, generated, args.rounds),
        measure(
            "building one Request (outside the timings above)", run_build, generated, args.rounds
        ),
    ]
    baseline = rows[5]["per_second_median"]
    for row in rows:
        row["cost_vs_empty_call"] = baseline / row["per_second_median"]

    print(f"policy engine, one core (cpu {cpu}), Python {platform.python_version()}")
    header = f"{'measurement':52} {'per second':>12} {'us each':>9} {'x empty call':>13}"
    print(f"{header} {'per CPU-second':>15}")
    for row in rows:
        print(
            f"{row['name']:52} {row['per_second_median']:12,.0f} {row['microseconds_each']:9.2f} "
            f"{row['cost_vs_empty_call']:13.1f} {row['cpu_per_second_median']:15,.0f}"
        )
    explain_cost = rows[1]["cpu_per_second_median"] / rows[3]["cpu_per_second_median"]
    print(f"evaluate + explanation costs {explain_cost:.1f}x evaluate (CPU time)")
    sample = generated_work(args.requests)
    counts = decision_counts(sample)
    print("generated corpus decisions:", ", ".join(f"{k} {v}" for k, v in counts.items()))

    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = RESULTS / f"bench_policy-{stamp}.json"
    out.write_text(
        json.dumps(
            {
                "benchmark": "policy",
                "when": stamp,
                "python": platform.python_version(),
                "machine": platform.machine(),
                "cpu": cpu,
                "load_average": os.getloadavg() if hasattr(os, "getloadavg") else None,
                "rows": rows,
                "generated_decisions": counts,
            },
            indent=2,
        )
    )
    print(f"written: {out.relative_to(ROOT.parent)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
