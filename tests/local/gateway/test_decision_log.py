"""The decision log: typed records by request ID, bounded, explanations computed once."""

from __future__ import annotations

import threading

import pytest

from labkit.backend.record import DecisionRecord, Evaluation, RecordedPolicy, RecordedRequest
from labkit.local.gateway.decision_log import DecisionLog, record_bytes


def record(request_id: str, **facts: object) -> DecisionRecord:
    return DecisionRecord(request_id=request_id, time="t", outcome="allowed", **facts)  # type: ignore[arg-type]


def test_records_are_found_by_request_id_and_carry_it() -> None:
    log = DecisionLog()
    log.record(record("r1", http_status=200))
    found = log.get("r1")
    assert found is not None and found.request_id == "r1" and found.http_status == 200
    assert log.get("unknown") is None


def test_records_cannot_be_changed_by_a_reader() -> None:
    log = DecisionLog()
    log.record(record("r1", http_status=200))
    with pytest.raises(AttributeError):
        log.get("r1").http_status = 500  # type: ignore[misc,union-attr]


def test_the_oldest_records_are_dropped_past_capacity() -> None:
    log = DecisionLog(capacity=3)
    for i in range(5):
        log.record(record(f"r{i}", http_status=i))
    assert len(log) == 3 and log.get("r0") is None and log.get("r4") is not None
    assert [r.http_status for r in log.recent(2)] == [3, 4]


def test_capacity_must_be_positive() -> None:
    with pytest.raises(ValueError, match="capacity must be at least 1"):
        DecisionLog(capacity=0)


def test_concurrent_writers_lose_nothing() -> None:
    log = DecisionLog()

    def write(n: int) -> None:
        for i in range(500):
            log.record(record(f"{n}-{i}"))

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(log) == 4000


def test_the_explanation_is_computed_once_on_first_read() -> None:
    calls: list[int] = []

    def explain() -> dict:
        calls.append(1)
        return {"steps": ["nested"]}

    request = RecordedRequest("arn:aws:iam::111122223333:user/u", "logs:PutLogEvents", "*")
    evaluation = Evaluation(request, "Allowed", explain=explain)
    log = DecisionLog()
    log.record(record("r1", evaluations=(evaluation,)))
    assert calls == []
    assert log.get("r1").final.explanation == {"steps": ["nested"]}  # type: ignore[union-attr]
    assert log.recent(1)[0].to_dict()["evaluations"][0]["explanation"] == {"steps": ["nested"]}
    assert calls == [1]


def test_a_record_survives_its_trip_through_json() -> None:
    import json

    request = RecordedRequest("p", "logs:PutLogEvents", "r", True, {"aws:SourceVpce": "vpce-1"})
    evaluation = Evaluation(request, "ImplicitlyDenied", "vpc-endpoint", "no", explain=dict)
    original = record("r1", evaluations=(evaluation,))
    back = DecisionRecord.from_dict(json.loads(json.dumps(original.to_dict())))
    assert back.to_dict() == original.to_dict()
    assert (back.decision, back.denied_by, back.request) == (
        "ImplicitlyDenied",
        "vpc-endpoint",
        request,
    )


def test_the_log_is_capped_by_estimated_bytes_as_well_as_by_count() -> None:
    policy = RecordedPolicy("identity", "x" * 10_000)
    evaluation = Evaluation(RecordedRequest("p", "a", "r"), "Allowed", policies=(policy,) * 3)
    heavy = record("h0", evaluations=(evaluation,))
    size = record_bytes(heavy)
    assert size > 30_000
    log = DecisionLog(capacity=1_000, max_bytes=size * 5)
    for index in range(50):
        log.record(record(f"h{index}", evaluations=(evaluation,)))
    assert len(log) == 5 and log.estimated_bytes <= size * 5
    assert log.get("h44") is None and log.get("h49") is not None
    light = DecisionLog(capacity=3, max_bytes=10**9)
    for index in range(10):
        light.record(record(f"l{index}"))
    assert list(light) == ["l7", "l8", "l9"]


def test_a_record_larger_than_the_byte_cap_is_still_kept_alone() -> None:
    log = DecisionLog(max_bytes=1)
    log.record(record("a"))
    log.record(record("b"))
    assert list(log) == ["b"] and log.get("b") is not None
