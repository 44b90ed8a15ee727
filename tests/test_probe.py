"""labkit.probe: one row per call, filled from the response and the backend's authorization."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import botocore.exceptions
import pandas as pd

from labkit.backend.record import DecisionRecord, Evaluation, NetworkRoute, RecordedRequest
from labkit.probe import ALL_COLUMNS, MESSAGE_LIMIT, Call, run_calls


class FakeLogs:
    """A client whose put_log_events answers per log group."""

    def put_log_events(self, **params: Any) -> Mapping[str, Any]:
        group = params["logGroupName"]
        if group == "denied":
            raise botocore.exceptions.ClientError(
                {
                    "Error": {"Code": "AccessDeniedException", "Message": "User: x is not ..."},
                    "ResponseMetadata": {"HTTPStatusCode": 400, "RequestId": "r-denied"},
                },
                "PutLogEvents",
            )
        if group == "slow":
            raise botocore.exceptions.ReadTimeoutError(endpoint_url="http://127.0.0.1:1/")
        return {
            "nextSequenceToken": "0" * 2000,
            "ResponseMetadata": {"HTTPStatusCode": 200, "RequestId": "r-ok"},
        }


class FakeTarget:
    def __init__(self) -> None:
        self.asked: list[tuple[str | None, Mapping[str, Any] | None]] = []

    def client(self, service: str, who: str = "instance") -> Any:
        return FakeLogs()

    def record(
        self, call: Call, request_id: str | None, error: Mapping[str, Any] | None
    ) -> DecisionRecord | None:
        self.asked.append((request_id, error))
        if request_id not in ("r-denied", "r-ok"):
            return None
        request = RecordedRequest("arn:p", "logs:PutLogEvents", "arn:r", True)
        decision = "ImplicitlyDenied" if request_id == "r-denied" else "Allowed"
        return DecisionRecord(
            request_id,
            "t",
            "denied" if request_id == "r-denied" else "allowed",
            network=NetworkRoute(via_endpoint=True),
            evaluations=(Evaluation(request, decision),),
        )


def put(group: str) -> Call:
    return Call("logs", "PutLogEvents", {"logGroupName": group}, target=group)


def test_rows_come_from_responses_and_the_backend() -> None:
    target = FakeTarget()
    frame = run_calls(target, [put("ok"), put("denied"), put("slow")])
    assert list(frame.columns) == list(ALL_COLUMNS)
    ok, denied, slow = (frame.iloc[i] for i in range(3))
    assert (ok["decision"], ok["http_status"], ok["error_code"]) == ("Allowed", 200, "")
    assert len(ok["message"]) == MESSAGE_LIMIT and ok["message"].endswith("…")
    assert (denied["http_status"], denied["error_code"]) == (400, "AccessDeniedException")
    assert denied["message"] == "User: x is not ..." and denied["request_id"] == "r-denied"
    assert slow["error_code"] == "Timeout" and pd.isna(slow["http_status"])
    assert pd.isna(slow["decision"]) and pd.isna(slow["via_endpoint"])
    assert target.asked[1] == (
        "r-denied",
        {"Code": "AccessDeniedException", "Message": "User: x is not ..."},
    )
    assert all(latency >= 0 for latency in frame["latency_ms"])


def test_columns_have_stable_dtypes() -> None:
    frame = run_calls(FakeTarget(), [put("ok")])
    assert str(frame["http_status"].dtype) == "Int64"
    assert str(frame["via_endpoint"].dtype) == "boolean"
    assert frame["latency_ms"].dtype == "float64"
    assert list(frame["target"]) == ["ok"] and list(frame["who"]) == ["instance"]
