"""Load: 8 threads × 500 PutLogEvents through the gateway; no errors, every event stored."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from lab_world import REGION, World

from labkit import data

THREADS, CALLS = 8, 500


@pytest.mark.slow
def test_eight_threads_of_500_puts_all_succeed_and_all_events_are_stored(
    world: World, plane_factory: Any
) -> None:
    world.delete_endpoints()
    world.create_endpoint(
        "logs", policy=data.policy_text("walkthrough", account_id=world.account, region=REGION)
    )
    plane, urls = plane_factory()
    stream = f"load-{time.monotonic_ns()}"
    setup = world.instance_client(urls["egress"])
    setup.create_log_stream(logGroupName="logs-test-allowed", logStreamName=stream)
    errors: list[str] = []
    start = threading.Barrier(THREADS)

    def work(worker: int) -> None:
        client = world.instance_client(urls["egress"])
        start.wait()
        for call in range(CALLS):
            try:
                client.put_log_events(
                    logGroupName="logs-test-allowed",
                    logStreamName=stream,
                    logEvents=[
                        {"timestamp": int(time.time() * 1000), "message": f"{worker}:{call}"}
                    ],
                )
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
    expected = {f"{w}:{c}" for w in range(THREADS) for c in range(CALLS)}
    assert len(stored) == THREADS * CALLS
    assert set(stored) == expected
    allowed = [r for r in plane.decisions.recent(THREADS * CALLS) if r.get("outcome") == "allowed"]
    assert len(allowed) == THREADS * CALLS
