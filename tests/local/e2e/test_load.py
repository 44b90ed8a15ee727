"""Load: 8 threads × 250 PutLogEvents through a running lab's gateway; no errors, all stored.

The calls go through the instance's egress and the logs endpoint (the memo's policy decides
each one) to moto, from plain boto3 clients in this process, as a user's code would send them.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from labkit import data
from labkit.local.process.launcher import LocalLab

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
# 2,000 calls from 8 threads that start together interleave thoroughly at the gateway and in
# moto; each call costs ~3.7 ms of CPU end to end, so 8 × 500 was ~15 s of the fast suite's CPU
# for no interleaving the smaller run lacks. benchmarks/bench_reliability.py runs 8 × 1,000
# with read-back, counting lost and duplicated events.
THREADS, CALLS = 8, 250


@pytest.fixture(scope="module")
def lab() -> Iterator[LocalLab]:
    started = LocalLab.start("walkthrough")
    try:
        yield started
    finally:
        started.stop()


def test_eight_threads_of_250_puts_all_succeed_and_all_events_are_stored(lab: LocalLab) -> None:
    info = lab.info
    ec2 = lab.client("ec2", "admin")
    vpce = ec2.create_vpc_endpoint(
        VpcEndpointType="Interface",
        VpcId=info.vpc_id,
        ServiceName=f"com.amazonaws.{info.region}.logs",
        SubnetIds=list(info.subnet_ids),
        SecurityGroupIds=list(info.security_group_ids.values()),
        PolicyDocument=data.policy_text(
            "walkthrough", account_id=info.account_id, region=info.region
        ),
    )["VpcEndpoint"]["VpcEndpointId"]
    while ec2.describe_vpc_endpoints(VpcEndpointIds=[vpce])["VpcEndpoints"][0]["State"] != (
        "available"
    ):
        time.sleep(0.2)
    stream = f"load-{time.monotonic_ns()}"
    setup = lab.client("logs")
    setup.create_log_stream(logGroupName="logs-test-allowed", logStreamName=stream)
    errors: list[str] = []
    request_ids: list[str] = []
    start = threading.Barrier(THREADS)

    def work(worker: int) -> None:
        client = lab.client("logs")
        start.wait()
        for call in range(CALLS):
            event = {"timestamp": int(time.time() * 1000), "message": f"{worker}:{call}"}
            try:
                answer = client.put_log_events(
                    logGroupName="logs-test-allowed", logStreamName=stream, logEvents=[event]
                )
                request_ids.append(answer["ResponseMetadata"]["RequestId"])
            except Exception as error:  # every failure is collected and reported
                errors.append(f"{worker}:{call}: {error!r}")

    threads = [threading.Thread(target=work, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []

    stored: list[str] = []
    token = None
    while True:
        page = setup.get_log_events(
            logGroupName="logs-test-allowed",
            logStreamName=stream,
            startFromHead=True,
            **({"nextToken": token} if token else {}),
        )
        stored += [event["message"] for event in page["events"]]
        if page["nextForwardToken"] == token or not page["events"]:
            break
        token = page["nextForwardToken"]
    assert len(stored) == THREADS * CALLS
    assert set(stored) == {f"{w}:{c}" for w in range(THREADS) for c in range(CALLS)}
    assert len(set(request_ids)) == THREADS * CALLS
    sample = lab.decision(request_ids[-1])
    assert sample.decision == "Allowed" and sample.network.vpce_id == vpce
