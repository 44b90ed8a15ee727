"""``labkit demo``: the real CLI runs the walkthrough on a fresh lab and reports what it saw."""

from __future__ import annotations

import ipaddress
import json
import subprocess
import sys

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

VPC = ipaddress.ip_network("172.31.0.0/16")
SESSION = "assumed-role/ec2-logs-fullaccess-role/i-"


def demo(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "labkit", "demo", *args],
        capture_output=True,
        text=True,
        timeout=180,
    )


@pytest.fixture(scope="module")
def json_run() -> tuple[subprocess.CompletedProcess[str], dict]:
    done = demo("--json")
    return done, json.loads(done.stdout)  # stdout must be valid JSON and nothing else


def test_exit_zero_and_progress_on_stderr(json_run) -> None:
    done, report = json_run
    assert done.returncode == 0, done.stderr
    assert "labkit demo: starting a local lab" in done.stderr
    assert report["differences"] == []
    assert report["endpoint"]["lifecycle"] == ["pending", "available"]
    assert report["endpoint"]["service"] == "com.amazonaws.ap-northeast-1.logs"


def test_dns_gives_three_private_addresses_with_ttl_60(json_run) -> None:
    _, report = json_run
    answers = report["dns"]["answers"]
    assert report["dns"]["view"] == "vpc" and report["dns"]["status"] == "NOERROR"
    assert len(answers) == 3
    assert all(ipaddress.ip_address(a["address"]) in VPC for a in answers)
    assert {a["ttl"] for a in answers} == {60}
    assert len({a["address"] for a in answers}) == 3


def test_one_put_allowed_and_one_implicitly_denied_with_the_access_denied_text(json_run) -> None:
    _, report = json_run
    rows = {r["log_group"]: r for r in report["results"]}
    assert set(rows) == {"logs-test-allowed", "logs-test-denied"}
    allowed, denied = rows["logs-test-allowed"], rows["logs-test-denied"]
    assert all(r["action"] == "logs:PutLogEvents" and r["via_endpoint"] for r in rows.values())
    assert (allowed["decision"], allowed["http_status"], allowed["error_code"]) == (
        "Allowed",
        200,
        "",
    )
    assert "nextSequenceToken" in allowed["message"]
    assert (denied["decision"], denied["http_status"], denied["error_code"]) == (
        "ImplicitlyDenied",
        400,
        "AccessDeniedException",
    )
    assert denied["denied_by"] == "vpc-endpoint"
    message = denied["message"]
    assert message.startswith("User: arn:aws:sts::") and SESSION in message
    assert ":log-group:logs-test-denied:log-stream:log-stream" in message
    assert message.endswith("because no VPC endpoint policy allows the logs:PutLogEvents action")


def test_the_policy_in_force_is_the_walkthrough_one(json_run) -> None:
    _, report = json_run
    (statement,) = report["endpoint"]["policy"]["Statement"]
    assert statement["Resource"] == [
        "arn:aws:logs:ap-northeast-1:111122223333:log-group:logs-test-allowed:*"
    ]


def test_text_output_and_2019_wording() -> None:
    done = demo("--message-style", "2019")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "logs.ap-northeast-1.amazonaws.com.\t60\tIN\tA\t172.31." in out
    denied = next(line for line in out.splitlines() if line.startswith("logs-test-denied"))
    assert "ImplicitlyDenied" in denied and "AccessDeniedException" in denied
    # 2019: the message ends with the resource, no "because ..."
    assert denied.endswith(":log-group:logs-test-denied:log-stream:log-stream")
    assert "because no VPC endpoint policy" not in out


class FakeLogs:
    """Just enough of a Logs client: one group with no stream."""

    def __init__(self) -> None:
        self.groups: dict[str, set[str]] = {"logs-test-allowed": set()}
        self.created: list[tuple[str, ...]] = []

    def describe_log_groups(self, logGroupNamePrefix: str) -> dict:
        return {"logGroups": [{"logGroupName": g} for g in self.groups if g == logGroupNamePrefix]}

    def create_log_group(self, logGroupName: str) -> None:
        self.groups[logGroupName] = set()
        self.created.append(("group", logGroupName))

    def describe_log_streams(self, logGroupName: str) -> dict:
        return {"logStreams": [{"logStreamName": s} for s in self.groups[logGroupName]]}

    def create_log_stream(self, logGroupName: str, logStreamName: str) -> None:
        self.groups[logGroupName].add(logStreamName)
        self.created.append(("stream", logGroupName, logStreamName))


class FakeLab:
    def __init__(self) -> None:
        self.logs = FakeLogs()

    def client(self, service: str, who: str) -> FakeLogs:
        assert (service, who) == ("logs", "admin")
        return self.logs


def test_missing_groups_and_streams_are_created_as_the_admin() -> None:
    from labkit.commands.demo import ensure_streams

    lab = FakeLab()
    groups = (("logs-test-allowed", ("log-stream",)), ("logs-test-denied", ("log-stream",)))
    made = ensure_streams(lab, groups)
    assert made == [
        "logs-test-allowed/log-stream",
        "logs-test-denied",
        "logs-test-denied/log-stream",
    ]
    assert ensure_streams(lab, groups) == []  # nothing left to create


def test_a_run_that_differs_from_the_walkthrough_is_reported() -> None:
    from labkit.commands.demo import differences

    report = {
        "vpc_cidr": "172.31.0.0/16",
        "dns": {"status": "NOERROR", "answers": [{"type": "A", "address": "203.0.113.10"}]},
        "results": [
            {
                "log_group": "logs-test-allowed",
                "action": "logs:PutLogEvents",
                "decision": "Allowed",
            },
            {"log_group": "logs-test-denied", "action": "logs:PutLogEvents", "decision": "Allowed"},
        ],
    }
    found = differences(report, "logs-test-allowed")
    assert found == [
        "DNS answered ['203.0.113.10'], not addresses in 172.31.0.0/16",
        "logs:PutLogEvents to logs-test-denied was Allowed",
    ]
