"""The decision log: by request id, bounded, copies out."""

from __future__ import annotations

import threading

import pytest

from labkit.local.gateway.decision_log import DecisionLog


def test_records_are_found_by_request_id_and_carry_it() -> None:
    log = DecisionLog()
    log.record("r1", {"decision": "Allowed"})
    assert log.get("r1") == {"request_id": "r1", "decision": "Allowed"}
    assert log.get("unknown") is None


def test_get_returns_a_copy() -> None:
    log = DecisionLog()
    log.record("r1", {"policies": [{"text": "{}"}]})
    log.get("r1")["policies"].clear()  # type: ignore[index]
    assert log.get("r1")["policies"] == [{"text": "{}"}]  # type: ignore[index]


def test_the_oldest_records_are_dropped_past_capacity() -> None:
    log = DecisionLog(capacity=3)
    for i in range(5):
        log.record(f"r{i}", {"i": i})
    assert len(log) == 3 and log.get("r0") is None and log.get("r4") is not None
    assert [r["i"] for r in log.recent(2)] == [3, 4]


def test_capacity_must_be_positive() -> None:
    with pytest.raises(ValueError, match="capacity must be at least 1"):
        DecisionLog(capacity=0)


def test_concurrent_writers_lose_nothing() -> None:
    log = DecisionLog()

    def write(n: int) -> None:
        for i in range(500):
            log.record(f"{n}-{i}", {})

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(log) == 4000


def test_lazy_parts_are_computed_once_on_first_read() -> None:
    from labkit.local.gateway.decision_log import Lazy

    calls: list[int] = []

    def explain() -> dict:
        calls.append(1)
        return {"steps": [Lazy(lambda: "nested")]}

    log = DecisionLog()
    log.record("r1", {"explanation": Lazy(explain)})
    assert calls == []
    assert log.get("r1") == {"request_id": "r1", "explanation": {"steps": ["nested"]}}
    assert log.recent(1)[0]["explanation"] == {"steps": ["nested"]}
    assert calls == [1]
