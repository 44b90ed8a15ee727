"""AWS's own texts stay as AWS sends them whatever labkit's language: AccessDenied messages,
error codes, the CLI's error lines. labkit's words around them are translated."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from labkit.i18n import set_language
from labkit.policy import access_denied_message, cli_error_output
from labkit.policy.kinds import KIND_LABELS, kind_label

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff\uff00-\uffef]")
PRINCIPAL = "arn:aws:sts::111122223333:assumed-role/ec2-logs-fullaccess-role/i-0717b85348d6abc26"
RESOURCE = "arn:aws:logs:ap-northeast-1:111122223333:log-group:logs-test-denied:log-stream:s"


def _aws_texts() -> list[str]:
    texts = []
    for style in ("current", "2019", "2026"):
        for kind in KIND_LABELS:
            for explicit in (True, False):
                texts.append(
                    access_denied_message(
                        PRINCIPAL, "logs:PutLogEvents", RESOURCE, kind, explicit, style=style
                    )
                )
    message = texts[0]
    for cli in ("v1", "v2"):
        texts.append(cli_error_output("PutLogEvents", "AccessDeniedException", message, cli)[0])
    return texts


def test_access_denied_messages_and_cli_output_are_the_same_in_japanese() -> None:
    english = _aws_texts()
    try:
        set_language("ja")
        japanese = _aws_texts()
        assert kind_label("vpc-endpoint") == "VPC エンドポイントポリシー"  # labkit's word moved
    finally:
        set_language(None)
    assert japanese == english
    assert not any(JAPANESE.search(text) for text in japanese)


@pytest.mark.e2e
@pytest.mark.slow
def test_the_walkthrough_in_japanese_keeps_the_wire_texts() -> None:
    """A local lab run with LABKIT_LANG=ja: progress in Japanese, AWS's answers verbatim."""
    done = subprocess.run(
        [sys.executable, "-m", "labkit", "demo", "--json"],
        capture_output=True,
        text=True,
        timeout=300,
        env={"PATH": "/usr/bin:/bin", "LABKIT_LANG": "ja", "HOME": "/tmp"},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "ローカルラボを起動しています" in done.stderr  # labkit's own words
    rows = {row["log_group"]: row for row in json.loads(done.stdout)["results"]}
    denied = rows["logs-test-denied"]
    assert denied["error_code"] == "AccessDeniedException" and denied["http_status"] == 400
    session = "User: arn:aws:sts::111122223333:assumed-role/ec2-logs-fullaccess-role/i-"
    assert denied["message"].startswith(session)
    assert denied["message"].endswith(
        "is not authorized to perform: logs:PutLogEvents on resource: arn:aws:logs:"
        "ap-northeast-1:111122223333:log-group:logs-test-denied:log-stream:log-stream "
        "because no VPC endpoint policy allows the logs:PutLogEvents action"
    )
    assert not JAPANESE.search(done.stdout)
